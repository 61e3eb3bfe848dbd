/* Modules of the 2.0/2.4 era: ELF object files (.o) without the 2.6
 * .gnu.linkonce.this_module section, which say which kernel they were
 * built for with ".modinfo kernel_version=" (2.1 and later) or with a
 * kernel_version symbol (2.0).  insmod links them in user space as
 * modutils 2.4 did: for a dry run (-n, -p, -m, -O) anywhere, and for a
 * real load into a kernel that still has query_module(2) and
 * create_module(2), i.e. Linux 2.4 and older.  See insmod(8), "MODULES
 * FOR LINUX 2.4 AND OLDER". */
#ifndef INSMOD_MOD24_H
#define INSMOD_MOD24_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf.h"

struct insmod_ctx;

/* Is this a 2.0/2.4-era object rather than a 2.6+ module? */
bool mod24_is_old_object(const struct elf_file *elf);


/* What one run asks of the 2.4 linker. */
struct mod24_job {
	const char *path;		/* the object file, for messages */
	const struct elf_file *elf;
	const char *name;		/* the module name (after -o) */
	const char *release;		/* the kernel release to check against */
	long long mtime;		/* of the object file (ksymoops _M) */
	const char *const *symbol_files;	/* --kernel-symbols=FILE... */
	size_t nsymbol_files;
	const char *root;		/* "" or a test root for /proc */
	char *const *params;		/* symbol=value words */
	size_t nparams;
	bool load;			/* into the running 2.4 kernel */
	bool probe;			/* -p: stop before laying out */
	bool map;			/* -m */
	const char *blob;		/* -O FILE */
	bool force;			/* -f */
	bool autoclean;			/* -k */
	bool kallsyms;			/* -S */
	bool lock;			/* -L: a module loaded meanwhile is success */
	bool export_all;		/* -X (default) or -x */
	bool ksymoops;			/* -Y (default) or -y */
	const char *prefix;		/* -P, or NULL */
	uint64_t base;			/* load address of a dry run */
};

/* Links (and with job->load, loads) a 2.4-era object.  Every problem is
 * logged; returns 0 or -errno. */
int mod24_link(const struct mod24_job *job);

/* insmod's steps for a 2.4-era object, once the file is open and parsed
 * (main.c hands over here): first its name (c->name: -o, or the file's
 * base name), then the rest.  0 or -errno. */
int mod24_name_module(struct insmod_ctx *c);
int mod24_main(struct insmod_ctx *c);

#endif
