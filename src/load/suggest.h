/* Module names near a name that was not found. */
#ifndef INSMOD_SUGGEST_H
#define INSMOD_SUGGEST_H

#include <stddef.h>

/* Logs "did you mean a, b, c?" with up to three names from DIRS' modules.dep
 * that are a typo or two away from NAME ('-' and '_' alike); nothing when
 * none is. */
void suggest_module_names(const char *const *dirs, size_t ndirs, const char *name);

#endif
