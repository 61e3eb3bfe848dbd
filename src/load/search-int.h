/* Between the parts of the module search: search.c (names, modules.dep,
 * the walk, the entry point) and search-conf.c (the directory list, from
 * MODPATH or the defaults and the configuration file). */
#ifndef INSMOD_SEARCH_INT_H
#define INSMOD_SEARCH_INT_H

#include <stdbool.h>
#include <stddef.h>

/* Candidate extensions, in the order they are tried. */
#define N_CAND 6

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

/* search-conf.c */

/* The directories to search, in order: $MODPATH or the defaults under
 * ROOT/lib/modules, then the configuration file's path lines (see
 * module_search() in search.h).  0 or -errno. */
int build_dir_list(struct dir_list *l, const char *release, const char *root);
void dirs_release(struct dir_list *l);
/* The error for read_line_bounded()'s result N, at line LINENO of FILE:
 * logged, and returned. */
int text_limit_error(const char *file, long n, unsigned lineno);

#endif
