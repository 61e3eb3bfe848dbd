/* -V, --version: the version and what this build can do. */
#ifndef INSMOD_VERSION_H
#define INSMOD_VERSION_H

/* Prints "insmod version X" and, as kmod's -V does, one line of the
 * compiled-in features: +gzip/-gzip, +xz/-xz, +zstd/-zstd, then how the
 * libraries are bound: "+dlopen" (opened when a module needs one) or
 * "-dlopen +static" (linked in, make static). */
void print_version(void);

#endif
