/* x86_64 (RELA), as arch/x86/kernel/module.c applies it in Linux 6.1.
 *
 * Modules are built with -mcmodel=kernel and live in the top 2 GiB, so
 * absolute 32-bit references are R_X86_64_32S; R_X86_64_32 must
 * zero-extend and so fails against any module or kernel address.  PC32 and
 * PLT32 (no PLT is built) have no overflow check in the kernel: the value
 * is truncated.  Every field must be zero before it is written (the
 * kernel's guard against applying a relocation twice).  Anything else,
 * GOTPCREL included, is refused.  psABI: https://gitlab.com/x86-psABIs/x86-64-ABI */
#include "arch.h"

#include <elf.h>
#include <inttypes.h>
#include <string.h>

static const char *x86_64_reloc_name(uint32_t type)
{
	switch (type) {
	case R_X86_64_NONE: return "R_X86_64_NONE";
	case R_X86_64_64: return "R_X86_64_64";
	case R_X86_64_PC32: return "R_X86_64_PC32";
	case R_X86_64_GOT32: return "R_X86_64_GOT32";
	case R_X86_64_PLT32: return "R_X86_64_PLT32";
	case R_X86_64_GOTPCREL: return "R_X86_64_GOTPCREL";
	case R_X86_64_32: return "R_X86_64_32";
	case R_X86_64_32S: return "R_X86_64_32S";
	case R_X86_64_16: return "R_X86_64_16";
	case R_X86_64_PC16: return "R_X86_64_PC16";
	case R_X86_64_8: return "R_X86_64_8";
	case R_X86_64_PC8: return "R_X86_64_PC8";
	case R_X86_64_PC64: return "R_X86_64_PC64";
	case R_X86_64_GOTPCRELX: return "R_X86_64_GOTPCRELX";
	case R_X86_64_REX_GOTPCRELX: return "R_X86_64_REX_GOTPCRELX";
	default: return NULL;
	}
}

static bool all_zero(const uint8_t *p, unsigned n)
{
	return get_le(p, n) == 0;
}

/* Why a 32-bit absolute field overflows in a module: the code model. */
#define NOT_KERNEL_MODEL "the module was likely not compiled with -mcmodel=kernel"

static int x86_64_apply_one(struct reloc_ctx *rc, const struct reloc_site *site)
{
	uint64_t val = site->S + (uint64_t)site->A;
	unsigned size;
	int r;

	switch (site->type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_64:
		size = 8;
		break;
	case R_X86_64_32:
	case R_X86_64_32S:
		size = 4;
		break;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		val -= site->P;
		size = 4;
		break;
	case R_X86_64_PC64:
		val -= site->P;
		size = 8;
		break;
	default:
		return link_reloc_error(rc, site, "unknown relocation type %" PRIu32
					" (%s applies only 64, 32, 32S, PC32, PLT32 and PC64)", site->type,
					link_judge(rc));
	}
	r = link_check_room(rc, site, size);
	if (r)
		return r;
	if (!all_zero(site->loc, size))
		return link_reloc_error(rc, site, "the field is not zero before relocation (value 0x%" PRIx64
					"); %s refuses this", val, link_judge(rc));
	if (site->type == R_X86_64_32)
		r = link_check_range(rc, site, (int64_t)val, 0, UINT32_MAX, NOT_KERNEL_MODEL);
	else if (site->type == R_X86_64_32S)
		r = link_check_range(rc, site, (int64_t)val, INT32_MIN, INT32_MAX, NOT_KERNEL_MODEL);
	if (r)
		return r;
	put_le(site->loc, size, val);
	return 0;
}

/* The common entries (PC32, PLT32, 64 and 32S that fit) without building
 * a reloc_site: a large module's link spends most of its time here
 * (figures: bench/history.md). */
static size_t x86_64_apply_quick(const struct reloc_quick *q, size_t i, size_t n)
{
	for (; i < n; i++) {
		const uint8_t *e = q->entries + i * sizeof(Elf64_Rela);
		uint64_t off = get_le(e, 8), info = get_le(e + 8, 8), sym = info >> 32, val;
		uint8_t *loc;

		if (sym >= q->nsymbols || off > q->limit || off > q->size || q->symlost[sym])
			return i;
		loc = q->loc + off;	/* only now known to be inside the section */
		val = q->symval[sym] + get_le(e + 16, 8);
		switch ((uint32_t)info) {
		case R_X86_64_PC32:
		case R_X86_64_PLT32:
			if (q->size - off < 4 || get_le(loc, 4) != 0)
				return i;
			put_le(loc, 4, val - (q->addr + off));
			break;
		case R_X86_64_32S:
			if (q->size - off < 4 || get_le(loc, 4) != 0 || (int64_t)val != (int32_t)val)
				return i;
			put_le(loc, 4, val);
			break;
		case R_X86_64_64:
			if (q->size - off < 8 || get_le(loc, 8) != 0)
				return i;
			put_le(loc, 8, val);
			break;
		default:
			return i;
		}
	}
	return n;
}

/* The kernel tolerates a reference to _GLOBAL_OFFSET_TABLE_ on x86. */
static bool x86_ignore_undefined(const char *name)
{
	return strcmp(name, "_GLOBAL_OFFSET_TABLE_") == 0;
}

const struct arch_ops arch_x86_64 = {
	.reloc_section = SHT_RELA,
	.apply_one = x86_64_apply_one,
	.apply_quick = x86_64_apply_quick,
	.reloc_name = x86_64_reloc_name,
	.ignore_undefined = x86_ignore_undefined,
};
