// SPDX-License-Identifier: GPL-2.0
/* Data that is mostly relocations: pointers to this module's own
 * functions and strings and to kernel symbols, in .data and .rodata.  A
 * user-space link of this module (insmod -O) at the addresses the kernel
 * chose must give the same bytes as the kernel's memory of it
 * (/proc/kcore). */
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/printk.h>

static noinline int im_ptrs_f1(int x)
{
	return x + 1;
}

static noinline int im_ptrs_f2(int x)
{
	return x * 2;
}

struct im_ptrs_entry {
	const char *name;
	int (*fn)(int);
	const void *kernel_sym;
	unsigned long magic;
};

/* .rodata: pointers to our functions, our strings, kernel functions and
 * kernel data. */
static const struct im_ptrs_entry im_ptrs_table[] = {
	{ "first entry", im_ptrs_f1, (const void *)_printk, 0x1111111111111111UL },
	{ "second entry", im_ptrs_f2, (const void *)&jiffies, 0x2222222222222222UL },
	{ "third entry", NULL, (const void *)&jiffies_64, 0x3333333333333333UL },
};

static const char im_ptrs_rostring[] = "im_ptrs read-only string";

/* .data: writable pointers of the same kinds, and a pointer into
 * .rodata. */
static const char *im_ptrs_strings[] = {
	"im_ptrs string one", "im_ptrs string two", im_ptrs_rostring,
};
static int (*im_ptrs_fns[])(int) = { im_ptrs_f1, im_ptrs_f2 };
static const void *im_ptrs_kernel[] = {
	(const void *)_printk, (const void *)&jiffies, (const void *)memcpy,
	(const void *)&im_ptrs_table[1],
};
static unsigned long im_ptrs_marker = 0x1234567890abcdefUL;

/* Exported so that the symbols show in /proc/kallsyms with addresses. */
const void *im_ptrs_data_ptrs[] = {
	im_ptrs_strings, im_ptrs_fns, im_ptrs_kernel, &im_ptrs_marker,
	im_ptrs_table,
};
EXPORT_SYMBOL(im_ptrs_data_ptrs);

static int __init im_ptrs_init(void)
{
	int i, sum = 0;

	for (i = 0; i < ARRAY_SIZE(im_ptrs_fns); i++)
		sum += im_ptrs_fns[i](i);
	pr_info("im_ptrs: loaded, sum=%d, %s, %s, %lx\n", sum,
		im_ptrs_strings[0], im_ptrs_table[0].name, im_ptrs_marker);
	return 0;
}

static void __exit im_ptrs_exit(void)
{
}

module_init(im_ptrs_init);
module_exit(im_ptrs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("insmod test module: pointers to relocate");
