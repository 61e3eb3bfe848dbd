/* A 2.4-style module with an export table of its own (EXPORT_SYMBOL) and
 * a weak reference that the kernel may or may not satisfy. */
#include "kmod24.h"

MODULE_KERNEL_VERSION();
MODULE_LICENSE("Proprietary");

extern int maybe_there(void) __attribute__((weak));

int shared_counter = 1;
EXPORT_SYMBOL(shared_counter);

int exported_fn(int x)
{
	return x + shared_counter + (maybe_there ? maybe_there() : 0);
}
EXPORT_SYMBOL(exported_fn);

int not_exported(void)
{
	return 2;
}

int init_module(void)
{
	return 0;
}

void cleanup_module(void)
{
}
