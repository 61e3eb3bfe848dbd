/* The decompression libraries (zlib, liblzma, libzstd) are opened when a
 * compressed module first needs one, not at start-up, as kmod does: a run
 * that reads no compressed file (most dry runs, every load of an
 * uncompressed module) then never has the dynamic loader map and relocate
 * three libraries.  The headers still come from pkg-config at build time;
 * only the binding waits. */
#ifndef INSMOD_DLIB_H
#define INSMOD_DLIB_H

#include <stddef.h>
#include <stdint.h>

/* The static build (make static) links the libraries in instead and
 * defines INSMOD_LINKED_LIBS: the caller then fills FNS beforehand with
 * DLIB_LINKED(function) for each name, and dlib_load() only says yes.
 * Without it DLIB_LINKED() is NULL, so the functions are never referenced
 * and the libraries are not needed at link time. */
#ifdef INSMOD_LINKED_LIBS
#define DLIB_LINKED(fn) ((void *)(uintptr_t)(fn))
#else
#define DLIB_LINKED(fn) NULL
#endif

/* Opens the library SONAME once per run and looks up the N functions NAMES
 * into FNS, in order.  Returns 0, or -ENOTSUP after saying why (naming
 * PATH, the module that needed FORMAT); a failure is remembered, so it is
 * said once.  STATE is the caller's: 0 before the first call. */
int dlib_load(int *state, const char *soname, const char *const *names, size_t n,
	      void **fns, const char *path, const char *format);

#endif
