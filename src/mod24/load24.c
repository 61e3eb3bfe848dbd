/* Loading into a Linux 2.4 (or 2.2) kernel: the system calls modutils
 * 2.4 used, which later kernels removed (they answer ENOSYS).
 *
 *   query_module(NULL, 0, ...)        succeeds: this is such a kernel
 *   query_module(NULL, QM_MODULES)    the loaded modules' names
 *   query_module(NAME, QM_INFO)       a module's struct module address
 *   query_module(NAME, QM_SYMBOLS)    a module's exports; NULL: the kernel's
 *   create_module(NAME, SIZE)         kernel memory for the image, its address
 *   init_module(NAME, IMAGE)          the image, struct module at its start
 *   delete_module(NAME)               after a failure, only of a module this
 *                                     run created (never after create_module
 *                                     failed: the name may be another's)
 *
 * QM_SYMBOLS answers an array of { unsigned long value, name } where
 * name is an offset into the same buffer.  Too small a buffer gives
 * ENOSPC and the size needed.  The answers are checked like any input:
 * counts against the buffer, offsets inside it, names NUL-terminated. */
#include "mod24-int.h"
#include "log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define QM_MODULES 1
#define QM_SYMBOLS 4
#define QM_INFO 5

/* No kernel answer is larger than this; a claim that one is is an error. */
#define QM_MAX ((size_t)64 << 20)

#if defined(SYS_query_module) && defined(SYS_create_module)
#define HAVE_QUERY_MODULE 1
#endif

struct module_info24 {
	unsigned long addr, size, flags;
	long usecount;
};

struct module_symbol24 {
	unsigned long value, name;
};

#ifdef HAVE_QUERY_MODULE
/* One query, the buffer grown until the answer fits.  *ret is the count
 * (or bytes, for QM_INFO) the kernel reports. */
static int query(const char *name, int which, char **buf, size_t *cap, size_t *ret)
{
	if (!*buf) {
		*cap = 4096;
		if (!(*buf = malloc(*cap)))
			return -ENOMEM;
	}
	for (;;) {
		char *bigger;

		*ret = 0;
		if (syscall(SYS_query_module, name, which, *buf, *cap, ret) == 0)
			return 0;
		if (errno != ENOSPC)
			return -errno;
		if (*ret > QM_MAX || *cap >= QM_MAX)
			return -E2BIG;
		*cap = *ret > *cap ? *ret : *cap * 2;
		bigger = realloc(*buf, *cap);
		if (!bigger)
			return -ENOMEM;
		*buf = bigger;
	}
}
#endif

bool load24_kernel_present(void)
{
#ifdef HAVE_QUERY_MODULE
	return syscall(SYS_query_module, NULL, 0, NULL, (size_t)0, NULL) == 0;
#else
	return false;
#endif
}

#ifdef HAVE_QUERY_MODULE
/* The symbols of module m (NULL: the kernel), appended to t. */
static int add_symbols(struct k24_table *t, const char *m, int index, char **buf, size_t *cap)
{
	size_t n, need;
	int r = query(m, QM_SYMBOLS, buf, cap, &n);

	if (r) {
		log_error("query_module(%s, QM_SYMBOLS): %s", m ? m : "kernel", strerror(-r));
		return r;
	}
	need = n * sizeof(struct module_symbol24);
	if (n > *cap / sizeof(struct module_symbol24) || need > *cap) {
		log_error("query_module(%s, QM_SYMBOLS): %zu symbols do not fit its answer", m ? m : "kernel", n);
		return -EPROTO;
	}
	for (size_t i = 0; i < n && !r; i++) {
		struct module_symbol24 s;
		const char *name, *nul;

		memcpy(&s, *buf + i * sizeof(s), sizeof(s));
		if (s.name < need || s.name >= *cap ||
		    !(nul = memchr(*buf + s.name, '\0', *cap - s.name))) {
			log_error("query_module(%s, QM_SYMBOLS): symbol %zu has no name", m ? m : "kernel", i);
			return -EPROTO;
		}
		name = *buf + s.name;
		r = k24_add(t, name, (size_t)(nul - name), s.value, index);
	}
	return r;
}

