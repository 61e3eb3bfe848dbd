/* -L: loads of one module name take turns.
 *
 * The lock is LOCK_DIR/NAME.lock, not the module file: any user who can
 * read a module file can flock(2) it, and a blocking lock on it let that
 * user stop root's insmod -L forever.  The directory is root's and
 * writable by root only, so only root can create or hold a lock in it.
 * The name the module will have in the kernel (after -o) is what is
 * locked, since that is what two loads conflict over. */
#include "lock.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The lock directory, created if missing; -errno (said) when it is not a
 * root-owned directory that only root can write. */
static int open_lock_dir(const char *dir)
{
	struct stat st;
	int fd;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		log_warn("-L: cannot create %s: %s; loading without the lock", dir, strerror(errno));
		return -errno;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		log_warn("-L: %s: %s; loading without the lock", dir, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		log_warn("-L: %s is not a directory owned by root and writable by root only; "
			 "loading without the lock", dir);
		close(fd);
		return -EPERM;
	}
	return fd;
}

int lock_module_name(const char *dir, const char *name, int *lock_fd)
{
	char file[NAME_MAX + 1];
	int dfd, fd, e;

	*lock_fd = -1;
	if (module_name_problem(name)) {	/* the check for every name made a path */
		log_error("-L: '%s' cannot name a lock file: %s", name, module_name_problem(name));
		return -EINVAL;
	}
	snprintf(file, sizeof(file), "%s.lock", name);
	dfd = open_lock_dir(dir);
	if (dfd < 0)
		return 0;	/* said; the kernel's EEXIST still makes -L succeed */
	fd = openat(dfd, file, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	close(dfd);
	if (fd < 0) {
		log_warn("-L: %s/%s: %s; loading without the lock", dir, file, strerror(errno));
		return 0;
	}
	e = flock(fd, LOCK_EX | LOCK_NB) < 0 ? errno : 0;
	if (e == EWOULDBLOCK) {
		log_verbose("waiting for another insmod -L of '%s' (%s/%s)", name, dir, file);
		while ((e = flock(fd, LOCK_EX) < 0 ? errno : 0) == EINTR)
			;
	}
	if (e) {
		log_error("-L: cannot lock %s/%s: %s", dir, file, strerror(e));
		close(fd);
		return -e;
	}
	*lock_fd = fd;
	return 0;
}
