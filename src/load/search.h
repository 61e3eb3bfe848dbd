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

/* Resolves the command-line module argument.
 *
 * An argument with a '/', or ending in a module extension (.ko, .ko.gz,
 * .ko.xz, .ko.zst, .o, .o.gz), is a path taken as given (relative to the
 * current directory when it has no '/'); searched is false.
 *
 * Any other argument is a bare NAME and is searched for: the candidates
 * NAME.ko, NAME.ko.zst, NAME.ko.xz, NAME.ko.gz, NAME.o, NAME.o.gz are tried
 * in that order, each against the whole directory list before the next,
 * with '-' and '_' equivalent when file names are compared.
 *
 * The directory list: the ':'-separated elements of $MODPATH (each "%s"
 * replaced by release; any other '%' is literal), else ROOT/lib/modules/boot,
 * ROOT/lib/modules/RELEASE, ROOT/lib/modules/MAJOR.MINOR.  Then the
 * configuration file ($MODULECONF, else $MODULECONFIG, else
 * ROOT/etc/modules.conf, else ROOT/etc/conf.modules with a deprecation
 * warning): its path[TAG]=DIR and path=DIR lines replace the list unless
 * a "keep" line comes before the first of them.
 *
 * In each directory: DIR/modules.dep when present, then DIR/NAME, then a
 * walk of DIR (kernel/ first, then alphabetical; directory symlinks are not
 * followed); the first regular file whose name matches wins.
 *
 * release is the kernel release (uname -r); NULL or "" leaves out the
 * RELEASE and MAJOR.MINOR defaults.  root is a directory prefix for the
 * default directories and the /etc files (normally "" or NULL; used by
 * tests); it does not apply to $MODPATH, $MODULECONF or path= values.
 *
 * Returns 0 with *out filled in (release it with search_result_release), or:
 *   -ENOENT after logging "NAME: no module by that name found" (and, with
 *           -v, the directories searched);
 *   -EINVAL for an empty argument (logged);
 *   -ENOMEM.
 * Problems with the configuration file are warnings, never failures. */
int module_search(const char *arg, const char *release, const char *root,
		  struct search_result *out);

void search_result_release(struct search_result *r);

#endif
