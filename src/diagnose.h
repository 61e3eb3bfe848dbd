/* Saying why the kernel refused a module: its own log lines, the errno in
 * words, and for unknown symbols which module provides each one. */
#ifndef INSMOD_DIAGNOSE_H
#define INSMOD_DIAGNOSE_H

#include <stdbool.h>

struct kmsg_watch {
	int fd;		/* /dev/kmsg positioned at its end, or -1 */
};

/* Opens /dev/kmsg and skips what is already there, so that only records
 * written after this call are read later.  Without /dev/kmsg (no
 * permission, not mounted) the watch is inert: fd = -1. */
void kmsg_watch_start(struct kmsg_watch *w);
void kmsg_watch_stop(struct kmsg_watch *w);

struct load_failure {
	const char *module;	/* the module's name as the kernel knows it */
	const char *path;	/* the file, for messages */
	const char *release;	/* kernel release, for modules.symbols/modules.dep */
	const char *modules_root; /* prefix before /lib/modules ("" normally) */
	int err;		/* positive errno from (f)init_module */
	bool forced;		/* -f was given */
	bool modified;		/* insmod changed the image (rename, strip, ...) */
	bool signed_module;	/* the file carries a signature trailer */
};

/* Reports a failed load: one error line with the errno explained in words
 * (and, for errors that can only come from the module's init function, said
 * to be the module's own), then the new kernel log lines that concern this
 * module, then for each "Unknown symbol" the module that provides it where
 * modules.symbols or modules.dep of the running kernel tell. */
void diagnose_load_failure(const struct load_failure *f, struct kmsg_watch *w);

/* The explanation of an errno from init_module/finit_module, in words. */
const char *diagnose_errno_text(int err);

#endif
