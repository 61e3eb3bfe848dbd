/* The vermagic check against the kernel's own string, learnt from a module
 * installed for the release (ROOT/lib/modules/RELEASE/modules.dep), with
 * the committed x86_64 test module (vermagic "6.1.0-test SMP preempt
 * mod_unload modversions ", no __versions) and copies of it as the
 * installed reference. */
#include "check.h"
#include "elf.h"
#include "helpers.h"
#include "link.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MODULE "tests/oracle/modules/x86_64-relocs.ko"

static char root[] = "/tmp/test-link-vermagic.XXXXXX";

/* Installs a copy of MODULE as the release's first module, with the
 * string from replaced by to (same length) in its bytes. */
static void install_reference(const uint8_t *image, size_t size, const char *from, const char *to)
{
	char path[1024];
	uint8_t *copy = malloc(size);
	FILE *f;

	memcpy(copy, image, size);
	for (size_t i = 0; from && i + strlen(from) <= size; i++)
		if (memcmp(copy + i, from, strlen(from)) == 0)
			memcpy(copy + i, to, strlen(to));
	snprintf(path, sizeof(path), "%s/lib/modules/6.1.0-test/kernel/ref.ko", root);
	f = fopen(path, "wb");
	if (f) {
		fwrite(copy, 1, size, f);
		fclose(f);
	}
	free(copy);
}

int main(void)
{
	struct elf_file elf;
	size_t size;
	char syms[1024], dir[1024];
	const char *files[1] = { syms };
	struct link_job job = {
		.path = MODULE, .elf = &elf, .module_name = "x86_64_relocs", .release = "6.1.0-test",
		.symbol_files = files, .nsymbol_files = 1, .probe = true, .sysfs_root = root,
	};
	void *map;

	log_setup(LOG_TO_NOWHERE, 0, true);
	map = map_module(MODULE, &elf, &size);
	if (!map || !mkdtemp(root))
		return 1;
	snprintf(dir, sizeof(dir), "%s/lib/modules/6.1.0-test/kernel", root);
	mkdirs(dir);
	snprintf(syms, sizeof(syms), "%s/kallsyms", root);
	put_file(NULL, syms, "ffffffff81000000 T _printk\nffffffff81000008 r __ksymtab__printk\n"
		 "ffffffff81000010 D jiffies\nffffffff81000018 r __ksymtab_jiffies\n"
		 "ffffffff81000020 T kfree\nffffffff81000028 r __ksymtab_kfree\n", false);

	CHECK(link_run(&job) == 0, "no installed module: the release alone is compared, and it matches");
	put_file(root, "lib/modules/6.1.0-test/modules.dep",
		 "kernel/ref.ko:\nkernel/other.ko: kernel/ref.ko\n", false);
	install_reference(map, size, NULL, NULL);
	CHECK(link_run(&job) == 0, "the kernel's vermagic (from an installed module) is the module's: accepted");
	install_reference(map, size, "SMP preempt", "SMP PREEMPT");
	CHECK(link_run(&job) == -ENOEXEC, "a vermagic whose flags differ from the kernel's is refused");
	job.force_modversion = true;
	CHECK(link_run(&job) == -ENOEXEC, "--force-modversion leaves the vermagic mismatch an error");
	job.force_vermagic = true;
	CHECK(link_run(&job) == 0, "-f (--force-vermagic) turns the vermagic mismatch into a warning");

	unmap_module(&elf, map, size);
	if (remove_tree(root) != 0)
		return 1;
	return CHECK_DONE();
}
