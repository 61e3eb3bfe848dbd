/* --batch's input and what it says (batch.h). */
#include "batch.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* ---- module paths: the arguments, "-" for standard input ------------------ */

void batch_input_start(struct batch_input *in, char *const *args, size_t n)
{
	memset(in, 0, sizeof(*in));
	in->args = args;
	in->nargs = n;
}

/* One line of standard input into in->path: 1, 0 at its end, -1 for a
 * line that is no path (said), -2 for a read error (said).  Read a byte at
 * a time so that a line of any length costs no memory. */
static int read_line(struct batch_input *in)
{
	size_t len = 0;
	bool nul = false;
	int ch;

	while ((ch = getc_unlocked(in->in)) != EOF && ch != '\n') {
		nul |= ch == '\0';
		if (len < BATCH_LINE_MAX + 1)
			in->path[len] = (char)ch;
		len++;
	}
	if (ferror(in->in)) {
		log_error("standard input: %s", strerror(errno));
		return -2;
	}
	if (ch == EOF && len == 0)
		return 0;
	in->line++;
	if (len == 0 || len > BATCH_LINE_MAX || nul) {
		log_error("standard input, line %zu: %s, not a module path", in->line,
			  len == 0 ? "an empty line" : nul ? "a NUL byte" : "longer than 4095 bytes");
		return -1;
	}
	in->path[len] = '\0';
	in->from_stdin++;
	return 1;
}

int batch_input_next(struct batch_input *in, const char **module, bool *fatal)
{
	*fatal = false;
	for (;;) {
		if (in->in) {
			int r = read_line(in);

			if (r == 1)
				*module = in->path;
			if (r != 0) {
				*fatal = r == -2;
				return r == 1 ? 1 : -1;
			}
			in->in = NULL;	/* its end: on with the arguments */
		}
		if (in->next >= in->nargs)
			return 0;
		if (strcmp(in->args[in->next], "-") != 0) {
			*module = in->args[in->next++];
			return 1;
		}
		in->next++;
		in->read_stdin = true;
		in->in = stdin;
	}
}

int batch_input_finish(const struct batch_input *in)
{
	if (!in->read_stdin || in->line)
		return 0;
	log_error("no module paths on standard input");
	return -ENOENT;
}

/* ---- progress, one line for each failure, the closing count -------------- */

static struct batch_report *on_screen;	/* whose progress line the hook clears */

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The progress line goes before anything else is written (log.c calls
 * this); spaces over it, so that nothing of it is left on the screen. */
static void clear_progress(void)
{
	if (!on_screen || !on_screen->drawn)
		return;
	fprintf(stderr, "\r%*s\r", (int)on_screen->drawn, "");
	on_screen->drawn = 0;
}

static size_t terminal_width(void)
{
	struct winsize w;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 1)
		return w.ws_col;
	return 80;
}

/* "insmod: 37/120 done, 2 failed, 3.4 s: snd-hda-intel.ko", cut to the
 * terminal's width (a line that wrapped could not be rewritten in place). */
static void draw_progress(struct batch_report *rep, const char *module, double t)
{
	const char *base = strrchr(module, '/');
	char line[512], total[32] = "";
	size_t width = terminal_width() - 1, len;

	if (rep->total)
		snprintf(total, sizeof(total), "/%zu", rep->total);
	snprintf(line, sizeof(line), "insmod: %zu%s done, %zu failed, %.1f s: %s", rep->done, total,
		 rep->failed, t - rep->start, base ? base + 1 : module);
	len = strlen(line);
	if (len > width)
		line[len = width] = '\0';
	fprintf(stderr, "\r%s%*s", line, rep->drawn > len ? (int)(rep->drawn - len) : 0, "");
	if (len > rep->drawn)
		rep->drawn = len;
	rep->last_draw = t;
}

void batch_report_start(struct batch_report *rep, const struct insmod_opts *o)
{
	memset(rep, 0, sizeof(*rep));
	rep->start = now();
	rep->probe = o->probe;
	rep->quiet = o->quiet;
	/* a terminal, and the messages go there (not -s, not -q) */
	rep->progress = !o->quiet && !o->syslog && isatty(STDERR_FILENO);
	if (rep->progress) {
		on_screen = rep;
		log_before_output(clear_progress);
	}
}

void batch_report_next(struct batch_report *rep, const char *module, size_t total)
{
	double t;

	rep->total = total;
	if (rep->quiet)
		log_hold(true);	/* its one line, if it fails, comes after it */
	if (!rep->progress)
		return;
	t = now();
	/* more than a second in, and at most ten times a second */
	if (t - rep->start > 1.0 && t - rep->last_draw >= 0.1)
		draw_progress(rep, module, t);
}

/* Under -q: "PATH: the first reason (and N more)".  The path as typed
 * comes first unless the reason starts with it already. */
static void say_failure(const char *module, int r)
{
	unsigned n;
	const char *first = log_held(&n);
	size_t len = strlen(module);
	char more[32] = "";

	if (!first) {
		log_error("%s: %s", module, strerror(-r));
		return;
	}
	if (n > 1)
		snprintf(more, sizeof(more), " (and %u more)", n - 1);
	if (strncmp(first, module, len) == 0 && first[len] == ':')
		log_error("%s%s", first, more);
	else
		log_error("%s: %s%s", module, first, more);
}

void batch_report_done(struct batch_report *rep, const char *module, int r)
{
	rep->done++;
	if (r)
		rep->failed++;
	if (!rep->quiet || !module)
		return;
	log_hold(false);
	if (r)
		say_failure(module, r);
}

void batch_report_end(struct batch_report *rep)
{
	size_t good = rep->done - rep->failed;
	double t = now() - rep->start;

	clear_progress();
	if (rep->progress) {
		log_before_output(NULL);
		on_screen = NULL;
	}
	if (!rep->done)
		return;
	/* with failures an error, for syslog's sake; -q silences both */
	(rep->failed ? log_complaint : log_note)(rep->probe ? "%zu would load, %zu would not, in %.2f s"
							    : "%zu linked, %zu failed, in %.2f s",
						 good, rep->failed, t);
}
