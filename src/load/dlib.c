/* Lazy binding of the decompression libraries: see dlib.h. */
#include "dlib.h"
#include "log.h"

#include <dlfcn.h>
#include <errno.h>

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
