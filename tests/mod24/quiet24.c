/* A 2.4-style module that exports nothing (EXPORT_NO_SYMBOLS) and uses a
 * symbol of another loaded module. */
#include "kmod24.h"

MODULE_KERNEL_VERSION();
MODULE_LICENSE("GPL");
EXPORT_NO_SYMBOLS;

extern int exported_fn(int);

int quiet_global = 4;

int init_module(void)
{
	return exported_fn(quiet_global) - 5;
}

void cleanup_module(void)
{
}
