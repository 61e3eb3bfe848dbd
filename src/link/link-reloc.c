/* The relocation driver: the entries of every relocation section handed
 * to the arch file (arch/), with one message per fault, and the queue of
 * what is left to relocate, which one or two lanes work through. */
#include "link-steps.h"
#include "log.h"
#include "machine.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

/* After this many relocation errors the rest are counted, not shown. */
#define MAX_RELOC_ERRORS 20

static pthread_mutex_t error_lock = PTHREAD_MUTEX_INITIALIZER;

int link_reloc_error(struct reloc_ctx *rc, const struct reloc_site *site, const char *fmt, ...)
{
	char msg[256], tname[32];
	const char *name = rc->arch && rc->arch->reloc_name ? rc->arch->reloc_name(site->type) : NULL;
	const char *sec = rc->elf ? rc->elf->sections[site->target].name : "?";
	va_list ap;

	pthread_mutex_lock(&error_lock);	/* relocation may run on two threads */
	if (++rc->errors > MAX_RELOC_ERRORS) {
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
	log_error("%s: relocation %s at %s+0x%" PRIx64 " against %s: %s", link_module_path(rc), name,
		  sec, site->offset, link_symbol_name(rc, site->sym), msg);
	pthread_mutex_unlock(&error_lock);
	return -ENOEXEC;
}

int link_check_room(struct reloc_ctx *rc, const struct reloc_site *site, unsigned width)
{
	if (site->room >= width)
		return 0;
	return link_reloc_error(rc, site, "a %u-byte field does not fit in the section (%" PRIu64
				" bytes left)", width, site->room);
}

/* A bound as the message shows it: signed for a signed range. */
static void format_bound(char *buf, size_t size, int64_t v, bool is_signed)
{
	if (v == 0)
		snprintf(buf, size, "0");
	else if (is_signed && v < 0)
		snprintf(buf, size, "-0x%" PRIx64, -(uint64_t)v);
	else
		snprintf(buf, size, "0x%" PRIx64, (uint64_t)v);
}

int link_check_range(struct reloc_ctx *rc, const struct reloc_site *site, int64_t val,
		     int64_t lo, int64_t hi, const char *why)
{
	char v[24], l[24], h[24];
	bool is_signed = lo < 0;

	if (val >= lo && val <= hi)
		return 0;
	format_bound(v, sizeof(v), val, is_signed);
	format_bound(l, sizeof(l), lo, is_signed);
	format_bound(h, sizeof(h), hi, is_signed);
	return link_reloc_error(rc, site, "value %s is out of range [%s, %s] for the field%s%s%s", v, l, h,
				why ? " (" : "", why ? why : "", why ? ")" : "");
}

/* ---- Relocation --------------------------------------------------------- */

/* Fills *site from a decoded entry: where the field is, where it will
 * run, and S. */
static int fill_site(struct reloc_ctx *rc, size_t relsec, size_t i, const struct elf_reloc *r,
		     struct reloc_site *site)
{
	const struct elf_file *elf = rc->elf;
	const struct link_sec *t;

	site->relsec = relsec;
	site->index = i;
	site->target = elf->sections[relsec].info;
	site->type = r->type;
	site->sym = r->sym;
	site->offset = r->offset;
	site->A = r->addend;
	t = &rc->secs[site->target];
	site->P = t->addr + r->offset;
	site->loc = rc->image + t->offset + r->offset;
	site->room = t->size >= r->offset ? t->size - r->offset : 0;
	site->S = rc->symval[r->sym];
	if (t->type == SHT_NOBITS && elf->sections[site->target].type == SHT_NOBITS)
		return link_reloc_error(rc, site, "relocation in a section without contents (NOBITS)");
	if (rc->symlost[r->sym]) {
		struct elf_symbol s;

		elf_symbol(elf, r->sym, &s);
		return link_reloc_error(rc, site, "the symbol is in section %s, which is not loaded", s.shndx <
					elf->nsections ? elf->sections[s.shndx].name : "(of the definition it resolves to)");
	}
	return 0;
}

int link_site(struct reloc_ctx *rc, size_t relsec, size_t i, struct reloc_site *site)
{
	struct elf_reloc r;
	int err = elf_reloc(rc->elf, relsec, i, &r);

	return err ? err : fill_site(rc, relsec, i, &r, site);
}

/* The arch file's quick pass, with apply_one for each entry it leaves. */
static int apply_quickly(struct reloc_ctx *rc, size_t relsec)
{
	const struct elf_file *elf = rc->elf;
	const struct elf_section *rs = &elf->sections[relsec];
	const struct link_sec *t = &rc->secs[rs->info];
	struct reloc_quick q = {
		.entries = rs->data, .limit = elf->sections[rs->info].size,
		.loc = rc->image + t->offset, .addr = t->addr, .size = t->size,
		.symval = rc->symval, .symlost = rc->symlost, .nsymbols = elf->nsymbols,
	};
	size_t n = elf_reloc_count(elf, relsec), i = 0;
	int err = 0;

	while ((i = rc->arch->apply_quick(&q, i, n)) < n) {
		struct reloc_site site;
		int r = link_site(rc, relsec, i++, &site);

		if (!r)
			r = rc->arch->apply_one(rc, &site);
		if (r && !err)
			err = r;
	}
	return err;
}

/* Entries are decoded in batches: amdgpu has 320,000 of them, and one
 * accessor call per field would cost more than applying them. */
#define RELOC_BATCH 256

int link_apply_section_in_order(struct reloc_ctx *rc, size_t relsec)
{
	size_t n = elf_reloc_count(rc->elf, relsec), i = 0;
	struct elf_reloc batch[RELOC_BATCH];
	int err = 0;

	/* a target without contents is refused entry by entry below */
	if (rc->arch->apply_quick && rc->secs[rc->elf->sections[relsec].info].type != SHT_NOBITS)
		return apply_quickly(rc, relsec);
	while (i < n) {
		size_t got = elf_reloc_batch(rc->elf, relsec, i, RELOC_BATCH, batch);

		for (size_t k = 0; k < got; k++) {
			struct reloc_site site;
			int r = fill_site(rc, relsec, i + k, &batch[k], &site);

			if (!r)
				r = rc->arch->apply_one(rc, &site);
			if (r && !err)
				err = r;
		}
		i += got;
		if (got < RELOC_BATCH && i < n) {
			/* a bad entry: elf_reloc() says what is wrong with it */
			struct elf_reloc bad;
			int r = elf_reloc(rc->elf, relsec, i++, &bad);

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
	const struct elf_file *elf = lk->rc.elf;

	*n = 0;
	for (size_t s = 1; s < elf->nsections; s++) {
		const struct elf_section *rs = &elf->sections[s];

		if (!elf_is_reloc_section(elf, s) || !lk->rc.secs[rs->info].placed)
			continue;
		if (rs->flags & 0x00100000 /* SHF_RELA_LIVEPATCH */) {
			log_error("%s: section %s holds livepatch relocations, which only the kernel can apply",
				  lk->job->path, rs->name);
			return -ENOEXEC;
		}
		if (rs->type != lk->rc.arch->reloc_section) {
			log_error("%s: section %s: %s relocations are not supported on %s",
				  lk->job->path, rs->name, rs->type == SHT_REL ? "REL" : "RELA",
				  machine_name(elf->machine));
			return -ENOEXEC;
		}
		list[(*n)++] = s;
	}
	return 0;
}

/* ---- The relocation queue ------------------------------------------------ */

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
		t[k] = (struct by_target){ lk->rc.elf->sections[q->secs[k]].info, q->secs[k] };
	qsort(t, q->nsecs, sizeof(*t), compare_target);
	q->nitems = 0;
	for (size_t k = 0; k < q->nsecs; k++) {
		q->secs[k] = t[k].sec;
		if (k == 0 || t[k].target != t[k - 1].target)
			q->items[q->nitems++] = (struct reloc_item){ k, 0, 0 };
		q->items[q->nitems - 1].count++;
		q->items[q->nitems - 1].entries += elf_reloc_count(lk->rc.elf, t[k].sec);
	}
	free(t);
	qsort(q->items, q->nitems, sizeof(*q->items), compare_heaviest);
	return 0;
}

int queue_build(const struct linker *lk, struct reloc_queue *q, bool shared)
{
	size_t n = lk->rc.elf->nsections ? lk->rc.elf->nsections : 1;
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
		q->items[k] = (struct reloc_item){ k, 1, elf_reloc_count(lk->rc.elf, q->secs[k]) };
	q->nitems = q->nsecs;
	return 0;
}

void queue_release(struct reloc_queue *q)
{
	free(q->secs);
	free(q->items);
	q->secs = NULL;
	q->items = NULL;
}

/* Takes items until none is left; returns the first error met. */
int queue_work(struct linker *lk, struct reloc_queue *q)
{
	int err = 0;

	for (size_t k; (k = atomic_fetch_add(&q->next, 1)) < q->nitems;) {
		const struct reloc_item *it = &q->items[k];

		for (size_t j = it->first; j < it->first + it->count; j++) {
			int r = lk->rc.arch->apply_section ? lk->rc.arch->apply_section(&lk->rc, q->secs[j])
							: link_apply_section_in_order(&lk->rc, q->secs[j]);

			if (r && !err)
				err = r;
		}
	}
	return err;
}

void count_unshown_errors(const struct linker *lk)
{
	if (lk->rc.errors > MAX_RELOC_ERRORS)
		log_error("%s: %u more relocation errors not shown", lk->job->path,
			  lk->rc.errors - MAX_RELOC_ERRORS);
}

