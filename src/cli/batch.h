/* --batch: where its module paths come from (the arguments, and standard
 * input for "-"), and what it says about them: a progress line on a
 * terminal, under -q one line for each failing module, a closing count. */
#ifndef INSMOD_BATCH_H
#define INSMOD_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "opts.h"

/* A path read from standard input is at most this long (PATH_MAX less
 * its NUL): a longer line is no path the kernel would take. */
#define BATCH_LINE_MAX 4095

struct batch_input {
	char *const *args;		/* the module arguments */
	size_t nargs, next;
	FILE *in;			/* reading from it ("-"), or NULL */
	size_t line;			/* the number of the line last read */
	bool read_stdin;		/* "-" was given */
	size_t from_stdin;		/* paths read from it */
	char path[BATCH_LINE_MAX + 1];
};

void batch_input_start(struct batch_input *in, char *const *args, size_t n);
/* The next module path: 1 with *module set (valid until the next call),
 * 0 at the end, -1 for a line that is no path or an input error (said;
 * a failure).  *fatal is set when reading cannot go on. */
int batch_input_next(struct batch_input *in, const char **module, bool *fatal);
/* At the end: "-" that gave no path at all is said, and is an error. */
int batch_input_finish(const struct batch_input *in);

struct batch_report {
	double start, last_draw;	/* seconds, CLOCK_MONOTONIC */
	size_t done, failed;
	size_t total;			/* 0 while standard input is still read */
	bool probe, quiet;
	bool progress;			/* a terminal, to draw on */
	size_t drawn;			/* the width of the line drawn, 0 if none */
};

void batch_report_start(struct batch_report *rep, const struct insmod_opts *o);
/* Before each module (NULL for a line that is not one): draws the
 * progress line when the batch has taken more than a second. */
void batch_report_next(struct batch_report *rep, const char *module, size_t total);
/* After it: r is 0 or -errno.  Under -q its one line if it failed. */
void batch_report_done(struct batch_report *rep, const char *module, int r);
/* The closing count (not under -q); the progress line is gone after it. */
void batch_report_end(struct batch_report *rep);

#endif
