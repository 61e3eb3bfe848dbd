/* The object model of a 2.4-era module: modutils' obj_file, made safe.
 *
 * Sections and symbols of the file are copied into arrays that can grow,
 * because insmod adds sections and symbols of its own.  Section i and
 * symbol i of the model are section i and symbol i of the file; insmod's
 * come after.  Every name has at most one "listed" symbol, found through
 * a hash table whose key drops a symbol-version suffix when names are
 * compared by base name (symvers24.c); the rules that decide which symbol
 * a name lists are the original's (obj_add_symbol): a global beats a
 * local, a definition beats an undefined reference or a weak one.  The
 * load order is the original's too (obj_load_order_prio). */
#include "mod24-int.h"
#include "arch/arch.h"
#include "machine.h"
#include "link.h"
#include "log.h"
#include "map.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* An image (and so any section) above this is a corrupt size. */
#define MAX_IMAGE OBJ24_MAX_IMAGE
#define MAX_IMAGE_TEXT OBJ24_MAX_IMAGE_TEXT

void obj24_put(const struct obj24 *o, uint8_t *p, unsigned n, uint64_t v)
{
	elf_write_uint(o->elf, p, n, v);
}

/* ---- Load order ----------------------------------------------------------- */

/* The original's priority: non-init (only names ".xxxx.init" of exactly
 * ten characters are init: .text.init, .data.init), allocated, executable,
 * read-only, with contents, .got; sorted high to low. */
static unsigned prio(const struct sec24 *s)
{
	unsigned p = 0;

	if (!(s->name[0] == '.' && strlen(s->name) == 10 && strcmp(s->name + 5, ".init") == 0))
		p |= 64;
	if (s->flags & SHF_ALLOC)
		p |= 32;
	if (s->flags & SHF_EXECINSTR)
		p |= 16;
	if (!(s->flags & SHF_WRITE))
		p |= 8;
	if (s->type != SHT_NOBITS)
		p |= 4;
	if (strcmp(s->name, ".got") == 0)
		p |= 2;
	return p;
}

/* Inserts after every section of the same or higher priority (so ties
 * keep the order of insertion), never before the header. */
static void insert_in_order(struct obj24 *o, size_t idx)
{
	size_t *link = &o->first;
	unsigned p = prio(&o->secs[idx]);

	if (o->this_sec && o->first == o->this_sec)
		link = &o->secs[o->this_sec].next;
	while (*link != SEC24_END && prio(&o->secs[*link]) >= p)
		link = &o->secs[*link].next;
	o->secs[idx].next = *link;
	*link = idx;
}

/* ---- Sections ------------------------------------------------------------- */

