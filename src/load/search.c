/* Module search: from a bare name to a file, the way modutils' insmod did
 * it (MODPATH or the default directories, then modules.conf path lines),
 * with modules.dep used when a directory has one.
 *
 * Lookups are cached per directory: modules.dep is read once and the tree
 * is walked at most once, each recording the first hit for every
 * candidate name, so trying six candidate names costs one walk, not six. */
#include "search.h"
#include "search-int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "suggest.h"
#include "util.h"
#include "strbuf.h"

/* Candidate extensions, in the order they are tried. */
static const char *const cand_ext[N_CAND] = {
	".ko", ".ko.zst", ".ko.xz", ".ko.gz", ".o", ".o.gz",
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

/* Alphabetical order, kernel/ first at the top of a tree (the original
 * searched there first). */
static void sort_entries(struct walk_entry *ents, size_t n, bool top)
{
	qsort(ents, n, sizeof(*ents), entry_cmp);
	for (size_t i = 0; top && i < n; i++) {
		if (strcmp(ents[i].name, "kernel") == 0) {
			struct walk_entry k = ents[i];

			memmove(ents + 1, ents, i * sizeof(*ents));
			ents[0] = k;
			break;
		}
	}
}

/* The entries of directory path, sorted, except that at the top kernel/
 * comes first.  0 (the directory unreadable: *n == 0) or -ENOMEM. */
static int read_entries(const char *path, int depth, struct walk_entry **out, size_t *n)
{
	struct walk_entry *ents = NULL;
	size_t cap = 0;
	struct dirent *de;
	DIR *dir = opendir(path);
	int r = 0;

	*n = 0;
	if (!dir) {
		if (depth > 0 || (errno != ENOENT && errno != ENOTDIR))
			log_verbose("cannot read directory %s: %s", path, strerror(errno));
		*out = NULL;
		return 0;
	}
	while (!r && (de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			struct walk_entry *v = realloc(ents, nc * sizeof(*v));

			if (!v) {
				r = -ENOMEM;
				break;
			}
			ents = v;
			cap = nc;
		}
		ents[*n].name = strdup(de->d_name);
		ents[*n].type = de->d_type;
		if (ents[*n].name)
			(*n)++;
		else
			r = -ENOMEM;
	}
	closedir(dir);
	if (!r && *n)
		sort_entries(ents, *n, depth == 0);
	*out = ents;
	return r;
}

/* The entry's type, from lstat() where readdir() did not say. */
static unsigned char entry_type(unsigned char type, const char *path)
{
	struct stat st;

	if (type != DT_UNKNOWN)
		return type;
	if (lstat(path, &st) != 0)
		return DT_UNKNOWN;
	return S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK :
	       S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
}

/* Walks path (held in sb) depth first, in the order of read_entries().
 * Symlinks to directories are not followed, so there are no loops.
 * Returns 1 when the target candidate was found (and stops), 0, or
 * -ENOMEM. */
static int walk(struct search_ctx *ctx, struct search_dir *d, struct strbuf *sb, int depth)
{
	struct walk_entry *ents;
	size_t n, dirlen = sb->len;
	int r;

	if (depth > MAX_WALK_DEPTH) {
		log_verbose("%s: too deep, not searched", strbuf_str(sb));
		return 0;
	}
	r = read_entries(strbuf_str(sb), depth, &ents, &n);
	for (size_t i = 0; i < n && r == 0; i++) {
		unsigned char type;

		sb->len = dirlen;
		sb->data[dirlen] = '\0';
		if ((dirlen == 0 || sb->data[dirlen - 1] != '/') && (r = strbuf_putc(sb, '/')) != 0)
			break;
		if ((r = strbuf_puts(sb, ents[i].name)) != 0)
			break;
		type = entry_type(ents[i].type, sb->data);
		if (type == DT_DIR)
			r = walk(ctx, d, sb, depth + 1);
		else if (type == DT_REG || (type == DT_LNK && is_regular(sb->data)))
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

/* The target's line in DIR/modules.dep, if it names a file that is
 * there.  1 (out filled in), 0, or -ENOMEM. */
static int look_in_dep(struct search_ctx *ctx, struct search_dir *d, struct search_result *out)
{
	const char *rel;
	char *p;
	int r;

	if (!d->dep_done && (r = dep_load(ctx, d)) != 0)
		return r;
	rel = d->dep_hit[ctx->target];
	if (!rel)
		return 0;
	p = rel[0] == '/' ? strdup(rel) : join(d->path, rel);
	if (!p)
		return -ENOMEM;
	if (is_regular(p)) {
		log_verbose("found %s through %s/modules.dep", p, d->path);
		return found(p, out);
	}
	log_verbose("%s/modules.dep names %s, which is not there", d->path, p);
	free(p);
	return 0;
}

/* DIR/NAME as given, then with every '-' as '_' and vice versa; mixed
 * spellings are left to the walk.  1 (out filled in), 0, or -ENOMEM. */
static int look_directly(const char *cand, struct search_dir *d, struct search_result *out)
{
	char *variant[3] = { strdup(cand), strdup(cand), strdup(cand) };
	int r = !variant[0] || !variant[1] || !variant[2] ? -ENOMEM : 0;

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
	return r;
}

/* The walk of d, done once for all candidates.  1, 0, or -ENOMEM. */
static int look_in_walk(struct search_ctx *ctx, struct search_dir *d, struct search_result *out)
{
	if (!d->walk_done) {
		struct strbuf sb = STRBUF_INIT;
		int r;

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

/* Candidate ctx->target in directory d: modules.dep, DIR/NAME, the walk.
 * Returns 1 (out filled in), 0, or -ENOMEM. */
static int look_in_dir(struct search_ctx *ctx, struct search_dir *d, struct search_result *out)
{
	int r = look_in_dep(ctx, d, out);

	if (!r)
		r = look_directly(ctx->cand[ctx->target], d, out);
	if (!r)
		r = look_in_walk(ctx, d, out);
	return r;
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
