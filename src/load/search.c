/* Module search: from a bare name to a file, the way modutils' insmod did
 * it (MODPATH or the default directories, then modules.conf path lines),
 * with modules.dep used when a directory has one.
 *
 * Lookups are cached per directory: modules.dep is read once and the tree
 * is walked at most once, each recording the first hit for every
 * candidate name, so trying six candidate names costs one walk, not six. */
#include "search.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "suggest.h"
#include "util.h"
#include "strbuf.h"

/* Candidate extensions, in the order they are tried. */
#define N_CAND 6
static const char *const cand_ext[N_CAND] = {
	".ko", ".ko.zst", ".ko.xz", ".ko.gz", ".o", ".o.gz",
};

/* Deeper trees than this are not walked: no module tree is this deep, and
 * it bounds the recursion whatever the file system holds. */
#define MAX_WALK_DEPTH 32

struct search_dir {
	char *path;			/* no trailing '/' (unless it is "/") */
	bool dep_done;
	char *dep_hit[N_CAND];		/* as written in modules.dep */
	bool walk_done;
	char *walk_hit[N_CAND];		/* full path */
};

struct dir_list {
	struct search_dir *v;
	size_t n, cap;
};

struct search_ctx {
	char *cand[N_CAND];
	struct dir_list dirs;
	int target;			/* candidate being looked for */
};

/* ---- names ---- */

static bool has_module_ext(const char *s)
{
	size_t len = strlen(s);

	for (int i = 0; i < N_CAND; i++) {
		size_t el = strlen(cand_ext[i]);

		if (len >= el && strcmp(s + len - el, cand_ext[i]) == 0)
			return true;
	}
	return false;
}

/* Module file names compare with '-' and '_' equivalent, as the kernel
 * treats module names. */
static bool name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		if (*a == *b)
			continue;
		if ((*a == '-' || *a == '_') && (*b == '-' || *b == '_'))
			continue;
		return false;
	}
	return *a == *b;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static bool is_regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* DIR "/" NAME, without doubling a '/'. */
static char *join(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	size_t dl = strlen(dir);

	if (strbuf_puts(&sb, dir) ||
	    ((dl == 0 || dir[dl - 1] != '/') && strbuf_putc(&sb, '/')) ||
	    strbuf_puts(&sb, name)) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_steal(&sb);
}

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

static void dirs_release(struct dir_list *l)
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
static int text_limit_error(const char *file, long n, unsigned lineno)
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

static int build_dir_list(struct dir_list *l, const char *release,
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

/* ---- looking in one directory ---- */

/* Reads DIR/modules.dep once, noting for every candidate the first line
 * whose module file name matches it. */
static int dep_load(struct search_ctx *ctx, struct search_dir *d)
{
	char *depfile = join(d->path, "modules.dep");
	char *buf = NULL;
	size_t bufsize = 0, total = 0;
	unsigned lineno = 0;
	long n;
	FILE *f;
	int r = 0;

	d->dep_done = true;
	if (!depfile)
		return -ENOMEM;
	f = fopen(depfile, "re");
	if (!f) {
		if (errno != ENOENT && errno != ENOTDIR)
			log_verbose("cannot open %s: %s", depfile,
				    strerror(errno));
		free(depfile);
		return 0;
	}
	while (!r && (n = read_line_bounded(f, &buf, &bufsize, &total)) != -1) {
		char *colon;
		const char *base;

		lineno++;
		if (n < 0) {
			r = text_limit_error(depfile, n, lineno);
			break;
		}
		/* Dependency lines continued with a backslash start with
		 * white space (older depmod): not module entries. */
		if (buf[0] == ' ' || buf[0] == '\t' || buf[0] == '#')
			continue;
		colon = strchr(buf, ':');
		if (!colon || colon == buf)
			continue;
		*colon = '\0';
		base = base_name(buf);
		for (int i = ctx->target; i < N_CAND; i++) {
			if (d->dep_hit[i] || !name_eq(base, ctx->cand[i]))
				continue;
			d->dep_hit[i] = strdup(buf);
			if (!d->dep_hit[i])
				r = -ENOMEM;
			break;
		}
	}
	if (!r && ferror(f))
		log_warn("cannot read %s: %s", depfile, strerror(errno));
	fclose(f);
	free(buf);
	free(depfile);
	return r;
}

struct walk_entry {
	char *name;
	unsigned char type;
};

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct walk_entry *)a)->name,
		      ((const struct walk_entry *)b)->name);
}

