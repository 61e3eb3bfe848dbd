/* See readall.h. */
#include "readall.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int read_regular_whole(int fd, size_t size, uint8_t **out)
{
	uint8_t *buf = malloc(size ? size : 1), extra;
	size_t got = 0;
	ssize_t n = 0;

	if (!buf)
		return -ENOMEM;
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
