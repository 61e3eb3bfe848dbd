/* aarch64: written next. */
#include "arch.h"

#include <elf.h>

static int aarch64_apply_one(struct linker *lk, const struct reloc_site *site)
{
	return link_reloc_error(lk, site, "not yet supported");
}

const struct arch_ops arch_aarch64 = {
	.machine = EM_AARCH64,
	.name = "aarch64",
	.is64 = true,
	.reloc_section = SHT_RELA,
	.apply_one = aarch64_apply_one,
};