static int add_module(struct k24_table *t, const char *m, char **buf, size_t *cap)
{
	struct module_info24 info;
	size_t ret;
	int r = query(m, QM_INFO, buf, cap, &ret);

	if (r) {
		/* a module may go away meanwhile: it then has no symbols */
		log_verbose("query_module(%s, QM_INFO): %s", m, strerror(-r));
		return r == -ENOENT ? 0 : r;
	}
	memcpy(&info, *buf, sizeof(info) < *cap ? sizeof(info) : *cap);
	r = k24_add_module(t, m, strlen(m), info.addr);
	return r < 0 ? r : add_symbols(t, m, r, buf, cap);
}
#endif

int k24_query_kernel(struct k24_table *t)
{
#ifdef HAVE_QUERY_MODULE
	char *names = NULL, *buf = NULL;
	size_t ncap = 0, cap = 0, n, at = 0;
	int r;

	if (!load24_kernel_present())
		return -ENOSYS;
	t->from_kernel = true;
	r = query(NULL, QM_MODULES, &names, &ncap, &n);
	if (r)
		log_error("query_module(QM_MODULES): %s", strerror(-r));
	for (size_t i = 0; i < n && !r; i++) {
		const char *nul = at < ncap ? memchr(names + at, '\0', ncap - at) : NULL;

		if (!nul) {
			log_error("query_module(QM_MODULES): %zu names do not fit its answer", n);
			r = -EPROTO;
			break;
		}
		r = add_module(t, names + at, &buf, &cap);
		at = (size_t)(nul - names) + 1;
	}
	if (!r)
		r = add_symbols(t, NULL, -1, &buf, &cap);
	free(names);
	free(buf);
	return r;
#else
	(void)t;
	return -ENOSYS;
#endif
}

int load24_check_name(const struct k24_table *t, const char *name, bool lock)
{
	for (size_t i = 0; i < t->nmods; i++) {
		if (strcmp(t->mods[i].name, name) != 0)
			continue;
		if (lock) {
			log_verbose("module '%s' is already loaded; nothing to do", name);
			return LOAD24_EXISTS;
		}
		log_error("a module named %s already exists", name);
		return -EEXIST;
	}
	return 0;
}

int load24_create(const char *name, uint64_t size, bool lock, uint64_t *addr)
{
#ifdef HAVE_QUERY_MODULE
	long a;

	errno = 0;
	a = syscall(SYS_create_module, name, (size_t)size);
	if (a == -1 && errno) {
		int e = errno;

		if (e == EEXIST && lock) {
			/* another insmod -L loaded it meanwhile */
			log_verbose("module '%s' was loaded meanwhile; nothing to do", name);
			return LOAD24_EXISTS;
		}
		if (e == EEXIST)
			log_error("a module named %s already exists", name);
		else if (e == ENOMEM)
			log_error("can't allocate kernel memory for module; needed %" PRIu64 " bytes", size);
		else
			log_error("create_module: %s", strerror(e));
		return -e;
	}
	*addr = (uint64_t)(unsigned long)a;
	log_verbose("create_module(%s, %" PRIu64 ") = %#" PRIx64, name, size, *addr);
	return 0;
#else
	(void)name; (void)size; (void)lock; (void)addr;
	return -ENOSYS;
#endif
}

int load24_init(const char *name, const uint8_t *image)
{
	int e;

	if (syscall(SYS_init_module, name, image) == 0)
		return 0;
	e = errno;
	log_error("init_module: %s", strerror(e));
	log_error("Hint: insmod errors can be caused by incorrect module parameters, including invalid IO or IRQ "
		  "parameters.\n      You may find more information in syslog or the output from dmesg");
	return -e;
}

void load24_delete(const char *name)
{
	syscall(SYS_delete_module, name, 0);
}
