/* x86_64 relocation vectors: psABI formulas (S + A, S + A - P) with the
 * kernel's rules: 32 zero-extends, 32S sign-extends, PC32/PLT32 unchecked,
 * fields must be zero first, anything else refused. */
#include "reloc-vectors.h"

#include <elf.h>

#define K 0xffffffff81000000ull	/* a kernel address */
#define M 0xffffffffc0001000ull	/* a module address */

static const struct reloc_vec vectors[] = {
	{ "64: S + A", R_X86_64_64, M, K, 0x10, 8, 0, 0xffffffff81000010ull, 0, 0 },
	{ "PC32 forward", R_X86_64_PC32, M, M + 0x1000, -4, 4, 0, 0xffc, 0, 0 },
	{ "PC32 backward", R_X86_64_PC32, M + 0x1000, M, -4, 4, 0, 0xffffeffc, 0, 0 },
	{ "PC32 out of range is truncated, not refused (no check in the kernel)",
	  R_X86_64_PC32, 0x12340000, K, -4, 4, 0, 0x6ecbfffc, 0, 0 },
	{ "PLT32 is PC32", R_X86_64_PLT32, M, K, -4, 4, 0, 0xc0ffeffc, 0, 0 },
	{ "32S of a module address", R_X86_64_32S, M, M, 8, 4, 0, 0xc0001008, 0, 0 },
	{ "32S of 0x7fffffff", R_X86_64_32S, 0, 0x7fffffff, 0, 4, 0, 0x7fffffff, 0, 0 },
	{ "32S of 0x80000000 overflows", R_X86_64_32S, 0, 0x80000000, 0, 4, 0, 0, 1, 0 },
	{ "32S of a direct-map address overflows", R_X86_64_32S, 0, 0xffff888000000000ull, 0, 4, 0, 0, 1, 0 },
	{ "32 of a low address", R_X86_64_32, 0, 0x12340000, 4, 4, 0, 0x12340004, 0, 0 },
	{ "32 of a kernel address overflows", R_X86_64_32, 0, K, 0, 4, 0, 0, 1, 0 },
	{ "PC64", R_X86_64_PC64, 0x1000, 0, 0, 8, 0, 0xfffffffffffff000ull, 0, 0 },
	{ "NONE leaves the field alone", R_X86_64_NONE, 0, K, 0, 8, 0x1122, 0x1122, 0, 0 },
	{ "non-zero field before relocation", R_X86_64_64, 0, K, 0, 8, 1, 0, 1, 0 },
	{ "non-zero PC32 field", R_X86_64_PC32, 0, K, 0, 4, 0x100, 0, 1, 0 },
	{ "GOTPCREL is refused", R_X86_64_GOTPCREL, 0, K, 0, 4, 0, 0, 1, 0 },
	{ "REX_GOTPCRELX is refused", R_X86_64_REX_GOTPCRELX, 0, K, 0, 4, 0, 0, 1, 0 },
	{ "8-bit is refused", R_X86_64_8, 0, 1, 0, 1, 0, 0, 1, 0 },
	{ "16-bit is refused", R_X86_64_16, 0, 1, 0, 2, 0, 0, 1, 0 },
	{ "field past the end of the section", R_X86_64_PC32, 0, K, 0, 4, 0, 0, 1, 3 },
	{ "64-bit field past the end", R_X86_64_64, 0, K, 0, 8, 0, 0, 1, 7 },
};

int main(void)
{
	run_vectors(&arch_x86_64, vectors, sizeof(vectors) / sizeof(vectors[0]));
	CHECK(arch_for_machine(EM_X86_64) == &arch_x86_64, "EM_X86_64 selects x86_64");
	CHECK(arch_for_machine(EM_PPC64) == NULL, "an unsupported machine has no arch file");
	return CHECK_DONE();
}
