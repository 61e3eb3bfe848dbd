// SPDX-License-Identifier: GPL-2.0
/* One module parameter of every type the kernel knows, plus arrays, all
 * readable in /sys/module/im_params/parameters/ so that a test can check
 * what the kernel really received.  The init function also logs them. */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static unsigned char p_byte = 1;
module_param(p_byte, byte, 0444);
MODULE_PARM_DESC(p_byte, "a byte (unsigned char)");

static short p_short = 2;
module_param(p_short, short, 0444);
MODULE_PARM_DESC(p_short, "a short");

static unsigned short p_ushort = 3;
module_param(p_ushort, ushort, 0444);
MODULE_PARM_DESC(p_ushort, "an unsigned short");

static int p_int = 4;
module_param(p_int, int, 0444);
MODULE_PARM_DESC(p_int, "an int");

static unsigned int p_uint = 5;
module_param(p_uint, uint, 0444);
MODULE_PARM_DESC(p_uint, "an unsigned int");

static long p_long = 6;
module_param(p_long, long, 0444);
MODULE_PARM_DESC(p_long, "a long");

static unsigned long p_ulong = 7;
module_param(p_ulong, ulong, 0444);
MODULE_PARM_DESC(p_ulong, "an unsigned long");

static unsigned long long p_ullong = 8;
module_param(p_ullong, ullong, 0444);
MODULE_PARM_DESC(p_ullong, "an unsigned long long");

static unsigned int p_hexint = 9;
module_param(p_hexint, hexint, 0444);
MODULE_PARM_DESC(p_hexint, "an unsigned int shown in hex");

static bool p_bool;
module_param(p_bool, bool, 0444);
MODULE_PARM_DESC(p_bool, "a bool");

static bool p_invbool;
module_param(p_invbool, invbool, 0444);
MODULE_PARM_DESC(p_invbool, "an inverted bool");

static int p_bint;
module_param(p_bint, bint, 0444);
MODULE_PARM_DESC(p_bint, "a bool stored in an int");

static char *p_charp = "default";
module_param(p_charp, charp, 0444);
MODULE_PARM_DESC(p_charp, "a char pointer");

static char p_string_buf[32] = "default";
module_param_string(p_string, p_string_buf, sizeof(p_string_buf), 0444);
MODULE_PARM_DESC(p_string, "a string copied into a 32-byte buffer");

static int a_int[4];
static int a_int_count;
module_param_array(a_int, int, &a_int_count, 0444);
MODULE_PARM_DESC(a_int, "up to 4 ints");

static char *a_charp[4];
static int a_charp_count;
module_param_array(a_charp, charp, &a_charp_count, 0444);
MODULE_PARM_DESC(a_charp, "up to 4 strings");

static bool a_bool[4];
static int a_bool_count;
module_param_array(a_bool, bool, &a_bool_count, 0444);
MODULE_PARM_DESC(a_bool, "up to 4 bools");

static int __init im_params_init(void)
{
	pr_info("im_params: byte=%u short=%d ushort=%u int=%d uint=%u long=%ld ulong=%lu ullong=%llu hexint=%#x\n",
		p_byte, p_short, p_ushort, p_int, p_uint, p_long, p_ulong,
		p_ullong, p_hexint);
	pr_info("im_params: bool=%d invbool=%d bint=%d charp=[%s] string=[%s] counts=%d,%d,%d\n",
		p_bool, p_invbool, p_bint, p_charp ? p_charp : "(null)",
		p_string_buf, a_int_count, a_charp_count, a_bool_count);
	return 0;
}

static void __exit im_params_exit(void)
{
}

module_init(im_params_init);
module_exit(im_params_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("insmod test module: every parameter type");
