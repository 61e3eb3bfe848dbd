/* See readall.h. */
#include "readall.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* Linux 5.14; not yet in every C library's headers */
#endif

#define PAGE_4K ((uintptr_t)4096)
#define HUGE_2M ((uintptr_t)2 << 20)

/* A large buffer about to be filled (by pread(), or a decompressor): its
 * pages are entered in one call (MADV_POPULATE_WRITE), on 2 MiB pages where they can be
 * (MADV_HUGEPAGE on the aligned middle), instead of a page fault for each
 * 4 KiB as the copy reaches it.  amdgpu.ko's 19 MB were 4,700 faults, a
 * third of its dry run on the development machine (bench/history.md).
 * Advice only: a kernel without it (before 5.14), or without huge pages,
 * faults the pages in as before.  Only the buffer's own whole pages. */
void enter_pages(uint8_t *buf, size_t size)
{
	uintptr_t lo = ((uintptr_t)buf + PAGE_4K - 1) & ~(PAGE_4K - 1);
	uintptr_t hi = ((uintptr_t)buf + size) & ~(PAGE_4K - 1);
	uintptr_t hlo = (lo + HUGE_2M - 1) & ~(HUGE_2M - 1), hhi = hi & ~(HUGE_2M - 1);

	if (size < (256u << 10) || hi <= lo)
		return;
	if (hhi > hlo)
		madvise((void *)hlo, hhi - hlo, MADV_HUGEPAGE);
	madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
}

int read_regular_whole(int fd, size_t size, uint8_t **out)
{
	uint8_t *buf = malloc(size ? size : 1), extra;
	size_t got = 0;
	ssize_t n = 0;

	if (!buf)
		return -ENOMEM;
	enter_pages(buf, size);
	while (got < size) {
		n = pread(fd, buf + got, size - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	/* one byte more must be the end: a file that grew changed too */
	if (got == size)
		while ((n = pread(fd, &extra, 1, (off_t)got)) < 0 && errno == EINTR)
			;
	if (n < 0) {
		int e = errno;

		free(buf);
		return -e;
	}
	if (got != size || n != 0) {
		free(buf);
		return -ESTALE;
	}
	*out = buf;
	return 0;
}
