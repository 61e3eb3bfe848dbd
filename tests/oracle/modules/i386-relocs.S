/* Every relocation type the kernel's i386 loader accepts (REL: the addend
 * sits in the field): R_386_32, R_386_PC32, R_386_PLT32, with non-zero
 * addends, against kernel symbols, other sections, .bss, .init.text and an
 * unresolved weak symbol. */
#include "common.inc"
	.asciz "name=i386_relocs"

	.text
	.globl helper
helper:
	call _printk@PLT			/* PLT32 */
	movl $jiffies+4, %eax			/* 32 with an addend */
	movl counter+8, %edx			/* 32 into .bss */
	call kfree				/* PC32 */
	movl $missing_weak, %ecx		/* 32, weak unresolved */
	ret

	.section .init.text,"ax"
	.globl init_module
init_module:
	call helper
	movl $init_data, %eax
	xorl %eax, %eax
	ret

	.section .rodata,"a"
message:
	.asciz "hello from i386_relocs"

	.data
	.balign 4
table:
	.long _printk + 8
	.long helper
	.long message + 3
	.long counter
	.long jiffies - .			/* PC32 in data */
	.long helper - . + 0x10

	.section .init.data,"aw"
init_data:
	.long init_module

	.bss
	.balign 16
counter:
	.zero 64

	.weak missing_weak
