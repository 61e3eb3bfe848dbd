/* The least an exec'd module loader can do: open the file, finit_module,
 * close.  bench/load.sh builds it static and times it beside insmod,
 * BusyBox and kmod, as the floor that process start-up and the kernel's
 * own work set for any loader started with an exec.  Not a tool: no
 * checks, no messages, no parameters. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd, r;

	if (argc != 2 || (fd = open(argv[1], O_RDONLY | O_CLOEXEC)) < 0)
		return 2;
	r = (int)syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return r != 0;
}
