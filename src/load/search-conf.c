/* The directory list of the module search: $MODPATH or the default
 * directories under /lib/modules, then the configuration file's path
 * lines (modules.conf, or the deprecated conf.modules), as modutils'
 * insmod built it. */
#include "search.h"
#include "search-int.h"

#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"
#include "strbuf.h"

/* Copies s replacing each "%s" by release (no other '%' is special: the
 * text is never used as a format) and, when backquote is set, each
 * "`uname -r`" by release too. */
static char *substitute(const char *s, const char *release, bool backquote)
{
	static const char uname_r[] = "`uname -r`";
	struct strbuf sb = STRBUF_INIT;
	int r = 0;

	while (*s && !r) {
		if (s[0] == '%' && s[1] == 's') {
			r = strbuf_puts(&sb, release);
			s += 2;
		} else if (backquote &&
			   strncmp(s, uname_r, sizeof(uname_r) - 1) == 0) {
			r = strbuf_puts(&sb, release);
			s += sizeof(uname_r) - 1;
		} else {
			r = strbuf_putc(&sb, *s++);
		}
	}
	if (!r)
		r = strbuf_puts(&sb, "");	/* so that "" is allocated */
	if (r) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_steal(&sb);
}

/* ---- the directory list ---- */

static void dir_free(struct search_dir *d)
{
	free(d->path);
	for (int i = 0; i < N_CAND; i++) {
		free(d->dep_hit[i]);
		free(d->walk_hit[i]);
	}
}

static void dirs_clear(struct dir_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		dir_free(&l->v[i]);
	l->n = 0;
}

void dirs_release(struct dir_list *l)
{
	dirs_clear(l);
	free(l->v);
	l->v = NULL;
	l->cap = 0;
}

/* Adds a directory (taking over path), dropping trailing slashes and
 * exact duplicates. */
static int dirs_add_owned(struct dir_list *l, char *path)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		path[--len] = '\0';
	if (len == 0) {
		free(path);
		return 0;
	}
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].path, path) == 0) {
			free(path);
			return 0;
		}
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct search_dir *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			free(path);
			return -ENOMEM;
		}
		l->v = v;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	l->v[l->n++].path = path;
	return 0;
}

static int dirs_add_printf(struct dir_list *l, const char *fmt, ...)
	PRINTF_LIKE(2, 3);

static int dirs_add_printf(struct dir_list *l, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	return dirs_add_owned(l, s);
}

/* MODPATH's elements, or the defaults under root. */
static int build_base_list(struct dir_list *l, const char *release,
			   const char *root, int rootlen)
{
	const char *modpath = getenv("MODPATH");
	int r;

	if (modpath && *modpath) {
		const char *p = modpath;

		for (;;) {
			size_t n = strcspn(p, ":");
			char *elem = strndup(p, n);
			char *dir;

			if (!elem)
				return -ENOMEM;
			dir = substitute(elem, release, false);
			free(elem);
			if (!dir)
				return -ENOMEM;
			r = dirs_add_owned(l, dir);
			if (r)
				return r;
			if (!p[n])
				break;
			p += n + 1;
		}
		return 0;
	}

	r = dirs_add_printf(l, "%.*s/lib/modules/boot", rootlen, root);
	if (!r && *release)
		r = dirs_add_printf(l, "%.*s/lib/modules/%s", rootlen, root,
				    release);
	if (!r && *release) {
		/* MAJOR.MINOR: the release's leading "digits.digits". */
		size_t a = strspn(release, "0123456789"), b = 0;

		if (a && release[a] == '.')
			b = strspn(release + a + 1, "0123456789");
		if (b)
			r = dirs_add_printf(l, "%.*s/lib/modules/%.*s",
					    rootlen, root, (int)(a + 1 + b),
					    release);
	}
	return r;
}

/* ---- the configuration file ---- */

struct conf_state {
	const char *file;
	const char *release;
	bool keep;
	bool seen_path;
};

