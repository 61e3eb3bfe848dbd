// SPDX-License-Identifier: GPL-2.0
/* Exports a function and a variable that im_consumer uses. */
#include <linux/init.h>
#include <linux/module.h>

int im_provider_value = 42;
EXPORT_SYMBOL(im_provider_value);

int im_provider_add(int a, int b)
{
	return a + b + im_provider_value;
}
EXPORT_SYMBOL(im_provider_add);

static int __init im_provider_init(void)
{
	pr_info("im_provider: loaded\n");
	return 0;
}

static void __exit im_provider_exit(void)
{
}

module_init(im_provider_init);
module_exit(im_provider_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("insmod test module: exports symbols");
