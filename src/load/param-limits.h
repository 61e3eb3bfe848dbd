/* Parameter values checked against the sizes the module gives them (an
 * array's maximum count, a module_param_string buffer), before any load
 * or probe. */
#ifndef INSMOD_PARAM_LIMITS_H
#define INSMOD_PARAM_LIMITS_H

#include "elf.h"
#include "params.h"

/* The size of one struct kernel_param in the module's __param section
 * PARAM_SEC (whose arg pointer is its last field): 40 bytes on 64-bit and
 * 20 on 32-bit since Linux 4.2, which added the mod field; 32 and 16 for a
 * module built before. */
unsigned kernel_param_size(const struct elf_file *elf, size_t param_sec);

/* Logs every value of SET that the kernel would refuse for its size,
 * naming the limit; returns 0 or -EINVAL.  A size that cannot be found in
 * the module is not checked (the kernel decides). */
int params_check_limits(const struct elf_file *elf, const struct param_set *set, const char *path);

#endif
