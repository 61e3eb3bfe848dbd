/* The kernel's side of a link: reading its symbol files, resolving the
 * module's undefined symbols against them with the kernel's checks
 * (GPL-only exports, namespaces, common symbols, modversions), and the
 * symbols' values once the module is laid out. */
#include "link-steps.h"
#include "diagnose.h"
#include "ksyms.h"
#include "log.h"
#include "modinfo.h"
#include "util.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- Symbols ----------------------------------------------------------- */

/* Registers with the symbol table every name the module will ask for, so
 * that reading a large kallsyms keeps only those. */
static int want_names(const struct elf_file *elf, struct ksym_table *kt)
{
	int r = 0;

	for (size_t i = 1; i < elf->nsymbols && !r; i++) {
		struct elf_symbol s;

		elf_symbol(elf, i, &s);
		if (s.shndx == SHN_UNDEF && s.name[0])
			r = ksyms_want(kt, s.name);
	}
	for (size_t i = 0; i < modversions_count(elf) && !r; i++) {
		const char *name;
		size_t len;
		uint32_t crc;

		modversions_entry(elf, i, &crc, &name, &len);
		if (len && name[len] == '\0')
			r = ksyms_want(kt, name);
	}
	if (!r)
		r = ksyms_want(kt, "module_layout");
	ksyms_filter(kt);
	return r;
}

/* The job's symbol files, or the running kernel's. */
static int read_symbol_files(const struct link_job *job, struct ksym_table *kt)
{
	int r = 0;

	if (job->nsymbol_files == 0)
		r = ksyms_load_default(kt, job->sysfs_root, job->release);
	for (size_t i = 0; i < job->nsymbol_files && r == 0; i++)
		r = ksyms_load_file(kt, job->symbol_files[i]);
	if (r == 0)
		ksyms_finish(kt);
	return r;
}

/* One module's link keeps only the names it asks for. */
int load_symbols(const struct link_job *job, struct ksym_table *kt)
{
	int r = want_names(job->elf, kt);

	return r < 0 ? r : read_symbol_files(job, kt);
}

int link_kernel_read(const struct link_job *job, struct link_kernel *k)
{
	int r;

	memset(k, 0, sizeof(*k));
	k->symbols = malloc(sizeof(*k->symbols));
	if (!k->symbols)
		return -ENOMEM;
	ksyms_init(k->symbols);
	r = read_symbol_files(job, k->symbols);
	if (!r && job->release && *job->release)
		k->vermagic = link_reference_vermagic(job->sysfs_root, job->release);
	return r;
}

void link_kernel_release(struct link_kernel *k)
{
	if (k->symbols)
		ksyms_release(k->symbols);
	free(k->symbols);
	free(k->vermagic);
	memset(k, 0, sizeof(*k));
}

/* The kernel's license_is_gpl_compatible() list. */
static bool license_is_gpl_compatible(const struct elf_file *elf)
{
	static const char *const ok[] = {
		"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL",
		"Dual MIT/GPL", "Dual MPL/GPL",
	};

	return modinfo_is_one_of(elf, "license", ok, ARRAY_SIZE(ok));
}

static bool imports_namespace(const struct elf_file *elf, const char *ns, size_t len)
{
	struct modinfo_value v;
	size_t pos = 0;

	while (modinfo_next(elf, "import_ns", &pos, &v))
		if (v.len == len && memcmp(v.str, ns, len) == 0)
			return true;
	return false;
}

struct resolve_state {
	bool gpl;
	size_t unresolved;
	int gpl_refused, ns_refused, common;
	const char *missing[32];	/* the first unresolved names, for their providers */
};

/* The kernel's checks on one resolved symbol: GPL-only and namespace. */
static void check_export(const struct linker *lk, const struct ksym *k, const char *name,
			 struct resolve_state *st)
{
	const char *path = lk->job->path;

	if ((k->flags & KSYM_GPL) && !st->gpl) {
		log_error("%s: uses GPL-only symbol %s, but its license is not GPL-compatible", path, name);
		st->gpl_refused++;
	}
	if (k->ns && k->ns_len && !imports_namespace(lk->rc.elf, k->ns, k->ns_len)) {
		log_error("%s: uses symbol %s from namespace %.*s, but does not import it (MODULE_IMPORT_NS(%.*s))",
			  path, name, (int)k->ns_len, k->ns, (int)k->ns_len, k->ns);
		st->ns_refused++;
	}
}

/* Gives every undefined symbol its value (symval) and makes the kernel's
 * checks on it; reports every failure before returning. */
