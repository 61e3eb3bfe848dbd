/* The table of machines.  Adding an architecture is one line here plus
 * its arch file; nothing else names machines.  Entries sharing an
 * e_machine are told apart by uname -m and class (mips, mips64); the
 * order matters where one uname prefix is a prefix of another's. */
#include "machine.h"
#include "arch.h"
#include "util.h"

#include <elf.h>
#include <stddef.h>
#include <string.h>

static const struct machine machines[] = {
	{ EM_X86_64, "x86_64", true, false, "x86_64", &arch_x86_64, true },
	{ EM_386, "i386", false, false, "i386 i486 i586 i686", &arch_i386, true },
	{ EM_AARCH64, "aarch64", true, false, "aarch64 arm64", &arch_aarch64, false },
	{ EM_ARM, "arm", false, false, "armv", NULL, false },
	{ EM_RISCV, "riscv", true, false, "riscv64", NULL, false },
	{ EM_PPC64, "powerpc64", true, false, "ppc64le", NULL, false },
	{ EM_PPC64, "powerpc64", true, true, "ppc64", NULL, false },
	{ EM_PPC, "powerpc", false, true, "ppc", NULL, false },
	{ EM_S390, "s390", true, true, "s390x", NULL, false },
	{ EM_MIPS, "mips", true, false, "mips64", NULL, false },
	{ EM_MIPS, "mips", false, false, "mips", NULL, false },
	{ EM_SPARCV9, "sparc64", true, true, "sparc64", NULL, false },
	{ EM_LOONGARCH, "loongarch", true, false, "loongarch64", NULL, false },
};

/* The first entry for e_machine, or NULL. */
static const struct machine *machine_by_elf(uint16_t e_machine)
{
	for (size_t i = 0; i < ARRAY_SIZE(machines); i++)
		if (machines[i].e_machine == e_machine)
			return &machines[i];
	return NULL;
}

const struct machine *machine_linked(uint16_t e_machine)
{
	for (size_t i = 0; i < ARRAY_SIZE(machines); i++)
		if (machines[i].e_machine == e_machine && machines[i].arch)
			return &machines[i];
	return NULL;
}

/* Does a word of the space-separated list prefix uname? */
static bool uname_listed(const char *list, const char *uname)
{
	while (*list) {
		size_t n = strcspn(list, " ");

		if (n && strncmp(uname, list, n) == 0)
			return true;
		list += n;
		list += strspn(list, " ");
	}
	return false;
}

const struct machine *machine_by_uname(const char *uname)
{
	for (size_t i = 0; i < ARRAY_SIZE(machines); i++)
		if (uname_listed(machines[i].unames, uname))
			return &machines[i];
	return NULL;
}

const struct machine *machine_of_arch(const struct arch_ops *arch)
{
	for (size_t i = 0; arch && i < ARRAY_SIZE(machines); i++)
		if (machines[i].arch == arch)
			return &machines[i];
	return NULL;
}

const char *machine_name(uint16_t e_machine)
{
	const struct machine *m = machine_by_elf(e_machine);

	return m ? m->name : "unknown";
}

const struct arch_ops *arch_for_machine(uint16_t e_machine)
{
	const struct machine *m = machine_linked(e_machine);

	return m ? m->arch : NULL;
}
