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
#include "link.h"
#include "log.h"

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
	bool init = s->name[0] == '.' && strlen(s->name) == 10 && strcmp(s->name + 5, ".init") == 0;

	return link_order_priority(init, s->flags, s->type, strcmp(s->name, ".got") == 0);
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

long obj24_target_of(const struct obj24 *o, size_t i)
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
				o->syms[obj24_target_of(o, r.sym)].referenced = true;
		}
	}
	return 0;
}