/* A regular file met in the walk: records it for each candidate it
 * matches.  Returns 1 when it is the one being looked for. */
static int walk_file(struct search_ctx *ctx, struct search_dir *d,
		     const char *name, const char *path)
{
	for (int i = ctx->target; i < N_CAND; i++) {
		if (d->walk_hit[i] || !name_eq(name, ctx->cand[i]))
			continue;
		d->walk_hit[i] = strdup(path);
		if (!d->walk_hit[i])
			return -ENOMEM;
		return i == ctx->target;
	}
	return 0;
}

/* Walks path (held in sb) depth first: entries in alphabetical order,
 * except that at the top kernel/ comes first.  Symlinks to directories are
 * not followed, so there are no loops.  Returns 1 when the target
 * candidate was found (and stops), 0, or -ENOMEM. */
static int walk(struct search_ctx *ctx, struct search_dir *d,
		struct strbuf *sb, int depth)
{
	struct walk_entry *ents = NULL;
	size_t n = 0, cap = 0, dirlen = sb->len;
	struct dirent *de;
	DIR *dir;
	int r = 0;

	if (depth > MAX_WALK_DEPTH) {
		log_verbose("%s: too deep, not searched", strbuf_str(sb));
		return 0;
	}
	dir = opendir(strbuf_str(sb));
	if (!dir) {
		if (depth > 0 || (errno != ENOENT && errno != ENOTDIR))
			log_verbose("cannot read directory %s: %s",
				    strbuf_str(sb), strerror(errno));
		return 0;
	}
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			struct walk_entry *v = realloc(ents, nc * sizeof(*v));

			if (!v) {
				r = -ENOMEM;
				break;
			}
			ents = v;
			cap = nc;
		}
		ents[n].name = strdup(de->d_name);
		if (!ents[n].name) {
			r = -ENOMEM;
			break;
		}
		ents[n++].type = de->d_type;
	}
	closedir(dir);

	if (!r && n) {
		qsort(ents, n, sizeof(*ents), entry_cmp);
		if (depth == 0) {
			for (size_t i = 0; i < n; i++) {
				if (strcmp(ents[i].name, "kernel") == 0) {
					struct walk_entry k = ents[i];

					memmove(ents + 1, ents,
						i * sizeof(*ents));
					ents[0] = k;
					break;
				}
			}
		}
	}

	for (size_t i = 0; i < n && r == 0; i++) {
		unsigned char type = ents[i].type;
		struct stat st;

		sb->len = dirlen;
		sb->data[dirlen] = '\0';
		if ((dirlen == 0 || sb->data[dirlen - 1] != '/') &&
		    (r = strbuf_putc(sb, '/')) != 0)
			break;
		if ((r = strbuf_puts(sb, ents[i].name)) != 0)
			break;
		if (type == DT_UNKNOWN) {
			if (lstat(sb->data, &st) != 0)
				continue;
			type = S_ISDIR(st.st_mode) ? DT_DIR :
			       S_ISLNK(st.st_mode) ? DT_LNK :
			       S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
		}
		if (type == DT_DIR)
			r = walk(ctx, d, sb, depth + 1);
		else if (type == DT_REG ||
			 (type == DT_LNK && is_regular(sb->data)))
			r = walk_file(ctx, d, ents[i].name, sb->data);
	}
	for (size_t i = 0; i < n; i++)
		free(ents[i].name);
	free(ents);
	sb->len = dirlen;
	if (sb->data)
		sb->data[dirlen] = '\0';
	return r;
}

static int found(char *path, struct search_result *out)
{
	if (!path)
		return -ENOMEM;
	out->path = path;
	out->searched = true;
	return 1;
}

/* Candidate ctx->target in directory d: modules.dep, DIR/NAME, the walk.
 * Returns 1 (out filled in), 0, or -ENOMEM. */
static int look_in_dir(struct search_ctx *ctx, struct search_dir *d,
		       struct search_result *out)
{
	const char *cand = ctx->cand[ctx->target];
	char *variant[3];
	int r;

