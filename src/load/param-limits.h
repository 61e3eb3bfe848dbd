/* Parameter values checked against the sizes the module gives them (an
 * array's maximum count, a module_param_string buffer), before any load
 * or probe. */
#ifndef INSMOD_PARAM_LIMITS_H
#define INSMOD_PARAM_LIMITS_H

#include "elf.h"
#include "params.h"

/* Logs every value of SET that the kernel would refuse for its size,
 * naming the limit; returns 0 or -EINVAL.  A size that cannot be found in
 * the module is not checked (the kernel decides). */
int params_check_limits(const struct elf_file *elf, const struct param_set *set, const char *path);

#endif
