/* What insmod writes into the image besides relocations: the module's
 * name (after -o) and the values of symbol=value parameters, so that the
 * blob shows what the module would start with.
 *
 * A parameter's variable is found through its __param entry (struct
 * kernel_param: name first, arg last; kernel_param_size() tells the
 * layouts before and after Linux 4.2 apart), whose pointers the
 * relocations have just filled in.  arg points at the variable
 * itself, at a struct kparam_string {u32 maxlen; char *string} for
 * module_param_string, or at a struct kparam_array {u32 max; u32 elemsize;
 * u32 *num; ops; void *elem} for arrays.  charp values live in kernel
 * memory the image does not have, so they are left as they are (said with
 * -v). */
#include "link-int.h"
#include "log.h"
#include "modinfo.h"
#include "param-limits.h"
#include "params.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

/* The image bytes at run-time address addr, with at least len bytes
 * inside one loaded section; NULL if there are none. */
static uint8_t *at_address(const struct linker *lk, uint64_t addr, uint64_t len)
{
	for (size_t i = 1; i < lk->rc.elf->nsections; i++) {
		const struct link_sec *s = &lk->rc.secs[i];

		if (s->placed && addr >= s->addr && addr - s->addr <= s->size &&
		    len <= s->size - (addr - s->addr))
			return lk->rc.image + s->offset + (addr - s->addr);
	}
	return NULL;
}

static unsigned ptr_size(const struct linker *lk)
{
	return lk->rc.elf->is64 ? 8 : 4;
}

static uint64_t read_ptr(const struct linker *lk, const uint8_t *p)
{
	return elf_read_uint(lk->rc.elf, p, ptr_size(lk));
}

/* Bytes of one value of a kind, as the kernel's param_set_* stores it. */
static unsigned value_size(const struct linker *lk, enum param_kind k)
{
	switch (k) {
	case PARAM_BYTE: case PARAM_BOOL: case PARAM_INVBOOL: return 1;
	case PARAM_SHORT: case PARAM_USHORT: return 2;
	case PARAM_INT: case PARAM_UINT: case PARAM_HEXINT: case PARAM_BINT: return 4;
	case PARAM_ULLONG: return 8;
	case PARAM_LONG: case PARAM_ULONG: case PARAM_CHARP: return ptr_size(lk);
	default: return 0;
	}
}

/* The __param entry whose name is name: its arg pointer, or 0. */
static uint64_t find_param_arg(const struct linker *lk, size_t sec, const char *name)
{
	unsigned entsize = kernel_param_size(lk->rc.elf, sec), argoff = entsize - ptr_size(lk);
	const struct link_sec *s = &lk->rc.secs[sec];
	size_t len = strlen(name);

	for (uint64_t off = 0; off + entsize <= s->size; off += entsize) {
		const uint8_t *e = lk->rc.image + s->offset + off;
		const uint8_t *n = at_address(lk, read_ptr(lk, e), len + 1);

		if (n && memcmp(n, name, len) == 0 && n[len] == '\0')
			return read_ptr(lk, e + argoff);
	}
	return 0;
}

static int param_error(const struct linker *lk, const struct param_value *v, const char *what)
{
	log_error("%s: parameter %s: %s", lk->job->path, v->name, what);
	return -EINVAL;
}

static int write_string(struct linker *lk, const struct param_value *v, uint64_t arg)
{
	unsigned p = ptr_size(lk);
	const uint8_t *ks = at_address(lk, arg, 2 * p);
	uint64_t maxlen, buf;
	uint8_t *dst;

	if (!ks)
		return param_error(lk, v, "its kparam_string is not in the image");
	maxlen = elf_read_uint(lk->rc.elf, ks, 4);
	buf = read_ptr(lk, ks + p);
	if (v->elems[0].str_len + 1 > maxlen)
		return param_error(lk, v, "string too long for its buffer (the kernel says ENOSPC)");
	dst = at_address(lk, buf, maxlen);
	if (!dst)
		return param_error(lk, v, "its string buffer is not in the image");
	memset(dst, 0, (size_t)maxlen);
	memcpy(dst, v->elems[0].str, v->elems[0].str_len);
	return 0;
}

