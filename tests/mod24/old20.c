/* A 2.0-style module: no .modinfo at all, the kernel version in a
 * kernel_version symbol, and parameters that are any int or char *
 * variable. */
char kernel_version[] = "2.0.36";

int io = 0x300;
int ports[4] = { 1, 2, 3, 4 };
char *mode = "auto";
static int hidden = 7;

/* Keeps hidden a variable of its own (not folded into init_module). */
int *hidden_address(void)
{
	return &hidden;
}

int printk(const char *fmt, ...);

int init_module(void)
{
	printk("old20: io %x mode %s hidden %d\n", io, mode, hidden);
	return ports[0] - 1;
}

void cleanup_module(void)
{
}