static int resolve(struct linker *lk, const struct ksym_table *kt)
{
	const struct elf_file *elf = lk->rc.elf;
	const char *path = lk->job->path;
	struct resolve_state st = { .gpl = license_is_gpl_compatible(elf) };

	for (size_t i = 1; i < elf->nsymbols; i++) {
		struct elf_symbol s;
		const struct ksym *k;

		elf_symbol(elf, i, &s);
		if (s.shndx == SHN_COMMON) {
			log_error("%s: symbol %s is a common symbol: the kernel refuses them (compile with -fno-common)",
				  path, s.name);
			st.common++;
			continue;
		}
		if (s.shndx != SHN_UNDEF || !s.name[0])
			continue;
		if (lk->rc.arch->ignore_undefined && lk->rc.arch->ignore_undefined(s.name))
			continue;
		k = ksyms_lookup(kt, s.name);
		if (k && (k->flags & KSYM_EXPORTED)) {
			lk->rc.symval[i] = k->addr;
			check_export(lk, k, s.name, &st);
		} else if (s.bind != STB_WEAK) {
			log_complaint("%s: unresolved symbol %s", path, s.name);
			if (st.unresolved < ARRAY_SIZE(st.missing))
				st.missing[st.unresolved] = s.name;
			st.unresolved++;
		}
		/* an unresolved weak symbol keeps the value 0, as in the kernel */
	}
	if (st.unresolved) {	/* which module to load first, as after a refused load */
		diagnose_report_providers(lk->job->sysfs_root, lk->job->release, st.missing,
					  st.unresolved < ARRAY_SIZE(st.missing) ? st.unresolved
										 : ARRAY_SIZE(st.missing), true);
		return -ENOENT;
	}
	if (st.gpl_refused)
		return -EACCES;
	if (st.ns_refused || st.common)
		return st.common ? -ENOEXEC : -EINVAL;
	return 0;
}

/* ---- Version checks ---------------------------------------------------- */

/* Every __versions entry against the table's CRCs, module_layout
 * included; the kernel compares them as 32-bit values. */
static int check_modversions(const struct link_job *job, const struct ksym_table *kt)
{
	const struct elf_file *elf = job->elf;
	size_t n = modversions_count(elf);
	int err = 0;

	if (n == 0) {
		if (kt->have_crcs && !job->force_modversion)
			log_quiet_warn("%s: has no symbol versions (__versions) while the kernel has them: the kernel will taint itself",
				 job->path);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		const struct ksym *k;
		const char *name;
		size_t len;
		uint32_t crc;

		modversions_entry(elf, i, &crc, &name, &len);
		if (!len)
			continue;
		k = ksyms_lookup_n(kt, name, len);
		if (!k || !(k->flags & KSYM_HAS_CRC) || k->crc == crc)
			continue;
		link_version_problem(job->force_modversion, &err, len == 13 && memcmp(name, "module_layout", 13) == 0 ? -ENOEXEC : -EINVAL,
				"%s: disagrees about version of symbol %.*s (module has CRC 0x%08" PRIx32
				", kernel 0x%08" PRIx32 ")",
				job->path, (int)len, name, crc, k->crc);
	}
	return err;
}

/* ---- Layout-dependent symbol values ------------------------------------ */

int compute_symbol_values(struct linker *lk)
{
	const struct elf_file *elf = lk->rc.elf;

	for (size_t i = 1; i < elf->nsymbols; i++) {
		struct elf_symbol s;

		elf_symbol(elf, i, &s);
		if (s.shndx == SHN_UNDEF || s.shndx == SHN_COMMON)
			continue;	/* resolve() set it (or left 0) */
		if (s.shndx >= SHN_LORESERVE || s.shndx == SHN_UNDEF)
			lk->rc.symval[i] = s.value;	/* SHN_ABS and other reserved ones */
		else if (lk->rc.secs[s.shndx].placed)
			lk->rc.symval[i] = lk->rc.secs[s.shndx].addr + s.value;
		else {
			lk->rc.symval[i] = s.value;	/* not loaded: only an error if used */
			lk->rc.symlost[i] = 1;
		}
	}
	return 0;
}

/* -n, -m and -O need real addresses; say how to get them. */
int need_addresses(const struct link_job *job, const struct ksym_table *kt)
{
	if (kt->have_addresses && !kt->addresses_hidden)
		return 0;
	if (kt->addresses_hidden)
		log_error("%s: the kernel hides symbol addresses (kptr_restrict): run as root, or give --kernel-symbols=FILE",
			  job->nsymbol_files ? job->symbol_files[0] : "/proc/kallsyms");
	else
		log_error("%s: the kernel symbol files give no addresses (Module.symvers only): give a kallsyms or System.map file with --kernel-symbols",
			  job->path);
	return -EPERM;
}

/* The kernel's checks against its symbols: vermagic, resolution (GPL-only,
 * namespaces), modversions; every failure is reported. */
int check_against_kernel(struct linker *lk, const struct ksym_table *kt)
{
	int verr = link_check_vermagic(lk->job);
	int r = resolve(lk, kt);

	if (!verr)
		verr = check_modversions(lk->job, kt);
	return r ? r : verr;
}

