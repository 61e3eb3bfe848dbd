/* Small helpers shared by several files. */
#ifndef INSMOD_UTIL_H
#define INSMOD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The first line of ROOT/PATH (a /proc or /sys file, usually), without its
 * newline, into buf[size]; false if it cannot be read.  root may be NULL. */
bool read_first_line(const char *root, const char *path, char *buf, size_t size);

/* Why NAME cannot be a module's name, or NULL if it can.  A module's name
 * becomes one component of a path (/sys/module/NAME, a --batch blob
 * DIR/NAME.blob, a lock file), wherever the name comes from (-o, the
 * module's own .modinfo, a 2.4 object's file name): so no '/', not empty,
 * not "." or "..". */
const char *module_name_problem(const char *name);

/* floor(log2(a)), 0 for a <= 1: an alignment as the map's 2**N. */
unsigned log2_floor(uint64_t a);

#endif
