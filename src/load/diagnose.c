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

#define CAP_SYS_MODULE_BIT 16

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

/* ---- errno tables ------------------------------------------------------- */

struct errno_entry {
	int err;
	const char *name;
};

static const struct errno_entry errno_names[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
	{ EINTR, "EINTR" }, { EIO, "EIO" }, { ENXIO, "ENXIO" },
	{ E2BIG, "E2BIG" }, { ENOEXEC, "ENOEXEC" }, { EBADF, "EBADF" },
	{ ECHILD, "ECHILD" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" }, { EXDEV, "EXDEV" }, { ENODEV, "ENODEV" },
	{ ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" }, { EINVAL, "EINVAL" },
	{ ENFILE, "ENFILE" }, { EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" },
	{ ETXTBSY, "ETXTBSY" }, { EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" },
	{ ESPIPE, "ESPIPE" }, { EROFS, "EROFS" }, { EMLINK, "EMLINK" },
	{ EPIPE, "EPIPE" }, { EDOM, "EDOM" }, { ERANGE, "ERANGE" },
	{ EDEADLK, "EDEADLK" }, { ENAMETOOLONG, "ENAMETOOLONG" },
	{ ENOSYS, "ENOSYS" }, { ENOTEMPTY, "ENOTEMPTY" }, { ELOOP, "ELOOP" },
	{ ENOMSG, "ENOMSG" }, { EIDRM, "EIDRM" }, { ENODATA, "ENODATA" },
	{ ETIME, "ETIME" }, { ENOLINK, "ENOLINK" }, { EPROTO, "EPROTO" },
	{ EBADMSG, "EBADMSG" }, { EOVERFLOW, "EOVERFLOW" },
	{ EILSEQ, "EILSEQ" }, { EUSERS, "EUSERS" }, { ENOTSOCK, "ENOTSOCK" },
	{ EPROTONOSUPPORT, "EPROTONOSUPPORT" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { EAFNOSUPPORT, "EAFNOSUPPORT" },
	{ EADDRINUSE, "EADDRINUSE" }, { EADDRNOTAVAIL, "EADDRNOTAVAIL" },
	{ ENETDOWN, "ENETDOWN" }, { ENETUNREACH, "ENETUNREACH" },
	{ ECONNABORTED, "ECONNABORTED" }, { ECONNRESET, "ECONNRESET" },
	{ ENOBUFS, "ENOBUFS" }, { ENOTCONN, "ENOTCONN" },
	{ ETIMEDOUT, "ETIMEDOUT" }, { ECONNREFUSED, "ECONNREFUSED" },
	{ EHOSTUNREACH, "EHOSTUNREACH" }, { EALREADY, "EALREADY" },
	{ EINPROGRESS, "EINPROGRESS" }, { ESTALE, "ESTALE" },
	{ EDQUOT, "EDQUOT" }, { ECANCELED, "ECANCELED" },
#ifdef ENOMEDIUM
	{ ENOMEDIUM, "ENOMEDIUM" },
#endif
#ifdef ENOPKG
	{ ENOPKG, "ENOPKG" },
#endif
#ifdef ENOKEY
	{ ENOKEY, "ENOKEY" },
#endif
#ifdef EKEYEXPIRED
	{ EKEYEXPIRED, "EKEYEXPIRED" },
#endif
#ifdef EKEYREVOKED
	{ EKEYREVOKED, "EKEYREVOKED" },
#endif
#ifdef EKEYREJECTED
	{ EKEYREJECTED, "EKEYREJECTED" },
#endif
#ifdef EREMOTEIO
	{ EREMOTEIO, "EREMOTEIO" },
#endif
#ifdef ENOTRECOVERABLE
	{ ENOTRECOVERABLE, "ENOTRECOVERABLE" },
#endif
#ifdef ERFKILL
	{ ERFKILL, "ERFKILL" },
#endif
#ifdef EHWPOISON
	{ EHWPOISON, "EHWPOISON" },
#endif
};

const char *diagnose_errno_name(int err)
{
	size_t i;

	for (i = 0; i < sizeof errno_names / sizeof errno_names[0]; i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	return NULL;
}

static const char init_failed_text[] = "the module's init function failed";

/* What each errno means when it comes from init_module/finit_module
 * themselves (the kernel's module loader), not from the module. */
static const struct {
	int err;
	const char *text;
} errno_texts[] = {
	{ ENOEXEC, "invalid module format: not a module this kernel accepts "
		   "(damaged or not a kernel module, built for another "
		   "architecture, kernel release or configuration (vermagic "
		   "or module_layout mismatch), missing version information "
		   "on a kernel without CONFIG_MODULE_FORCE_LOAD, or an "
		   "unsupported relocation)" },
	{ ENOENT, "unknown symbol in module: it uses a symbol that neither "
		  "the kernel nor any loaded module exports" },
	{ EINVAL, "invalid parameters, or a symbol version (CRC) mismatch, "
		  "or a missing namespace import" },
	{ EEXIST, "a module of that name is already loaded" },
	{ EBUSY, "a module of that name is being loaded or removed right "
		 "now" },
	{ EPERM, "operation not permitted: needs CAP_SYS_MODULE, or module "
		 "loading is disabled (/proc/sys/kernel/modules_disabled), "
		 "or the kernel is locked down (/sys/kernel/security/lockdown) "
		 "and refuses unsigned modules, or the module is blacklisted, "
		 "or a security module refused it" },
	{ EACCES, "permission denied: a security module (such as SELinux, "
		  "AppArmor or IMA) refused to let the kernel read the module, "
		  "or its init function returned EACCES" },
#ifdef EKEYREJECTED
	{ EKEYREJECTED, "the kernel requires a valid signature: the module's "
			"signature is missing or did not verify" },
#endif
#ifdef ENOKEY
	{ ENOKEY, "the module is signed with a key that is not in the "
		  "kernel's keyring" },
#endif
#ifdef ENOPKG
	{ ENOPKG, "the module is signed with an algorithm this kernel does "
		  "not support" },
#endif
	{ EBADMSG, "the module's signature is malformed (a damaged "
		   "signature trailer)" },
	{ ETXTBSY, "the module file is open for writing by another process; "
		   "wait until it is completely written" },
	{ EOPNOTSUPP, "the kernel cannot decompress this module's "
		      "compression format" },
	{ ENOSPC, "a parameter value is too long (longer than the "
		  "parameter's string buffer, or than 1024 characters)" },
	{ ERANGE, "a parameter's number is out of range for its type" },
	{ ENOMEM, "the kernel ran out of memory loading the module" },
	{ EFAULT, "the kernel was given a bad address (a bug in insmod; "
		  "please report it)" },
	{ ENOSYS, "this kernel cannot load modules (built without "
		  "CONFIG_MODULES, or the system call is not available)" },
	{ EINTR, "interrupted while waiting for another module to finish "
		 "loading" },
};

const char *diagnose_errno_text(int err)
{
	size_t i;

	for (i = 0; i < sizeof errno_texts / sizeof errno_texts[0]; i++)
		if (errno_texts[i].err == err)
			return errno_texts[i].text;
	return init_failed_text;
}

bool diagnose_errno_is_loaders(int err)
{
	return diagnose_errno_text(err) != init_failed_text;
}

/* ---- module names ------------------------------------------------------- */

static char fold(char c) { return c == '-' ? '_' : c; }

/* a[0..n) equals the NUL-terminated name b, with '-' and '_' the same. */

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

	for (i = 0; i < sizeof loader_prefixes / sizeof loader_prefixes[0]; i++)
		if (has_prefix(msg, len, loader_prefixes[i]))
			return true;
	for (i = 0; i < sizeof loader_phrases / sizeof loader_phrases[0]; i++)
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

/* ---- files that tell causes apart --------------------------------------- */

/* Whether the process lacks CAP_SYS_MODULE, by CapEff in its status. */
static bool lacks_cap_sys_module(const char *root)
{
	struct strbuf sb = STRBUF_INIT;
	char line[256];
	bool lacks = false;
	FILE *fp;

	if (strbuf_printf(&sb, "%s/proc/self/status", root) != 0)
		goto out;
	fp = fopen(strbuf_str(&sb), "re");
	if (!fp)
		goto out;
	while (fgets(line, sizeof line, fp)) {
		unsigned long long caps;

		if (strncmp(line, "CapEff:", 7) == 0) {
			if (sscanf(line + 7, "%llx", &caps) == 1)
				lacks = !(caps & (1ULL << CAP_SYS_MODULE_BIT));
			break;
		}
	}
	fclose(fp);
out:
	strbuf_release(&sb);
	return lacks;
}

/* The active lockdown level ("integrity", "confidentiality"), copied into
 * level; false when the kernel is not locked down or cannot tell. */
static bool locked_down(const char *root, char *level, size_t size)
{
	char line[256];
	const char *open, *close;

	if (!read_first_line(root, "/sys/kernel/security/lockdown", line, sizeof line))
		return false;
	open = strchr(line, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close || (size_t)(close - open - 1) >= size)
		return false;
	memcpy(level, open + 1, (size_t)(close - open - 1));
	level[close - open - 1] = '\0';
	return strcmp(level, "none") != 0;
}

/* Whether the kernel command line blacklists the module. */
static bool blacklisted_on_cmdline(const char *root, const char *module)
{
	char line[4096];
	const char *p;

	if (!read_first_line(root, "/proc/cmdline", line, sizeof line))
		return false;
	for (p = line; (p = strstr(p, "module_blacklist=")) != NULL; ) {
		if (p != line && p[-1] != ' ') {
			p++;
			continue;
		}
		p += 17;
		while (*p && *p != ' ') {
			size_t n = strcspn(p, ", ");

			if (n > 0 && module_name_eq(p, n, module))
				return true;
			p += n;
			if (*p == ',')
				p++;
		}
	}
	return false;
}

static bool file_says_yes(const char *root, const char *path)
{
	char line[64];

	return read_first_line(root, path, line, sizeof line) &&
	       (line[0] == 'Y' || line[0] == 'y' || line[0] == '1');
}

/* ---- the report --------------------------------------------------------- */

/* Which of EPERM's causes applies, when files or the log tell. */
static void explain_eperm(struct strbuf *sb, const struct load_failure *f,
			  const char *root, const struct kernel_report *k)
{
	char level[64];
	bool unsigned_now = !f->signed_module || f->modified || f->forced;

	if (lacks_cap_sys_module(root)) {
		strbuf_puts(sb, geteuid() == 0
			? "operation not permitted: insmod lacks the "
			  "CAP_SYS_MODULE capability (a container or a "
			  "capability bounding set took it away)"
			: "operation not permitted: loading modules needs "
			  "CAP_SYS_MODULE: run insmod as root");
	} else if (file_says_yes(root, "/proc/sys/kernel/modules_disabled")) {
		strbuf_puts(sb, "operation not permitted: module loading is "
				"disabled (/proc/sys/kernel/modules_disabled "
				"is 1; only a reboot enables it again)");
	} else if (k->lockdown ||
		   (locked_down(root, level, sizeof level) && unsigned_now)) {
		if (!k->lockdown)
			strbuf_printf(sb, "operation not permitted: the kernel "
					  "is locked down (%s) and refuses "
					  "unsigned modules", level);
		else
			strbuf_puts(sb, "operation not permitted: the kernel "
					"is locked down and refuses unsigned "
					"modules");
		if (f->modified || f->forced)
			strbuf_puts(sb, "; a module insmod had to change "
					"(forced or renamed) has no valid "
					"signature");
		else if (!f->signed_module)
			strbuf_puts(sb, "; this module is not signed");
	} else if (k->blacklisted || blacklisted_on_cmdline(root, f->module)) {
		strbuf_printf(sb, "operation not permitted: module '%s' is "
				  "blacklisted on the kernel command line "
				  "(module_blacklist=)", f->module);
	} else {
		strbuf_puts(sb, diagnose_errno_text(EPERM));
	}
}

static void explain_ekeyrejected(struct strbuf *sb,
				 const struct load_failure *f, const char *root)
{
	bool enforced = file_says_yes(root,
				      "/sys/module/module/parameters/sig_enforce");

	if (f->modified || f->forced)
		strbuf_puts(sb, "the kernel requires a valid signature, and a "
				"module modified by insmod (forced or renamed) "
				"has no valid signature");
	else if (!f->signed_module)
		strbuf_printf(sb, "the kernel requires signed modules%s and "
				  "this module is not signed",
			      enforced ? " (module.sig_enforce is on)" : "");
	else
		strbuf_puts(sb, "the module's signature did not verify: it was "
				"signed with a key this kernel does not trust, "
				"or the file was changed after signing");
}

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
		strbuf_printf(sb, "%s: %s (%s)", init_failed_text,
			      strerror(err), name);
		return;
	}
	if (err == EEXIST)
		strbuf_printf(sb, "module '%s' is already loaded", f->module);
	else if (err == EPERM)
		explain_eperm(sb, f, root, k);
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
	} else if (err == ENOEXEC && f->forced) {
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
				      "kernel has (its CRC differs): rebuild the module against this kernel",
				      s->sym);
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
	if (k.vermagic && !f->forced)
		log_complaint("rebuild the module for this kernel, or force "
			      "it with -f (that taints the kernel)");
	kernel_report_release(&k);
}
