/* -V, --version (version.h).  The features are those the compiler saw:
 * the Makefile defines HAVE_ZLIB, HAVE_LZMA and HAVE_ZSTD for each library
 * found, INSMOD_LINKED_LIBS when they are linked in rather than opened
 * with dlopen(), and INSMOD_STATIC_BUILD for make static. */
#include "version.h"

#include <stdio.h>

#ifdef HAVE_ZLIB
#define FEATURE_GZIP "+gzip"
#else
#define FEATURE_GZIP "-gzip"
#endif
#ifdef HAVE_LZMA
#define FEATURE_XZ "+xz"
#else
#define FEATURE_XZ "-xz"
#endif
#ifdef HAVE_ZSTD
#define FEATURE_ZSTD "+zstd"
#else
#define FEATURE_ZSTD "-zstd"
#endif
#ifdef INSMOD_LINKED_LIBS
#define FEATURE_DLOPEN "-dlopen"
#else
#define FEATURE_DLOPEN "+dlopen"
#endif
#ifdef INSMOD_STATIC_BUILD
#define FEATURE_STATIC " +static"
#else
#define FEATURE_STATIC ""
#endif

void print_version(void)
{
	printf("insmod version %s\n", INSMOD_VERSION);
	puts(FEATURE_GZIP " " FEATURE_XZ " " FEATURE_ZSTD " " FEATURE_DLOPEN FEATURE_STATIC);
}
