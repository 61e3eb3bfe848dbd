/* A simulated Linux 2.4 kernel for insmod's tests, preloaded with
 * LD_PRELOAD: it answers the module system calls that 2.4 had and later
 * kernels dropped, from a symbol file, and records what it receives.
 *
 *   FAKE24_KSYMS    symbols, /proc/ksyms format: "ADDR NAME [MODULE]";
 *                   a module's struct module is at its __insmod_NAME_O...
 *                   symbol, else at 0xd0000000 + 0x10000 * its number
 *   FAKE24_DIR      where to record: "log" (one line per call) and
 *                   init_module.bin (the image init_module received, as
 *                   long as its struct module's size field says)
 *   FAKE24_RELEASE  what uname reports (default 2.4.20); FAKE24_SMP=1
 *                   makes uname's version "#1 SMP ..."
 *   FAKE24_MACHINE  uname's machine (default x86_64)
 *   FAKE24_BASE     create_module's answer (default 0xd0800000)
 *   FAKE24_CREATE_ERRNO, FAKE24_INIT_ERRNO   make those calls fail (any
 *                   errno: 17 is EEXIST, another insmod winning the race)
 *
 * syscall(2) is intercepted for query_module, create_module, init_module
 * and delete_module; every other call goes to the real one. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#define QM_MODULES 1
#define QM_SYMBOLS 4
#define QM_INFO 5
#define MAX_SYMS 4096

struct fsym {
	unsigned long value;
	char name[128];
	int module;	/* -1: the kernel */
};

static struct fsym syms[MAX_SYMS];
static int nsyms;
static char modules[64][80];
static int nmodules;
static int loaded;