static char *skip_space(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* One path line's value: "%s" and "`uname -r`" substituted, globs
 * expanded. */
static int conf_add_value(struct dir_list *l, const char *value,
			  const struct conf_state *st, unsigned lineno)
{
	char *v = substitute(value, st->release, true);
	glob_t g;
	int r = 0, gr;

	if (!v)
		return -ENOMEM;
	if (strchr(v, '`')) {
		log_warn("%s:%u: command substitution is not supported; "
			 "ignoring \"%s\"", st->file, lineno, value);
		free(v);
		return 0;
	}
	if (!strpbrk(v, "*?[")) {
		return dirs_add_owned(l, v);
	}
	gr = glob(v, 0, NULL, &g);
	if (gr == 0) {
		for (size_t i = 0; i < g.gl_pathc && !r; i++) {
			char *s = strdup(g.gl_pathv[i]);

			r = s ? dirs_add_owned(l, s) : -ENOMEM;
		}
	} else if (gr == GLOB_NOSPACE) {
		r = -ENOMEM;
	} else {
		log_verbose("%s:%u: \"%s\" matches nothing", st->file, lineno,
			    v);
	}
	if (gr != GLOB_NOMATCH)
		globfree(&g);
	free(v);
	return r;
}

/* One logical line (continuations joined), modified in place. */
static int conf_line(struct dir_list *l, char *line, struct conf_state *st,
		     unsigned lineno)
{
	char *p, *end, *value;

	line = skip_space(line);
	/* A '#' at the start of a word begins a comment. */
	for (p = line; *p; p++) {
		if (*p == '#' && (p == line || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			break;
		}
	}
	end = line + strlen(line);
	while (end > line && (end[-1] == ' ' || end[-1] == '\t' ||
			      end[-1] == '\r'))
		*--end = '\0';
	if (!*line)
		return 0;

	if (strcmp(line, "keep") == 0) {
		if (!st->seen_path)
			st->keep = true;
		return 0;
	}
	if (strncmp(line, "path", 4) != 0)
		return 0;	/* alias, options, ...: not ours */
	if (line[4] == '\0')
		goto malformed;
	if (!strchr("[= \t", line[4]))
		return 0;	/* some other word starting with "path" */

	p = skip_space(line + 4);
	if (*p == '[') {
		p = strchr(p, ']');
		if (!p)
			goto malformed;
		p = skip_space(p + 1);
	}
	if (*p != '=')
		goto malformed;
	value = skip_space(p + 1);
	if (!*value)
		goto malformed;

	if (!st->seen_path) {
		st->seen_path = true;
		if (!st->keep)
			dirs_clear(l);
	}
	return conf_add_value(l, value, st, lineno);

malformed:
	log_warn("%s:%u: ignoring malformed line \"%s\"", st->file, lineno,
		 line);
	return 0;
}

/* The error for read_line_bounded()'s result N, at line LINENO of FILE. */
int text_limit_error(const char *file, long n, unsigned lineno)
{
	if (n == -E2BIG)
		log_error("%s: line %u is longer than %u KiB; not read", file, lineno, TEXT_MAX_LINE >> 10);
	else if (n == -EFBIG)
		log_error("%s: larger than %u MiB; not read", file, TEXT_MAX_TOTAL >> 20);
	else
		log_error("%s: out of memory", file);
	return (int)n;
}

static int conf_read(struct dir_list *l, FILE *f, struct conf_state *st)
{
	struct strbuf logical = STRBUF_INIT;
	char *buf = NULL;
	size_t bufsize = 0, total = 0;
	long n;
	unsigned lineno = 0, start = 0;
	int r = 0;

	while (!r && (n = read_line_bounded(f, &buf, &bufsize, &total)) != -1) {
		if (n < 0) {
			r = text_limit_error(st->file, n, lineno + 1);
			break;
		}
		size_t len = strlen(buf);	/* stops at a NUL byte */
		bool more;

		lineno++;
		if (logical.len == 0)
			start = lineno;
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			len--;
		more = len && buf[len - 1] == '\\';
		if (more)
			len--;
		r = strbuf_append(&logical, buf, len);
		if (r || more)
			continue;
		r = strbuf_puts(&logical, "");
		if (!r)
			r = conf_line(l, logical.data, st, start);
		logical.len = 0;
	}
	if (!r && logical.len)
		r = conf_line(l, logical.data, st, start);
	if (!r && ferror(f))
		log_warn("cannot read %s: %s", st->file, strerror(errno));
	free(buf);
	strbuf_release(&logical);
	return r;
}

/* Opens the configuration file into *fp (NULL when there is none, or when
 * it cannot be opened, with a warning); *name is malloc'ed when a file was
 * opened.  Returns 0 or -ENOMEM. */
static int conf_open(const char *root, int rootlen, FILE **fp, char **name)
{
	const char *env = getenv("MODULECONF");
	char *p;
	FILE *f;

	*fp = NULL;
	*name = NULL;
	if (!env || !*env)
		env = getenv("MODULECONFIG");
	if (env && *env) {
		f = fopen(env, "re");
		if (!f) {
			if (errno == ENOENT)
				log_verbose("no configuration file %s", env);
			else
				log_warn("cannot open %s: %s", env,
					 strerror(errno));
			return 0;
		}
		p = strdup(env);
	} else {
		if (asprintf(&p, "%.*s/etc/modules.conf", rootlen, root) < 0)
			return -ENOMEM;
		f = fopen(p, "re");
		if (!f && errno == ENOENT) {
			free(p);
			if (asprintf(&p, "%.*s/etc/conf.modules", rootlen,
				     root) < 0)
				return -ENOMEM;
			f = fopen(p, "re");
			if (f)
				log_warn("%s: the name conf.modules is "
					 "deprecated; rename it to "
					 "modules.conf", p);
		}
		if (!f) {
			if (errno != ENOENT)
				log_warn("cannot open %s: %s", p,
					 strerror(errno));
			free(p);
			return 0;
		}
	}
	if (!p) {
		fclose(f);
		return -ENOMEM;
	}
	log_verbose("reading configuration file %s", p);
	*fp = f;
	*name = p;
	return 0;
}

int build_dir_list(struct dir_list *l, const char *release,
			  const char *root)
{
	int rootlen = (int)strlen(root);
	struct conf_state st = { NULL, release, false, false };
	char *name;
	FILE *f;
	int r;

	while (rootlen > 0 && root[rootlen - 1] == '/')
		rootlen--;
	r = build_base_list(l, release, root, rootlen);
	if (r)
		return r;
	r = conf_open(root, rootlen, &f, &name);
	if (r || !f)
		return r;
	st.file = name;
	r = conf_read(l, f, &st);
	fclose(f);
	free(name);
	return r;
}
