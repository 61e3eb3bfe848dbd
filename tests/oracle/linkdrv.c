/* A stand-in for "insmod -n" while main.c is being wired up, and a way to
 * run the linker alone: linkdrv [-p] [-m] [-f] [-q] [-O FILE] [--base=ADDR]
 * [--kernel-release=VER] [--kernel-symbols=FILE]... MODULE
 * Exit status: 0 linked, 1 refused. */
#include "elf.h"
#include "link.h"
#include "log.h"
#include "modinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct link_job job = { .sysfs_root = "" };
	const char *files[64];
	bool quiet = false;
	struct elf_file elf;
	struct stat st;
	void *map;
	char *name;
	int fd, r, i;

	job.symbol_files = files;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-p")) job.probe = true;
		else if (!strcmp(a, "-m")) job.map = true;
		else if (!strcmp(a, "-n")) ;
		else if (!strcmp(a, "-f")) job.force = true;
		else if (!strcmp(a, "-q")) quiet = true;
		else if (!strcmp(a, "-O") && i + 1 < argc) job.blob_path = argv[++i];
		else if (!strncmp(a, "--base=", 7)) { job.have_base = true; job.base = strtoull(a + 7, NULL, 0); }
		else if (!strncmp(a, "--kernel-release=", 17)) job.release = a + 17;
		else if (!strncmp(a, "--kernel-symbols=", 17) && job.nsymbol_files < 64) files[job.nsymbol_files++] = a + 17;
		else { fprintf(stderr, "linkdrv: unknown option %s\n", a); return 2; }
	}
	if (i != argc - 1) {
		fprintf(stderr, "usage: linkdrv [options] MODULE\n");
		return 2;
	}
	log_setup(LOG_TO_TERMINAL, 0, quiet);
	job.path = argv[i];
	fd = open(job.path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(job.path);
		return 1;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED || elf_parse(&elf, job.path, map, (size_t)st.st_size) < 0)
		return 1;
	job.elf = &elf;
	name = module_name(&elf);
	job.module_name = name ? name : "unknown";
	r = link_run(&job);
	free(name);
	elf_release(&elf);
	munmap(map, (size_t)st.st_size);
	return r ? 1 : 0;
}
