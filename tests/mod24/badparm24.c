/* A 2.4-style module whose parameter declarations are each wrong in a way
 * the original insmod reported (check_module_parameters), for the
 * messages. */
#include "kmod24.h"

MODULE_KERNEL_VERSION();
MODULE_LICENSE("GPL");

int weird = 1;
MODULE_PARM(weird, "q");
char nosize[4];
MODULE_PARM(nosize, "c");
char *pstr;
MODULE_PARM(pstr, "sp");
int backwards[3];
MODULE_PARM(backwards, "3-1i");
MODULE_PARM(ghost, "i");
int oddmod;
MODULE_PARM(oddmod, "ix");
KMOD24_MODINFO("parm_bare");

int init_module(void)
{
	return weird + oddmod + backwards[0] + nosize[0] + (pstr != 0);
}

void cleanup_module(void)
{
}
