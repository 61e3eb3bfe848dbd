/* After a real load (-m/-O with use_loaded_sections): the linker takes the
 * section addresses from ROOT/sys/module/NAME/sections/ and links there.
 * A fake sysfs tree and the committed x86_64 test module stand in for the
 * kernel. */
#include "check.h"
#include "elf.h"
#include "helpers.h"
#include "link.h"
#include "log.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MODULE "tests/oracle/modules/x86_64-relocs.ko"
#define NAME "x86_64_relocs"
#define TEXT 0xffffffffc0100000ull

static char root[] = "/tmp/test-link-loaded.XXXXXX";

static void put(const char *rel, const char *text)
{
	put_file(root, rel, text, false);
}

static bool blob_holds(const char *path, uint64_t v)
{
	static uint8_t buf[1 << 16];
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;

	if (f)
		fclose(f);
	for (size_t i = 0; i + 8 <= n; i++) {
		uint64_t w;

		memcpy(&w, buf + i, 8);
		if (w == v)
			return true;
	}
	return false;
}

/* Writes one sysfs file per loaded section: .text at TEXT, the others
 * 64 KB apart above it (zero: every address reads as zero). */
static void fake_sections(const struct elf_file *elf, bool zero)
{
	char rel[512], val[64];
	uint64_t next = TEXT + 0x10000;

	for (size_t i = 1; i < elf->nsections; i++) {
		const struct elf_section *s = &elf->sections[i];
		uint64_t a;

		if (!(s->flags & SHF_ALLOC) || !strcmp(s->name, ".modinfo"))
			continue;
		a = strcmp(s->name, ".text") == 0 ? TEXT : (next += 0x10000);
		snprintf(rel, sizeof(rel), "sys/module/" NAME "/sections/%s", s->name);
		snprintf(val, sizeof(val), "0x%016llx\n", zero ? 0ull : (unsigned long long)a);
		put(rel, val);
	}
}

/* The module with its .rodata renamed "../leak" (as long): a section
 * name that would read ROOT/sys/module/NAME/leak as the address. */
static bool write_renamed(const char *to)
{
	static char buf[1 << 16];
	FILE *f = fopen(MODULE, "rb");
	size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
	char *at = NULL;

	if (f)
		fclose(f);
	for (size_t i = 0; n >= 9 && i + 9 <= n && !at; i++)
		if (memcmp(buf + i, "\0.rodata\0", 9) == 0)
			at = buf + i + 1;
	if (!at || !(f = fopen(to, "wb")))
		return false;
	memcpy(at, "../leak", 7);
	n = fwrite(buf, 1, n, f) == n;
	return fclose(f) == 0 && n;
}

/* A section whose name is a path ("../leak") is never read as one: the
 * other file's contents must not become its address (in the map, the
 * blob), and an address that cannot be known fails the link. */
static void section_name_as_path(struct link_job *job)
{
	char mod[600], sections[700], secret[700];
	struct elf_file elf;
	size_t size;
	void *map;
	int r;

	snprintf(mod, sizeof(mod), "%s/renamed.ko", root);
	if (!write_renamed(mod) || !(map = map_module(mod, &elf, &size))) {
		CHECK(false, "cannot build the module with a section named ../leak");
		return;
	}
	job->elf = &elf;
	job->path = mod;
	snprintf(sections, sizeof(sections), "%s/sys/module/" NAME "/sections", root);
	mkdirs(sections);
	fake_sections(&elf, false);
	snprintf(secret, sizeof(secret), "sys/module/" NAME "/leak");
	put(secret, "0xffffffffdeadbeef\n");	/* what a traversal would read */
	r = link_run(job);
	CHECK(r == -EINVAL, "after load: a section named '../leak' is refused, nothing read through it (r=%d)", r);
	unmap_module(&elf, map, size);
}

int main(void)
{
	struct elf_file elf;
	size_t size;
	char syms[600], blob[600], dir[700];
	const char *files[1] = { syms };
	struct link_job job = {
		.path = MODULE, .elf = &elf, .module_name = NAME, .release = "6.1.0-test",
		.symbol_files = files, .nsymbol_files = 1, .use_loaded_sections = true,
		.blob_path = blob, .sysfs_root = root,
	};
	void *map;
	int r;

	log_setup(LOG_TO_NOWHERE, 0, true);
	map = map_module(MODULE, &elf, &size);
	if (!map || !mkdtemp(root))
		return 1;
	snprintf(syms, sizeof(syms), "%s/kallsyms", root);
	snprintf(blob, sizeof(blob), "%s/blob", root);
	snprintf(dir, sizeof(dir), "%s/sys/module/" NAME "/sections", root);
	mkdirs(dir);
	put("kallsyms", "ffffffff81000000 T _printk\nffffffff81000008 r __ksymtab__printk\n"
			"ffffffff81000010 D jiffies\nffffffff81000018 r __ksymtab_jiffies\n"
			"ffffffff81000020 T kfree\nffffffff81000028 r __ksymtab_kfree\n");

	fake_sections(&elf, false);
	r = link_run(&job);
	CHECK(r == 0, "after load: links at the addresses sysfs gives (r=%d)", r);
	CHECK(blob_holds(blob, TEXT), "after load: a pointer to helper holds .text's sysfs address");
	CHECK(blob_holds(blob, 0xffffffff81000008ull), "after load: kernel symbols are still resolved");

	unlink(blob);
	fake_sections(&elf, true);
	r = link_run(&job);
	CHECK(r < 0 && access(blob, F_OK) != 0, "after load: all-zero addresses (not root) are refused, no blob");

	snprintf(dir, sizeof(dir), "%s/sys", root);
	if (remove_tree(dir) != 0)
		return 1;
	r = link_run(&job);
	CHECK(r < 0, "after load: a module missing from sysfs is refused");

	unlink(blob);
	section_name_as_path(&job);
	CHECK(access(blob, F_OK) != 0, "after load: ... and no blob");

	unmap_module(&elf, map, size);
	if (remove_tree(root) != 0)
		return 1;
	return CHECK_DONE();
}
