/* ksymoops snapshots of /proc/kallsyms and /proc/modules.
 *
 * The directory is opened once, without following a symbolic link, and
 * everything inside it is done relative to that descriptor: a file is
 * created under a fresh temporary name with O_EXCL|O_NOFOLLOW (so nothing
 * planted in the directory is ever opened or written through), filled,
 * flushed to disk (the snapshot matters most when the module just loaded
 * crashes the machine), and renamed over the final name, which replaces a
 * planted link itself rather than what it points to. */
#include "snapshot.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"
#include "strbuf.h"

#define COPY_BUF 65536
#define TMP_TRIES 100

/* Copies everything from in to out. */
static int copy_fd(int in, int out, char *buf)
{
	for (;;) {
		ssize_t r = read(in, buf, COPY_BUF);
		int e;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return 0;
		e = write_all(out, buf, (size_t)r);
		if (e)
			return e;
	}
}

/* Creates a new file for NAME in dirfd under a temporary name written into
 * tmp[size]; returns its descriptor or -errno. */
static int create_temporary(int dirfd, const char *name, char *tmp,
			    size_t size)
{
	static unsigned int counter;
	struct timespec ts;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	for (i = 0; i < TMP_TRIES; i++) {
		int fd;

		/* Not ending in .ksyms or .modules, so that a temporary file
		 * is never taken for a snapshot. */
		snprintf(tmp, size, "%s.tmp-%ld-%lx", name, (long)getpid(),
			 (unsigned long)ts.tv_nsec + counter++);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					O_CLOEXEC, 0600);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* Copies SRC into a new temporary file for NAME in dirfd, its name left
 * in tmp[size], flushed and closed.  On failure, says what failed in *why
 * and returns -errno; no temporary file is left behind. */
static int copy_to_temporary(int dirfd, const char *src, const char *name, char *buf,
			     char *tmp, size_t size, struct strbuf *why)
{
	int in, out, e;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		e = -errno;
		strbuf_printf(why, "cannot read %s: %s", src, strerror(-e));
		return e;
	}
	out = create_temporary(dirfd, name, tmp, size);
	if (out < 0) {
		close(in);
		strbuf_printf(why, "cannot create a file for %s: %s", name,
			      strerror(-out));
		return out;
	}
	e = copy_fd(in, out, buf);
	close(in);
	if (e) {
		strbuf_printf(why, "copying %s to %s: %s", src, name,
			      strerror(-e));
	} else if (fsync(out) != 0 && errno != EINVAL && errno != EROFS) {
		e = -errno;
		strbuf_printf(why, "writing %s: %s", name, strerror(-e));
	}
	if (close(out) != 0 && !e) {
		e = -errno;
		strbuf_printf(why, "writing %s: %s", name, strerror(-e));
	}
	if (e)
		unlinkat(dirfd, tmp, 0);
	return e;
}

/* A 2.4 kernel has /proc/ksyms (what the specification copies) and no
 * /proc/kallsyms; a 2.6+ kernel the other way round. */
static const char *ksyms_source(const char *proc_root, const char *proc)
{
	struct strbuf old = STRBUF_INIT;
	bool use_old;

	if (strcmp(proc, "/proc/kallsyms") != 0 || strbuf_printf(&old, "%s/proc/ksyms", proc_root))
		return proc;
	use_old = access(strbuf_str(&old), R_OK) == 0;
	strbuf_release(&old);
	return use_old ? "/proc/ksyms" : proc;
}

/* One file of the pair: where it comes from, its final and temporary
 * names, and how far it got. */
struct snap_file {
	const char *proc, *ext;
	char name[64], tmp[256];
	bool filled, renamed;
};

/* Both files to temporary names first; then both renamed into place.  A
 * failure anywhere removes whatever was made, so that a .ksyms is never
 * left without its .modules or the other way round. */
static int write_pair(int dirfd, const char *proc_root, const char *stamp,
		      struct snap_file *f, size_t n, struct strbuf *why)
{
	char *buf = malloc(COPY_BUF);
	size_t i;
	int err = buf ? 0 : -ENOMEM;

