/* The kernel's module-loading system calls, called directly: glibc has no
 * wrappers for them. */
#ifndef INSMOD_SYSCALLS_H
#define INSMOD_SYSCALLS_H

#include <stddef.h>

#ifndef MODULE_INIT_IGNORE_MODVERSIONS
#define MODULE_INIT_IGNORE_MODVERSIONS 1
#define MODULE_INIT_IGNORE_VERMAGIC 2
#endif
#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

/* Each returns 0 or -errno. */
int sys_finit_module(int fd, const char *args, int flags);
int sys_init_module(const void *image, size_t len, const char *args);

#endif
