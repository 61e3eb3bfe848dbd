#include "ksymoops.h"
#include "log.h"
#include "util.h"
#include "strbuf.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYMPREFIX "__insmod_"

/* The sections the original marked (.sbss since 2.4.21). */
static const char *const marked_sections[] = { ".text", ".rodata", ".data", ".bss", ".sbss" };

int ksymoops_version(const char *release)
{
	unsigned a, b, c = 0;
	int n = 0;

	if (!release || sscanf(release, "%u.%u%n", &a, &b, &n) != 2)
		return -1;
	if (release[n] == '.')
		sscanf(release + n + 1, "%u", &c);
	if (c > 255)
		c = 255;	/* as the kernel's KERNEL_VERSION() clamps it */
	if (a > 255 || b > 255)
		return -1;	/* does not fit the original's byte fields */
	return (int)(a << 16 | b << 8 | c);
}

/* New symbols and their names, built before the image is touched. */
struct additions {
	struct strbuf syms;	/* ELF symbol entries */
	struct strbuf names;	/* appended to .strtab */
	size_t strtab_size;	/* the old .strtab's size: where names start */
};

static int add_symbol(struct additions *a, const struct elf_file *elf,
		      const char *name, size_t shndx)
{
	uint8_t e[sizeof(Elf64_Sym)] = { 0 };
	uint64_t name_off = a->strtab_size + a->names.len;
	int r;

	if ((r = strbuf_append(&a->names, name, strlen(name) + 1)))
		return r;
	if (elf->is64) {
		elf_write_uint(elf, e + offsetof(Elf64_Sym, st_name), 4, name_off);
		e[offsetof(Elf64_Sym, st_info)] = ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE);
		elf_write_uint(elf, e + offsetof(Elf64_Sym, st_shndx), 2, shndx);
		return strbuf_append(&a->syms, e, sizeof(Elf64_Sym));
	}
	elf_write_uint(elf, e + offsetof(Elf32_Sym, st_name), 4, name_off);
	e[offsetof(Elf32_Sym, st_info)] = ELF32_ST_INFO(STB_GLOBAL, STT_NOTYPE);
	elf_write_uint(elf, e + offsetof(Elf32_Sym, st_shndx), 2, shndx);
	return strbuf_append(&a->syms, e, sizeof(Elf32_Sym));
}

static int collect(struct additions *a, const struct elf_file *elf,
		   const struct ksymoops_info *info)
{
	struct strbuf name = STRBUF_INIT;
	int r;

	/* The _O symbol sits where the original's module header did: at
	 * struct module, which the kernel puts in the module's core data. */
	r = strbuf_printf(&name, SYMPREFIX "%s_O%s_M%0*llX_V%d", info->module, info->file,
			  (int)(2 * sizeof(time_t)), (unsigned long long)info->mtime, info->version);
	if (!r)
		r = add_symbol(a, elf, name.data, elf->this_module);
	for (size_t i = 0; !r && i < ARRAY_SIZE(marked_sections); i++) {
		size_t idx = elf_find_section(elf, marked_sections[i]);

		if (!idx || !elf->sections[idx].size || !(elf->sections[idx].flags & SHF_ALLOC))
			continue;
		name.len = 0;
		r = strbuf_printf(&name, SYMPREFIX "%s_S%s_L%llu", info->module, marked_sections[i],
				  (unsigned long long)elf->sections[idx].size);
		if (!r)
			r = add_symbol(a, elf, name.data, idx);
	}
	strbuf_release(&name);
	return r;
}

/* old contents + more, as one new section body. */
static int extend_section(struct module_image *img, size_t idx, const struct strbuf *more)
{
	struct strbuf body = STRBUF_INIT;
	size_t size;
	const uint8_t *now = image_section_now(img, idx, &size);
	int r = now ? strbuf_append(&body, now, size) : -ENOEXEC;

	if (!r)
		r = strbuf_append(&body, more->data, more->len);
	if (!r)
		r = image_replace_section(img, idx, body.data, body.len);
	strbuf_release(&body);
	return r;
}

int ksymoops_add_symbols(struct module_image *img, const struct ksymoops_info *info)
{
	const struct elf_file *elf = img->elf;
	struct additions a = { STRBUF_INIT, STRBUF_INIT, 0 };
	int r;

	if (!elf->symtab || !elf->this_module) {
		log_error("%s: no symbol table or no struct module: cannot add ksymoops symbols", elf->path);
		return -ENOEXEC;
	}
	a.strtab_size = (size_t)elf->sections[elf->strtab].size;
	r = collect(&a, elf, info);
	/* Global symbols go after the locals, so appending keeps sh_info
	 * (the index of the first global) right. */
	if (!r)
		r = extend_section(img, elf->strtab, &a.names);
	if (!r)
		r = extend_section(img, elf->symtab, &a.syms);
	strbuf_release(&a.syms);
	strbuf_release(&a.names);
	return r;
}
