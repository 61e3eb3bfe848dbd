/* The linker's driver: symbols, the kernel's checks, and the relocation
 * loop.  Layout is in layout.c, the map in map.c, the blob in blob.c, and
 * everything that depends on the architecture in arch/. */
#include "link-int.h"
#include "ksyms.h"
#include "log.h"
#include "modinfo.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* After this many relocation errors the rest are counted, not shown. */
#define MAX_RELOC_ERRORS 20

const struct arch_ops *arch_for_machine(uint16_t machine)
{
	switch (machine) {
	case EM_X86_64: return &arch_x86_64;
	case EM_386: return &arch_i386;
	case EM_AARCH64: return &arch_aarch64;
	default: return NULL;
	}
}

/* ---- Names for messages ---------------------------------------------- */

const char *link_module_path(const struct linker *lk)
{
	return lk->job && lk->job->path ? lk->job->path : "module";
}

const char *link_symbol_name(const struct linker *lk, uint32_t sym)
{
	struct elf_symbol s;

	if (!lk->elf || sym >= lk->elf->nsymbols)
		return "?";
	elf_symbol(lk->elf, sym, &s);
	if (s.type == STT_SECTION && s.shndx < lk->elf->nsections)
		return lk->elf->sections[s.shndx].name;
	return s.name[0] ? s.name : "(unnamed)";
}

static pthread_mutex_t error_lock = PTHREAD_MUTEX_INITIALIZER;

int link_reloc_error(struct linker *lk, const struct reloc_site *site, const char *fmt, ...)
{
	char msg[256], tname[32];
	const char *name = lk->arch && lk->arch->reloc_name ? lk->arch->reloc_name(site->type) : NULL;
	const char *path = lk->job ? lk->job->path : "module";
	const char *sec = lk->elf ? lk->elf->sections[site->target].name : "?";
	va_list ap;

	pthread_mutex_lock(&error_lock);	/* relocation may run on two threads */
	if (++lk->errors > MAX_RELOC_ERRORS) {
		pthread_mutex_unlock(&error_lock);
		return -ENOEXEC;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!name) {
		snprintf(tname, sizeof(tname), "type %" PRIu32, site->type);
		name = tname;
	}
	log_error("%s: relocation %s at %s+0x%" PRIx64 " against %s: %s", path, name, sec,
		  site->offset, link_symbol_name(lk, site->sym), msg);
	pthread_mutex_unlock(&error_lock);
	return -ENOEXEC;
}

int link_check_room(struct linker *lk, const struct reloc_site *site, unsigned width)
{
	if (site->room >= width)
		return 0;
	return link_reloc_error(lk, site, "a %u-byte field does not fit in the section (%" PRIu64
				" bytes left)", width, site->room);
}

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
static int load_symbols(const struct link_job *job, struct ksym_table *kt)
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

	return modinfo_is_one_of(elf, "license", ok, sizeof(ok) / sizeof(ok[0]));
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
	int unresolved, gpl_refused, ns_refused, common;
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
	if (k->ns && k->ns_len && !imports_namespace(lk->elf, k->ns, k->ns_len)) {
		log_error("%s: uses symbol %s from namespace %.*s, but does not import it (MODULE_IMPORT_NS(%.*s))",
			  path, name, (int)k->ns_len, k->ns, (int)k->ns_len, k->ns);
		st->ns_refused++;
	}
}

/* Gives every undefined symbol its value (symval) and makes the kernel's
 * checks on it; reports every failure before returning. */
static int resolve(struct linker *lk, const struct ksym_table *kt)
{
	const struct elf_file *elf = lk->elf;
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
		if (lk->arch->ignore_undefined && lk->arch->ignore_undefined(s.name))
			continue;
		k = ksyms_lookup(kt, s.name);
		if (k && (k->flags & KSYM_EXPORTED)) {
			lk->symval[i] = k->addr;
			check_export(lk, k, s.name, &st);
		} else if (s.bind != STB_WEAK) {
			log_complaint("%s: unresolved symbol %s", path, s.name);
			st.unresolved++;
		}
		/* an unresolved weak symbol keeps the value 0, as in the kernel */
	}
	if (st.unresolved)
		return -ENOENT;
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
		if (kt->have_crcs && !job->force)
			log_warn("%s: has no symbol versions (__versions) while the kernel has them: the kernel will taint itself",
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
		link_version_problem(job, &err, len == 13 && memcmp(name, "module_layout", 13) == 0 ? -ENOEXEC : -EINVAL,
				"%s: disagrees about version of symbol %.*s (module has CRC 0x%08" PRIx32
				", kernel 0x%08" PRIx32 ")",
				job->path, (int)len, name, crc, k->crc);
	}
	return err;
}

