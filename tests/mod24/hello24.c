/* A 2.4-style module with typed parameters (2.1+ style, .modinfo
 * parm_NAME=TYPE), no export table of its own, an exception table, an
 * init section and a common symbol.  Values the tests look for in the
 * image are chosen to be easy to find. */
#include "kmod24.h"

MODULE_KERNEL_VERSION();
MODULE_LICENSE("GPL");
MODULE_AUTHOR("insmod tests");

int irq = 5;
MODULE_PARM(irq, "i");
MODULE_PARM_DESC(irq, "interrupt line");

short io[4] = { 0x111, 0x222, 0x333, 0x444 };
MODULE_PARM(io, "1-4h");

unsigned char flag = 0x7f;
MODULE_PARM(flag, "b");

long mask = 0x1234;
MODULE_PARM(mask, "l");

char *name = "default";
MODULE_PARM(name, "s");

char label[8] = "label";
MODULE_PARM(label, "c8");

int ids[4] = { 11, 22, 33, 44 };
MODULE_PARM(ids, "2-4i");

int saved = 9;
MODULE_PARM(saved, "ip");

char *names[3] = { 0, 0, 0 };
MODULE_PARM(names, "1-3s");

const int hello_table[3] = { 1, 2, 3 };

/* A common symbol (built with -fcommon): insmod allocates it in .bss. */
int counter;

static int helper(int x)
{
	return x * irq + counter + hello_table[x & 1];
}

int hello_work(int x)
{
	return helper(x) + io[0];
}

static int faulting(void)
{
	return 1;
}

static int fixup(void)
{
	return 0;
}
EX_TABLE_ENTRY(&faulting, &fixup);

static int setup_value __initdata24 = 3;

int __init24 init_module(void)
{
	printk("hello24: irq %d name %s\n", irq, name);
	return setup_value - 3;
}

void cleanup_module(void)
{
	printk("hello24: bye\n");
}
