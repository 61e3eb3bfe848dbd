/* Messages to the user: terminal or syslog, filtered by -q and -v.
 *
 * Library code never exits and never writes to stdout/stderr directly: it
 * reports through these functions and returns 0 or -errno, so that main()
 * alone decides the exit status and the fuzzers can silence everything. */
#ifndef INSMOD_LOG_H
#define INSMOD_LOG_H

#include <stdbool.h>

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

enum log_target { LOG_TO_TERMINAL, LOG_TO_SYSLOG, LOG_TO_NOWHERE };

void log_setup(enum log_target target, int verbosity, bool quiet);

/* An error: always shown (stderr or LOG_ERR). */
void log_error(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* A warning: always shown, -q or not (stderr or LOG_INFO): what the user
 * must know to be safe (a forced load taints, a change voids the
 * signature, the kernel will refuse it), and anything else not below. */
void log_warn(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* A warning that -q silences: the manual's version complaints (a release
 * mismatch accepted or forced, missing symbol versions) and notes that an
 * option has no effect on this kernel. */
void log_quiet_warn(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* A complaint that -q silences even though it is an error: unresolved
 * symbols and version mismatches (the exit status still tells). */
void log_complaint(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Normal output the user asked for (map lines): stdout or LOG_INFO. */
void log_output(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Shown with -v (stderr or LOG_INFO). */
void log_verbose(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Information the user did not ask for but wants (--batch's closing
 * count): -q silences it (stderr or LOG_INFO). */
void log_note(const char *fmt, ...) PRINTF_LIKE(1, 2);

bool log_is_verbose(void);
bool log_is_quiet(void);

/* --batch -q gives each failing module one line: while held, errors and
 * complaints are counted and the first one kept, not shown.  log_held()
 * returns that first one on one line (NULL if none) and how many there
 * were (log_hold(false) keeps them); log_hold(true) starts afresh. */
void log_hold(bool on);
const char *log_held(unsigned *count);

/* Called before anything is written to the terminal, stderr or stdout, so
 * that a progress line can be cleared first; NULL for nothing. */
void log_before_output(void (*fn)(void));

#endif