/* ---- Layout-dependent symbol values ------------------------------------ */

static int compute_symbol_values(struct linker *lk)
{
	const struct elf_file *elf = lk->elf;

	for (size_t i = 1; i < elf->nsymbols; i++) {
		struct elf_symbol s;

		elf_symbol(elf, i, &s);
		if (s.shndx == SHN_UNDEF || s.shndx == SHN_COMMON)
			continue;	/* resolve() set it (or left 0) */
		if (s.shndx >= SHN_LORESERVE || s.shndx == SHN_UNDEF)
			lk->symval[i] = s.value;	/* SHN_ABS and other reserved ones */
		else if (lk->secs[s.shndx].placed)
			lk->symval[i] = lk->secs[s.shndx].addr + s.value;
		else {
			lk->symval[i] = s.value;	/* not loaded: only an error if used */
			lk->symlost[i] = 1;
		}
	}
	return 0;
}

/* ---- Relocation --------------------------------------------------------- */

/* Fills *site from a decoded entry: where the field is, where it will
 * run, and S. */
static int fill_site(struct linker *lk, size_t relsec, size_t i, const struct elf_reloc *r,
		     struct reloc_site *site)
{
	const struct elf_file *elf = lk->elf;
	const struct link_sec *t;

	site->relsec = relsec;
	site->index = i;
	site->target = elf->sections[relsec].info;
	site->type = r->type;
	site->sym = r->sym;
	site->offset = r->offset;
	site->A = r->addend;
	t = &lk->secs[site->target];
	site->P = t->addr + r->offset;
	site->loc = lk->image + t->offset + r->offset;
	site->room = t->size >= r->offset ? t->size - r->offset : 0;
	site->S = lk->symval[r->sym];
	if (t->type == SHT_NOBITS && elf->sections[site->target].type == SHT_NOBITS)
		return link_reloc_error(lk, site, "relocation in a section without contents (NOBITS)");
	if (lk->symlost[r->sym]) {
		struct elf_symbol s;

		elf_symbol(elf, r->sym, &s);
		return link_reloc_error(lk, site, "the symbol is in section %s, which is not loaded",
					elf->sections[s.shndx].name);
	}
	return 0;
}

int link_site(struct linker *lk, size_t relsec, size_t i, struct reloc_site *site)
{
	struct elf_reloc r;
	int err = elf_reloc(lk->elf, relsec, i, &r);

	return err ? err : fill_site(lk, relsec, i, &r, site);
}

/* Entries are decoded in batches: amdgpu has 320,000 of them, and one
 * accessor call per field would cost more than applying them. */
#define RELOC_BATCH 256

int link_apply_section_in_order(struct linker *lk, size_t relsec)
{
	size_t n = elf_reloc_count(lk->elf, relsec), i = 0;
	struct elf_reloc batch[RELOC_BATCH];
	int err = 0;

	while (i < n) {
		size_t got = elf_reloc_batch(lk->elf, relsec, i, RELOC_BATCH, batch);

		for (size_t k = 0; k < got; k++) {
			struct reloc_site site;
			int r = fill_site(lk, relsec, i + k, &batch[k], &site);

			if (!r)
				r = lk->arch->apply_one(lk, &site);
			if (r && !err)
				err = r;
		}
		i += got;
		if (got < RELOC_BATCH && i < n) {
			/* a bad entry: elf_reloc() says what is wrong with it */
			struct elf_reloc bad;
			int r = elf_reloc(lk->elf, relsec, i++, &bad);

			if (!err)
				err = r ? r : -ENOEXEC;
		}
	}
	return err;
}

/* Which relocation sections to apply (the kernel skips those of unloaded
 * sections), refusing the kinds the kernel refuses. */
static int reloc_sections(struct linker *lk, size_t *list, size_t *n)
{
	const struct elf_file *elf = lk->elf;

	*n = 0;
	for (size_t s = 1; s < elf->nsections; s++) {
		const struct elf_section *rs = &elf->sections[s];

		if (!elf_is_reloc_section(elf, s) || !lk->secs[rs->info].placed)
			continue;
		if (rs->flags & 0x00100000 /* SHF_RELA_LIVEPATCH */) {
			log_error("%s: section %s holds livepatch relocations, which only the kernel can apply",
				  lk->job->path, rs->name);
			return -ENOEXEC;
		}
		if (rs->type != lk->arch->reloc_section) {
			log_error("%s: section %s: %s relocations are not supported on %s",
				  lk->job->path, rs->name, rs->type == SHT_REL ? "REL" : "RELA", lk->arch->name);
			return -ENOEXEC;
		}
		list[(*n)++] = s;
	}
	return 0;
}

