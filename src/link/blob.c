/* -O FILE: the image, written so that FILE is either the whole new blob or
 * untouched.  The bytes go to a new temporary file in the same directory
 * (O_EXCL|O_NOFOLLOW, so nothing already there is followed or clobbered)
 * whose blocks are reserved first (fallocate), are checked written in full
 * and closed without error (ENOSPC and EDQUOT can surface at close on some
 * file systems), and only then renamed over FILE; on any failure the
 * temporary file is removed.
 *
 * Opening is split from writing so that the linker can create the file and
 * reserve its blocks while it still relocates (reserving is half the cost
 * of writing: bench/history.md), and opening logs nothing: its
 * error waits for link_blob_commit(), so that a link failing for another
 * reason reports only that reason.
 *
 * Renaming over an old blob frees the old blob's blocks inside rename().
 * With hold_replaced, the old file is opened
 * (O_PATH: no permission is needed, nothing is read) just before the
 * rename and handed to the caller, whose close() then frees it: the
 * linker does that on its helper thread while it finishes. */
#include "link-int.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

/* Six characters for a temporary name, from getrandom() where the kernel
 * has it (3.17 and later), else from the clock and the process id: the
 * name need not be secret, only hard to plant in advance; O_EXCL makes
 * it safe either way. */
static void random_suffix(char out[6])
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	static uint64_t counter;
	uint64_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != (ssize_t)sizeof(v)) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		v = ((uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30 ^ (uint64_t)getpid() << 16) +
		    ++counter * 0x9e3779b97f4a7c15ull;
	}
	for (int i = 0; i < 6; i++, v /= sizeof(chars) - 1)
		out[i] = chars[v % (sizeof(chars) - 1)];
}

/* Creates DIR/.BASE.XXXXXX with a random suffix and O_EXCL, so that a
 * name planted in advance is neither followed nor reused.  Mode 0644 as
 * the kernel applies it to any new file: less the umask, or as the
 * directory's default ACL says.  (mkostemp's 0600 had to be changed
 * afterwards to the umask's mode, and umask(2) can only be read by
 * setting it, which another thread could see: reading it cost opening
 * /proc/self/status for each blob.) */
static int create_temp(const char *path, char *tmp, size_t cap)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	const char *base = slash ? slash + 1 : path;

	if ((size_t)snprintf(tmp, cap, "%.*s.%s.XXXXXX", dirlen, path, base) >= cap)
		return -ENAMETOOLONG;
	for (int attempt = 0; attempt < 100; attempt++) {
		int fd;

		random_suffix(tmp + strlen(tmp) - 6);
		fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
	}
	return -EEXIST;
}

/* Whether PATH's directory is /dev or below it: names there are devices
 * and links to them (/dev/stdout, /dev/fd/1), and replacing one with a
 * regular file would break the system for everyone. */
static bool in_dev(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, (size_t)(slash - path) + 1) : strdup(".");
	char *real = dir ? realpath(dir, NULL) : NULL;
	/* /dev/shm is a file system for files, not devices */
	bool dev = real && (strcmp(real, "/dev") == 0 || strncmp(real, "/dev/", 5) == 0) &&
		   strcmp(real, "/dev/shm") != 0 && strncmp(real, "/dev/shm/", 9) != 0;

	free(real);
	free(dir);
	return dev;
}

/* Opens PATH for writing.  O_NONBLOCK, so that a named pipe with no
 * reader fails (ENXIO) instead of waiting for one forever; a reader
 * started just before insmod (`cat pipe &`) may not have opened it yet, so
 * a pipe is given FIFO_WAIT_MS to get one.  O_NONBLOCK is then cleared. */
#define FIFO_WAIT_MS 2000
static int open_writer(const char *path, bool fifo)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	int fd, waited = 0;

	while ((fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK)) < 0 &&
	       errno == ENXIO && fifo && waited < FIFO_WAIT_MS) {
		nanosleep(&tick, NULL);
		waited += 10;
	}
	if (fd >= 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* -O /dev/stdout (whatever our output is), -O /dev/null or -O a named
 * pipe: the bytes go straight into it, as a stream (nothing to replace
 * atomically).  Renaming a file over such a name would replace the name
 * itself: as root, /dev/null or the /dev/stdout link would become a
 * regular file.  Any other existing name that is not a regular file (a
 * directory, a disk, a terminal other than our own output) is refused.  Returns the open stream, -ENOENT for
 * "a regular file or nothing: take the normal way" (also when the name
 * vanishes between stat and open), or another -errno. */
static int open_stream(const char *path, int *refused_type)
{
	struct stat st, out, opened;
	bool ours, null_dev;
	int fd;

	if (stat(path, &st) < 0)
		return -ENOENT;
	/* /dev/stdout is a link to whatever our output is, a file included */
	ours = fstat(STDOUT_FILENO, &out) == 0 && out.st_dev == st.st_dev && out.st_ino == st.st_ino;
	if (!ours && S_ISREG(st.st_mode))
		return -ENOENT;
	null_dev = S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3;
	if (!ours && !null_dev && !S_ISFIFO(st.st_mode)) {
		*refused_type = (int)(st.st_mode & S_IFMT);
		return -EINVAL;
	}
	fd = ours ? fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3) : open_writer(path, S_ISFIFO(st.st_mode));
	if (fd < 0 && errno == ENXIO && S_ISFIFO(st.st_mode)) {
		*refused_type = S_IFIFO;
		return -ENXIO;
	}
	if (fd < 0)
		return -errno;
	/* what was opened must be what was looked at */
	if (fstat(fd, &opened) < 0 || opened.st_dev != st.st_dev || opened.st_ino != st.st_ino) {
		close(fd);
		*refused_type = -1;
		return -EINVAL;
	}
	return fd;
}

