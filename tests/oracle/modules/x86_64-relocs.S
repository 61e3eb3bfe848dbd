/* Every relocation type the kernel's x86_64 loader accepts: 64, PC32,
 * PLT32, 32 (of a value that zero-extends: a weak undefined symbol plus a
 * small addend), 32S, PC64, NONE; against kernel symbols, symbols of other
 * sections, .bss, .init.text, and an unresolved weak symbol. */
#include "common.inc"
	.asciz "name=x86_64_relocs"

	.text
	.globl helper
helper:
	call _printk@PLT			/* PLT32 */
	movq $jiffies, %rax			/* 32S against a kernel symbol */
	movq $counter, %rdx			/* 32S against .bss */
	movl $0, %ecx
	.reloc .-4, R_X86_64_32, missing_weak+0x1234
	leaq message(%rip), %rsi		/* PC32 into .rodata */
	jmp kfree				/* PC32 (gas may use PLT32) */
	.reloc ., R_X86_64_NONE, helper
	ret

	.section .init.text,"ax"
	.globl init_module
init_module:
	call helper				/* PLT32/PC32 from init to core */
	movq $init_data, %rax
	xorl %eax, %eax
	ret

	.section .rodata,"a"
message:
	.asciz "hello from x86_64_relocs"

	.data
	.balign 8
table:
	.quad _printk + 8			/* 64 */
	.quad helper				/* 64 into .text */
	.quad message				/* 64 into .rodata */
	.quad counter				/* 64 into .bss */
	.quad missing_weak			/* 64, weak unresolved: 0 */
	.quad jiffies - .			/* PC64 */
	.long jiffies - .			/* PC32 in data */
	.long helper - .

	.section .init.data,"aw"
init_data:
	.quad init_module

	.bss
	.balign 16
counter:
	.zero 64

	.weak missing_weak