static int apply_sections(struct linker *lk, const size_t *list, size_t n)
{
	int err = 0;

	for (size_t k = 0; k < n; k++) {
		int r = lk->arch->apply_section ? lk->arch->apply_section(lk, list[k])
						: link_apply_section_in_order(lk, list[k]);

		if (r && !err)
			err = r;
	}
	return err;
}

/* Below this many entries a second thread costs more than it saves. */
#define PARALLEL_RELOCS 65536

struct reloc_half {
	struct linker *lk;
	size_t *list, n;
	int err;
};

static void *apply_half(void *arg)
{
	struct reloc_half *h = arg;

	h->err = apply_sections(h->lk, h->list, h->n);
	return NULL;
}

/* Large modules on an architecture whose entries are independent (no
 * apply_section hook, so no PLT state) are relocated by two threads, each
 * taking whole target sections, so no field is ever touched by both.  The
 * split balances entry counts greedily. */
static int apply_parallel(struct linker *lk, size_t *list, size_t n)
{
	const struct elf_file *elf = lk->elf;
	struct reloc_half h[2] = { { lk, NULL, 0, 0 }, { lk, NULL, 0, 0 } };
	size_t load[2] = { 0, 0 }, total = 0;
	pthread_t t;
	int err;

	for (size_t k = 0; k < n; k++)
		total += elf_reloc_count(elf, list[k]);
	if (lk->arch->apply_section || total < PARALLEL_RELOCS || n < 2)
		return apply_sections(lk, list, n);
	h[0].list = malloc(n * sizeof(size_t));
	h[1].list = malloc(n * sizeof(size_t));
	if (!h[0].list || !h[1].list) {
		free(h[0].list);
		free(h[1].list);
		return apply_sections(lk, list, n);
	}
	for (size_t k = 0; k < n; k++) {
		/* sections patching one target stay together */
		int side = load[1] < load[0];

		for (size_t j = 0; j < h[0].n; j++)
			if (elf->sections[h[0].list[j]].info == elf->sections[list[k]].info)
				side = 0;
		for (size_t j = 0; j < h[1].n; j++)
			if (elf->sections[h[1].list[j]].info == elf->sections[list[k]].info)
				side = 1;
		h[side].list[h[side].n++] = list[k];
		load[side] += elf_reloc_count(elf, list[k]);
	}
	if (pthread_create(&t, NULL, apply_half, &h[1]) != 0) {
		h[1].err = apply_sections(lk, h[1].list, h[1].n);
		apply_half(&h[0]);
	} else {
		apply_half(&h[0]);
		pthread_join(t, NULL);
	}
	err = h[0].err ? h[0].err : h[1].err;
	free(h[0].list);
	free(h[1].list);
	return err;
}

static int relocate(struct linker *lk)
{
	size_t *list = malloc(lk->elf->nsections * sizeof(*list)), n;
	int err;

	if (!list)
		return -ENOMEM;
	err = reloc_sections(lk, list, &n);
	if (!err)
		err = apply_parallel(lk, list, n);
	free(list);
	if (lk->errors > MAX_RELOC_ERRORS)
		log_error("%s: %u more relocation errors not shown", lk->job->path,
			  lk->errors - MAX_RELOC_ERRORS);
	return err;
}

/* ---- The image ----------------------------------------------------------- */

#define HUGE_PAGE (2u << 20)

/* One zero-filled allocation.  A large image is mapped on 2 MiB
 * boundaries with transparent huge pages asked for: filling 8 MB of
 * amdgpu through 4 KB page faults costs more than relocating it. */
