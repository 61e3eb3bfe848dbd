/* The user-space module linker: what insmod -n, -p, -m and -O do.
 *
 * It resolves a module's undefined symbols against the kernel's exported
 * symbols, makes the kernel's checks (vermagic, modversions CRCs, GPL-only
 * exports, symbol namespaces, unresolved, weak and common symbols), lays
 * the allocated sections out at a load address (.gnu.linkonce.this_module
 * first, as the original put its module header first), applies every
 * relocation with the kernel's rules for the module's architecture, and
 * shows the result as a load map or writes it as a blob. */
#ifndef INSMOD_LINK_H
#define INSMOD_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf.h"

struct param_set;
struct module_file;

/* The specification's load address for -n. */
#define LINK_DEFAULT_BASE 0x12340000u

struct link_job {
	const char *path;		/* module file, for messages */
	const struct elf_file *elf;	/* parsed module (elf.h) */
	const char *module_name;	/* name the module will have (after -o) */
	const char *release;		/* kernel release to check against */
	const char *const *symbol_files;	/* --kernel-symbols=FILE... */
	size_t nsymbol_files;		/* none: ROOT/proc/kallsyms + Module.symvers */
	bool have_base;			/* --base=ADDR */
	uint64_t base;			/* default LINK_DEFAULT_BASE */
	bool use_loaded_sections;	/* link at /sys/module/NAME/sections/ addresses */
	bool probe;			/* -p: check and resolve only */
	bool map;			/* -m */
	const char *blob_path;		/* -O FILE or NULL */
	bool force_vermagic;		/* --force-vermagic (or -f): its check a warning */
	bool force_modversion;		/* --force-modversion (or -f): CRC checks warnings */
	bool era24;			/* a 2.4 object: insmod, not the kernel, relocates it */
	const struct param_set *params;	/* values to write into the image, or NULL */
	const char *sysfs_root;		/* prefix for /sys, /proc, /lib/modules ("" normally) */
	const struct link_kernel *kernel;	/* read already (--batch), or NULL */
	struct module_file *input;	/* the file behind elf, which the linker may unmap
					   once it has read it, or NULL */
	bool last_job;			/* the process ends after it: its memory is left
					   to the exit (free_at_exit() in util.h) */
};

/* Runs the job.  Returns 0, or -errno after logging every reason:
 * -ENOENT unresolved symbols, -EINVAL/-ENOEXEC version or format faults,
 * -EACCES GPL-only symbols in a proprietary module, -EPERM hidden
 * addresses (run as root or give --kernel-symbols), -ERANGE/-ENOEXEC
 * relocation faults, or the errno of writing the blob. */
int link_run(const struct link_job *job);

/* modutils' load order (obj_load_order_prio), shared by both eras'
 * layouts: sections sort high to low by non-init, allocated, executable,
 * read-only, with contents, and (2.4 only) being the .got. */
unsigned link_order_priority(bool init, uint64_t flags, uint32_t type, bool got);

/* What --batch reads once for all its modules: the kernel's symbols
 * whole, and its version magic.  link_kernel_read() takes the symbol
 * files, release and root of a job (its module is not looked at); a job
 * whose kernel points here links against it instead of reading its own. */
struct ksym_table;
struct link_kernel {
	struct ksym_table *symbols;
	char *vermagic;			/* NULL: none installed to read it from */
};
int link_kernel_read(const struct link_job *job, struct link_kernel *k);
void link_kernel_release(struct link_kernel *k);

#endif
