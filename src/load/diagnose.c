/* Saying why the kernel refused a module.
 *
 * The kernel answers a refused load with a bare errno; its reasons go to
 * the kernel log.  So the caller opens /dev/kmsg before the system call
 * (kmsg_watch_start), and after a failure we read only what was logged
 * since, keep the lines that concern this module, explain the errno in
 * words (telling apart, where files in /proc and /sys allow, which of the
 * possible causes applies), and for every unknown symbol look up in
 * modules.symbols which module would provide it. */
#include "diagnose.h"
#include "diagnose-int.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "log.h"
#include "strbuf.h"

/* Kernel lines shown under the error, and unknown symbols explained. */
#define MAX_KERNEL_LINES 20
#define MAX_SYMBOLS_SHOWN 20
/* Bounds on what one diagnosis reads, whatever the kernel logs meanwhile. */
#define MAX_RECORDS 4096
#define MAX_SYMBOLS 256
/* A /dev/kmsg read needs room for a whole record (the kernel formats at
 * most 8 KiB, CONSOLE_EXT_LOG_MAX); reads into a smaller buffer fail. */
#define KMSG_BUF 16384
/* KSYM_NAME_LEN is 512 on current kernels. */
#define SYM_MAX 512


/* ---- /dev/kmsg ---------------------------------------------------------- */

void kmsg_watch_start(struct kmsg_watch *w)
{
	w->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (w->fd < 0)
		return;
	/* SEEK_END on /dev/kmsg moves past every record already logged; if
	 * the kernel cannot do that, old records would pass for new ones. */
	if (lseek(w->fd, 0, SEEK_END) == (off_t)-1) {
		close(w->fd);
		w->fd = -1;
	}
}