static uint8_t *image_alloc(struct linker *lk)
{
	size_t size = lk->image_size ? (size_t)lk->image_size : 1;
	uint8_t *p, *aligned;

	if (size < HUGE_PAGE)
		return calloc(1, size);
	p = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	aligned = (uint8_t *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	madvise(aligned, size, MADV_HUGEPAGE);
	lk->image_map = p;
	lk->image_map_size = size + HUGE_PAGE;
	return aligned;
}

static void image_free(struct linker *lk)
{
	if (lk->image_map)
		munmap(lk->image_map, lk->image_map_size);
	else
		free(lk->image);
	lk->image = lk->image_map = NULL;
}

/* Each loaded section with contents copied to its offset; padding and
 * NOBITS stay zero. */
static int build_image(struct linker *lk)
{
	const struct elf_file *elf = lk->elf;

	/* the kernel's module area is at most a few GiB; a larger image is a
	 * corrupt size, not a module */
	if (lk->image_size > SIZE_MAX || lk->image_size > ((uint64_t)1 << 30)) {
		log_error("%s: the module's sections add up to %" PRIu64 " bytes, more than 1 GiB",
			  lk->job->path, lk->image_size);
		return -ENOEXEC;
	}
	lk->image = image_alloc(lk);
	if (!lk->image) {
		log_error("%s: out of memory for a %" PRIu64 "-byte image", lk->job->path, lk->image_size);
		return -ENOMEM;
	}
	for (size_t i = 1; i < elf->nsections; i++) {
		const struct link_sec *s = &lk->secs[i];

		if (s->placed && s->type != SHT_NOBITS && elf->sections[i].data)
			memcpy(lk->image + s->offset, elf->sections[i].data,
			       (size_t)(s->size < elf->sections[i].size ? s->size : elf->sections[i].size));
	}
	return 0;
}

/* ---- Setup ------------------------------------------------------------- */

static int setup(struct linker *lk, const struct link_job *job)
{
	const struct elf_file *elf = job->elf;

	memset(lk, 0, sizeof(*lk));
	lk->job = job;
	lk->elf = elf;
	lk->arch = arch_for_machine(elf->machine);
	if (!lk->arch) {
		log_error("%s: the linker does not support %s modules (e_machine %u)", job->path,
			  elf_machine_name(elf->machine), elf->machine);
		return -ENOEXEC;
	}
	if (lk->arch->is64 != elf->is64 || lk->arch->big_endian != elf->big_endian) {
		log_error("%s: %s module with the wrong ELF class or byte order", job->path, lk->arch->name);
		return -ENOEXEC;
	}
	if (!elf->symtab) {
		log_error("%s: module has no symbols (stripped?)", job->path);
		return -ENOEXEC;
	}
	if (!elf->this_module) {
		log_error("%s: no .gnu.linkonce.this_module section: not a kernel module", job->path);
		return -ENOEXEC;
	}
	lk->base = job->have_base ? job->base : LINK_DEFAULT_BASE;
	lk->secs = calloc(elf->nsections, sizeof(*lk->secs));
	lk->symval = calloc(elf->nsymbols ? elf->nsymbols : 1, sizeof(*lk->symval));
	lk->symlost = calloc(elf->nsymbols ? elf->nsymbols : 1, 1);
	if (!lk->secs || !lk->symval || !lk->symlost)
		return -ENOMEM;
	for (size_t i = 0; i < elf->nsections; i++) {
		const struct elf_section *e = &elf->sections[i];

		lk->secs[i].type = e->type;
		lk->secs[i].flags = e->flags;
		lk->secs[i].size = e->size;
		lk->secs[i].align = e->addralign;
	}
	return 0;
}

static void teardown(struct linker *lk)
{
	if (lk->arch && lk->arch->release)
		lk->arch->release(lk);
	image_free(lk);
	free(lk->secs);
	free(lk->symval);
	free(lk->symlost);
}

/* -n, -m and -O need real addresses; say how to get them. */
static int need_addresses(const struct link_job *job, const struct ksym_table *kt)
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

/* ---- Overlapping the slow parts ---------------------------------------- */

/* A large module's link does its two slow file jobs beside the rest: the
 * kernel symbol files are read (about 2 ms for 3.4 MB of kallsyms and
 * Module.symvers) while the sections are laid out and copied into the
 * image, and the -O file is created and its blocks reserved (for amdgpu's
 * 8 MB on tmpfs, half the cost of writing it) while the image is built and
 * relocated.  A smaller module does it all in order: below about 4 MiB
 * the threads cost what they save (median of 31 runs: xfs, 4 MiB, 6.1 ->
 * 5.9 ms with them; sunrpc, nfsd and ath10k_core, 1.2 to 1.6 MiB, no
 * faster or slower by 0.1 ms).  Reading the symbol files beside the image
 * adds no memory: they are read piece by piece.  Both jobs log only on
 * failure, and the -O file's failure waits for link_blob_commit(). */
#define OVERLAP_MIN_FILE (4u << 20)

struct side_job {
	pthread_t thread;
	bool running;
	int (*fn)(void *);
	void *arg;
	int result;
};

static void *side_main(void *p)
{
	struct side_job *j = p;

	j->result = j->fn(j->arg);
	return NULL;
}

/* Runs fn(arg) on a thread of its own when asked and possible, else now. */
static void side_start(struct side_job *j, bool threaded, int (*fn)(void *), void *arg)
{
	j->fn = fn;
	j->arg = arg;
	j->result = 0;
	j->running = threaded && pthread_create(&j->thread, NULL, side_main, j) == 0;
	if (!j->running)
		j->result = fn(arg);
}

static int side_finish(struct side_job *j)
{
	if (j->running)
		pthread_join(j->thread, NULL);
	j->running = false;
	return j->result;
}

struct symbols_job {
	const struct link_job *job;
	struct ksym_table *kt;
};

static int read_symbols(void *arg)
{
	struct symbols_job *s = arg;

	return load_symbols(s->job, s->kt);
}

struct blob_job {
	struct blob_file *blob;
	const char *path;
	size_t size;
};

static int open_blob(void *arg)
{
	struct blob_job *b = arg;

	link_blob_open(b->blob, b->path, b->size);
	return 0;
}

/* ---- The steps ------------------------------------------------------------ */

/* Layout and the symbols' addresses inside the module: what needs the
 * module alone, not the kernel's symbols. */
static int lay_out(struct linker *lk)
{
	const struct link_job *job = lk->job;
	int r = 0;

	if (lk->arch->frob_sections)
		r = lk->arch->frob_sections(lk);
	if (!r)
		r = link_layout(lk);
	if (!r && job->use_loaded_sections)
		r = link_loaded_addresses(lk, job->sysfs_root, job->module_name);
	if (!r)
		r = compute_symbol_values(lk);
	return r;
}

/* The kernel's checks against its symbols: vermagic, resolution (GPL-only,
 * namespaces), modversions; every failure is reported. */
static int check_against_kernel(struct linker *lk, const struct ksym_table *kt)
{
	int verr = link_check_vermagic(lk->job);
	int r = resolve(lk, kt);

	if (!verr)
		verr = check_modversions(lk->job, kt);
	return r ? r : verr;
}

/* Relocation and what follows it in the image, then -m. */
static int finish_image(struct linker *lk, const struct ksym_table *kt)
{
	const struct link_job *job = lk->job;
	int r = need_addresses(job, kt);

	if (!r)
		r = relocate(lk);
	if (!r)
		r = link_write_name(lk);
	if (!r && job->params)
		r = link_write_params(lk);
	if (!r && job->map)
		r = link_print_map(lk);
	return r;
}

/* With reading, the symbol files are read into kt first (or beside the
 * image, for a large module); without, kt has been read already. */
static int link_steps(struct linker *lk, const struct ksym_table *kt, struct symbols_job *reading)
{
	const struct link_job *job = lk->job;
	bool overlap = !job->probe && lk->elf->size >= OVERLAP_MIN_FILE;
	struct blob_file blob;
	struct blob_job bj = { &blob, job->blob_path, 0 };
	struct side_job symbols = { .running = false, .result = 0 }, out;
	bool blob_opened = false;
	int r;

	if (reading)
		side_start(&symbols, overlap, read_symbols, reading);
	if (!symbols.running && symbols.result)
		return symbols.result;
	if (job->probe) {
		r = check_against_kernel(lk, kt);
		side_finish(&symbols);
		return r;
	}
	r = lay_out(lk);
	if (!r && job->blob_path) {
		bj.size = (size_t)lk->image_size;
		side_start(&out, overlap, open_blob, &bj);
		blob_opened = true;
	}
	if (!r)
		r = build_image(lk);
	if (side_finish(&symbols))
		r = symbols.result;	/* a symbol file that cannot be read wins */
	if (!r)
		r = check_against_kernel(lk, kt);
	if (!r)
		r = finish_image(lk, kt);
	if (blob_opened) {
		side_finish(&out);
		if (r)
			link_blob_abandon(&blob);
		else
			r = link_blob_commit(&blob, lk->image, (size_t)lk->image_size);
	}
	return r;
}

int link_run(const struct link_job *job)
{
	struct linker lk;
	struct ksym_table kt;
	struct symbols_job reading = { job, &kt };
	int r;

	ksyms_init(&kt);
	r = setup(&lk, job);
	if (!r)
		r = job->kernel ? link_steps(&lk, job->kernel->symbols, NULL) : link_steps(&lk, &kt, &reading);
	if (r == -ENOMEM)
		log_error("%s: out of memory", job->path);
	teardown(&lk);
	ksyms_release(&kt);
	return r;
}