	if (!buf)
		strbuf_puts(why, strerror(ENOMEM));
	for (i = 0; i < n && !err; i++) {
		struct strbuf src = STRBUF_INIT;

		snprintf(f[i].name, sizeof f[i].name, "%s.%s", stamp, f[i].ext);
		if (strbuf_printf(&src, "%s%s", proc_root, ksyms_source(proc_root, f[i].proc))) {
			err = -ENOMEM;
			strbuf_puts(why, strerror(ENOMEM));
		} else {
			err = copy_to_temporary(dirfd, strbuf_str(&src), f[i].name, buf,
						f[i].tmp, sizeof f[i].tmp, why);
			f[i].filled = !err;
		}
		strbuf_release(&src);
	}
	for (i = 0; i < n && !err; i++) {
		if (renameat(dirfd, f[i].tmp, dirfd, f[i].name) != 0) {
			err = -errno;
			strbuf_printf(why, "cannot rename to %s: %s", f[i].name, strerror(-err));
		}
		f[i].renamed = !err;
	}
	for (i = 0; i < n && err; i++) {
		if (f[i].renamed)
			unlinkat(dirfd, f[i].name, 0);
		else if (f[i].filled)
			unlinkat(dirfd, f[i].tmp, 0);
	}
	free(buf);
	return err;
}

/* The manual asks for a directory owned by root with mode 755 or 700:
 * one that others can write to could hold anything by the time insmod
 * writes there, and one that another user owns is theirs.  (The owner may
 * also be whoever runs insmod, which for a load is root.) */
static int check_directory(int dirfd, const char *dir)
{
	struct stat st;

	if (fstat(dirfd, &st) != 0) {
		log_warn("no ksymoops snapshot: %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		log_warn("no ksymoops snapshot: %s is owned by uid %u, not root "
			 "(it should be root's, mode 755 or 700)", dir, (unsigned)st.st_uid);
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		log_warn("no ksymoops snapshot: %s is writable by group or others "
			 "(mode %04o; it should be 755 or 700)", dir, (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/* The snapshot directory, opened without following a link; 1 when it
 * does not exist, -errno after warning when it cannot or must not be used. */
static int open_directory(const char *dir)
{
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), err;

	if (fd >= 0) {
		err = check_directory(fd, dir);
		if (err)
			close(fd);
		return err ? err : fd;
	}
	err = errno;
	/* O_DIRECTORY|O_NOFOLLOW on a symbolic link fails with ENOTDIR (or
	 * ELOOP): tell that apart from a plain file, which only means there
	 * is no snapshot directory. */
	if (err == ENOTDIR || err == ELOOP)
		err = lstat(dir, &st) == 0 && S_ISLNK(st.st_mode) ? ELOOP : ENOTDIR;
	if (err == ENOENT || err == ENOTDIR)
		return -ENOENT;
	if (err == ELOOP)
		log_warn("no ksymoops snapshot: %s is a symbolic link, not a directory", dir);
	else
		log_warn("no ksymoops snapshot: %s: %s", dir, strerror(err));
	return -err;
}

int snapshot_take_at(const char *dir, const char *proc_root, time_t when)
{
	struct snap_file files[] = {
		{ .proc = "/proc/kallsyms", .ext = "ksyms" },
		{ .proc = "/proc/modules", .ext = "modules" },
	};
	struct strbuf why = STRBUF_INIT;
	char stamp[32];
	struct tm tm;
	int dirfd, err;

	dirfd = open_directory(dir);
	if (dirfd == -ENOENT)
		return 1;
	if (dirfd < 0)
		return dirfd;
	if (!localtime_r(&when, &tm) ||
	    strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm) == 0) {
		close(dirfd);
		log_warn("no ksymoops snapshot in %s: cannot tell the local time", dir);
		return -EINVAL;
	}
	err = write_pair(dirfd, proc_root ? proc_root : "", stamp, files,
			 ARRAY_SIZE(files), &why);
	if (err)
		log_warn("no ksymoops snapshot in %s: %s", dir, strbuf_str(&why));
	else
		fsync(dirfd);	/* the renames, too, should survive a crash */
	strbuf_release(&why);
	close(dirfd);
	return err;
}

void snapshot_take(const char *dir, const char *proc_root)
{
	snapshot_take_at(dir, proc_root, time(NULL));
}
