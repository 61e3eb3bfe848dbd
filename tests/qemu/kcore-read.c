/* kcore-read ADDRESS LENGTH: copies LENGTH bytes of kernel memory at the
 * virtual ADDRESS (hex) to stdout, read through /proc/kcore (root only).
 * A static helper for the QEMU guest, whose busybox cannot do 64-bit
 * unsigned arithmetic on kcore's program headers. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int full_pread(int fd, void *buf, size_t len, off_t off)
{
	char *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	Elf64_Ehdr eh;
	uint64_t addr, len;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: kcore-read ADDRESS LENGTH\n");
		return 2;
	}
	addr = strtoull(argv[1], NULL, 16);
	len = strtoull(argv[2], NULL, 0);
	fd = open("/proc/kcore", O_RDONLY);
	if (fd < 0 || full_pread(fd, &eh, sizeof(eh), 0) < 0 ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
		perror("kcore-read: /proc/kcore");
		return 1;
	}
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		char *buf;

		if (full_pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (uint64_t)i * eh.e_phentsize)) < 0)
			break;
		if (ph.p_type != PT_LOAD || addr < ph.p_vaddr || addr - ph.p_vaddr > ph.p_memsz ||
		    len > ph.p_memsz - (addr - ph.p_vaddr))
			continue;
		buf = malloc(len ? len : 1);
		if (!buf || full_pread(fd, buf, len, (off_t)(ph.p_offset + (addr - ph.p_vaddr))) < 0) {
			perror("kcore-read: reading /proc/kcore");
			return 1;
		}
		if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0) {
			perror("kcore-read: stdout");
			return 1;
		}
		return 0;
	}
	fprintf(stderr, "kcore-read: no segment of /proc/kcore holds %#llx+%llu\n",
		(unsigned long long)addr, (unsigned long long)len);
	return 1;
}