	if (!d->dep_done) {
		r = dep_load(ctx, d);
		if (r)
			return r;
	}
	if (d->dep_hit[ctx->target]) {
		const char *rel = d->dep_hit[ctx->target];
		char *p = rel[0] == '/' ? strdup(rel) : join(d->path, rel);

		if (!p)
			return -ENOMEM;
		if (is_regular(p)) {
			log_verbose("found %s through %s/modules.dep", p,
				    d->path);
			return found(p, out);
		}
		log_verbose("%s/modules.dep names %s, which is not there",
			    d->path, p);
		free(p);
	}

	/* DIR/NAME as given, then with every '-' as '_' and vice versa;
	 * mixed spellings are left to the walk. */
	variant[0] = strdup(cand);
	variant[1] = strdup(cand);
	variant[2] = strdup(cand);
	r = 0;
	if (!variant[0] || !variant[1] || !variant[2])
		r = -ENOMEM;
	for (size_t i = 0; !r && cand[i]; i++) {
		if (cand[i] == '-' || cand[i] == '_') {
			variant[1][i] = '_';
			variant[2][i] = '-';
		}
	}
	for (int v = 0; !r && v < 3; v++) {
		char *p;

		if (v > 0 && (strcmp(variant[v], variant[0]) == 0 ||
			      (v == 2 && strcmp(variant[2], variant[1]) == 0)))
			continue;
		p = join(d->path, variant[v]);
		if (!p)
			r = -ENOMEM;
		else if (is_regular(p))
			r = found(p, out);
		else
			free(p);
	}
	for (int v = 0; v < 3; v++)
		free(variant[v]);
	if (r)
		return r;

	if (!d->walk_done) {
		struct strbuf sb = STRBUF_INIT;

		d->walk_done = true;
		r = strbuf_puts(&sb, d->path);
		if (!r)
			r = walk(ctx, d, &sb, 0);
		strbuf_release(&sb);
		if (r < 0)
			return r;
	}
	if (d->walk_hit[ctx->target])
		return found(strdup(d->walk_hit[ctx->target]), out);
	return 0;
}

/* A typo: the nearest names in the searched directories' modules.dep. */
static void suggest_in(const struct dir_list *l, const char *arg)
{
	const char **dirs = malloc((l->n ? l->n : 1) * sizeof(*dirs));

	if (!dirs)
		return;
	for (size_t j = 0; j < l->n; j++)
		dirs[j] = l->v[j].path;
	suggest_module_names(dirs, l->n, arg);
	free(dirs);
}

/* ---- the entry point ---- */

int module_search(const char *arg, const char *release, const char *root,
		  struct search_result *out)
{
	struct search_ctx ctx;
	int r = 0;

	out->path = NULL;
	out->searched = false;
	if (!arg || !*arg) {
		log_error("no module name given");
		return -EINVAL;
	}
	if (strchr(arg, '/') || has_module_ext(arg)) {
		out->path = strdup(arg);
		return out->path ? 0 : -ENOMEM;
	}
	if (!release)
		release = "";
	if (!root)
		root = "";

	memset(&ctx, 0, sizeof(ctx));
	for (int i = 0; i < N_CAND && !r; i++) {
		if (asprintf(&ctx.cand[i], "%s%s", arg, cand_ext[i]) < 0) {
			ctx.cand[i] = NULL;
			r = -ENOMEM;
		}
	}
	if (!r)
		r = build_dir_list(&ctx.dirs, release, root);

	for (int i = 0; i < N_CAND && r == 0; i++) {
		ctx.target = i;
		for (size_t j = 0; j < ctx.dirs.n && r == 0; j++)
			r = look_in_dir(&ctx, &ctx.dirs.v[j], out);
	}

	if (r == 0) {
		log_error("%s: no module by that name found", arg);
		suggest_in(&ctx.dirs, arg);
		if (ctx.dirs.n == 0)
			log_verbose("no directories to search");
		for (size_t j = 0; j < ctx.dirs.n; j++)
			log_verbose("searched %s", ctx.dirs.v[j].path);
		r = -ENOENT;
	} else if (r > 0) {
		r = 0;
	}
	if (r == -ENOMEM)
		log_error("out of memory searching for %s", arg);

	for (int i = 0; i < N_CAND; i++)
		free(ctx.cand[i]);
	dirs_release(&ctx.dirs);
	return r;
}

void search_result_release(struct search_result *r)
{
	free(r->path);
	r->path = NULL;
	r->searched = false;
}
