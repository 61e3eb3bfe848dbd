/* Helpers shared by the libFuzzer targets (fuzz/fuzz-*.c).
 *
 * Messages: the targets log to the terminal, verbosely, rather than
 * nowhere, so that every message's arguments are really formatted (a
 * "%.*s" past a buffer or a "%s" of an unterminated string is then a
 * finding); run them with -close_fd_mask=3 to keep the output quiet (the
 * scripts do).  A violated invariant is reported with FUZZ_ASSERT, which
 * aborts: libFuzzer saves the input as a crash. */
#ifndef INSMOD_FUZZ_COMMON_H
#define INSMOD_FUZZ_COMMON_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log.h"

#define FUZZ_ASSERT(cond)                                                      \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",       \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void fuzz_log_setup(void)
{
	log_setup(LOG_TO_TERMINAL, 1, false);
}

/* An anonymous in-memory file that code under test can open by name
 * (path receives "/proc/self/fd/N"). */
static inline int fuzz_memfd(const char *name, char *path, size_t cap)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(path, cap, "/proc/self/fd/%d", fd);
	return fd;
}

/* Replaces the memfd's contents. */
static inline void fuzz_memfd_set(int fd, const void *data, size_t size)
{
	const uint8_t *p = data;
	off_t off = 0;

	if (ftruncate(fd, 0) < 0) {
		perror("ftruncate");
		abort();
	}
	while (size) {
		ssize_t w = pwrite(fd, p, size, off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			perror("pwrite");
			abort();
		}
		p += w;
		off += w;
		size -= (size_t)w;
	}
}

/* A malloc'ed copy of [p, p+n) with exactly n bytes (so that ASan sees a
 * read one past the end), or of n+1 bytes NUL-terminated when nul is set. */
static inline char *fuzz_copy(const void *p, size_t n, int nul)
{
	char *s = malloc(n + (nul ? 1 : 0) + (n == 0 && !nul));

	if (!s)
		abort();
	if (n)
		memcpy(s, p, n);
	if (nul)
		s[n] = '\0';
	return s;
}

#endif
