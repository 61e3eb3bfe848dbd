/* i386 relocation vectors: REL, so the field holds the addend; the kernel
 * applies only 32 (A + S) and PC32/PLT32 (A + S - P), modulo 2^32. */
#include "reloc-vectors.h"

#include <elf.h>

static const struct reloc_vec vectors[] = {
	{ "32 adds S to the field", R_386_32, 0xf8000010, 0xc1000000, 0, 4, 0x10, 0xc1000010, 0, 0 },
	{ "32 wraps", R_386_32, 0, 0xfffffff0, 0, 4, 0x20, 0x10, 0, 0 },
	{ "PC32: A + S - P", R_386_PC32, 0xf8000010, 0xc1000000, 0, 4, 0xfffffffc, 0xc8ffffec, 0, 0 },
	{ "PC32 forward", R_386_PC32, 0xf8000000, 0xf8000100, 0, 4, 0xfffffffc, 0xfc, 0, 0 },
	{ "PLT32 is PC32", R_386_PLT32, 0xf8000000, 0xf8000100, 0, 4, 0xfffffffc, 0xfc, 0, 0 },
	{ "NONE is refused (the kernel has no case for it)", R_386_NONE, 0, 0, 0, 4, 0, 0, 1, 0 },
	{ "GOT32 is refused", R_386_GOT32, 0, 0, 0, 4, 0, 0, 1, 0 },
	{ "GOTOFF is refused", R_386_GOTOFF, 0, 0, 0, 4, 0, 0, 1, 0 },
	{ "16-bit is refused", R_386_16, 0, 0, 0, 2, 0, 0, 1, 0 },
	{ "field past the end of the section", R_386_32, 0, 0, 0, 4, 0, 0, 1, 2 },
};

int main(void)
{
	run_vectors(&arch_i386, vectors, sizeof(vectors) / sizeof(vectors[0]));
	CHECK(arch_for_machine(EM_386) == &arch_i386, "EM_386 selects i386");
	return CHECK_DONE();
}
