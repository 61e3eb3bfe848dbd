/* Every relocation type the kernel's arm64 loader accepts, each used with
 * a value its range check admits: absolute 16/32-bit and checked MOVW_UABS
 * ones take an unresolved weak symbol (0) plus an addend; PC-relative
 * short-range ones take nearby local symbols; the rest kernel symbols.
 * Branches to kernel symbols need a PLT entry when the module lies more
 * than 128 MiB away. */
#include "common.inc"
	.asciz "name=aarch64_relocs"

	/* the kernel's module.lds adds these placeholders */
	.section .plt,"ax"
	.byte 0
	.section .init.plt,"a"
	.byte 0
	.section .text.ftrace_trampoline,"ax"
	.byte 0

	.text
	.globl helper
helper:
	bl _printk				/* CALL26 */
	bl _printk				/* CALL26, same target: one PLT entry */
	bl kfree				/* CALL26 */
	b.eq near				/* CONDBR19 */
	tbz x0, #3, near			/* TSTBR14 */
	ldr x1, near				/* LD_PREL_LO19 */
	adr x2, near				/* ADR_PREL_LO21 */
	adrp x3, jiffies			/* ADR_PREL_PG_HI21 */
	add x3, x3, :lo12:jiffies		/* ADD_ABS_LO12_NC */
	adrp x4, :pg_hi21_nc:message		/* ADR_PREL_PG_HI21_NC */
	ldrb w5, [x4, :lo12:message]		/* LDST8_ABS_LO12_NC */
	ldrh w5, [x4, :lo12:message2]		/* LDST16_ABS_LO12_NC */
	ldr w5, [x4, :lo12:message4]		/* LDST32_ABS_LO12_NC */
	ldr x5, [x4, :lo12:message8]		/* LDST64_ABS_LO12_NC */
	ldr q0, [x4, :lo12:message16]		/* LDST128_ABS_LO12_NC */
	movz x6, #:abs_g0:missing_weak+0x1234	/* MOVW_UABS_G0 */
	movk x6, #:abs_g0_nc:jiffies		/* MOVW_UABS_G0_NC */
	movz x6, #:abs_g1:missing_weak+0x12340000	/* MOVW_UABS_G1 */
	movk x6, #:abs_g1_nc:jiffies		/* MOVW_UABS_G1_NC */
	movz x6, #:abs_g2:missing_weak+0x123400000000	/* MOVW_UABS_G2 */
	movk x6, #:abs_g2_nc:jiffies		/* MOVW_UABS_G2_NC */
	movk x6, #:abs_g3:jiffies		/* MOVW_UABS_G3 */
	movz x7, #:abs_g0_s:missing_weak-5	/* MOVW_SABS_G0 (MOVN) */
	movz x7, #:abs_g1_s:missing_weak+0x50000	/* MOVW_SABS_G1 (MOVZ) */
	movz x7, #:abs_g2_s:missing_weak-0x500000000	/* MOVW_SABS_G2 */
	movz x8, #:prel_g0:near			/* MOVW_PREL_G0 */
	movk x8, #:prel_g0_nc:jiffies		/* MOVW_PREL_G0_NC */
	movz x8, #:prel_g1:jiffies		/* MOVW_PREL_G1 */
	movk x8, #:prel_g1_nc:jiffies		/* MOVW_PREL_G1_NC */
	movz x8, #:prel_g2:jiffies		/* MOVW_PREL_G2 */
	movk x8, #:prel_g2_nc:jiffies		/* MOVW_PREL_G2_NC */
	movz x8, #:prel_g3:jiffies		/* MOVW_PREL_G3 */
	b kfree					/* JUMP26 */
	.reloc ., R_AARCH64_NONE, helper
	ret

	/* another section, so that the short PC-relative references to it
	 * stay relocations instead of being resolved by the assembler */
	.section .text.near,"ax"
	.balign 8
near:
	.xword 0

	.section .init.text,"ax"
	.globl init_module
init_module:
	bl helper				/* CALL26 from init to core */
	bl _printk				/* CALL26: an .init.plt entry */
	mov x0, #0
	ret

	.section .rodata,"a"
	.balign 16
message:
	.ascii "h"
	.balign 2
message2:
	.hword 2
	.balign 4
message4:
	.word 4
	.balign 8
message8:
	.xword 8
	.balign 16
message16:
	.zero 16

	.data
	.balign 8
table:
	.xword _printk + 8			/* ABS64 */
	.xword helper				/* ABS64 into .text */
	.xword counter				/* ABS64 into .bss */
	.xword missing_weak			/* ABS64, weak unresolved: 0 */
	.xword jiffies - .			/* PREL64 */
	.word jiffies - .			/* PREL32 */
	.word missing_weak + 0x12345678		/* ABS32 */
	.hword message - .			/* PREL16 */
	.hword missing_weak + 0xfedc		/* ABS16 */

	.section .init.data,"aw"
	.balign 8
init_data:
	.xword init_module

	.bss
	.balign 16
counter:
	.zero 64

	.weak missing_weak
