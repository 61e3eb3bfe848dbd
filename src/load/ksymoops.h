/* The ksymoops symbols of the original insmod, on today's kernels.
 *
 * The original defined __insmod_NAME_O<file>_M<mtime>_V<version> at the
 * module header and __insmod_NAME_S<section>_L<length> at the start of
 * .text, .rodata, .data and .bss, so that ksymoops could tell which object
 * an Oops came from.  A 2.6+ kernel keeps every module's own symbols in
 * /proc/kallsyms, so adding these to the module's symbol table before
 * loading gives them the same place and meaning. */
#ifndef INSMOD_KSYMOOPS_H
#define INSMOD_KSYMOOPS_H

#include <time.h>

#include "image.h"

struct ksymoops_info {
	const char *module;	/* the name it is loaded under */
	const char *file;	/* realpath of the module file */
	time_t mtime;		/* of the module file; 0 if unknown */
	int version;		/* a<<16 | b<<8 | c of the release it was built for; -1 if unknown */
};

/* The version number the original put in _V: from a release such as
 * "6.1.0-56-amd64", 6<<16 | 1<<8 | 0, the sublevel clamped to 255 as the
 * kernel's KERNEL_VERSION() does; -1 if it does not start that way or the
 * major or minor number passes 255. */
int ksymoops_version(const char *release);

/* Appends the symbols to the image's symbol table (and their names to its
 * string table), as global symbols of the sections they describe.
 * Returns 0 or -errno after logging. */
int ksymoops_add_symbols(struct module_image *img, const struct ksymoops_info *info);

#endif
