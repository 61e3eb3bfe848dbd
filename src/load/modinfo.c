#include "modinfo.h"

#include <stdlib.h>
#include <string.h>

#define MODVERSION_ENTRY_SIZE 64

/* Walks the NUL-separated strings of .modinfo; padding NULs between them
 * are skipped, as the kernel's get_modinfo does. */
static bool next_string(const struct elf_file *elf, size_t *pos,
			struct modinfo_value *out)
{
	const struct elf_section *s;
	const char *base;
	size_t size, start, end;

	if (!elf->modinfo)
		return false;
	s = &elf->sections[elf->modinfo];
	if (!s->data)
		return false;
	base = (const char *)s->data;
	size = (size_t)s->size;
	start = *pos;
	while (start < size && base[start] == '\0')
		start++;
	if (start >= size)
		return false;
	end = start;
	while (end < size && base[end] != '\0')
		end++;
	out->str = base + start;
	out->len = end - start;
	*pos = end;
	return true;
}

bool modinfo_next(const struct elf_file *elf, const char *key, size_t *pos,
		  struct modinfo_value *out)
{
	size_t klen = strlen(key);
	struct modinfo_value v;

	while (next_string(elf, pos, &v)) {
		if (v.len > klen && v.str[klen] == '=' && memcmp(v.str, key, klen) == 0) {
			out->str = v.str + klen + 1;
			out->len = v.len - klen - 1;
			return true;
		}
	}
	return false;
}

bool modinfo_get(const struct elf_file *elf, const char *key,
		 struct modinfo_value *out)
{
	size_t pos = 0;

	return modinfo_next(elf, key, &pos, out);
}

char *modinfo_dup(const struct elf_file *elf, const char *key)
{
	struct modinfo_value v;

	if (!modinfo_get(elf, key, &v))
		return NULL;
	return strndup(v.str, v.len);
}

bool modinfo_is_one_of(const struct elf_file *elf, const char *key, const char *const *list, size_t n)
{
	struct modinfo_value v;

	if (!modinfo_get(elf, key, &v))
		return false;
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == v.len && memcmp(list[i], v.str, v.len) == 0)
			return true;
	return false;
}

/* struct module begins { enum module_state state; struct list_head list;
 * char name[MODULE_NAME_LEN]; ... }: the name sits after a 4-byte enum
 * padded to pointer alignment and two pointers. */
size_t module_name_offset(const struct elf_file *elf)
{
	return elf->is64 ? 24 : 12;
}

size_t module_name_capacity(const struct elf_file *elf)
{
	return elf->is64 ? 56 : 60;
}

static char *name_from_this_module(const struct elf_file *elf)
{
	const struct elf_section *s;
	size_t off = module_name_offset(elf), cap = module_name_capacity(elf);
	const char *p;

	if (!elf->this_module)
		return NULL;
	s = &elf->sections[elf->this_module];
	if (!s->data || s->size < off + cap)
		return NULL;
	p = (const char *)s->data + off;
	if (!memchr(p, '\0', cap) || !*p)
		return NULL;
	return strdup(p);
}

char *module_name(const struct elf_file *elf)
{
	char *name = modinfo_dup(elf, "name");

	if (name && *name)
		return name;
	free(name);
	return name_from_this_module(elf);
}

char *vermagic_release(const char *vermagic, size_t len)
{
	size_t n = 0;

	while (n < len && vermagic[n] != ' ')
		n++;
	return strndup(vermagic, n);
}

size_t modversions_count(const struct elf_file *elf)
{
	const struct elf_section *s;

	if (!elf->versions)
		return 0;
	s = &elf->sections[elf->versions];
	if (!s->data)
		return 0;
	return (size_t)(s->size / MODVERSION_ENTRY_SIZE);
}

void modversions_entry(const struct elf_file *elf, size_t i, uint32_t *crc,
		       const char **name, size_t *name_len)
{
	const uint8_t *e = elf->sections[elf->versions].data + i * MODVERSION_ENTRY_SIZE;
	unsigned w = elf->is64 ? 8 : 4;
	const char *n = (const char *)e + w;
	const char *nul = memchr(n, '\0', MODVERSION_ENTRY_SIZE - w);

	*crc = (uint32_t)elf_read_uint(elf, e, w);
	*name = nul ? n : "";
	*name_len = nul ? (size_t)(nul - n) : 0;
}