static int write_array(struct linker *lk, const struct param_value *v, uint64_t arg, unsigned size)
{
	unsigned p = ptr_size(lk);
	const uint8_t *ka = at_address(lk, arg, 8 + 3 * (uint64_t)p);
	uint64_t max, elemsize, num, elem;
	uint8_t *dst, *n;

	if (!ka)
		return param_error(lk, v, "its kparam_array is not in the image");
	max = elf_read_uint(lk->rc.elf, ka, 4);
	elemsize = elf_read_uint(lk->rc.elf, ka + 4, 4);
	num = read_ptr(lk, ka + 8);
	elem = read_ptr(lk, ka + 8 + 2 * (uint64_t)p);
	if (v->count > max)
		return param_error(lk, v, "more values than the array holds");
	if (elemsize != size)
		return param_error(lk, v, "the array's element size does not match its type");
	dst = at_address(lk, elem, (uint64_t)size * v->count);
	if (!dst)
		return param_error(lk, v, "its array is not in the image");
	for (size_t i = 0; i < v->count; i++)
		elf_write_uint(lk->rc.elf, dst + i * size, size, v->elems[i].u);
	if (num) {
		n = at_address(lk, num, 4);
		if (!n)
			return param_error(lk, v, "its element count is not in the image");
		elf_write_uint(lk->rc.elf, n, 4, v->count);
	}
	return 0;
}

static int write_one(struct linker *lk, size_t sec, const struct param_value *v)
{
	uint64_t arg = find_param_arg(lk, sec, v->name);
	unsigned size = value_size(lk, v->kind);
	uint8_t *dst;

	if (!arg)
		return param_error(lk, v, "no __param entry with that name");
	if (v->kind == PARAM_CHARP) {
		log_verbose("%s: parameter %s: a charp value lives in kernel memory; the image keeps its default",
			    lk->job->path, v->name);
		return 0;
	}
	if (v->kind == PARAM_STRING && !v->is_array)
		return write_string(lk, v, arg);
	if (!size)
		return param_error(lk, v, "a type the image cannot hold");
	if (v->is_array)
		return write_array(lk, v, arg, size);
	dst = at_address(lk, arg, size);
	if (!dst)
		return param_error(lk, v, "its variable is not in the image");
	elf_write_uint(lk->rc.elf, dst, size, v->elems[0].u);
	return 0;
}

int link_write_params(struct linker *lk)
{
	const struct param_set *set = lk->job->params;
	size_t sec = elf_find_section(lk->rc.elf, "__param");
	int err = 0;

	if (!set || set->count == 0)
		return 0;
	if (!sec || !lk->rc.secs[sec].placed) {
		log_error("%s: has no __param section, so parameters cannot be set", lk->job->path);
		return -EINVAL;
	}
	for (size_t i = 0; i < set->count; i++) {
		const struct param_value *v = &set->values[i];
		int r;

		if (!strcmp(v->name, "dyndbg") || !strcmp(v->name, "async_probe"))
			continue;	/* handled by the kernel, not module variables */
		r = write_one(lk, sec, v);
		if (r && !err)
			err = r;
	}
	return err;
}

/* -o: struct module's name field (the kernel uses it, not .modinfo). */
int link_write_name(struct linker *lk)
{
	const struct link_sec *s = &lk->rc.secs[lk->rc.elf->this_module];
	size_t off = module_name_offset(lk->rc.elf), cap = module_name_capacity(lk->rc.elf);
	const char *name = lk->job->module_name;
	size_t len;

	if (!name || !s->placed || off + cap > s->size)
		return 0;
	len = strlen(name);
	if (len >= cap) {
		log_error("%s: module name %s is longer than %zu characters", lk->job->path, name, cap - 1);
		return -EINVAL;
	}
	if (memcmp(lk->rc.image + s->offset + off, name, len + 1) == 0)
		return 0;
	memset(lk->rc.image + s->offset + off, 0, cap);
	memcpy(lk->rc.image + s->offset + off, name, len);
	return 0;
}
