/* -O FILE: the image, written so that FILE is either the whole new blob or
 * untouched.  The bytes go to a new temporary file in the same directory
 * (O_EXCL|O_NOFOLLOW, so nothing already there is followed or clobbered),
 * are checked written in full and closed without error (ENOSPC and EDQUOT
 * can surface at close on some file systems), and only then renamed over
 * FILE; on any failure the temporary file is removed. */
#include "link-int.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n > (1u << 30) ? (1u << 30) : n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Creates DIR/.BASE.XXXXXX with a name no one else holds. */
static int create_temp(const char *path, char *tmp, size_t cap)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	const char *base = slash ? slash + 1 : path;
	unsigned seed = (unsigned)getpid() ^ (unsigned)time(NULL);

	for (int attempt = 0; attempt < 100; attempt++) {
		int fd;

		seed = seed * 1103515245u + 12345u;
		if ((size_t)snprintf(tmp, cap, "%.*s.%s.%06x", dirlen, path, base, seed & 0xffffff) >= cap)
			return -ENAMETOOLONG;
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
	}
	return -EEXIST;
}

int link_write_blob(const char *path, const void *data, size_t size)
{
	char tmp[4096];
	int fd, r;

	if (!*path) {
		log_error("-O: empty file name");
		return -EINVAL;
	}
	fd = create_temp(path, tmp, sizeof(tmp));
	if (fd < 0) {
		log_error("%s: cannot create a file beside it: %s", path, strerror(-fd));
		return fd;
	}
	r = write_all(fd, data, size);
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r) {
		log_error("%s: cannot write the image: %s", path, strerror(-r));
		unlink(tmp);
		return r;
	}
	return 0;
}
