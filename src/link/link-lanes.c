/* The steps of a link in order, on one lane or, for a large module, on
 * two (the calling thread and a helper thread): layout, the kernel's
 * checks, the image, relocation, name, parameters, -m and the -O blob. */
#include "link-steps.h"
#include "file.h"
#include "ksyms.h"
#include "log.h"
#include "thread.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

void image_free(struct linker *lk)
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
int link_steps(struct linker *lk, const struct ksym_table *kt, struct symbols_job *reading)
{
	int r;

	if (lk->job->probe)
		return probe(lk, kt, reading);
	if (lk->elf->size >= OVERLAP_MIN_FILE && thread_have_two_cpus() && two_lanes(lk, kt, reading, &r))
		return r;
	return one_lane(lk, kt, reading);
}

