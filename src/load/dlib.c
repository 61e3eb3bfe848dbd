/* Lazy binding of the decompression libraries: see dlib.h. */
#include "dlib.h"
#include "log.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

enum { UNTRIED = 0, READY = 1, FAILED = -1 };

#ifdef INSMOD_STATIC_LIBS
/* A static build (make STATIC=1): the libraries are linked in, and "opening"
 * one is looking its functions up here.  A static program starts without
 * the dynamic loader mapping and relocating the C library, which is most of
 * a small load's time in a slow machine (an emulated one, say); the
 * decompressors' pages are read only when a compressed module runs them. */
#ifdef HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef HAVE_LZMA
#include <lzma.h>
#endif
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

#define FN(lib, f) { lib, #f, (void (*)(void))f }
static const struct { const char *soname, *name; void (*fn)(void); } linked[] = {
#ifdef HAVE_ZLIB
	FN("libz.so.1", inflateInit2_), FN("libz.so.1", inflate), FN("libz.so.1", inflateEnd),
#endif
#ifdef HAVE_LZMA
	FN("liblzma.so.5", lzma_stream_decoder), FN("liblzma.so.5", lzma_code),
	FN("liblzma.so.5", lzma_end),
#endif
#ifdef HAVE_ZSTD
	FN("libzstd.so.1", ZSTD_createDStream), FN("libzstd.so.1", ZSTD_initDStream),
	FN("libzstd.so.1", ZSTD_decompressStream), FN("libzstd.so.1", ZSTD_isError),
	FN("libzstd.so.1", ZSTD_getErrorName), FN("libzstd.so.1", ZSTD_freeDStream),
#endif
	{ NULL, NULL, NULL },
};

static void *find_linked(const char *soname, const char *name)
{
	for (size_t i = 0; linked[i].name; i++)
		if (strcmp(linked[i].soname, soname) == 0 && strcmp(linked[i].name, name) == 0)
			return (void *)(uintptr_t)linked[i].fn;
	return NULL;
}

int dlib_load(int *state, const char *soname, const char *const *names, size_t n,
	      void **fns, const char *path, const char *format)
{
	if (*state != UNTRIED)
		return *state == READY ? 0 : -ENOTSUP;
	*state = FAILED;
	for (size_t i = 0; i < n; i++) {
		fns[i] = find_linked(soname, names[i]);
		if (!fns[i]) {
			log_error("%s: %s-compressed, but this static insmod was built without %s's %s",
				  path, format, soname, names[i]);
			return -ENOTSUP;
		}
	}
	*state = READY;
	return 0;
}
#else
#include <dlfcn.h>

int dlib_load(int *state, const char *soname, const char *const *names, size_t n,
	      void **fns, const char *path, const char *format)
{
	void *h;

	if (*state != UNTRIED)
		return *state == READY ? 0 : -ENOTSUP;
	*state = FAILED;
	h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		log_error("%s: %s-compressed, but %s cannot be loaded: %s", path, format, soname, dlerror());
		return -ENOTSUP;
	}
	for (size_t i = 0; i < n; i++) {
		fns[i] = dlsym(h, names[i]);
		if (!fns[i]) {
			log_error("%s: %s-compressed, but %s has no %s", path, format, soname, names[i]);
			dlclose(h);
			return -ENOTSUP;
		}
	}
	*state = READY;	/* the library stays open for the rest of the run */
	return 0;
}
#endif
