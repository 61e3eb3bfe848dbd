/* Kernel symbol tables: the one hash table every file is merged into.
 *
 * Names stay pointers into the files' bytes (ksyms-read.c, ksyms-parse.c),
 * never copied one by one.  When the caller registers the names it needs
 * first (ksyms_want), lines for other names cost one hash probe and no
 * memory (a module needs a few hundred of the kernel's ~100,000 symbols);
 * a prefilter over the wanted names turns most lines away before that. */
#include "ksyms-int.h"

#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void ksyms_init(struct ksym_table *t)
{
	memset(t, 0, sizeof(*t));
	t->piece_size = KSYMS_PIECE_SIZE;
}

/* A word-at-a-time hash: every line of a 4 MB kallsyms is hashed once, so
 * this is the hottest loop of reading it. */
static uint32_t hash_name(const char *s, size_t n)
{
	uint64_t h = (uint64_t)n * 0x9e3779b97f4a7c15ull, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	if (n) {
		/* the tail without a variable-length memcpy call */
		w = 0;
		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)(uint8_t)s[i] << (8 * i);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
		h ^= h >> 29;
	}
	return (uint32_t)(h ^ (h >> 32));
}

static bool same_name(const struct ksym *k, const char *s, size_t n)
{
	return k->name_len == n && memcmp(k->name, s, n) == 0;
}

/* The bucket holding name, or the empty bucket where it would go. */
static uint32_t *bucket_for(const struct ksym_table *t, const char *s, size_t n)
{
	size_t mask = t->nbuckets - 1;
	size_t i = hash_name(s, n) & mask;

	for (;;) {
		uint32_t *b = &t->buckets[i];

		if (*b == 0 || same_name(&t->syms[*b - 1], s, n))
			return b;
		i = (i + 1) & mask;
	}
}

static int grow_buckets(struct ksym_table *t)
{
	size_t n = t->nbuckets ? t->nbuckets * 2 : 1024;
	uint32_t *old = t->buckets;

	t->buckets = calloc(n, sizeof(*t->buckets));
	if (!t->buckets) {
		t->buckets = old;
		return -ENOMEM;
	}
	t->nbuckets = n;
	for (size_t i = 0; i < t->nsyms; i++)
		*bucket_for(t, t->syms[i].name, t->syms[i].name_len) = (uint32_t)(i + 1);
	free(old);
	return 0;
}

/* Finds name, adding an empty entry for it unless the table is filtered
 * to wanted names.  NULL when filtered out (or on ENOMEM, noted in *err). */
struct ksym *ksyms_find_or_add(struct ksym_table *t, const char *s, size_t n, int *err)
{
	uint32_t *b;

	if (n == 0 || n > UINT32_MAX)
		return NULL;
	if (t->nbuckets == 0 && grow_buckets(t) < 0)
		goto nomem;
	b = bucket_for(t, s, n);
	if (*b)
		return &t->syms[*b - 1];
	if (t->filtered)
		return NULL;
	if (t->nsyms == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		struct ksym *v = realloc(t->syms, cap * sizeof(*v));

		if (!v)
			goto nomem;
		t->syms = v;
		t->cap = cap;
	}
	if ((t->nsyms + 1) * 2 > t->nbuckets) {
		if (grow_buckets(t) < 0)
			goto nomem;
		b = bucket_for(t, s, n);
	}
	memset(&t->syms[t->nsyms], 0, sizeof(t->syms[0]));
	t->syms[t->nsyms].name = s;
	t->syms[t->nsyms].name_len = (uint32_t)n;
	*b = (uint32_t)++t->nsyms;
	return &t->syms[t->nsyms - 1];
nomem:
	*err = -ENOMEM;
	return NULL;
}

int ksyms_want(struct ksym_table *t, const char *name)
{
	int err = 0;
	bool was = t->filtered;

	t->filtered = false;
	ksyms_find_or_add(t, name, strlen(name), &err);
	t->filtered = was;
	return err;
}

void ksyms_filter(struct ksym_table *t)
{
	t->filtered = true;
	t->prefilter = calloc(1024, sizeof(uint64_t));
	for (size_t i = 0; t->prefilter && i < t->nsyms; i++) {
		char buf[8] = { 0 };
		uint64_t k;

		memcpy(buf, t->syms[i].name, t->syms[i].name_len < 8 ? t->syms[i].name_len : 8);
		k = ksyms_name_key(buf);
		t->prefilter[k >> 6] |= 1ull << (k & 63);
	}
}

