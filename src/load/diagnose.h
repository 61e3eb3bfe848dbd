/* Saying why the kernel refused a module: its own log lines, the errno in
 * words, and for unknown symbols which module provides each one. */
#ifndef INSMOD_DIAGNOSE_H
#define INSMOD_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>

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
	const char *release;	/* kernel release, for modules.symbols/modules.dep
				 * (NULL: the running kernel's, from uname) */
	const char *modules_root; /* prefix before /lib/modules ("" or NULL normally) */
	const char *root;	/* prefix before the /proc and /sys files read to
				 * tell causes apart, e.g. /proc/sys/kernel/
				 * modules_disabled ("" or NULL normally; tests) */
	int err;		/* positive errno from (f)init_module */
	bool from_init;		/* the module's init function returned it, though the
				 * loader uses it too (EEXIST with no such module live) */
	bool forced_vermagic;	/* -f or --force-vermagic was given */
	bool forced_modversion;	/* -f or --force-modversion was given */
	bool modified;		/* insmod changed the image (rename, strip, ...) */
	bool signed_module;	/* the file carries a signature trailer */
};

/* Either force: the kernel then checks no signature (it verifies one
 * only for a load with no MODULE_INIT_IGNORE_* flag), and a kernel
 * without CONFIG_MODULE_FORCE_LOAD refuses the load. */
static inline bool load_failure_forced(const struct load_failure *f)
{
	return f->forced_vermagic || f->forced_modversion;
}

/* Reports a failed load: one error line with the errno explained in words
 * (and, for errors that can only come from the module's init function, said
 * to be the module's own), then the new kernel log lines that concern this
 * module, then for each "Unknown symbol" the module that provides it where
 * modules.symbols or modules.dep of the running kernel tell.
 *
 * The first line is always log_error:
 *   "could not load PATH: TEXT (ENAME: strerror)"         errnos the loader gives
 *   "could not load PATH: the module's init function failed: strerror (ENAME)"
 * Kernel lines are "kernel: MESSAGE" (at most 20; unknown-symbol and version
 * lines through log_complaint, so that -q silences them, the rest through
 * log_error); then one line per unknown symbol (log_complaint):
 *   "SYM is provided by module MOD: load it first (FILE)"
 *   "SYM: no module of this kernel provides it"
 * w may be NULL or inert (fd -1): the errno explanation is still given. */
void diagnose_load_failure(const struct load_failure *f, struct kmsg_watch *w);

/* The explanation of an errno from init_module/finit_module, in words, never
 * NULL: for an errno the loader itself never returns, "the module's init
 * function failed". */
const char *diagnose_errno_text(int err);

/* The symbolic name of an errno ("ENODEV"), or NULL when unknown. */
const char *diagnose_errno_name(int err);

/* Whether err is one the kernel's loader returns for its own reasons (true)
 * rather than only the module's init function (false). */
bool diagnose_errno_is_loaders(int err);

/* One /dev/kmsg record: "PRIO,SEQ,TS,FLAGS[,...];MESSAGE\n" followed by
 * optional continuation lines that start with a space. */
struct kmsg_record {
	unsigned int facility;	/* 0 = the kernel; user-space writes are >= 1 */
	unsigned int level;
	unsigned long long seq;
	const char *msg;	/* points into the buffer, not NUL-terminated; */
	size_t msg_len;		/* non-printable bytes are escaped by the kernel */
};

/* Splits the record in buf[0..len).  Returns 0, or -EINVAL if it is not in
 * the /dev/kmsg format. */
int kmsg_parse_record(const char *buf, size_t len, struct kmsg_record *r);

/* Whether a kernel message concerns module MODULE ('-' and '_' are the
 * same): it starts with "MODULE: " or names it as a word, or it is one of
 * the loader's messages that do not name the module (signature rejection,
 * lockdown, ELF header checks). */
bool kmsg_concerns_module(const char *msg, size_t len, const char *module);

/* If msg is "MODULE: Unknown symbol SYM (err N)" (older kernels leave out
 * "(err N)"), copies SYM into sym[size] and N into *err (0 when absent) and
 * returns true.  false for any other message, another module's, or a
 * symbol that does not fit. */
bool kmsg_unknown_symbol(const char *msg, size_t len, const char *module,
			 char *sym, size_t size, int *err);

/* Who provides a symbol, from modules.symbols ("alias symbol:SYM MOD") and
 * modules.dep ("kernel/.../mod.ko: deps"). */
struct symbol_provider {
	const char *symbol;	/* in */
	char *module;		/* out: malloc'ed module name, or NULL */
	char *path;		/* out: malloc'ed file from modules.dep (made
				 * absolute under moddir), or NULL */
};

/* Fills module and path for each of the n symbols from MODDIR/modules.symbols
 * and MODDIR/modules.dep (MODDIR is e.g. /lib/modules/6.1.0-11-amd64).
 * Returns 0, or -errno when modules.symbols cannot be read (nothing is
 * filled then).  A missing modules.dep only leaves the paths NULL. */
int diagnose_find_providers(const char *moddir, struct symbol_provider *v,
			    size_t n);
void diagnose_providers_release(struct symbol_provider *v, size_t n);

/* Says which modules of ROOT/lib/modules/RELEASE (RELEASE NULL: the
 * running kernel's) provide the missing symbols NAMES[0..n), one line per
 * module ("a, b: provided by module m (path): load it first (modprobe
 * m)", or that m is loaded and the symbols are probably GPL-only), then
 * one line for those no module provides.  When modules.symbols cannot be
 * read, says so unless QUIET_UNKNOWN.  Returns 0 or -errno. */
int diagnose_report_providers(const char *root, const char *release, const char *const *names,
			      size_t n, bool quiet_unknown);

#endif
