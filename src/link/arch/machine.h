/* The one table of machines: what insmod knows of each ELF e_machine,
 * for the linker (which arch file, which class and byte order) and for
 * the checks before a load (which uname -m runs it). */
#ifndef INSMOD_MACHINE_H
#define INSMOD_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

struct arch_ops;

struct machine {
	uint16_t e_machine;		/* EM_* */
	const char *name;		/* "x86_64", for messages */
	bool is64;			/* ELFCLASS64 */
	bool big_endian;		/* ELFDATA2MSB */
	const char *unames;		/* uname -m prefixes that run it, space-separated */
	const struct arch_ops *arch;	/* the linker's arch file; NULL: none yet */
	bool era24;			/* the 2.4 linker links its objects too */
};

/* The entry whose arch file links e_machine's modules, or NULL. */
const struct machine *machine_linked(uint16_t e_machine);
/* The entry for a uname -m ("x86_64", "i686", "armv7l"), or NULL. */
const struct machine *machine_by_uname(const char *uname);
/* The entry of an arch file (for its name and class), or NULL. */
const struct machine *machine_of_arch(const struct arch_ops *arch);
/* A short name for e_machine: "x86_64", or "unknown". */
const char *machine_name(uint16_t e_machine);
/* The arch file that links e_machine's modules, or NULL. */
const struct arch_ops *arch_for_machine(uint16_t e_machine);

#endif
