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
		free(lk->rc.image);
	lk->rc.image = lk->image_map = NULL;
}

/* Each loaded section with contents copied to its offset; padding and
 * NOBITS stay zero.  Logs nothing: on two lanes the helper may be logging
 * (link_run reports -ENOMEM). */
static int build_image(struct linker *lk)
{
	const struct elf_file *elf = lk->rc.elf;

	lk->rc.image = image_alloc(lk);
	if (!lk->rc.image)
		return -ENOMEM;
	for (size_t i = 1; i < elf->nsections; i++) {
		const struct link_sec *s = &lk->rc.secs[i];

		if (s->placed && s->type != SHT_NOBITS && elf->sections[i].data)
			memcpy(lk->rc.image + s->offset, elf->sections[i].data,
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

	if (lk->rc.arch->frob_sections)
		r = lk->rc.arch->frob_sections(&lk->rc);
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

/* ---- One lane or two ------------------------------------------------------ */

/* The steps are run by two lanes: a main lane (the calling thread) and a
 * helper lane.  For a large module the helper lane is a thread started on
 * another CPU (thread.c), and each step waits only for what it needs:
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
 * its pages runs beside the main lane's
 * own freeing.  What logs runs in the order one lane runs it (layout,
 * checks, relocation), so messages come in the same order whatever the
 * timing; only two target sections' relocation errors can interleave, and
 * a symbol file that cannot be read is reported beside a malformed
 * module's layout errors.
 *
 * On one lane (a module below OVERLAP_MIN_FILE, one CPU, or no thread to
 * be had) the main lane runs the same steps and runs the helper's itself,
 * each where a helper thread would start it: the symbol files first, the
 * checks as soon as the module is laid out (a failed check builds no
 * image), no relocation beside, and the -O file is only created once the
 * image is complete (a failed link then opens nothing, and waits for no
 * reader of a pipe).  Below about 1.5 MiB a second lane costs what it
 * saves, and a process held to one CPU gains nothing from it (figures:
 * bench/history.md). */
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
	bool two;			/* a helper thread runs the helper lane */
	bool shared;			/* both lanes relocate (no per-section arch state) */
	struct reloc_queue queue;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	unsigned done;			/* LAID_OUT ... RELOCATED */
	int symbols_err, checked, relocated;	/* the helper's results */
	int replaced;			/* the old blob, or -1 */
};

/* The helper lane's steps.  Each is given whether what it waited for was
 * done (false: the main lane stopped before it). */
static void read_symbols(struct lanes *l)
{
	l->symbols_err = l->reading ? load_symbols(l->reading->job, l->reading->kt) : 0;
	l->checked = l->symbols_err;
}

static void check(struct lanes *l, bool laid_out)
{
	if (!laid_out)
		l->checked = -ECANCELED;
	else if (!l->checked)
		l->checked = check_and_queue(l->lk, l->kt, &l->queue, l->shared);
}

static void relocate_beside(struct lanes *l, bool image_ready)
{
	if (image_ready && !l->checked && l->shared)
		l->relocated = queue_work(l->lk, &l->queue);
}

static void free_replaced(struct lanes *l, bool committed)
{
	if (committed && l->replaced >= 0)
		close(l->replaced);
}

/* What the main lane has done.  On one lane, the helper's step that waits
 * for it runs here and now. */
static void post(struct lanes *l, unsigned what)
{
	if (!l->two) {
		if (what & LAID_OUT)
			check(l, true);
		if (what & IMAGE_READY)
			relocate_beside(l, true);
		if (what & COMMITTED)
			free_replaced(l, true);
		l->done |= what | (what & LAID_OUT ? CHECKED : 0) | (what & IMAGE_READY ? RELOCATED : 0);
		return;
	}
	pthread_mutex_lock(&l->lock);
	l->done |= what;
	pthread_cond_broadcast(&l->changed);
	pthread_mutex_unlock(&l->lock);
}

/* Waits until one of what is done, or the main lane has stopped; says
 * whether one of what was done.  On one lane nothing is waited for: what
 * the main lane waits for ran when it posted what came before. */
static bool wait_for(struct lanes *l, unsigned what)
{
	unsigned done;

	if (!l->two)
		return l->done & what;
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

	read_symbols(l);
	check(l, wait_for(l, LAID_OUT));
	post(l, CHECKED);
	relocate_beside(l, wait_for(l, IMAGE_READY));
	post(l, RELOCATED);
	free_replaced(l, wait_for(l, COMMITTED));
	return NULL;
}

/* The symbol files, the layout, the checks (on one lane) and the image:
 * the main lane's steps up to relocation. */
static int prepare(struct lanes *l)
{
	int r = 0;

	if (!l->two) {
		read_symbols(l);
		r = l->symbols_err;
	}
	if (!r)
		r = lay_out(l->lk);
	post(l, r ? STOPPED : LAID_OUT);
	if (!r && !l->two)
		r = l->checked;
	if (!r)
		r = build_image(l->lk);
	post(l, r ? STOPPED : IMAGE_READY);
	return r;
}

/* The -O file after the link: written if it succeeded (r 0), else
 * abandoned.  On two lanes it was opened before relocation (opened). */
static int write_blob(struct lanes *l, struct blob_file *blob, bool opened, int r)
{
	const struct linker *lk = l->lk;

	if (!lk->job->blob_path || (r && !opened))
		return r;
	if (r) {
		link_blob_abandon(blob);
		return r;
	}
	if (!opened)
		link_blob_open(blob, lk->job->blob_path, (size_t)lk->image_size);
	blob->hold_replaced = l->two;
	r = link_blob_commit(blob, lk->rc.image, (size_t)lk->image_size);
	l->replaced = blob->replaced;
	post(l, COMMITTED);
	return r;
}

/* The main lane; posts STOPPED when it returns, so that the helper waits
 * for nothing more. */
static int main_lane(struct lanes *l)
{
	struct linker *lk = l->lk;
	struct blob_file blob;
	bool blob_opened = l->two && lk->job->blob_path;
	int r = prepare(l);

	if (r)
		return r;
	if (blob_opened)
		link_blob_open(&blob, lk->job->blob_path, (size_t)lk->image_size);
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
	r = write_blob(l, &blob, blob_opened, r);
	/* while the helper frees the old blob: the image and the module
	 * file are not needed any more (a dry run's caller is done with it) */
	image_free(lk);
	if (lk->job->input)
		module_file_unmap(lk->job->input);
	post(l, STOPPED);
	return r;
}

/* Runs the lanes: a helper thread for a large module on two CPUs, else
 * (or when no thread can be started) one lane. */
static int run_lanes(struct linker *lk, const struct ksym_table *kt, struct symbols_job *reading,
		     bool two)
{
	struct lanes l = {
		.lk = lk, .kt = kt, .reading = reading,
		.queue = { .secs = NULL, .items = NULL }, .replaced = -1,
	};
	pthread_t helper;
	int r;

	pthread_mutex_init(&l.lock, NULL);
	pthread_cond_init(&l.changed, NULL);
	/* set before the helper starts, which reads them */
	l.two = two;
	l.shared = two && !lk->rc.arch->apply_section;
	if (two && thread_start_beside(&helper, helper_lane, &l) != 0)
		l.two = l.shared = false;
	r = main_lane(&l);
	if (l.two)
		pthread_join(helper, NULL);
	if (l.symbols_err)
		r = l.symbols_err;	/* a symbol file that cannot be read wins */
	queue_release(&l.queue);
	pthread_mutex_destroy(&l.lock);
	pthread_cond_destroy(&l.changed);
	return r;
}

int link_steps(struct linker *lk, const struct ksym_table *kt, struct symbols_job *reading)
{
	if (lk->job->probe)
		return probe(lk, kt, reading);
	return run_lanes(lk, kt, reading, lk->rc.elf->size >= OVERLAP_MIN_FILE && thread_have_two_cpus());
}