void kmsg_watch_stop(struct kmsg_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

/* ---- module names ------------------------------------------------------- */

static char fold(char c) { return c == '-' ? '_' : c; }

static bool is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

static bool has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

static const char *find_in(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	if (n == 0 || n > len)
		return NULL;
	for (i = 0; i + n <= len; i++)
		if (s[i] == needle[0] && memcmp(s + i, needle, n) == 0)
			return s + i;
	return NULL;
}

/* "MODULE: " at the start of msg; returns the length of "MODULE: " or 0. */
static size_t module_prefix(const char *msg, size_t len, const char *module)
{
	size_t m = strlen(module);

	if (m == 0 || len < m + 2 || !module_name_eq(msg, m, module) ||
	    msg[m] != ':' || msg[m + 1] != ' ')
		return 0;
	return m + 2;
}

/* ---- parsing kernel log records ----------------------------------------- */

static bool parse_number(const char **p, const char *end,
			 unsigned long long *v)
{
	const char *s = *p;
	unsigned long long n = 0;

	if (s == end || !isdigit((unsigned char)*s))
		return false;
	while (s < end && isdigit((unsigned char)*s)) {
		unsigned d = (unsigned)(*s - '0');

		if (n > (~0ULL - d) / 10)
			return false;
		n = n * 10 + d;
		s++;
	}
	*p = s;
	*v = n;
	return true;
}

int kmsg_parse_record(const char *buf, size_t len, struct kmsg_record *r)
{
	const char *p = buf, *end = buf + len, *msg, *nl;
	unsigned long long prio, seq, ts;

	if (!parse_number(&p, end, &prio) || prio > 0xffffffffULL ||
	    p == end || *p++ != ',' ||
	    !parse_number(&p, end, &seq) || p == end || *p++ != ',' ||
	    !parse_number(&p, end, &ts))
		return -EINVAL;
	/* ",FLAGS" and perhaps more fields, up to the ';'. */
	while (p < end && *p != ';') {
		if (*p == '\n')
			return -EINVAL;
		p++;
	}
	if (p == end)
		return -EINVAL;
	msg = p + 1;
	nl = memchr(msg, '\n', (size_t)(end - msg));
	r->facility = (unsigned int)(prio >> 3);
	r->level = (unsigned int)(prio & 7);
	r->seq = seq;
	r->msg = msg;
	r->msg_len = (size_t)((nl ? nl : end) - msg);
	return 0;
}

/* Loader messages that do not name the module but concern the load in
 * progress: ELF header checks, signature rejection, lockdown. */
static const char *const loader_prefixes[] = {
	"Lockdown: ", "Loading of ", "Invalid ELF", "ELF Spec violation",
	"Invalid architecture in ELF", "Invalid module architecture",
	"empty section name table", "empty symbol string table",
	"symbol string table", "symbol name out of bounds",
	"extended version", "more extended version",
};
static const char *const loader_phrases[] = {
	"module verification failed", "(missing .modinfo section or name field)",
	"has an invalid section index",
};

bool kmsg_concerns_module(const char *msg, size_t len, const char *module)
{
	size_t m = strlen(module), i;

	for (i = 0; i < ARRAY_SIZE(loader_prefixes); i++)
		if (has_prefix(msg, len, loader_prefixes[i]))
			return true;
	for (i = 0; i < ARRAY_SIZE(loader_phrases); i++)
		if (find_in(msg, len, loader_phrases[i]))
			return true;
	if (m == 0 || m > len)
		return false;
	/* The module's name as a word anywhere: "MODULE: ...",
	 * "module MODULE: ...", "Module MODULE is blacklisted", ... */
	for (i = 0; i + m <= len; i++) {
		if (fold(msg[i]) != fold(module[0]))
			continue;
		if (i > 0 && is_word(msg[i - 1]))
			continue;
		if (i + m < len && is_word(msg[i + m]))
			continue;
		if (module_name_eq(msg + i, m, module))
			return true;
	}
	return false;
}

/* "MODULE: WHAT SYM..." : copies SYM (up to a space, or to stop when it is
 * not '\0') and returns a pointer just past it, or NULL. */
static const char *module_symbol(const char *msg, size_t len,
				 const char *module, const char *what,
				 char stop, char *sym, size_t size)
{
	size_t pre = module_prefix(msg, len, module), w = strlen(what), n;
	const char *s, *end = msg + len;

	if (pre == 0 || !has_prefix(msg + pre, len - pre, what))
		return NULL;
	s = msg + pre + w;
	for (n = 0; s + n < end && s[n] != ' ' && s[n] != stop; n++)
		;
	if (n == 0 || n >= size)
		return NULL;
	memcpy(sym, s, n);
	sym[n] = '\0';
	return s + n;
}

bool kmsg_unknown_symbol(const char *msg, size_t len, const char *module,
			 char *sym, size_t size, int *err)
{
	const char *p = module_symbol(msg, len, module, "Unknown symbol ", '\0',
				      sym, size);
	const char *end = msg + len;
	long v = 0;

	if (!p)
		return false;
	*err = 0;
	if (has_prefix(p, (size_t)(end - p), " (err ")) {
		bool neg;
		unsigned long long u;

		p += 6;
		neg = p < end && *p == '-';
		if (neg)
			p++;
		if (parse_number(&p, end, &u) && u <= 100000 && p < end &&
		    *p == ')') {
			v = (long)u;
			*err = (int)(neg ? -v : v);
		}
	}
	return true;
}

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* ---- what the kernel said ----------------------------------------------- */

struct missing_symbol {
	char *sym;
	int err;		/* from "(err N)", 0 if not given */
	bool crc;		/* "disagrees about version of symbol" */
	char *ns;		/* "from namespace NS, but does not import it" */
};

struct kernel_report {
	char *lines[MAX_KERNEL_LINES];
	bool line_is_complaint[MAX_KERNEL_LINES];
	size_t nlines, more_lines;
	struct missing_symbol syms[MAX_SYMBOLS];
	size_t nsyms, more_syms;
	bool lockdown;		/* "Lockdown: ...unsigned module loading..." */
	bool blacklisted;	/* "Module NAME is blacklisted" */
	bool vermagic;		/* "NAME: version magic '...' should be '...'" */
};

static struct missing_symbol *symbol_entry(struct kernel_report *k,
					   const char *sym)
{
	size_t i;

	for (i = 0; i < k->nsyms; i++)
		if (strcmp(k->syms[i].sym, sym) == 0)
			return &k->syms[i];
	if (k->nsyms == MAX_SYMBOLS) {
		k->more_syms++;
		return NULL;
	}
	k->syms[k->nsyms].sym = strdup(sym);
	if (!k->syms[k->nsyms].sym)
		return NULL;
	k->syms[k->nsyms].err = 0;
	k->syms[k->nsyms].crc = false;
	k->syms[k->nsyms].ns = NULL;
	return &k->syms[k->nsyms++];
}

/* Looks at one relevant kernel message. */
static void take_message(struct kernel_report *k, const char *msg, size_t len,
			 const char *module)
{
	char sym[SYM_MAX];
	struct missing_symbol *e;
	const char *p, *end = msg + len;
	int err;
	bool complaint = false;

	if (kmsg_unknown_symbol(msg, len, module, sym, sizeof sym, &err)) {
		complaint = true;
		e = symbol_entry(k, sym);
		if (e)
			e->err = err;
	} else if (module_symbol(msg, len, module,
				 "disagrees about version of symbol ", '\0',
				 sym, sizeof sym)) {
		complaint = true;
		e = symbol_entry(k, sym);
		if (e)
			e->crc = true;
	} else if ((p = module_symbol(msg, len, module, "module uses symbol (",
				      ')', sym, sizeof sym)) != NULL &&
		   has_prefix(p, (size_t)(end - p), ") from namespace ")) {
		const char *ns = p + 17;
		size_t n = 0;

		while (ns + n < end && ns[n] != ',' && ns[n] != ' ')
			n++;
		e = symbol_entry(k, sym);
		if (e && !e->ns && n > 0)
			e->ns = dup_n(ns, n);
	} else if (has_prefix(msg, len, "Lockdown: ") &&
		   find_in(msg, len, "unsigned module loading")) {
		k->lockdown = true;
	} else if (has_prefix(msg, len, "Module ") &&
		   find_in(msg, len, " is blacklisted")) {
		k->blacklisted = true;
	} else if (module_prefix(msg, len, module) &&
		   find_in(msg, len, ": version magic '")) {
		k->vermagic = true;
		complaint = true;
	}

	if (k->nlines == MAX_KERNEL_LINES) {
		k->more_lines++;
		return;
	}
	k->lines[k->nlines] = dup_n(msg, len);
	if (k->lines[k->nlines])
		k->line_is_complaint[k->nlines++] = complaint;
}

static void read_kernel_log(struct kmsg_watch *w, const char *module,
			    struct kernel_report *k)
{
	char *buf = malloc(KMSG_BUF);
	int n;

	if (!buf)
		return;
	for (n = 0; n < MAX_RECORDS; n++) {
		struct kmsg_record r;
		ssize_t got = read(w->fd, buf, KMSG_BUF);

		if (got < 0) {
			if (errno == EINTR || errno == EPIPE)
				continue;	/* EPIPE: records were overwritten */
			break;			/* EAGAIN: nothing more */
		}
		if (got == 0)
			break;
		if (kmsg_parse_record(buf, (size_t)got, &r) != 0)
			continue;
		/* Only the kernel's own records: user space can write to
		 * /dev/kmsg, but never with facility 0. */
		if (r.facility != 0)
			continue;
		if (kmsg_concerns_module(r.msg, r.msg_len, module))
			take_message(k, r.msg, r.msg_len, module);
	}
	free(buf);
}

static void kernel_report_release(struct kernel_report *k)
{
	size_t i;

	for (i = 0; i < k->nlines; i++)
		free(k->lines[i]);
	for (i = 0; i < k->nsyms; i++) {
		free(k->syms[i].sym);
		free(k->syms[i].ns);
	}
}

/* ---- the report --------------------------------------------------------- */

static bool needs_kernel_reason(int err)
{
	return err == ENOEXEC || err == EINVAL || err == ENOENT ||
	       err == ENOSPC || err == ERANGE;
}

/* How many of the kernel's lines will be printed under the error line:
 * -q silences the complaints among them (unknown symbols, version magic),
 * and the error line must not promise a reason that never comes. */
static size_t kernel_lines_shown(const struct kernel_report *k)
{
	size_t n = k->more_lines;

	for (size_t i = 0; i < k->nlines; i++)
		if (!k->line_is_complaint[i] || !log_is_quiet())
			n++;
	return n;
}

/* The one error line. */
static void error_line(struct strbuf *sb, const struct load_failure *f,
		       const char *root, const struct kernel_report *k,
		       bool log_readable)
{
	int err = f->err;
	const char *name = diagnose_errno_name(err);
	bool kernel_said = k->nlines + k->more_lines > 0;
	char num[32];

	if (!name) {
		snprintf(num, sizeof num, "errno %d", err);
		name = num;
	}
	strbuf_printf(sb, "could not load %s: ", f->path);
	if (f->from_init || !diagnose_errno_is_loaders(err)) {
		strbuf_printf(sb, "%s: %s (%s)", diagnose_init_failed_text,
			      strerror(err), name);
		return;
	}
	if (err == EEXIST)
		strbuf_printf(sb, "module '%s' is already loaded", f->module);
	else if (err == EPERM)
		explain_eperm(sb, f, root, k->lockdown, k->blacklisted);
#ifdef EKEYREJECTED
	else if (err == EKEYREJECTED)
		explain_ekeyrejected(sb, f, root);
#endif
	else
		strbuf_puts(sb, diagnose_errno_text(err));
	strbuf_printf(sb, " (%s: %s)", name, strerror(err));

	if (kernel_said) {
		if (kernel_lines_shown(k) > 0)
			strbuf_puts(sb, "; see the kernel's reason below");
	} else if (!log_readable) {
		if (err == ENOENT)
			strbuf_puts(sb, "; see dmesg for the missing symbols");
		else if (needs_kernel_reason(err))
			strbuf_puts(sb, "; see dmesg for the kernel's reason");
	} else if (err == ENOEXEC && load_failure_forced(f)) {
		strbuf_puts(sb, "; the kernel logged no reason: it was "
				"probably built without CONFIG_MODULE_FORCE_LOAD "
				"and refuses forced modules silently");
	} else if (err == ENOEXEC) {
		strbuf_puts(sb, "; the kernel logged no reason: a module "
				"without version information is refused "
				"silently by a kernel without "
				"CONFIG_MODULE_FORCE_LOAD, or the module's own "
				"init function returned it");
	} else if (needs_kernel_reason(err)) {
		strbuf_puts(sb, "; the kernel logged no reason, so the module's "
				"own init function probably returned it");
	}
}

/* The kernel's missing symbols: a CRC or namespace refusal said for
 * each, the rest grouped by the module that provides them. */
static void report_symbols(const struct load_failure *f, const char *root,
			   const struct kernel_report *k)
{
	const char *plain[MAX_SYMBOLS_SHOWN];
	size_t n = k->nsyms < MAX_SYMBOLS_SHOWN ? k->nsyms : MAX_SYMBOLS_SHOWN, nplain = 0;

	for (size_t i = 0; i < n; i++) {
		const struct missing_symbol *s = &k->syms[i];

		if (s->crc)
			log_complaint("%s: the module was built against another version of it than this "
				      "kernel has (its CRC differs): rebuild the module against this kernel%s",
				      s->sym, f->forced_modversion ? "" :
				      ", or force it with -f or --force-modversion (that taints the kernel)");
		else if (s->ns)
			log_complaint("%s is in namespace %s, which the module does not import "
				      "(MODULE_IMPORT_NS(%s) in its source)", s->sym, s->ns, s->ns);
		else
			plain[nplain++] = s->sym;
	}
	if (nplain)
		diagnose_report_providers(f->modules_root ? f->modules_root : root, f->release,
					  plain, nplain, false);
	if (k->nsyms + k->more_syms > n)
		log_complaint("... and %zu more missing symbols (see dmesg)", k->nsyms + k->more_syms - n);
}

void diagnose_load_failure(const struct load_failure *f, struct kmsg_watch *w)
{
	struct kernel_report k;
	struct strbuf line = STRBUF_INIT;
	const char *root = f->root ? f->root : "";
	const char *module = f->module ? f->module : "";
	bool log_readable = w && w->fd >= 0;
	size_t i;

	memset(&k, 0, sizeof k);
	if (log_readable)
		read_kernel_log(w, module, &k);

	error_line(&line, f, root, &k, log_readable);
	log_error("%s", strbuf_str(&line));
	strbuf_release(&line);

	for (i = 0; i < k.nlines; i++) {
		if (k.line_is_complaint[i])
			log_complaint("kernel: %s", k.lines[i]);
		else
			log_error("kernel: %s", k.lines[i]);
	}
	if (k.more_lines)
		log_error("kernel: ... %zu more lines (see dmesg)", k.more_lines);

	report_symbols(f, root, &k);

	if (f->err == EEXIST && !f->from_init)
		log_complaint("to load another copy, give it another name "
			      "with -o NAME");
	/* --force-modversion alone leaves the version magic to be checked */
	if (k.vermagic && !f->forced_vermagic)
		log_complaint("rebuild the module for this kernel, or force "
			      "it with -f or --force-vermagic (that taints the kernel)");
	kernel_report_release(&k);
}
