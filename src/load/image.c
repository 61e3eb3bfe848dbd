#include "image.h"
#include "log.h"
#include "modinfo.h"
#include "strbuf.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int image_copy(struct module_image *img, const struct elf_file *elf)
{
	img->elf = elf;
	img->len = elf->unsigned_size;
	img->data = malloc(img->len ? img->len : 1);
	if (!img->data)
		return -ENOMEM;
	memcpy(img->data, elf->image, img->len);
	return 0;
}

void image_release(struct module_image *img)
{
	free(img->data);
	img->data = NULL;
	img->len = 0;
}

/* Where section IDX's header field lives in the copy. */
static uint8_t *shdr_field(struct module_image *img, size_t idx, size_t off32, size_t off64)
{
	const struct elf_file *elf = img->elf;
	uint64_t shoff = elf->is64 ? elf_read_uint(elf, elf->image + offsetof(Elf64_Ehdr, e_shoff), 8)
				   : elf_read_uint(elf, elf->image + offsetof(Elf32_Ehdr, e_shoff), 4);
	size_t entsize = elf->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);

	return img->data + shoff + idx * entsize + (elf->is64 ? off64 : off32);
}

static void set_shdr(struct module_image *img, size_t idx, size_t off32, size_t off64,
		     unsigned w32, unsigned w64, uint64_t v)
{
	elf_write_uint(img->elf, shdr_field(img, idx, off32, off64), img->elf->is64 ? w64 : w32, v);
}

static uint64_t get_shdr(struct module_image *img, size_t idx, size_t off32, size_t off64,
			 unsigned w32, unsigned w64)
{
	return elf_read_uint(img->elf, shdr_field(img, idx, off32, off64), img->elf->is64 ? w64 : w32);
}

/* Section IDX's contents as they are in the copy now: an earlier change may
 * have moved them to the end of the image. */
uint8_t *image_section_now(struct module_image *img, size_t idx, size_t *size)
{
	uint64_t off = get_shdr(img, idx, offsetof(Elf32_Shdr, sh_offset),
				offsetof(Elf64_Shdr, sh_offset), 4, 8);
	uint64_t n = get_shdr(img, idx, offsetof(Elf32_Shdr, sh_size),
			      offsetof(Elf64_Shdr, sh_size), 4, 8);

	/* Our own writes keep these in range; check anyway. */
	if (off > img->len || n > img->len - off) {
		*size = 0;
		return NULL;
	}
	*size = (size_t)n;
	return img->data + off;
}

int image_replace_section(struct module_image *img, size_t idx, const void *bytes, size_t n)
{
	uint64_t align = img->elf->sections[idx].addralign;
	size_t start = img->len, pad;
	uint8_t *p;

	if (align > 4096)
		align = 4096;
	pad = (size_t)((align - start % align) % align);
	p = realloc(img->data, start + pad + n + 1);
	if (!p)
		return -ENOMEM;
	img->data = p;
	memset(p + start, 0, pad);
	memcpy(p + start + pad, bytes, n);
	img->len = start + pad + n;
	set_shdr(img, idx, offsetof(Elf32_Shdr, sh_offset), offsetof(Elf64_Shdr, sh_offset),
		 4, 8, start + pad);
	set_shdr(img, idx, offsetof(Elf32_Shdr, sh_size), offsetof(Elf64_Shdr, sh_size),
		 4, 8, n);
	return 0;
}

void image_strip_versions(struct module_image *img)
{
	size_t idx = img->elf->versions;

	if (idx)
		set_shdr(img, idx, offsetof(Elf32_Shdr, sh_flags), offsetof(Elf64_Shdr, sh_flags),
			 4, 8, img->elf->sections[idx].flags & ~(uint64_t)SHF_ALLOC);
}

void image_strip_vermagic(struct module_image *img)
{
	size_t size, pos = 0;
	char *p;

	if (!img->elf->modinfo)
		return;
	p = (char *)image_section_now(img, img->elf->modinfo, &size);
	/* Blank each "vermagic=..." string whole, so that the kernel finds no
	 * such key. */
	while (p && pos < size) {
		size_t len = strnlen(p + pos, size - pos);

		if (len > 9 && strncmp(p + pos, "vermagic=", 9) == 0)
			memset(p + pos, 0, len);
		pos += len + 1;
	}
}

/* struct module's name field must hold the module's current name; if it
 * does not, the layout is not the one we know (a randomized struct) and
 * patching it would corrupt the module. */
static int rename_this_module(struct module_image *img, const char *name)
{
	const struct elf_file *elf = img->elf;
	const struct elf_section *s;
	size_t off = module_name_offset(elf), cap = module_name_capacity(elf);
	char *old = module_name(elf);
	uint8_t *field;
	int r = 0;

	if (!elf->this_module) {
		log_error("%s: has no .gnu.linkonce.this_module section; cannot rename it", elf->path);
		r = -ENOEXEC;
		goto out;
	}
	s = &elf->sections[elf->this_module];
	if (!s->data || s->size < off + cap || !old ||
	    strncmp((const char *)s->data + off, old, cap) != 0) {
		log_error("%s: the module's name is not where struct module keeps it (randomized layout?); cannot rename it",
			  elf->path);
		r = -ENOEXEC;
		goto out;
	}
	if (strlen(name) >= cap) {
		log_error("module name '%s' is too long (at most %zu characters)", name, cap - 1);
		r = -EINVAL;
		goto out;
	}
	field = img->data + s->offset + off;
	memset(field, 0, cap);
	memcpy(field, name, strlen(name));
out:
	free(old);
	return r;
}

/* Rebuilds .modinfo with name=NAME in place of the old name= entry. */
static int rename_modinfo(struct module_image *img, const char *name)
{
	const struct elf_file *elf = img->elf;
	struct strbuf sb = STRBUF_INIT;
	size_t size = 0, pos = 0;
	const char *data;
	int r = 0;

	if (!elf->modinfo)
		return 0;
	data = (const char *)image_section_now(img, elf->modinfo, &size);
	while (data && pos < size && !r) {
		const char *str = data + pos;
		size_t len = strnlen(str, size - pos);

		if (len && strncmp(str, "name=", 5) != 0) {
			r = strbuf_append(&sb, str, len);
			if (!r)
				r = strbuf_putc(&sb, '\0');
		}
		pos += len + 1;
	}
	if (!r)
		r = strbuf_printf(&sb, "name=%s", name);
	if (!r)
		r = strbuf_putc(&sb, '\0');
	if (!r)
		r = image_replace_section(img, elf->modinfo, sb.data, sb.len);
	strbuf_release(&sb);
	return r;
}

int image_rename(struct module_image *img, const char *name)
{
	int r = rename_this_module(img, name);

	return r ? r : rename_modinfo(img, name);
}