const struct ksym *ksyms_lookup_n(const struct ksym_table *t, const char *name, size_t len)
{
	uint32_t *b;

	if (t->nbuckets == 0)
		return NULL;
	b = bucket_for(t, name, len);
	return *b ? &t->syms[*b - 1] : NULL;
}

const struct ksym *ksyms_lookup(const struct ksym_table *t, const char *name)
{
	return ksyms_lookup_n(t, name, strlen(name));
}

/* Records an address for k, keeping an earlier global definition over a
 * later local one of the same name (static functions repeat names). */
void ksyms_set_address(struct ksym_table *t, struct ksym *k, uint64_t addr,
			uint32_t flags, const char *owner, size_t owner_len)
{
	if (addr)
		t->nonzero_address = true;
	if ((k->flags & KSYM_HAS_ADDR) &&
	    ((k->flags & KSYM_GLOBAL) || !(flags & KSYM_GLOBAL)))
		return;
	k->addr = addr;
	k->flags = (k->flags & ~(KSYM_GLOBAL | KSYM_MODULE | KSYM_OLD)) | flags | KSYM_HAS_ADDR;
	if (owner) {
		k->owner = owner;
		k->owner_len = (uint32_t)owner_len;
	}
}

static const char *arena_copy(struct ksym_table *t, const char *s, size_t n)
{
	struct ksym_arena *a = t->arena;

	if (!a || a->cap - a->used < n) {
		size_t cap = n > 4096 ? n : 4096;

		a = malloc(sizeof(*a) + cap);
		if (!a)
			return NULL;
		a->next = t->arena;
		a->used = 0;
		a->cap = cap;
		t->arena = a;
	}
	memcpy(a->data + a->used, s, n);
	a->used += n;
	return a->data + a->used - n;
}

static bool inside(const char *p, const char *lo, const char *hi)
{
	return p && (uintptr_t)p >= (uintptr_t)lo && (uintptr_t)p < (uintptr_t)hi;
}

/* Copies out every string an entry points at in [lo, hi), the piece about
 * to be reused. */
int ksyms_keep_strings(struct ksym_table *t, const char *lo, const char *hi)
{
	for (size_t i = 0; i < t->nsyms; i++) {
		struct ksym *k = &t->syms[i];

		if (inside(k->owner, lo, hi) && !(k->owner = arena_copy(t, k->owner, k->owner_len)))
			return -ENOMEM;
		if (inside(k->ns, lo, hi) && !(k->ns = arena_copy(t, k->ns, k->ns_len)))
			return -ENOMEM;
	}
	return 0;
}

/* An export is what the kernel's resolve_symbol() would find:
 *  - a loaded module's symbol whose kallsyms letter is upper case;
 *  - a vmlinux symbol with a __ksymtab_ entry (when the file lists none,
 *    as without CONFIG_KALLSYMS_ALL, any global one that Module.symvers
 *    lists, or any global one at all without Module.symvers);
 *  - every line of the old ksyms format;
 *  - with no address-carrying file at all, whatever Module.symvers lists
 *    (good enough for -p). */
void ksyms_finish(struct ksym_table *t)
{
	bool have_symvers = false;

	for (size_t i = 0; i < t->nfiles; i++)
		have_symvers |= t->files[i].format == KSYMS_SYMVERS;
	t->addresses_hidden = t->have_addresses && !t->nonzero_address;
	for (size_t i = 0; i < t->nsyms; i++) {
		struct ksym *k = &t->syms[i];
		bool exported;

		if (!t->have_addresses)
			exported = k->flags & KSYM_SYMVERS;
		else if (!(k->flags & KSYM_HAS_ADDR))
			exported = false;
		else if (k->flags & (KSYM_OLD | KSYM_MODULE))
			exported = k->flags & KSYM_GLOBAL;
		else if (t->have_ksymtab)
			exported = k->flags & KSYM_KSYMTAB;
		else
			exported = (k->flags & KSYM_GLOBAL) &&
				   (!have_symvers || (k->flags & KSYM_SYMVERS));
		if (exported)
			k->flags |= KSYM_EXPORTED;
		else
			k->flags &= ~(uint32_t)KSYM_EXPORTED;
	}
}

void ksyms_release(struct ksym_table *t)
{
	for (size_t i = 0; i < t->nfiles; i++) {
		free(t->files[i].map);
	}
	free(t->files);
	free(t->piece);
	free(t->syms);
	free(t->buckets);
	free(t->prefilter);
	while (t->arena) {
		struct ksym_arena *next = t->arena->next;

		free(t->arena);
		t->arena = next;
	}
	free(t->default_kallsyms);
	free(t->default_symvers);
	memset(t, 0, sizeof(*t));
}
