/* -S and 2.4 kernels with kallsyms: the module's own symbol table in a
 * __kallsyms section, in the layout 2.4 debuggers read (modutils
 * include/kallsyms.h):
 *
 *   header   { int size; Word total_size; int sections; Off section_off;
 *              int section_size; int symbols; Off symbol_off;
 *              int symbol_size; Off string_off; Addr start; Addr end; }
 *   sections { Addr start; Word size; Off name_off; Word flags; }
 *            one per allocated section, in section order
 *   symbols  { Off section_off; Addr symbol_addr; Off name_off; }
 *            one per symbol of an allocated section, by address then name,
 *            leaving out gcc2_compiled. and the __insmod_ symbols
 *   strings  NUL-terminated, section names then symbol names
 *
 * with the target's natural alignment (ELF32/ELF64 types: Word is 32 bits,
 * Off and Addr as wide as a pointer).  Every "pointer" is an offset,
 * except section starts and symbol addresses, so it is built twice: once
 * to size it, and again at the final addresses. */
#include "mod24-int.h"
#include "strbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Field offsets, 32-bit and 64-bit. */
struct klayout {
	unsigned hdr, sec, sym;				/* entry sizes */
	unsigned h_total, h_sections, h_section_off, h_section_size, h_symbols,
		 h_symbol_off, h_symbol_size, h_string_off, h_start, h_end;
	unsigned s_size, s_name, s_flags;
	unsigned y_addr, y_name;
};

static const struct klayout layout32 = { 44, 16, 12, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 4, 8, 12, 4, 8 };
static const struct klayout layout64 = { 72, 32, 24, 4, 8, 16, 24, 28, 32, 40, 48, 56, 64, 8, 16, 24, 8, 16 };

struct ksym_entry {
	uint64_t addr;
	uint64_t section_off;
	const char *name;
};

static int by_address(const void *a, const void *b)
{
	const struct ksym_entry *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

static bool kept(const struct obj24 *o, const struct sym24 *s)
{
	return s->listed && s->where == SYM24_SECTION && o->secs[s->sec].alloc &&
	       strcmp(s->name, "gcc2_compiled.") != 0 && strncmp(s->name, "__insmod_", 9) != 0;
}

/* The symbols, with where their section's entry is. */
static struct ksym_entry *collect(const struct obj24 *o, const struct klayout *L, size_t *n)
{
	uint64_t *entry_of = calloc(o->nsecs, sizeof(*entry_of));
	struct ksym_entry *v = malloc((o->nsyms ? o->nsyms : 1) * sizeof(*v));
	uint64_t off = 0;

	*n = 0;
	if (!entry_of || !v) {
		free(entry_of);
		free(v);
		return NULL;
	}
	for (size_t i = 0; i < o->nsecs; i++)
		if (o->secs[i].alloc) {
			entry_of[i] = off;
			off += L->sec;
		}
	for (size_t i = 1; i < o->nsyms; i++)
		if (kept(o, &o->syms[i]))
			v[(*n)++] = (struct ksym_entry){ obj24_final_value(o, (long)i), entry_of[o->syms[i].sec],
							 o->syms[i].name };
	free(entry_of);
	qsort(v, *n, sizeof(*v), by_address);
	return v;
}

static size_t count_sections(const struct obj24 *o)
{
	size_t n = 0;

	for (size_t i = 0; i < o->nsecs; i++)
		n += o->secs[i].alloc;
	return n;
}

/* Header, section entries and strings of section names into out. */
static int put_sections(const struct obj24 *o, const struct klayout *L, uint8_t *out,
			struct strbuf *strings, uint64_t *start, uint64_t *end)
{
	uint8_t *e = out + L->hdr;
	int r = 0;

	*start = o->ptr == 8 ? UINT64_MAX : UINT32_MAX;
	*end = 0;
	for (size_t i = 0; i < o->nsecs && !r; i++) {
		const struct sec24 *s = &o->secs[i];

		if (!s->alloc)
			continue;
		obj24_put(o, e, o->ptr, s->addr);
		obj24_put(o, e + L->s_size, 4, s->size);
		obj24_put(o, e + L->s_name, o->ptr, strings->len);
		obj24_put(o, e + L->s_flags, 4, s->flags);
		r = strbuf_append(strings, s->name, strlen(s->name) + 1);
		if (s->addr < *start)
			*start = s->addr;
		if (s->addr + s->size > *end)
			*end = s->addr + s->size;
		e += L->sec;
	}
	return r;
}

static void put_header(const struct obj24 *o, const struct klayout *L, uint8_t *h, size_t nsec, size_t nsym,
		       uint64_t total, uint64_t start, uint64_t end)
{
	uint64_t symbol_off = L->hdr + nsec * L->sec;

	obj24_put(o, h, 4, L->hdr);
	obj24_put(o, h + L->h_total, 4, total);
	obj24_put(o, h + L->h_sections, 4, nsec);
	obj24_put(o, h + L->h_section_off, o->ptr, L->hdr);
	obj24_put(o, h + L->h_section_size, 4, L->sec);
	obj24_put(o, h + L->h_symbols, 4, nsym);
	obj24_put(o, h + L->h_symbol_off, o->ptr, symbol_off);
	obj24_put(o, h + L->h_symbol_size, 4, L->sym);
	obj24_put(o, h + L->h_string_off, o->ptr, symbol_off + nsym * L->sym);
	obj24_put(o, h + L->h_start, o->ptr, start);
	obj24_put(o, h + L->h_end, o->ptr, end);
}

/* The whole section body for the module as laid out now. */
static int build(struct obj24 *o, const struct klayout *L, uint8_t **body, uint64_t *size)
{
	struct strbuf strings = STRBUF_INIT;
	size_t nsec = count_sections(o), nsym;
	struct ksym_entry *syms = collect(o, L, &nsym);
	uint64_t fixed, start, end;
	uint8_t *b = NULL;
	int r = syms ? 0 : -ENOMEM;

	fixed = L->hdr + (uint64_t)nsec * L->sec + (uint64_t)nsym * L->sym;
	if (!r)
		r = (b = calloc(1, (size_t)fixed)) ? 0 : -ENOMEM;
	if (!r)
		r = put_sections(o, L, b, &strings, &start, &end);
	for (size_t k = 0; k < nsym && !r; k++) {
		uint8_t *e = b + L->hdr + nsec * L->sec + k * L->sym;

		obj24_put(o, e, o->ptr, syms[k].section_off);
		obj24_put(o, e + L->y_addr, o->ptr, syms[k].addr);
		obj24_put(o, e + L->y_name, o->ptr, strings.len);
		r = strbuf_append(&strings, syms[k].name, strlen(syms[k].name) + 1);
	}
	if (!r) {
		uint8_t *whole = realloc(b, (size_t)(fixed + strings.len));

		r = whole ? 0 : -ENOMEM;
		if (whole) {
			b = whole;
			memcpy(b + fixed, strings.data, strings.len);
			put_header(o, L, b, nsec, nsym, fixed + strings.len, start, end);
			*body = b;
			*size = fixed + strings.len;
			b = NULL;
		}
	}
	free(b);
	free(syms);
	strbuf_release(&strings);
	return r;
}

int kallsyms24_fill(struct obj24 *o, size_t sec)
{
	const struct klayout *L = o->ptr == 8 ? &layout64 : &layout32;
	uint8_t *body;
	uint64_t size;
	int r = build(o, L, &body, &size);

	if (r)
		return r;
	free(o->secs[sec].data);
	o->secs[sec].data = body;
	o->secs[sec].size = size;
	o->secs[sec].align = 4;	/* sizeof(Word) */
	return 0;
}
