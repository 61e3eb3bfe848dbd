/* aarch64 relocation vectors, from the AArch64 ELF psABI (aaelf64)
 * encodings and the kernel's overflow rules (unsigned-only ABS16/ABS32,
 * signed PREL, unchecked _NC and 64-bit, MOVZ/MOVN by sign).  The
 * instruction words are the base encodings with zero immediates:
 * bl 0x94000000, b 0x14000000, b.eq 0x54000000, tbz 0x36000000,
 * ldr (literal) 0x58000000, adr 0x10000000, adrp 0x90000000,
 * add x0,x0,#0 0x91000000, ldr x0,[x0] 0xf9400000, ldrh 0x79400000,
 * ldr w0 0xb9400000, ldr q0 0x3dc00000, ldrb 0x39400000,
 * movz 0xd2800000, movk 0xf2800000, movn 0x92800000. */
#include "reloc-vectors.h"

#include <elf.h>

#define NONE_NEW 256
#define PLT32 314

static const struct reloc_vec vectors[] = {
	/* data */
	{ "ABS64", R_AARCH64_ABS64, 0, 0xffff800008000000ull, 8, 8, 0, 0xffff800008000008ull, 0, 0 },
	{ "ABS32 in range", R_AARCH64_ABS32, 0, 0x12345678, 0, 4, 0, 0x12345678, 0, 0 },
	{ "ABS32 negative is refused (kernel: unsigned only)", R_AARCH64_ABS32, 0, 0xffffffff80000000ull, 0, 4, 0, 0, 1, 0 },
	{ "ABS32 above U32_MAX", R_AARCH64_ABS32, 0, 0x100000000ull, 0, 4, 0, 0, 1, 0 },
	{ "ABS16 0xffff", R_AARCH64_ABS16, 0, 0xffff, 0, 2, 0, 0xffff, 0, 0 },
	{ "ABS16 0x10000", R_AARCH64_ABS16, 0, 0x10000, 0, 2, 0, 0, 1, 0 },
	{ "ABS16 -1", R_AARCH64_ABS16, 0, 0, -1, 2, 0, 0, 1, 0 },
	{ "PREL64", R_AARCH64_PREL64, 1, 0, 0, 8, 0, 0xffffffffffffffffull, 0, 0 },
	{ "PREL32 backward", R_AARCH64_PREL32, 0x1000, 0, 0, 4, 0, 0xfffff000, 0, 0 },
	{ "PREL32 0x7fffffff", R_AARCH64_PREL32, 0, 0x7fffffff, 0, 4, 0, 0x7fffffff, 0, 0 },
	{ "PREL32 0x80000000", R_AARCH64_PREL32, 0, 0x80000000, 0, 4, 0, 0, 1, 0 },
	{ "PREL16 -0x8000", R_AARCH64_PREL16, 0x10000, 0x8000, 0, 2, 0, 0x8000, 0, 0 },
	{ "PREL16 -0x8001", R_AARCH64_PREL16, 0x10000, 0x7fff, 0, 2, 0, 0, 1, 0 },
	/* branches */
	{ "CALL26 forward", R_AARCH64_CALL26, 0x1000, 0x2000, 0, 4, 0x94000000, 0x94000400, 0, 0 },
	{ "CALL26 backward", R_AARCH64_CALL26, 0x2000, 0x1000, 0, 4, 0x94000000, 0x97fffc00, 0, 0 },
	{ "CALL26 at the top of its range", R_AARCH64_CALL26, 0, 0x7fffffc, 0, 4, 0x94000000, 0x95ffffff, 0, 0 },
	{ "CALL26 out of range without a PLT", R_AARCH64_CALL26, 0, 0x8000000, 0, 4, 0x94000000, 0, 1, 0 },
	{ "JUMP26", R_AARCH64_JUMP26, 0, 4, 4, 4, 0x14000000, 0x14000002, 0, 0 },
	{ "CONDBR19", R_AARCH64_CONDBR19, 0, 0x100, 0, 4, 0x54000000, 0x54000800, 0, 0 },
	{ "CONDBR19 backward", R_AARCH64_CONDBR19, 4, 0, 0, 4, 0x54000000, 0x54ffffe0, 0, 0 },
	{ "CONDBR19 out of range", R_AARCH64_CONDBR19, 0, 0x100000, 0, 4, 0x54000000, 0, 1, 0 },
	{ "TSTBR14", R_AARCH64_TSTBR14, 0, 0x20, 0, 4, 0x36000000, 0x36000100, 0, 0 },
	{ "TSTBR14 out of range", R_AARCH64_TSTBR14, 0, 0x8000, 0, 4, 0x36000000, 0, 1, 0 },
	/* PC-relative addresses */
	{ "LD_PREL_LO19", R_AARCH64_LD_PREL_LO19, 0, 0x10, 0, 4, 0x58000000, 0x58000080, 0, 0 },
	{ "ADR_PREL_LO21", R_AARCH64_ADR_PREL_LO21, 0x10, 0x15, 0, 4, 0x10000000, 0x30000020, 0, 0 },
	{ "ADR_PREL_LO21 out of range", R_AARCH64_ADR_PREL_LO21, 0, 0x100000, 0, 4, 0x10000000, 0, 1, 0 },
	{ "ADR_PREL_PG_HI21", R_AARCH64_ADR_PREL_PG_HI21, 0x1234, 0x5678, 0, 4, 0x90000000, 0x90000020, 0, 0 },
	{ "ADR_PREL_PG_HI21 beyond 4 GiB", R_AARCH64_ADR_PREL_PG_HI21, 0, 0x100000000ull, 0, 4, 0x90000000, 0, 1, 0 },
	{ "ADR_PREL_PG_HI21_NC beyond 4 GiB is not checked", R_AARCH64_ADR_PREL_PG_HI21_NC, 0, 0x200004000ull, 0, 4,
	  0x90000000, 0x90000020, 0, 0 },
	/* low 12 bits */
	{ "ADD_ABS_LO12_NC", R_AARCH64_ADD_ABS_LO12_NC, 0, 0x12345678, 0, 4, 0x91000000, 0x9119e000, 0, 0 },
	{ "LDST8_ABS_LO12_NC", R_AARCH64_LDST8_ABS_LO12_NC, 0, 0xfff, 0, 4, 0x39400000, 0x397ffc00, 0, 0 },
	{ "LDST16_ABS_LO12_NC", R_AARCH64_LDST16_ABS_LO12_NC, 0, 0xffe, 0, 4, 0x79400000, 0x795ffc00, 0, 0 },
	{ "LDST32_ABS_LO12_NC", R_AARCH64_LDST32_ABS_LO12_NC, 0, 4, 0, 4, 0xb9400000, 0xb9400400, 0, 0 },
	{ "LDST64_ABS_LO12_NC", R_AARCH64_LDST64_ABS_LO12_NC, 0, 0x1238, 0, 4, 0xf9400000, 0xf9411c00, 0, 0 },
	{ "LDST128_ABS_LO12_NC", R_AARCH64_LDST128_ABS_LO12_NC, 0, 0x10, 0, 4, 0x3dc00000, 0x3dc00400, 0, 0 },
	/* MOVW */
	{ "MOVW_UABS_G0", R_AARCH64_MOVW_UABS_G0, 0, 0x1234, 0, 4, 0xd2800000, 0xd2824680, 0, 0 },
	{ "MOVW_UABS_G0 overflow", R_AARCH64_MOVW_UABS_G0, 0, 0x10000, 0, 4, 0xd2800000, 0, 1, 0 },
	{ "MOVW_UABS_G0_NC is not checked", R_AARCH64_MOVW_UABS_G0_NC, 0, 0x12345, 0, 4, 0xd2800000, 0xd28468a0, 0, 0 },
	{ "MOVW_UABS_G1", R_AARCH64_MOVW_UABS_G1, 0, 0x12340000, 0, 4, 0xf2a00000, 0xf2a24680, 0, 0 },
	{ "MOVW_UABS_G3", R_AARCH64_MOVW_UABS_G3, 0, 0xffff000000000000ull, 0, 4, 0xf2e00000, 0xf2ffffe0, 0, 0 },
	{ "MOVW_SABS_G0 positive becomes MOVZ", R_AARCH64_MOVW_SABS_G0, 0, 5, 0, 4, 0x92800000, 0xd28000a0, 0, 0 },
	{ "MOVW_SABS_G0 negative becomes MOVN", R_AARCH64_MOVW_SABS_G0, 0, 0, -5, 4, 0xd2800000, 0x92800080, 0, 0 },
	{ "MOVW_SABS_G0 overflow", R_AARCH64_MOVW_SABS_G0, 0, 0x10000, 0, 4, 0xd2800000, 0, 1, 0 },
	{ "MOVW_SABS_G0 negative overflow", R_AARCH64_MOVW_SABS_G0, 0, 0, -0x10001, 4, 0xd2800000, 0, 1, 0 },
	{ "MOVW_PREL_G0_NC", R_AARCH64_MOVW_PREL_G0_NC, 0x10, 0, 0, 4, 0xf2800000, 0xf29ffe00, 0, 0 },
	{ "MOVW_PREL_G1", R_AARCH64_MOVW_PREL_G1, 0, 0x20000, 0, 4, 0xd2a00000, 0xd2a00040, 0, 0 },
	/* none and refused */
	{ "R_ARM_NONE (0)", 0, 0, 0, 0, 4, 0x1234, 0x1234, 0, 0 },
	{ "R_AARCH64_NONE (256)", NONE_NEW, 0, 0, 0, 4, 0x1234, 0x1234, 0, 0 },
	{ "ADR_GOT_PAGE is refused", R_AARCH64_ADR_GOT_PAGE, 0, 0, 0, 4, 0x90000000, 0, 1, 0 },
	{ "PLT32 is refused (6.1)", PLT32, 0, 0, 0, 4, 0, 0, 1, 0 },
	{ "an unknown type is refused", 1000, 0, 0, 0, 4, 0, 0, 1, 0 },
	{ "ABS64 past the end of the section", R_AARCH64_ABS64, 0, 0, 0, 8, 0, 0, 1, 4 },
};

int main(void)
{
	run_vectors(&arch_aarch64, vectors, sizeof(vectors) / sizeof(vectors[0]));
	CHECK(arch_for_machine(EM_AARCH64) == &arch_aarch64, "EM_AARCH64 selects aarch64");
	return CHECK_DONE();
}
