/* -L: one load of a given module name at a time, through a lock file in a
 * directory that only root can write. */
#ifndef INSMOD_LOCK_H
#define INSMOD_LOCK_H

#include <stdbool.h>

#define LOCK_DIR "/run/insmod"

/* Takes an exclusive flock on DIR/NAME.lock (DIR created 0700 if missing),
 * waiting for another holder, and leaves the descriptor in *lock_fd (-1 if
 * none: closing it releases the lock).  When DIR cannot be used (not
 * root's, or writable by others, or not creatable) it warns and returns 0
 * without a lock.  -EINVAL for a name that cannot name a file. */
int lock_module_name(const char *dir, const char *name, int *lock_fd);

#endif
