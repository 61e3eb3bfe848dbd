/* Lazy binding of the decompression libraries: see dlib.h. */
#include "dlib.h"
#include "log.h"

#include <errno.h>

#ifdef INSMOD_LINKED_LIBS

/* The static build: the caller's FNS already hold the linked functions. */
int dlib_load(int *state, const char *soname, const char *const *names, size_t n,
	      void **fns, const char *path, const char *format)
{
	(void)soname, (void)names, (void)path, (void)format;
	for (size_t i = 0; i < n; i++)
		if (!fns[i])
			return -ENOTSUP;
	*state = 1;
	return 0;
}

#else

#include <dlfcn.h>

/* What the libraries opened below are for, as ELF notes that packaging
 * tools read (the freedesktop.org "ELF dlopen metadata" format: owner
 * "FDO", type 0x407c0c0a, a JSON array of features with their sonames):
 * dlopen() leaves no DT_NEEDED entry, so without them a package would not
 * know what to depend on.  One note per library that this build can use. */
struct dlopen_note_head {
	uint32_t namesz, descsz, type;
	char name[4];		/* "FDO" and its NUL: 4 bytes, no padding */
};

#define DLOPEN_NOTE(var, json)                                                        \
	__attribute__((used, section(".note.dlopen"), aligned(4))) static const struct { \
		struct dlopen_note_head head;                                         \
		char desc[(sizeof(json) + 3) & ~(size_t)3];	/* 0-padded */        \
	} var = { { 4, sizeof(json), 0x407c0c0aU, "FDO" }, json }

#define DLOPEN_FEATURE(feature, what, soname)                                         \
	"[{\"feature\":\"" feature "\",\"description\":\"" what "\","                \
	"\"priority\":\"recommended\",\"soname\":[\"" soname "\"]}]"

#ifdef HAVE_ZLIB
DLOPEN_NOTE(note_zlib, DLOPEN_FEATURE("gzip", "Support for gzip-compressed modules (.ko.gz)", "libz.so.1"));
#endif
#ifdef HAVE_LZMA
DLOPEN_NOTE(note_lzma, DLOPEN_FEATURE("xz", "Support for xz-compressed modules (.ko.xz)", "liblzma.so.5"));
#endif
#ifdef HAVE_ZSTD
DLOPEN_NOTE(note_zstd, DLOPEN_FEATURE("zstd", "Support for zstd-compressed modules (.ko.zst)", "libzstd.so.1"));
#endif

enum { UNTRIED = 0, READY = 1, FAILED = -1 };

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
