/* The linker's driver: symbols, the kernel's checks, and the relocation
 * loop.  Layout is in layout.c, the map in map.c, the blob in blob.c, and
 * everything that depends on the architecture in arch/. */
#include "link-int.h"
#include "diagnose.h"
#include "file.h"
#include "ksyms.h"
#include "log.h"
#include "modinfo.h"
#include "thread.h"
#include "util.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

const char *link_judge(const struct linker *lk)
{
	return lk->job && lk->job->era24 ? "insmod" : "the kernel";
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
		if (kt->have_crcs && !job->force)
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
		return link_reloc_error(lk, site, "the symbol is in section %s, which is not loaded", s.shndx <
					elf->nsections ? elf->sections[s.shndx].name : "(of the definition it resolves to)");
	}
	return 0;
}

int link_site(struct linker *lk, size_t relsec, size_t i, struct reloc_site *site)
{
	struct elf_reloc r;
	int err = elf_reloc(lk->elf, relsec, i, &r);

	return err ? err : fill_site(lk, relsec, i, &r, site);
}

/* The arch file's quick pass, with apply_one for each entry it leaves. */
static int apply_quickly(struct linker *lk, size_t relsec)
{
	const struct elf_file *elf = lk->elf;
	const struct elf_section *rs = &elf->sections[relsec];
	const struct link_sec *t = &lk->secs[rs->info];
	struct reloc_quick q = {
		.entries = rs->data, .limit = elf->sections[rs->info].size,
		.loc = lk->image + t->offset, .addr = t->addr, .size = t->size,
		.symval = lk->symval, .symlost = lk->symlost, .nsymbols = elf->nsymbols,
	};
	size_t n = elf_reloc_count(elf, relsec), i = 0;
	int err = 0;

	while ((i = lk->arch->apply_quick(&q, i, n)) < n) {
		struct reloc_site site;
		int r = link_site(lk, relsec, i++, &site);

		if (!r)
			r = lk->arch->apply_one(lk, &site);
		if (r && !err)
			err = r;
	}
	return err;
}

/* Entries are decoded in batches: amdgpu has 320,000 of them, and one
 * accessor call per field would cost more than applying them. */
#define RELOC_BATCH 256

