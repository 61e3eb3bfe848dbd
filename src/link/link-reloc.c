/* The relocation driver: the entries of every relocation section handed
 * to the arch file (arch/), with one message per fault, and the queue of
 * what is left to relocate, which one or two lanes work through. */
#include "link-steps.h"
#include "log.h"

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

int queue_build(const struct linker *lk, struct reloc_queue *q, bool shared)
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
			int r = lk->arch->apply_section ? lk->arch->apply_section(lk, q->secs[j])
							: link_apply_section_in_order(lk, q->secs[j]);

			if (r && !err)
				err = r;
		}
	}
	return err;
}

void count_unshown_errors(const struct linker *lk)
{
	if (lk->errors > MAX_RELOC_ERRORS)
		log_error("%s: %u more relocation errors not shown", lk->job->path,
			  lk->errors - MAX_RELOC_ERRORS);
}

