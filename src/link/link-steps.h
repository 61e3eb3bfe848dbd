/* Between the files of the linker's driver: link.c (setup, link_run),
 * link-resolve.c (the kernel's symbols and checks), link-reloc.c (the
 * relocation loop and its queue) and link-lanes.c (the steps in order, on
 * one lane or two). */
#ifndef INSMOD_LINK_STEPS_H
#define INSMOD_LINK_STEPS_H

#include "link-int.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ksym_table;

/* ---- link-resolve.c ------------------------------------------------------ */

/* The symbol files a link reads for itself (not --batch's shared ones). */
struct symbols_job {
	const struct link_job *job;
	struct ksym_table *kt;
};

/* One module's link keeps only the names it asks for. */
int load_symbols(const struct link_job *job, struct ksym_table *kt);
/* The kernel's checks against its symbols: vermagic, resolution (GPL-only,
 * namespaces), modversions; every failure is reported. */
int check_against_kernel(struct linker *lk, const struct ksym_table *kt);
/* -n, -m and -O need real addresses; say how to get them. */
int need_addresses(const struct link_job *job, const struct ksym_table *kt);
/* After layout: every defined symbol's value (symval), or symlost. */
int compute_symbol_values(struct linker *lk);

/* ---- link-reloc.c: the relocation queue ---------------------------------- */

/* What is left to relocate, as items that two threads take one at a time
 * (see "One lane or two" in link-lanes.c).  Shared, an item is every relocation
 * section of one target section, applied in section order: no field is
 * then written by two threads, and the kernel's zero-before check sees
 * what one thread would.  The heaviest items go first, so that the threads
 * run out of work within an item of each other.  Not shared, an item is
 * one relocation section, in section order. */
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

int queue_build(const struct linker *lk, struct reloc_queue *q, bool shared);
void queue_release(struct reloc_queue *q);
/* Takes items until none is left; returns the first error met. */
int queue_work(struct linker *lk, struct reloc_queue *q);
/* "N more relocation errors not shown", after relocation. */
void count_unshown_errors(const struct linker *lk);

/* ---- link-lanes.c -------------------------------------------------------- */

void image_free(struct linker *lk);
/* With reading, the symbol files are read into kt first (or beside the
 * layout, for a large module); without, kt has been read already. */
int link_steps(struct linker *lk, const struct ksym_table *kt, struct symbols_job *reading);

#endif
