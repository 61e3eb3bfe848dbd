// SPDX-License-Identifier: GPL-2.0
/* Uses im_provider_add() from im_provider: loaded alone, the kernel
 * refuses it with "Unknown symbol". */
#include <linux/init.h>
#include <linux/module.h>

extern int im_provider_add(int a, int b);

static int __init im_consumer_init(void)
{
	pr_info("im_consumer: im_provider_add(1, 2) = %d\n", im_provider_add(1, 2));
	return 0;
}

static void __exit im_consumer_exit(void)
{
}

module_init(im_consumer_init);
module_exit(im_consumer_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("insmod test module: needs im_provider");