static void record(const char *fmt, ...)
{
	const char *dir = getenv("FAKE24_DIR");
	char path[4096];
	va_list ap;
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/log", dir);
	f = fopen(path, "a");
	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

static int module_number(const char *name)
{
	for (int i = 0; i < nmodules; i++)
		if (strcmp(modules[i], name) == 0)
			return i;
	if (nmodules == 64)
		return -1;
	snprintf(modules[nmodules], sizeof(modules[0]), "%s", name);
	return nmodules++;
}

static void load(void)
{
	const char *file = getenv("FAKE24_KSYMS");
	char line[512];
	FILE *f;

	if (loaded)
		return;
	loaded = 1;
	f = file ? fopen(file, "r") : NULL;
	while (f && nsyms < MAX_SYMS && fgets(line, sizeof(line), f)) {
		char name[128], mod[80];
		unsigned long v;
		int n = sscanf(line, "%lx %127s %79s", &v, name, mod);

		if (n < 2)
			continue;
		syms[nsyms].value = v;
		snprintf(syms[nsyms].name, sizeof(syms[0].name), "%s", name);
		syms[nsyms].module = -1;
		if (n == 3 && mod[0] == '[') {
			mod[strcspn(mod, "]")] = '\0';
			syms[nsyms].module = module_number(mod + 1);
		}
		nsyms++;
	}
	if (f)
		fclose(f);
}

static unsigned long module_addr(int m)
{
	char prefix[128];

	snprintf(prefix, sizeof(prefix), "__insmod_%s_O", modules[m]);
	for (int i = 0; i < nsyms; i++)
		if (syms[i].module == m && strncmp(syms[i].name, prefix, strlen(prefix)) == 0)
			return syms[i].value;
	return 0xd0000000ul + 0x10000ul * (unsigned long)m;
}

/* Copies an answer of size bytes and count items, or says ENOSPC. */
static long answer(void *buf, size_t bufsize, const void *data, size_t size, size_t count, size_t *ret)
{
	if (size > bufsize) {
		if (ret)
			*ret = size;
		errno = ENOSPC;
		return -1;
	}
	memcpy(buf, data, size);
	if (ret)
		*ret = count;
	return 0;
}

static long qm_modules(void *buf, size_t bufsize, size_t *ret)
{
	char out[64 * 80];
	size_t len = 0;

	for (int i = 0; i < nmodules; i++) {
		memcpy(out + len, modules[i], strlen(modules[i]) + 1);
		len += strlen(modules[i]) + 1;
	}
	return answer(buf, bufsize, out, len, (size_t)nmodules, ret);
}

static long qm_symbols(int m, void *buf, size_t bufsize, size_t *ret)
{
	static unsigned char out[MAX_SYMS * (16 + 128)];
	size_t n = 0, strings, len;
	long r;

	for (int i = 0; i < nsyms; i++)
		n += syms[i].module == m;
	strings = n * 2 * sizeof(unsigned long);
	len = strings;
	n = 0;
	for (int i = 0; i < nsyms; i++) {
		unsigned long e[2] = { syms[i].value, len };

		if (syms[i].module != m)
			continue;
		memcpy(out + n++ * sizeof(e), e, sizeof(e));
		memcpy(out + len, syms[i].name, strlen(syms[i].name) + 1);
		len += strlen(syms[i].name) + 1;
	}
	r = answer(buf, bufsize, out, len, n, ret);
	record("query_module %s QM_SYMBOLS %zu%s", m < 0 ? "kernel" : modules[m], bufsize, r ? " ENOSPC" : "");
	return r;
}

static long query_module(const char *name, int which, void *buf, size_t bufsize, size_t *ret)
{
	int m = -1;

	load();
	if (which == 0)
		return 0;
	if (name) {
		for (m = 0; m < nmodules && strcmp(modules[m], name) != 0; m++)
			;
		if (m == nmodules) {
			errno = ENOENT;
			return -1;
		}
	}
	switch (which) {
	case QM_MODULES:
		return qm_modules(buf, bufsize, ret);
	case QM_SYMBOLS:
		return qm_symbols(m, buf, bufsize, ret);
	case QM_INFO: {
		unsigned long info[4] = { module_addr(m), 4096, 1, 0 };

		return answer(buf, bufsize, info, sizeof(info), sizeof(info), ret);
	}
	default:
		errno = EINVAL;
		return -1;
	}
}

static long create_module(const char *name, size_t size)
{
	const char *e = getenv("FAKE24_CREATE_ERRNO"), *base = getenv("FAKE24_BASE");

	load();
	record("create_module %s %zu", name, size);
	for (int i = 0; i < nmodules; i++)
		if (strcmp(modules[i], name) == 0) {
			errno = EEXIST;
			return -1;
		}
	if (e) {
		errno = atoi(e);
		return -1;
	}
	return (long)strtoul(base ? base : "0xd0800000", NULL, 0);
}

static long init_module(const char *name, const unsigned char *image)
{
	const char *dir = getenv("FAKE24_DIR"), *e = getenv("FAKE24_INIT_ERRNO");
	unsigned long size;
	char path[4096];
	FILE *f;

	memcpy(&size, image + 3 * sizeof(unsigned long), sizeof(size));
	record("init_module %s %lu", name, size);
	if (dir) {
		snprintf(path, sizeof(path), "%s/init_module.bin", dir);
		f = fopen(path, "w");
		if (f) {
			fwrite(image, 1, size, f);
			fclose(f);
		}
	}
	if (e) {
		errno = atoi(e);
		return -1;
	}
	return 0;
}

long syscall(long nr, ...)
{
	static long (*real)(long, ...);
	long a[6];
	va_list ap;

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	switch (nr) {
	case SYS_query_module:
		return query_module((const char *)a[0], (int)a[1], (void *)a[2], (size_t)a[3], (size_t *)a[4]);
	case SYS_create_module:
		return create_module((const char *)a[0], (size_t)a[1]);
	case SYS_init_module:
		return init_module((const char *)a[0], (const unsigned char *)a[1]);
	case SYS_delete_module:
		record("delete_module %s", (const char *)a[0]);
		return 0;
	default:
		if (!real)
			real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
		return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
}

int uname(struct utsname *u)
{
	const char *rel = getenv("FAKE24_RELEASE");

	memset(u, 0, sizeof(*u));
	snprintf(u->sysname, sizeof(u->sysname), "Linux");
	snprintf(u->nodename, sizeof(u->nodename), "fake24");
	snprintf(u->release, sizeof(u->release), "%s", rel ? rel : "2.4.20");
	snprintf(u->version, sizeof(u->version), "#1 %sMon Jan 1 00:00:00 UTC 2003",
		 getenv("FAKE24_SMP") ? "SMP " : "");
	snprintf(u->machine, sizeof(u->machine), "%s", getenv("FAKE24_MACHINE") ? getenv("FAKE24_MACHINE") : "x86_64");
	return 0;
}
