/* A 2.4-style module built with symbol versions (CONFIG_MODVERSIONS):
 * every kernel symbol it uses carries _R and a CRC, here without a
 * prefix (VPREFIX empty) or with one (-DVPREFIX=smp_). */
#ifndef VPREFIX
#define VPREFIX
#endif
#define KMOD24_VCAT(a, p, c) a##_R##p##c
#define KMOD24_V(a, p, c) KMOD24_VCAT(a, p, c)
#define printk KMOD24_V(printk, VPREFIX, 1b7d4074)
#define kmalloc KMOD24_V(kmalloc, VPREFIX, 93d4cfe6)
#include "kmod24.h"

MODULE_KERNEL_VERSION();
MODULE_USING_CHECKSUMS();
MODULE_LICENSE("GPL");

void *kmalloc(unsigned long size, int flags);

int init_module(void)
{
	printk("versioned24 %p\n", kmalloc(16, 0));
	return 0;
}

void cleanup_module(void)
{
}
