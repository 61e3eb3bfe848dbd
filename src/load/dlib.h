/* The decompression libraries (zlib, liblzma, libzstd) are opened when a
 * compressed module first needs one, not at start-up, as kmod does: a run
 * that reads no compressed file (most dry runs, every load of an
 * uncompressed module) then never has the dynamic loader map and relocate
 * three libraries.  The headers still come from pkg-config at build time;
 * only the binding waits. */
#ifndef INSMOD_DLIB_H
#define INSMOD_DLIB_H

#include <stddef.h>

/* Opens the library SONAME once per run and looks up the N functions NAMES
 * into FNS, in order.  Returns 0, or -ENOTSUP after saying why (naming
 * PATH, the module that needed FORMAT); a failure is remembered, so it is
 * said once.  STATE is the caller's: 0 before the first call. */
int dlib_load(int *state, const char *soname, const char *const *names, size_t n,
	      void **fns, const char *path, const char *format);

#endif
