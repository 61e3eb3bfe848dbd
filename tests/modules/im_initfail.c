// SPDX-License-Identifier: GPL-2.0
/* A module whose init function fails with -ENODEV: the kernel must undo
 * the load, and insmod must report the error as the module's own. */
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/module.h>

static int __init im_initfail_init(void)
{
	pr_info("im_initfail: init returns -ENODEV\n");
	return -ENODEV;
}

module_init(im_initfail_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("insmod test module: init fails with -ENODEV");
