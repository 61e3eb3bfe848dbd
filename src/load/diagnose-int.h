/* Between the files that explain a refused load: diagnose.c (the kernel
 * log, the report), diagnose-causes.c (files in /proc and /sys that tell
 * EPERM's and EKEYREJECTED's causes apart) and diagnose-errno.c (errno
 * names and texts). */
#ifndef INSMOD_DIAGNOSE_INT_H
#define INSMOD_DIAGNOSE_INT_H

#include "diagnose.h"
#include "strbuf.h"

#include <stdbool.h>

/* Which of EPERM's causes applies: no CAP_SYS_MODULE, modules_disabled,
 * lockdown (log_lockdown: the kernel log said so), module_blacklist=
 * (log_blacklisted: likewise), else the plain text.  root prefixes the
 * /proc and /sys paths read (tests). */
void explain_eperm(struct strbuf *sb, const struct load_failure *f, const char *root,
		   bool log_lockdown, bool log_blacklisted);
/* Why a signature was refused: modified by insmod, unsigned, or not
 * trusted. */
void explain_ekeyrejected(struct strbuf *sb, const struct load_failure *f, const char *root);

/* diagnose-errno.c: what an errno that is not the loader's means: the
 * module's init function returned it. */
extern const char diagnose_init_failed_text[];

#endif