static const char *file_type_name(int type)
{
	switch (type) {
	case S_IFDIR: return "a directory";
	case S_IFBLK: return "a block device";
	case S_IFCHR: return "a character device";
	case S_IFSOCK: return "a socket";
	case S_IFIFO: return "a named pipe with no reader (none came in 2 s)";
	case 1: return "a name under /dev that is not there (insmod replaces no name under /dev)";
	case -1: return "changed while being opened";
	default: return "not a regular file";
	}
}

/* Reserves the file's blocks, so that a full file system is found before
 * a byte is written and the write itself only copies.  A file system that
 * cannot reserve (EOPNOTSUPP) is simply written. */
static int reserve(int fd, size_t size)
{
	int r;

	if (size == 0 || size > (size_t)INT64_MAX)
		return 0;
	do
		r = fallocate(fd, 0, 0, (off_t)size);
	while (r < 0 && errno == EINTR);
	if (r < 0 && errno != EOPNOTSUPP && errno != ENOSYS)
		return -errno;
	return 0;
}

void link_blob_open(struct blob_file *b, const char *path, size_t size)
{
	int fd;

	b->path = path;
	b->fd = -1;
	b->err = 0;
	b->created = b->stream = b->hold_replaced = false;
	b->refused_type = 0;
	b->replaced = -1;
	if (!*path) {
		b->err = -EINVAL;
		return;
	}
	fd = open_stream(path, &b->refused_type);
	if (fd != -ENOENT) {
		b->stream = true;
		b->fd = fd >= 0 ? fd : -1;
		b->err = fd >= 0 ? 0 : fd;
		return;
	}
	if (in_dev(path)) {
		b->stream = true;
		b->refused_type = 1;
		b->err = -EINVAL;
		return;
	}
	b->fd = create_temp(path, b->tmp, sizeof(b->tmp));
	if (b->fd < 0) {
		b->err = b->fd;
		return;
	}
	b->created = true;
	b->err = reserve(b->fd, size);
}

void link_blob_abandon(struct blob_file *b)
{
	if (b->fd >= 0)
		close(b->fd);
	if (b->created)
		unlink(b->tmp);
	b->fd = -1;
	b->created = false;
}

static int commit_stream(struct blob_file *b, const void *data, size_t size)
{
	int r = b->err;

	if (r && b->refused_type) {
		log_error("-O %s: %s; give the name of a file to create or replace (or /dev/stdout, /dev/null, a pipe)",
			  b->path, file_type_name(b->refused_type));
		return r;
	}
	if (r) {
		log_error("%s: cannot open: %s", b->path, strerror(-r));
		return r;
	}
	fflush(stdout);		/* a -m map printed before the blob comes first */
	r = write_all(b->fd, data, size);
	if (close(b->fd) < 0 && !r && errno != EINTR)
		r = -errno;
	b->fd = -1;
	if (r)
		log_error("%s: cannot write the image: %s", b->path, strerror(-r));
	return r;
}

int link_blob_commit(struct blob_file *b, const void *data, size_t size)
{
	int r = b->err;

	if (r && !*b->path) {
		log_error("-O: empty file name");
		return r;
	}
	if (b->stream)
		return commit_stream(b, data, size);
	if (r == -ENOENT && !b->created) {
		log_error("-O %s: its directory does not exist", b->path);
		return r;
	}
	if (r && !b->created) {
		log_error("-O %s: cannot create a temporary file in its directory: %s", b->path, strerror(-r));
		return r;
	}
	if (!r)
		r = write_all(b->fd, data, size);
	if (close(b->fd) < 0 && !r)
		r = -errno;
	b->fd = -1;
	if (!r && b->hold_replaced)
		b->replaced = open(b->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (!r && rename(b->tmp, b->path) < 0)
		r = -errno;
	if (r && b->replaced >= 0) {
		close(b->replaced);
		b->replaced = -1;
	}
	if (r) {
		log_error("%s: cannot write the image: %s", b->path, strerror(-r));
		unlink(b->tmp);
	}
	b->created = false;
	return r;
}

int link_write_blob(const char *path, const void *data, size_t size)
{
	struct blob_file b;

	link_blob_open(&b, path, size);
	return link_blob_commit(&b, data, size);
}
