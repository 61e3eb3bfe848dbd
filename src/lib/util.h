/* Small helpers shared by several files. */
#ifndef INSMOD_UTIL_H
#define INSMOD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Whether what a one-module run holds until its end is freed before the
 * process exits.  Not in the builds users run: the kernel takes the
 * process's memory back in one go, while giving it back block by block
 * cost musl's malloc a dozen munmap() calls, a tenth of a small module's
 * dry run in a virtual machine (bench/history.md; clang's -disable-free
 * is the same choice).  The sanitizer build frees everything
 * (INSMOD_FREE_AT_EXIT), so that the leak checker still sees a leak. */
static inline bool free_at_exit(void)
{
#ifdef INSMOD_FREE_AT_EXIT
	return true;
#else
	return false;
#endif
}

/* Whether a[0..n) and the string b name the same module: the kernel
 * treats '-' and '_' in module names alike. */
bool module_name_eq(const char *a, size_t n, const char *b);

/* Writes all N bytes at BUF to FD, through short writes and EINTR: 0, or
 * -errno (-EIO for a write that wrote nothing). */
int write_all(int fd, const void *buf, size_t n);

/* The first line of ROOT/PATH (a /proc or /sys file, usually), without its
 * newline, into buf[size]; false if it cannot be read.  root may be NULL. */
bool read_first_line(const char *root, const char *path, char *buf, size_t size);

/* Why NAME cannot be a module's name, or NULL if it can.  A module's name
 * becomes one component of a path (/sys/module/NAME, a --batch blob
 * DIR/NAME.blob, a lock file), wherever the name comes from (-o, the
 * module's own .modinfo, a 2.4 object's file name, a section name read
 * under /sys/module/NAME/sections): so no '/', not empty, not "." or
 * "..", and short enough for what is added around it.  The one check for
 * all of them, so that none is forgotten or weaker than the others. */
const char *module_name_problem(const char *name);

/* getline() with limits, for text files that insmod reads whole
 * (modules.conf, modules.dep): a line longer than MAX_LINE or a file
 * longer than MAX_TOTAL (counted in *total) is an error, not a reason to
 * grow without end (a name such as /dev/zero).  Returns the line's length,
 * -1 at the end of the file or on a read error (ferror tells), -EFBIG
 * past MAX_TOTAL, -E2BIG for a long line, -ENOMEM. */
#define TEXT_MAX_LINE (64u << 10)
#define TEXT_MAX_TOTAL (64u << 20)
long read_line_bounded(FILE *f, char **buf, size_t *cap, size_t *total);

/* The module name a path stands for (a modules.dep entry, a file name):
 * path[0..len)'s last component without a known module extension. */
void module_base_name(const char *path, size_t len, const char **base, size_t *blen);

/* Edit distance between two names, a[0..la) and b[0..lb): insertions,
 * deletions, substitutions and swaps of neighbours (optimal string
 * alignment), '-' and '_' alike, as module and parameter names compare.
 * limit + 1 once it must exceed limit, or for a name longer than
 * NAME_DISTANCE_MAX: one function for every "did you mean". */
#define NAME_DISTANCE_MAX 256
size_t name_distance(const char *a, size_t la, const char *b, size_t lb, size_t limit);

/* floor(log2(a)), 0 for a <= 1: an alignment as the map's 2**N. */
unsigned log2_floor(uint64_t a);

#endif
