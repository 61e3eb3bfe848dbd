/* Between the two halves of one 2.4 link: mod24.c (the steps in order,
 * the header's final fields, the entry points) and mod24-prepare.c
 * (everything before the layout). */
#ifndef INSMOD_MOD24_RUN_H
#define INSMOD_MOD24_RUN_H

#include "mod24-int.h"
#include "mod24.h"

#include <stdbool.h>

/* The original compared this many characters of the version strings. */
#define STRVERSIONLEN 32

/* One run of the 2.4 linker. */
struct run24 {
	const struct mod24_job *job;
	struct k24_table kernel;
	struct obj24 obj;
	char mversion[STRVERSIONLEN + 1];	/* the module's kernel_version */
	bool typed;				/* it has .modinfo kernel_version= */
	bool gpl;
	int errors;				/* counted, as the original's error() did */
	char prefix[256];
	bool created;				/* create_module succeeded: ours to delete */
	bool kernel_refused;			/* create_module failed, already said */
};


/* mod24-prepare.c: everything the original did before it knew the
 * module's size: resolution against the kernel, the module header,
 * commons, parameters, ksymoops symbols, exports and references,
 * __archdata and __kallsyms.  0, or -errno after the messages. */
int mod24_prepare(struct run24 *r, int version);

#endif
