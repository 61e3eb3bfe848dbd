/* i386 (REL: the addend is the field's own content), as
 * arch/x86/kernel/module.c:apply_relocate() applies it in Linux 6.1.
 *
 * Three types only: R_386_32 adds S, R_386_PC32 and R_386_PLT32 (no PLT is
 * built) add S - P, all modulo 2^32 with no overflow check.  Every other
 * type is refused, R_386_NONE included (the kernel has no case for it).
 * psABI: https://gitlab.com/x86-psABIs/i386-ABI */
#include "arch.h"

#include <elf.h>
#include <inttypes.h>
#include <string.h>

static const char *i386_reloc_name(uint32_t type)
{
	switch (type) {
	case R_386_NONE: return "R_386_NONE";
	case R_386_32: return "R_386_32";
	case R_386_PC32: return "R_386_PC32";
	case R_386_GOT32: return "R_386_GOT32";
	case R_386_PLT32: return "R_386_PLT32";
	case R_386_GOTOFF: return "R_386_GOTOFF";
	case R_386_GOTPC: return "R_386_GOTPC";
	case R_386_16: return "R_386_16";
	case R_386_PC16: return "R_386_PC16";
	case R_386_8: return "R_386_8";
	case R_386_PC8: return "R_386_PC8";
	case R_386_GOT32X: return "R_386_GOT32X";
	default: return NULL;
	}
}

static int i386_apply_one(struct reloc_ctx *rc, const struct reloc_site *site)
{
	uint32_t field;
	int r;

	if (site->type != R_386_32 && site->type != R_386_PC32 && site->type != R_386_PLT32)
		return link_reloc_error(rc, site, "unknown relocation type %" PRIu32
					" (%s applies only 32, PC32 and PLT32)", site->type,
					link_judge(rc));
	r = link_check_room(rc, site, 4);
	if (r)
		return r;
	field = (uint32_t)get_le(site->loc, 4);
	field += (uint32_t)site->S;
	if (site->type != R_386_32)
		field -= (uint32_t)site->P;
	put_le(site->loc, 4, field);
	return 0;
}

/* Every entry the kernel accepts, straight from the file's bytes: only a
 * field past the end of its section (or a bad entry) is left (figures:
 * bench/history.md). */
static size_t i386_apply_quick(const struct reloc_quick *q, size_t i, size_t n)
{
	for (; i < n; i++) {
		const uint8_t *e = q->entries + i * sizeof(Elf32_Rel);
		uint64_t off = get_le(e, 4);
		uint32_t info = (uint32_t)get_le(e + 4, 4), sym = info >> 8, type = info & 0xff, field;
		uint8_t *loc;

		if (sym >= q->nsymbols || off > q->limit || off > q->size || q->size - off < 4 ||
		    q->symlost[sym] || (type != R_386_32 && type != R_386_PC32 && type != R_386_PLT32))
			return i;
		loc = q->loc + off;
		field = (uint32_t)get_le(loc, 4) + (uint32_t)q->symval[sym];
		if (type != R_386_32)
			field -= (uint32_t)(q->addr + off);
		put_le(loc, 4, field);
	}
	return n;
}

static bool i386_ignore_undefined(const char *name)
{
	return strcmp(name, "_GLOBAL_OFFSET_TABLE_") == 0;
}

const struct arch_ops arch_i386 = {
	.reloc_section = SHT_REL,
	.apply_one = i386_apply_one,
	.apply_quick = i386_apply_quick,
	.reloc_name = i386_reloc_name,
	.ignore_undefined = i386_ignore_undefined,
};
