/* The sizes the kernel holds parameters to, read from the module itself,
 * so that a value the kernel would refuse is refused before the load (and
 * by -p) with the limit named, as -n's image writer does
 * (link-params.c).
 *
 * .modinfo says only "array of int" or "string"; the size is in the
 * variable's descriptor: each __param entry (struct kernel_param) points
 * through relocations at a struct kparam_array {u32 max; ...} or a struct
 * kparam_string {u32 maxlen; ...}.  Those two fields are plain data in the
 * file: no linking is needed, only the relocations of __param.
 *
 * struct kernel_param is name, mod, ops, perm/level/flags, arg since
 * Linux 4.2 (40 bytes on 64-bit, 20 on 32-bit), and was name, ops,
 * perm/level/flags, arg before (32 and 16): arg is the last pointer.
 * The second pointer tells them apart: mod is THIS_MODULE, defined in the
 * module (or left 0), ops a param_ops_* of the kernel, undefined in it. */
#include "elf.h"
#include "log.h"
#include "param-limits.h"

#include <elf.h>
#include <errno.h>
#include <string.h>

/* The relocation of section P at OFFSET and its symbol, or false when
 * none applies there. */
static bool reloc_at(const struct elf_file *elf, size_t p, uint64_t offset,
		     struct elf_reloc *r, struct elf_symbol *sym, bool *in_place)
{
	for (size_t s = 1; s < elf->nsections; s++) {
		if (!elf_is_reloc_section(elf, s) || elf->sections[s].info != p)
			continue;
		for (size_t i = 0, n = elf_reloc_count(elf, s); i < n; i++) {
			if (elf_reloc_batch(elf, s, i, 1, r) != 1 || r->offset != offset)
				continue;
			elf_symbol(elf, r->sym, sym);
			*in_place = elf->sections[s].type == SHT_REL;
			return true;
		}
	}
	return false;
}

/* Where the relocation at OFFSET of __param (section P) points: the
 * section and offset within it, or false when none does. */
static bool reloc_target(const struct elf_file *elf, size_t p, uint64_t offset,
			 size_t *sec, uint64_t *at)
{
	struct elf_reloc r;
	struct elf_symbol sym;
	bool in_place;

	if (!reloc_at(elf, p, offset, &r, &sym, &in_place) ||
	    sym.shndx == SHN_UNDEF || sym.shndx >= elf->nsections)
		return false;
	if (in_place)	/* SHT_REL: the addend is in the section */
		r.addend = (int32_t)elf_read_uint(elf, elf->sections[p].data + offset, 4);
	*sec = sym.shndx;
	*at = sym.value + (uint64_t)r.addend;
	return true;
}

/* Before Linux 4.2 (no mod field), the first entry's second pointer is
 * ops, which points outside the module. */
unsigned kernel_param_size(const struct elf_file *elf, size_t param_sec)
{
	unsigned ptr = elf->is64 ? 8 : 4;
	struct elf_reloc r;
	struct elf_symbol sym;
	bool in_place;

	if (reloc_at(elf, param_sec, ptr, &r, &sym, &in_place) && sym.shndx == SHN_UNDEF)
		return 4 * ptr;
	return 5 * ptr;
}

/* The LEN bytes at offset AT of section SEC, or NULL when not all there. */
static const uint8_t *bytes_at(const struct elf_file *elf, size_t sec, uint64_t at, uint64_t len)
{
	const struct elf_section *s = &elf->sections[sec];

	if (!s->data || at > s->size || len > s->size - at)
		return NULL;
	return s->data + at;
}

/* The u32 at the start of the descriptor of parameter NAME, or 0 when it
 * cannot be found (then nothing is checked: the kernel decides). */
static uint32_t descriptor_u32(const struct elf_file *elf, const char *name)
{
	size_t p = elf_find_section(elf, "__param"), len = strlen(name), sec;
	unsigned entsize, argoff;
	uint64_t at;

	if (!p || !elf->sections[p].data)
		return 0;
	entsize = kernel_param_size(elf, p);
	argoff = entsize - (elf->is64 ? 8 : 4);
	for (uint64_t off = 0; off + entsize <= elf->sections[p].size; off += entsize) {
		const uint8_t *n, *d;

		if (!reloc_target(elf, p, off, &sec, &at) ||
		    !(n = bytes_at(elf, sec, at, len + 1)) || memcmp(n, name, len) != 0 || n[len])
			continue;
		if (!reloc_target(elf, p, off + argoff, &sec, &at) || !(d = bytes_at(elf, sec, at, 4)))
			return 0;
		return (uint32_t)elf_read_uint(elf, d, 4);
	}
	return 0;
}

int params_check_limits(const struct elf_file *elf, const struct param_set *set, const char *path)
{
	int r = 0;

	for (size_t i = 0; i < set->count; i++) {
		const struct param_value *v = &set->values[i];
		uint32_t max;

		if (v->kind == PARAM_STRING && !v->is_array && v->count == 1) {
			max = descriptor_u32(elf, v->name);
			if (max && v->elems[0].str_len + 1 > max) {
				log_error("%s: parameter %s: %zu characters, at most %u fit its buffer "
					  "(the kernel would refuse it: ENOSPC)", path, v->name,
					  v->elems[0].str_len, max - 1);
				r = -EINVAL;
			}
		} else if (v->is_array) {
			max = descriptor_u32(elf, v->name);
			if (max && v->count > max) {
				log_error("%s: parameter %s: %zu values, the array holds at most %u "
					  "(the kernel would refuse it: EINVAL)", path, v->name, v->count, max);
				r = -EINVAL;
			}
		}
	}
	return r;
}
