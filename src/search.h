/* Finding a module file from a bare name, as the original did: MODPATH,
 * the configuration file's path[TAG]=DIR lines, then the default
 * directories under /lib/modules. */
#ifndef INSMOD_SEARCH_H
#define INSMOD_SEARCH_H

#include <stdbool.h>

struct search_result {
	char *path;		/* malloc'ed */
	bool searched;		/* found by searching (so the root-ownership check applies) */
};

/* Resolves the command-line module argument.  An argument with a '/' or
 * with a known module extension (.ko, .ko.gz, .ko.xz, .ko.zst, .o, .o.gz)
 * is taken as a path; a bare name is searched for, trying for each name
 * NAME.ko, NAME.ko.zst, NAME.ko.xz, NAME.ko.gz, NAME.o, NAME.o.gz with '-'
 * and '_' equivalent.  release is the kernel release used for %s in
 * MODPATH and for /lib/modules/RELEASE.  root is a directory prefix for
 * every default path (normally "", used by tests).  Returns 0, or -ENOENT
 * after logging "NAME: no module by that name found" and where it looked. */
int module_search(const char *arg, const char *release, const char *root,
		  struct search_result *out);

void search_result_release(struct search_result *r);

#endif