static long new_section(struct obj24 *o)
{
	if (o->nsecs == o->capsecs) {
		size_t cap = o->capsecs ? o->capsecs * 2 : 16;
		struct sec24 *v = realloc(o->secs, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		o->secs = v;
		o->capsecs = cap;
	}
	memset(&o->secs[o->nsecs], 0, sizeof(o->secs[0]));
	o->secs[o->nsecs].next = SEC24_END;
	return (long)o->nsecs++;
}

size_t obj24_section(const struct obj24 *o, const char *name)
{
	for (size_t i = 1; i < o->nsecs; i++)
		if (strcmp(o->secs[i].name, name) == 0)
			return i;
	return 0;
}

long obj24_create_section(struct obj24 *o, const char *name, uint64_t align, uint64_t size,
			  uint64_t flags, bool first)
{
	long idx = new_section(o);
	struct sec24 *s;

	if (idx < 0)
		return idx;
	s = &o->secs[idx];
	s->name = name;
	s->type = SHT_PROGBITS;
	s->flags = flags | SHF_ALLOC;
	s->align = align;
	s->size = size;
	s->alloc = true;
	s->created = true;
	if (size && !(s->data = calloc(1, (size_t)size))) {
		o->nsecs--;
		return -ENOMEM;
	}
	if (first) {
		s->next = o->first;
		o->first = (size_t)idx;
	} else {
		insert_in_order(o, (size_t)idx);
	}
	return idx;
}

int obj24_extend(struct obj24 *o, size_t sec, uint64_t more, uint64_t *old)
{
	struct sec24 *s = &o->secs[sec];
	uint8_t *d;

	if (s->size + more > MAX_IMAGE)
		return -EFBIG;
	d = realloc(s->data, (size_t)(s->size + more) ? (size_t)(s->size + more) : 1);
	if (!d)
		return -ENOMEM;
	memset(d + s->size, 0, (size_t)more);
	s->data = d;
	*old = s->size;
	s->size += more;
	return 0;
}

/* Which sections are loaded: allocated ones, except .modinfo and
 * .modstring, which 2.4 kernels may mark allocated but insmod never
 * loaded. */
static bool loaded(const struct elf_section *e)
{
	return (e->flags & SHF_ALLOC) && e->type != SHT_NULL && strcmp(e->name, ".modinfo") != 0 &&
	       strcmp(e->name, ".modstring") != 0;
}

static int load_sections(struct obj24 *o)
{
	const struct elf_file *elf = o->elf;

	for (size_t i = 0; i < elf->nsections; i++) {
		const struct elf_section *e = &elf->sections[i];
		long idx = new_section(o);
		struct sec24 *s;

		if (idx < 0)
			return (int)idx;
		s = &o->secs[idx];
		s->name = e->name;
		s->type = e->type;
		s->flags = e->flags;
		s->align = e->addralign;
		s->size = e->size;
		s->alloc = i > 0 && loaded(e);
		if (!s->alloc)
			continue;
		if (s->size > MAX_IMAGE || (s->align & (s->align - 1))) {
			log_error("%s: section %s: bad alignment, or more than a 2.4 module can hold (%s)",
				  o->path, s->name, MAX_IMAGE_TEXT);
			return -ENOEXEC;
		}
		if (e->data && s->size) {
			s->data = malloc((size_t)s->size);
			if (!s->data)
				return -ENOMEM;
			memcpy(s->data, e->data, (size_t)s->size);
		}
		insert_in_order(o, (size_t)idx);
	}
	return 0;
}

/* ---- The name table ------------------------------------------------------- */

static uint32_t hash(const struct obj24 *o, const char *name)
{
	size_t len = sv24_key_len(&o->sv, name, strlen(name));
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

/* The bucket that holds name, or the empty one where it would go. */
static uint32_t *slot(const struct obj24 *o, const char *name)
{
	size_t mask = o->nbuckets - 1, i = hash(o, name) & mask;

	while (o->buckets[i] && !sv24_same(&o->sv, o->syms[o->buckets[i] - 1].name, name))
		i = (i + 1) & mask;
	return &o->buckets[i];
}

static int grow_table(struct obj24 *o)
{
	size_t n = o->nbuckets ? o->nbuckets * 2 : 256;
	uint32_t *old = o->buckets;

	while (n < 2 * o->capsyms)
		n *= 2;
	o->buckets = calloc(n, sizeof(*o->buckets));
	if (!o->buckets) {
		o->buckets = old;
		return -ENOMEM;
	}
	o->nbuckets = n;
	free(old);
	for (size_t i = 0; i < o->nsyms; i++)
		if (o->syms[i].listed)
			*slot(o, o->syms[i].name) = (uint32_t)(i + 1);
	return 0;
}

long obj24_find(const struct obj24 *o, const char *name)
{
	uint32_t b;

	if (!o->nbuckets)
		return -1;
	b = *slot(o, name);
	return b ? (long)b - 1 : -1;
}

/* Makes symbol i the one its name lists. */
static void list(struct obj24 *o, size_t i)
{
	uint32_t *b = slot(o, o->syms[i].name);

	if (*b)
		o->syms[*b - 1].listed = false;
	*b = (uint32_t)(i + 1);
	o->syms[i].listed = true;
}

static long new_symbol(struct obj24 *o)
{
	if (o->nsyms == o->capsyms) {
		size_t cap = o->capsyms ? o->capsyms * 2 : 64;
		struct sym24 *v = realloc(o->syms, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		o->syms = v;
		o->capsyms = cap;
	}
	if (2 * (o->nsyms + 1) > o->nbuckets && grow_table(o) < 0)
		return -ENOMEM;
	memset(&o->syms[o->nsyms], 0, sizeof(o->syms[0]));
	o->syms[o->nsyms].provider = -1;
	o->syms[o->nsyms].name = "";
	return (long)o->nsyms++;
}

/* obj_add_symbol's rules: does the new symbol n take the name from the
 * listed one x, keep out of the way, or clash with it? */
enum verdict { KEEP, TAKE, CLASH };

static enum verdict verdict(const struct sym24 *x, const struct sym24 *n)
{
	if (n->where == SYM24_UNDEF)
		return KEEP;
	if (x->where == SYM24_UNDEF)
		return TAKE;
	if (n->bind == STB_GLOBAL && x->bind == STB_LOCAL)
		return TAKE;
	if (n->bind == STB_LOCAL || n->bind == STB_WEAK)
		return KEEP;
	if (x->bind == STB_WEAK)
		return TAKE;
	if (n->where == SYM24_COMMON && (x->type == STT_NOTYPE || x->type == STT_OBJECT))
		return KEEP;
	if (x->where == SYM24_COMMON && (n->type == STT_NOTYPE || n->type == STT_OBJECT))
		return TAKE;
	return CLASH;
}

static void read_symbol(struct obj24 *o, size_t i, struct sym24 *s)
{
	const struct elf_file *elf = o->elf;
	struct elf_symbol e;

	elf_symbol(elf, i, &e);
	s->name = e.name;
	if (!e.name[0] && e.shndx < elf->nsections)
		s->name = elf->sections[e.shndx].name;	/* section symbols */
	s->value = e.value;
	s->size = e.size;
	s->bind = e.bind;
	s->type = e.type;
	s->provider = -1;
	if (e.shndx == SHN_UNDEF)
		s->where = SYM24_UNDEF;
	else if (e.shndx == SHN_COMMON)
		s->where = SYM24_COMMON;
	else if (e.shndx >= elf->nsections)
		s->where = SYM24_ABS;	/* SHN_ABS and other reserved indexes */
	else {
		s->where = SYM24_SECTION;
		s->sec = e.shndx;
	}
}

static int load_symbols(struct obj24 *o)
{
	const struct elf_file *elf = o->elf;
	int errors = 0;

	for (size_t i = 0; i < elf->nsymbols; i++) {
		long idx = new_symbol(o);
		long x;

		if (idx < 0)
			return (int)idx;
		if (i == 0)
			continue;	/* the null symbol */
		read_symbol(o, i, &o->syms[idx]);
		if (!o->syms[idx].name[0])
			continue;
		x = obj24_find(o, o->syms[idx].name);
		switch (x < 0 ? TAKE : verdict(&o->syms[x], &o->syms[idx])) {
		case TAKE:
			list(o, (size_t)idx);
			break;
		case KEEP:
			break;
		case CLASH:
			log_error("%s: %s multiply defined", o->path, o->syms[idx].name);
			errors++;
			break;
		}
	}
	return errors ? -ENOEXEC : 0;
}

int obj24_load(struct obj24 *o, const struct elf_file *elf, const char *path, const struct sv24 *sv)
{
	int r;

	memset(o, 0, sizeof(*o));
	o->elf = elf;
	o->path = path;
	o->ptr = elf->is64 ? 8 : 4;
	o->sv = *sv;
	o->first = SEC24_END;
	r = load_sections(o);
	if (!r)
		r = load_symbols(o);
	return r;
}

void obj24_release(struct obj24 *o)
{
	for (size_t i = 0; i < o->nsecs; i++)
		free(o->secs[i].data);
	for (size_t i = 0; i < o->nowned; i++)
		free(o->owned[i]);
	free(o->owned);
	free(o->secs);
	free(o->syms);
	free(o->buckets);
	free(o->patches);
	memset(o, 0, sizeof(*o));
}

long obj24_add_symbol(struct obj24 *o, const char *name, uint8_t bind, size_t sec, uint64_t value)
{
	char **v = realloc(o->owned, (o->nowned + 1) * sizeof(*v));
	long idx;

	if (!v)
		return -ENOMEM;
	o->owned = v;
	v[o->nowned] = strdup(name);
	if (!v[o->nowned])
		return -ENOMEM;
	idx = new_symbol(o);
	if (idx < 0)
		return idx;
	o->syms[idx].name = v[o->nowned++];
	o->syms[idx].where = SYM24_SECTION;
	o->syms[idx].sec = sec;
	o->syms[idx].value = value;
	o->syms[idx].bind = bind;
	o->syms[idx].type = STT_NOTYPE;
	list(o, (size_t)idx);
	return idx;
}

/* ---- Patches ---------------------------------------------------------------- */

static int add_patch(struct obj24 *o, const struct patch24 *p)
{
	if (o->npatches == o->cappatches) {
		size_t cap = o->cappatches ? o->cappatches * 2 : 16;
		struct patch24 *v = realloc(o->patches, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		o->patches = v;
		o->cappatches = cap;
	}
	o->patches[o->npatches++] = *p;
	return 0;
}

/* The string goes into .kstrtab (the module's own when it has one, as in
 * the original), created on first use. */
int obj24_string_patch(struct obj24 *o, size_t sec, uint64_t offset, const char *s, size_t len)
{
	size_t str = obj24_section(o, ".kstrtab");
	struct patch24 p = { sec, offset, true, 0 };
	int r;

	if (!str || !o->secs[str].alloc) {
		long idx = obj24_create_section(o, ".kstrtab", 1, 0, 0, false);

		if (idx < 0)
			return (int)idx;
		str = (size_t)idx;
	}
	r = obj24_extend(o, str, len + 1, &p.value);
	if (r)
		return r;
	memcpy(o->secs[str].data + p.value, s, len);
	return add_patch(o, &p);
}

int obj24_symbol_patch(struct obj24 *o, size_t sec, uint64_t offset, size_t sym)
{
	struct patch24 p = { sec, offset, false, sym };

	return add_patch(o, &p);
}

uint64_t obj24_final_value(const struct obj24 *o, long sym)
{
	const struct sym24 *s;

	if (sym < 0)
		return 0;
	s = &o->syms[sym];
	switch (s->where) {
	case SYM24_SECTION: return o->secs[s->sec].addr + s->value;
	case SYM24_ABS: case SYM24_EXTERNAL: return s->value;
	default: return 0;
	}
}

/* The model's symbol that file symbol i stands for in a relocation: a
 * local one itself, any other the one its name lists. */
static long target_of(const struct obj24 *o, size_t i)
{
	long x;

	if (o->syms[i].bind == STB_LOCAL || !o->syms[i].name[0])
		return (long)i;
	x = obj24_find(o, o->syms[i].name);
	return x >= 0 ? x : (long)i;
}

int obj24_mark_referenced(struct obj24 *o)
{
	const struct elf_file *elf = o->elf;

	for (size_t s = 1; s < elf->nsections; s++) {
		size_t n;

		if (!elf_is_reloc_section(elf, s) || !o->secs[elf->sections[s].info].alloc)
			continue;
		n = elf_reloc_count(elf, s);
		for (size_t i = 0; i < n; i++) {
			struct elf_reloc r;
			int err = elf_reloc(elf, s, i, &r);

			if (err)
				return err;
			if (r.sym)
				o->syms[target_of(o, r.sym)].referenced = true;
		}
	}
	return 0;
}

/* ---- Commons ---------------------------------------------------------------- */

static const struct obj24 *sort_obj;

static int by_size(const void *a, const void *b)
{
	const struct sym24 *x = &sort_obj->syms[*(const size_t *)a], *y = &sort_obj->syms[*(const size_t *)b];

	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

/* The first NOBITS section by index, or a new .bss.  (The original made
 * that .bss but forgot to give it a place in the load order.) */
static long common_section(struct obj24 *o)
{
	for (size_t i = 1; i < o->elf->nsections; i++)
		if (o->secs[i].type == SHT_NOBITS && o->secs[i].alloc)
			return (long)i;
	return obj24_create_section(o, ".bss", 0, 0, SHF_WRITE, false);
}

static int place_commons(struct obj24 *o, const size_t *list, size_t n)
{
	long sec = common_section(o);
	uint64_t size, max_align;

	if (sec < 0)
		return (int)sec;
	size = o->secs[sec].size;
	max_align = o->secs[sec].align;
	for (size_t k = 0; k < n; k++) {
		struct sym24 *s = &o->syms[list[k]];
		uint64_t a = s->value ? s->value : 1;

		if ((a & (a - 1)) || a > MAX_IMAGE) {
			log_error("%s: common symbol %s: bad alignment", o->path, s->name);
			return -ENOEXEC;
		}
		if (s->size > MAX_IMAGE || size > MAX_IMAGE) {
			log_error("%s: common symbol %s: %" PRIu64 " bytes, more than a 2.4 module can hold (%s)",
				  o->path, s->name, s->size, MAX_IMAGE_TEXT);
			return -ENOEXEC;
		}
		if (a > max_align)
			max_align = a;
		size = (size + a - 1) & ~(a - 1);
		s->where = SYM24_SECTION;
		s->sec = (size_t)sec;
		s->value = size;
		size += s->size;
	}
	o->secs[sec].size = size;
	o->secs[sec].align = max_align;
	return 0;
}

int obj24_allocate_commons(struct obj24 *o)
{
	size_t *list = malloc((o->nsyms ? o->nsyms : 1) * sizeof(*list)), n = 0;
	int r = 0;

	if (!list)
		return -ENOMEM;
	for (size_t i = 1; i < o->nsyms; i++)
		if (o->syms[i].where == SYM24_COMMON && (o->syms[i].listed || o->syms[i].bind == STB_LOCAL))
			list[n++] = i;
	sort_obj = o;
	qsort(list, n, sizeof(*list), by_size);
	if (n)
		r = place_commons(o, list, n);
	free(list);
	/* Zeroed contents for every NOBITS section, so that parameters and
	 * patches can be written there; from here on they are PROGBITS. */
	for (size_t i = 1; i < o->nsecs && !r; i++) {
		struct sec24 *s = &o->secs[i];

		if (s->type != SHT_NOBITS || !s->alloc)
			continue;
		if (s->size > MAX_IMAGE) {
			log_error("%s: section %s: %" PRIu64 " bytes, more than a 2.4 module can hold (%s)",
				  o->path, s->name, s->size, MAX_IMAGE_TEXT);
			return -ENOEXEC;
		}
		free(s->data);
		s->data = s->size ? calloc(1, (size_t)s->size) : NULL;
		if (s->size && !s->data)
			return -ENOMEM;
		s->type = SHT_PROGBITS;
	}
	return r;
}

/* ---- Layout, relocation, image -------------------------------------------------- */

uint64_t obj24_layout(struct obj24 *o)
{
	uint64_t dot = 0;

	for (size_t i = o->first; i != SEC24_END; i = o->secs[i].next) {
		uint64_t a = o->secs[i].align;

		if (a > 1)
			dot = (dot + a - 1) & ~(a - 1);
		o->secs[i].addr = dot;
		dot += o->secs[i].size;
	}
	o->image_size = dot;
	return dot;
}

/* What the arch files take of this model: the file's sections where it
 * placed them, and every symbol's final value. */
static void fill_reloc_tables(const struct obj24 *o, struct reloc_ctx *rc)
{
	const struct elf_file *elf = o->elf;

	for (size_t i = 0; i < elf->nsections; i++) {
		const struct sec24 *s = &o->secs[i];

		rc->secs[i] = (struct link_sec){ .type = s->type, .flags = s->flags, .size = s->size,
						  .align = s->align, .placed = s->alloc,
						  .offset = s->alloc ? s->addr - o->base : 0, .addr = s->addr };
	}
	for (size_t i = 1; i < elf->nsymbols; i++) {
		long t = target_of(o, i);

		rc->symval[i] = obj24_final_value(o, t);
		rc->symlost[i] = o->syms[t].where == SYM24_SECTION && !o->secs[o->syms[t].sec].alloc;
	}
}

static int apply_relocations(const struct obj24 *o, struct reloc_ctx *rc)
{
	const struct elf_file *elf = o->elf;
	int err = 0;

	for (size_t s = 1; s < elf->nsections; s++) {
		const struct elf_section *rs = &elf->sections[s];
		int r;

		if (!elf_is_reloc_section(elf, s) || !o->secs[rs->info].alloc)
			continue;
		if (rs->type != rc->arch->reloc_section) {
			log_error("%s: %s relocations not supported on this architecture (section %s)", o->path,
				  rs->type == SHT_REL ? "REL" : "RELA", rs->name);
			return -ENOEXEC;
		}
		r = link_apply_section_in_order(rc, s);
		if (r && !err)
			err = r;
	}
	return err;
}

static void apply_patches(const struct obj24 *o, uint8_t *image)
{
	size_t str = obj24_section(o, ".kstrtab");

	for (size_t i = 0; i < o->npatches; i++) {
		const struct patch24 *p = &o->patches[i];
		uint64_t v = p->string ? o->secs[str].addr + p->value : obj24_final_value(o, (long)p->value);

		obj24_put(o, image + (o->secs[p->sec].addr - o->base) + p->offset, o->ptr, v);
	}
}

int obj24_relocate(struct obj24 *o, uint64_t base, uint8_t *image)
{
	size_t nsyms = o->elf->nsymbols ? o->elf->nsymbols : 1;
	/* insmod, not the kernel, relocates a 2.4 object: era24 makes the
	 * arch files' messages say so */
	struct reloc_ctx rc = {
		.arch = arch_for_machine(o->elf->machine), .elf = o->elf,
		.secs = calloc(o->elf->nsections, sizeof(*rc.secs)), .image = image,
		.symval = calloc(nsyms, sizeof(*rc.symval)), .symlost = calloc(nsyms, 1),
		.big_endian = o->elf->big_endian, .path = o->path, .era24 = true,
	};
	int r = !rc.arch ? -ENOEXEC : !rc.secs || !rc.symval || !rc.symlost ? -ENOMEM : 0;

	o->base = base;
	for (size_t i = 0; i < o->nsecs; i++)
		if (o->secs[i].alloc)
			o->secs[i].addr += base;
	if (!r) {
		fill_reloc_tables(o, &rc);
		r = apply_relocations(o, &rc);
	}
	if (!r)
		apply_patches(o, image);
	free(rc.secs);
	free(rc.symval);
	free(rc.symlost);
	return r;
}

uint8_t *obj24_image(const struct obj24 *o)
{
	uint8_t *image = calloc(1, o->image_size ? (size_t)o->image_size : 1);

	if (!image)
		return NULL;
	for (size_t i = o->first; i != SEC24_END; i = o->secs[i].next)
		if (o->secs[i].data)
			memcpy(image + (o->secs[i].addr - o->base), o->secs[i].data, (size_t)o->secs[i].size);
	return image;
}

/* ---- The load map ------------------------------------------------------------- */

/* print_load_map(): sections in load order, then every listed symbol of
 * a loaded section or absolute, by value; in the format of map.h. */
int obj24_print_map(const struct obj24 *o)
{
	int width = o->ptr * 2;
	uint64_t mask = o->ptr == 8 ? UINT64_MAX : UINT32_MAX;
	struct map_symbol *v = malloc((o->nsyms ? o->nsyms : 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	map_print_sections_header(width);
	for (size_t i = o->first; i != SEC24_END; i = o->secs[i].next)
		map_print_section(width, o->secs[i].name, o->secs[i].size, o->secs[i].addr & mask, o->secs[i].align);
	for (size_t i = 1; i < o->nsyms; i++) {
		const struct sym24 *s = &o->syms[i];
		const struct sec24 *sec = s->where == SYM24_SECTION ? &o->secs[s->sec] : NULL;

		if (!s->listed || !(s->where == SYM24_ABS || (sec && sec->alloc)))
			continue;
		v[n++] = (struct map_symbol){
			.value = obj24_final_value(o, (long)i), .index = i, .name = s->name,
			.letter = map_letter(sec ? MAP_IN_SECTION : MAP_ABSOLUTE, sec ? sec->type : 0,
					     sec ? sec->flags : 0, s->bind == STB_LOCAL),
		};
	}
	map_print_symbols(width, v, n);
	free(v);
	return 0;
}