int link_apply_section_in_order(struct linker *lk, size_t relsec)
{
	size_t n = elf_reloc_count(lk->elf, relsec), i = 0;
	struct elf_reloc batch[RELOC_BATCH];
	int err = 0;

	/* a target without contents is refused entry by entry below */
	if (lk->arch->apply_quick && lk->secs[lk->elf->sections[relsec].info].type != SHT_NOBITS)
		return apply_quickly(lk, relsec);
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
static int reloc_sections(const struct linker *lk, size_t *list, size_t *n)
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

/* ---- The relocation queue ------------------------------------------------ */

/* What is left to relocate, as items that two threads take one at a time
 * (see "Two lanes").  Shared, an item is every relocation section of one
 * target section, applied in section order: no field is then written by
 * two threads, and the kernel's zero-before check sees what one thread
 * would.  The heaviest items go first, so that the threads run out of work
 * within an item of each other.  Not shared, an item is one relocation
 * section, in section order. */
struct reloc_item {
	size_t first, count;	/* queue.secs[first, first + count) */
	uint64_t entries;
};

struct reloc_queue {
	size_t *secs;
	size_t nsecs;
	struct reloc_item *items;
	size_t nitems;
	atomic_size_t next;	/* the next item to take */
};

struct by_target {
	size_t target, sec;
};

static int compare_target(const void *a, const void *b)
{
	const struct by_target *x = a, *y = b;

	if (x->target != y->target)
		return x->target < y->target ? -1 : 1;
	return x->sec < y->sec ? -1 : x->sec > y->sec;
}

static int compare_heaviest(const void *a, const void *b)
{
	const struct reloc_item *x = a, *y = b;

	if (x->entries != y->entries)
		return x->entries > y->entries ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* One item per target section, heaviest first. */
static int group_by_target(const struct linker *lk, struct reloc_queue *q)
{
	struct by_target *t = malloc((q->nsecs ? q->nsecs : 1) * sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (size_t k = 0; k < q->nsecs; k++)
		t[k] = (struct by_target){ lk->elf->sections[q->secs[k]].info, q->secs[k] };
	qsort(t, q->nsecs, sizeof(*t), compare_target);
	q->nitems = 0;
	for (size_t k = 0; k < q->nsecs; k++) {
		q->secs[k] = t[k].sec;
		if (k == 0 || t[k].target != t[k - 1].target)
			q->items[q->nitems++] = (struct reloc_item){ k, 0, 0 };
		q->items[q->nitems - 1].count++;
		q->items[q->nitems - 1].entries += elf_reloc_count(lk->elf, t[k].sec);
	}
	free(t);
	qsort(q->items, q->nitems, sizeof(*q->items), compare_heaviest);
	return 0;
}

static int queue_build(const struct linker *lk, struct reloc_queue *q, bool shared)
{
	size_t n = lk->elf->nsections ? lk->elf->nsections : 1;
	int r;

	q->secs = malloc(n * sizeof(*q->secs));
	q->items = malloc(n * sizeof(*q->items));
	q->nsecs = q->nitems = 0;
	atomic_init(&q->next, 0);
	if (!q->secs || !q->items)
		return -ENOMEM;
	r = reloc_sections(lk, q->secs, &q->nsecs);
	if (r || shared)
		return r ? r : group_by_target(lk, q);
	for (size_t k = 0; k < q->nsecs; k++)
		q->items[k] = (struct reloc_item){ k, 1, elf_reloc_count(lk->elf, q->secs[k]) };
	q->nitems = q->nsecs;
	return 0;
}

static void queue_release(struct reloc_queue *q)
{
	free(q->secs);
	free(q->items);
	q->secs = NULL;
	q->items = NULL;
}

/* Takes items until none is left; returns the first error met. */
static int queue_work(struct linker *lk, struct reloc_queue *q)
{
	int err = 0;

	for (size_t k; (k = atomic_fetch_add(&q->next, 1)) < q->nitems;) {
		const struct reloc_item *it = &q->items[k];

		for (size_t j = it->first; j < it->first + it->count; j++) {
			int r = lk->arch->apply_section ? lk->arch->apply_section(lk, q->secs[j])
							: link_apply_section_in_order(lk, q->secs[j]);

			if (r && !err)
				err = r;
		}
	}
	return err;
}

static void count_unshown_errors(const struct linker *lk)
{
	if (lk->errors > MAX_RELOC_ERRORS)
		log_error("%s: %u more relocation errors not shown", lk->job->path,
			  lk->errors - MAX_RELOC_ERRORS);
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
 * NOBITS stay zero.  Logs nothing: on two lanes the helper may be logging
 * (link_run reports -ENOMEM). */
static int build_image(struct linker *lk)
{
	const struct elf_file *elf = lk->elf;

	lk->image = image_alloc(lk);
	if (!lk->image)
		return -ENOMEM;
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

/* ---- The steps ------------------------------------------------------------ */

struct symbols_job {
	const struct link_job *job;
	struct ksym_table *kt;
};

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
	/* the kernel's module area is at most a few GiB; a larger image is a
	 * corrupt size, not a module */
	if (!r && (lk->image_size > SIZE_MAX || lk->image_size > ((uint64_t)1 << 30))) {
		log_error("%s: the module's sections add up to %" PRIu64 " bytes, more than 1 GiB",
			  job->path, lk->image_size);
		r = -ENOEXEC;
	}
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

/* After layout: the checks, and what relocation will take. */
static int check_and_queue(struct linker *lk, const struct ksym_table *kt, struct reloc_queue *q,
			   bool shared)
{
	int r = check_against_kernel(lk, kt);

	if (!r)
		r = need_addresses(lk->job, kt);
	if (!r)
		r = queue_build(lk, q, shared);
	return r;
}

/* What follows relocation in the image, then -m. */
static int finish_image(struct linker *lk)
{
	int r = link_write_name(lk);

	if (!r && lk->job->params)
		r = link_write_params(lk);
	if (!r && lk->job->map)
		r = link_print_map(lk);
	return r;
}

/* -p: the symbols and the checks, nothing laid out. */
static int probe(struct linker *lk, const struct ksym_table *kt, struct symbols_job *reading)
{
	int r = reading ? load_symbols(reading->job, reading->kt) : 0;

	return r ? r : check_against_kernel(lk, kt);
}

/* The steps in order, on the calling thread: a module below
 * OVERLAP_MIN_FILE (see "Two lanes"), or when no thread can be started. */
static int one_lane(struct linker *lk, const struct ksym_table *kt, struct symbols_job *reading)
{
	const struct link_job *job = lk->job;
	struct reloc_queue q = { .secs = NULL, .items = NULL };
	struct blob_file blob;
	int r = reading ? load_symbols(reading->job, reading->kt) : 0;

	if (r)
		return r;
	r = lay_out(lk);
	if (!r)
		r = check_and_queue(lk, kt, &q, false);
	if (!r)
		r = build_image(lk);
	if (!r) {
		r = queue_work(lk, &q);
		count_unshown_errors(lk);
	}
	if (!r)
		r = finish_image(lk);
	queue_release(&q);
	if (!r && job->blob_path) {
		link_blob_open(&blob, job->blob_path, (size_t)lk->image_size);
		r = link_blob_commit(&blob, lk->image, (size_t)lk->image_size);
	}
	return r;
}

/* ---- Two lanes ------------------------------------------------------------ */

/* A large module is linked on two lanes: the calling thread and a helper
 * thread started on another CPU (thread.c).  Each step waits only for
 * what it needs:
 *
 *   main lane                           helper lane
 *   lay out                             read the kernel's symbol files
 *   copy the sections into the image    (once laid out) the kernel's checks
 *   create the -O file, reserve blocks  relocate, taking items from the
 *   relocate, from the same queue         queue (struct reloc_queue)
 *   name, parameters, -m
 *   write the -O file, rename it
 *   free the image, unmap the module    free the old blob's pages
 *
 * The old blob is held open across the rename (blob.c), so that freeing
 * its pages (1 ms for amdgpu's 8 MB on tmpfs) runs beside the main lane's
 * own freeing.  What logs runs in the order one lane runs it (layout,
 * checks, relocation), so messages come in the same order whatever the
 * timing; only two target sections' relocation errors can interleave, and
 * a symbol file that cannot be read is reported beside a malformed
 * module's layout errors.  amdgpu (19 MB) on 2 CPUs, median of 41 runs:
 * 12.9 ms with the three helper threads this replaced (symbols, -O file,
 * half of the relocations), 10.8 ms on two lanes.  Below about 1.5 MiB a
 * second lane costs what it saves (medians of 31: xfs, 4 MiB, 7.2 -> 6.2
 * ms; radeon, 3.2 MiB, 6.8 -> 6.0; qed, 1.6 MiB, 4.6 -> 4.3; nfs, 1.1
 * MiB, no faster; dummy, 17 KiB, 3.5 -> 4.0).  A process held to one CPU
 * links on one lane: amdgpu 14.4 ms on two, 14.0 on one. */
#ifndef OVERLAP_MIN_FILE	/* the fuzz build lowers it, so that fuzzing reaches the lanes */
#define OVERLAP_MIN_FILE (1536u << 10)
#endif

enum {	/* what a lane has done, for the other to wait for */
	LAID_OUT = 1, IMAGE_READY = 2, COMMITTED = 4, STOPPED = 8,	/* main */
	CHECKED = 16, RELOCATED = 32					/* helper */
};

struct lanes {
	struct linker *lk;
	const struct ksym_table *kt;
	struct symbols_job *reading;	/* NULL: the symbols are read already */
	bool shared;			/* both lanes relocate (no per-section arch state) */
	struct reloc_queue queue;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	unsigned done;			/* LAID_OUT ... RELOCATED */
	int symbols_err, checked, relocated;	/* the helper's results */
	int replaced;			/* the old blob, or -1 */
};

static void post(struct lanes *l, unsigned what)
{
	pthread_mutex_lock(&l->lock);
	l->done |= what;
	pthread_cond_broadcast(&l->changed);
	pthread_mutex_unlock(&l->lock);
}

/* Waits until one of what is done, or the main lane has stopped; says
 * whether one of what was done. */
static bool wait_for(struct lanes *l, unsigned what)
{
	unsigned done;

	pthread_mutex_lock(&l->lock);
	while (!(l->done & (what | STOPPED)))
		pthread_cond_wait(&l->changed, &l->lock);
	done = l->done;
	pthread_mutex_unlock(&l->lock);
	return done & what;
}

static void *helper_lane(void *arg)
{
	struct lanes *l = arg;
	struct linker *lk = l->lk;

	l->symbols_err = l->reading ? load_symbols(l->reading->job, l->reading->kt) : 0;
	l->checked = l->symbols_err;
	if (!wait_for(l, LAID_OUT))
		l->checked = -ECANCELED;
	else if (!l->checked)
		l->checked = check_and_queue(lk, l->kt, &l->queue, l->shared);
	post(l, CHECKED);
	if (wait_for(l, IMAGE_READY) && !l->checked && l->shared)
		l->relocated = queue_work(lk, &l->queue);
	post(l, RELOCATED);
	if (wait_for(l, COMMITTED) && l->replaced >= 0)
		close(l->replaced);
	return NULL;
}

/* The main lane; posts STOPPED when it returns, so that the helper waits
 * for nothing more. */
static int main_lane(struct lanes *l)
{
	struct linker *lk = l->lk;
	const struct link_job *job = lk->job;
	struct blob_file blob;
	bool blob_opened = false;
	int r = lay_out(lk);

	post(l, r ? STOPPED : LAID_OUT);
	if (!r)
		r = build_image(lk);
	post(l, r ? STOPPED : IMAGE_READY);
	if (r)
		return r;
	if (job->blob_path) {
		link_blob_open(&blob, job->blob_path, (size_t)lk->image_size);
		blob_opened = true;
	}
	wait_for(l, CHECKED);
	r = l->checked;
	if (!r)
		r = queue_work(lk, &l->queue);
	wait_for(l, RELOCATED);
	if (!r)
		r = l->relocated;
	count_unshown_errors(lk);
	if (!r)
		r = finish_image(lk);
	if (blob_opened && r)
		link_blob_abandon(&blob);
	else if (blob_opened) {
		blob.hold_replaced = true;
		r = link_blob_commit(&blob, lk->image, (size_t)lk->image_size);
		l->replaced = blob.replaced;
		post(l, COMMITTED);
	}
	/* while the helper frees the old blob: the image and the module
	 * file are not needed any more (a dry run's caller is done with it) */
	image_free(lk);
	if (lk->job->input)
		module_file_unmap(lk->job->input);
	post(l, STOPPED);
	return r;
}

/* Runs both lanes; false when no helper thread could be started (nothing
 * has been done then). */
static bool two_lanes(struct linker *lk, const struct ksym_table *kt, struct symbols_job *reading,
		      int *result)
{
	struct lanes l = {
		.lk = lk, .kt = kt, .reading = reading, .shared = !lk->arch->apply_section,
		.queue = { .secs = NULL, .items = NULL }, .replaced = -1,
	};
	pthread_t helper;
	int r;

	pthread_mutex_init(&l.lock, NULL);
	pthread_cond_init(&l.changed, NULL);
	if (thread_start_beside(&helper, helper_lane, &l) != 0) {
		pthread_mutex_destroy(&l.lock);
		pthread_cond_destroy(&l.changed);
		return false;
	}
	r = main_lane(&l);
	pthread_join(helper, NULL);
	if (l.symbols_err)
		r = l.symbols_err;	/* a symbol file that cannot be read wins */
	queue_release(&l.queue);
	pthread_mutex_destroy(&l.lock);
	pthread_cond_destroy(&l.changed);
	*result = r;
	return true;
}

/* With reading, the symbol files are read into kt first (or beside the
 * layout, for a large module); without, kt has been read already. */
static int link_steps(struct linker *lk, const struct ksym_table *kt, struct symbols_job *reading)
{
	int r;

	if (lk->job->probe)
		return probe(lk, kt, reading);
	if (lk->elf->size >= OVERLAP_MIN_FILE && thread_have_two_cpus() && two_lanes(lk, kt, reading, &r))
		return r;
	return one_lane(lk, kt, reading);
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
