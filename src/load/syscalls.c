#include "syscalls.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

int sys_finit_module(int fd, const char *args, int flags)
{
#ifdef SYS_finit_module
	return syscall(SYS_finit_module, fd, args, flags) ? -errno : 0;
#else
	(void)fd; (void)args; (void)flags;
	return -ENOSYS;
#endif
}

int sys_init_module(const void *image, size_t len, const char *args)
{
	return syscall(SYS_init_module, image, len, args) ? -errno : 0;
}
