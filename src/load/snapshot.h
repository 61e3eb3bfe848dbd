/* ksymoops snapshots: after each real load attempt, if /var/log/ksymoops
 * exists, copies of the kernel's symbol table and module list, so that an
 * Oops can later be decoded against the state it happened in. */
#ifndef INSMOD_SNAPSHOT_H
#define INSMOD_SNAPSHOT_H

#include <time.h>

#define SNAPSHOT_DIR "/var/log/ksymoops"

/* If DIR is a directory (not a symbolic link), copies PROC_ROOT/proc/ksyms
 * (a 2.4 kernel's), or else PROC_ROOT/proc/kallsyms (what /proc/ksyms
 * became), to DIR/YYYYMMDDhhmmss.ksyms and
 * PROC_ROOT/proc/modules to DIR/YYYYMMDDhhmmss.modules, named by the local
 * time now, as `date +%Y%m%d%H%M%S` would.  proc_root is "" or NULL
 * normally; tests point it at copies.  Each file is written under a
 * temporary name created exclusively in DIR (never through a symbolic
 * link), then both are renamed into place: both files or neither.  DIR
 * must be owned by root (or by whoever runs insmod) and writable by its
 * owner only, or it is not used.  A snapshot never fails a load: a
 * failure is one warning, and no temporary file is left behind.  When DIR
 * does not exist, nothing happens and nothing is said. */
void snapshot_take(const char *dir, const char *proc_root);

/* The same at a given time.  Returns 0 when both files were written, 1
 * when DIR does not exist (nothing done), or -errno after warning. */
int snapshot_take_at(const char *dir, const char *proc_root, time_t when);

#endif
