// SPDX-License-Identifier: GPL-2.0
/* The smallest useful module: says hello when loaded and goodbye when
 * removed, so that a test can count in the kernel log how many times its
 * init function really ran. */
#include <linux/init.h>
#include <linux/module.h>

static int __init im_hello_init(void)
{
	pr_info("im_hello: hello (loaded as %s)\n", THIS_MODULE->name);
	return 0;
}

static void __exit im_hello_exit(void)
{
	pr_info("im_hello: goodbye (%s)\n", THIS_MODULE->name);
}

module_init(im_hello_init);
module_exit(im_hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("insmod test module: hello");
