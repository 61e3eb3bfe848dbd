/* Messages to the terminal or to syslog (-s: ident "insmod", facility
 * daemon, errors at LOG_ERR, the rest at LOG_INFO). */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

static enum log_target target = LOG_TO_TERMINAL;
static int verbosity;
static bool quiet;
static void (*before_output)(void);
/* The linker's two lanes may both log: the hook and the held message are
 * each one thing for both. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	bool on;
	unsigned count;
	char first[1024];
} hold;

/* Whether a syslog daemon listens on /dev/log.  syslog(3) drops messages
 * silently when none does (a container, an initramfs, early boot): -s
 * would then lose every error. */
static bool syslog_listens(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok = fd >= 0 && connect(fd, (const struct sockaddr *)&a, sizeof(a)) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

void log_setup(enum log_target t, int v, bool q)
{
	if (target == LOG_TO_SYSLOG && t != LOG_TO_SYSLOG)
		closelog();
	verbosity = v;
	quiet = q;
	if (t == LOG_TO_SYSLOG && !syslog_listens()) {
		target = LOG_TO_TERMINAL;
		log_warn("-s: no syslog daemon listens on /dev/log; messages go to standard error");
		return;
	}
	target = t;
	if (target == LOG_TO_SYSLOG)
		openlog("insmod", LOG_PID, LOG_DAEMON);
}

bool log_is_verbose(void) { return verbosity > 0; }
bool log_is_quiet(void) { return quiet; }

static void emit(FILE *stream, int priority, const char *prefix,
		 const char *fmt, va_list ap)
{
	if (target == LOG_TO_NOWHERE)
		return;
	if (target == LOG_TO_SYSLOG) {
		vsyslog(priority, fmt, ap);
		return;
	}
	if (before_output) {
		pthread_mutex_lock(&lock);
		before_output();
		pthread_mutex_unlock(&lock);
	}
	fputs(prefix, stream);
	vfprintf(stream, fmt, ap);
	fputc('\n', stream);
}

#define EMIT(stream, prio, prefix)                 \
	do {                                       \
		va_list ap;                        \
		va_start(ap, fmt);                 \
		emit(stream, prio, prefix, fmt, ap); \
		va_end(ap);                        \
	} while (0)

void log_hold(bool on)
{
	hold.on = on;
	if (on) {
		hold.count = 0;
		hold.first[0] = '\0';
	}
}

/* The first held message on one line: the 2.4 version mismatch, for one,
 * is written over three. */
static void hold_message(const char *fmt, va_list ap)
{
	pthread_mutex_lock(&lock);
	if (hold.count++ == 0) {
		vsnprintf(hold.first, sizeof(hold.first), fmt, ap);
		for (char *p = hold.first; *p; p++)
			if (*p == '\n' || *p == '\t')
				*p = ' ';
	}
	pthread_mutex_unlock(&lock);
}

const char *log_held(unsigned *count)
{
	*count = hold.count;
	return hold.count ? hold.first : NULL;
}

void log_before_output(void (*fn)(void))
{
	before_output = fn;
}

#define HOLD_OR_EMIT(stream, prio, prefix)         \
	do {                                       \
		va_list ap;                        \
		va_start(ap, fmt);                 \
		if (hold.on)                       \
			hold_message(fmt, ap);     \
		else                               \
			emit(stream, prio, prefix, fmt, ap); \
		va_end(ap);                        \
	} while (0)

void log_error(const char *fmt, ...) { HOLD_OR_EMIT(stderr, LOG_ERR, "insmod: "); }

void log_warn(const char *fmt, ...) { EMIT(stderr, LOG_INFO, "insmod: warning: "); }

void log_quiet_warn(const char *fmt, ...)
{
	if (!quiet)
		EMIT(stderr, LOG_INFO, "insmod: warning: ");
}

void log_complaint(const char *fmt, ...)
{
	if (!quiet || hold.on)
		HOLD_OR_EMIT(stderr, LOG_ERR, "insmod: ");
}

void log_note(const char *fmt, ...)
{
	if (!quiet)
		EMIT(stderr, LOG_INFO, "insmod: ");
}

void log_output(const char *fmt, ...) { EMIT(stdout, LOG_INFO, ""); }

void log_verbose(const char *fmt, ...)
{
	if (verbosity > 0)
		EMIT(stderr, LOG_INFO, "insmod: ");
}
