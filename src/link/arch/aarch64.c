/* aarch64 (RELA), as arch/arm64/kernel/module.c and module-plts.c apply it
 * in Linux 6.1, with the configuration Debian's arm64 kernel has
 * (CONFIG_ARM64_MODULE_PLTS and CONFIG_RANDOMIZE_BASE on).
 *
 * Quirks kept on purpose, because the kernel has them:
 *  - ABS16/ABS32 accept only [0, U16_MAX] / [0, U32_MAX] (the psABI would
 *    allow negative values); PREL16/PREL32 are signed; 64-bit fields are
 *    never checked; the _NC types and MOVW_UABS_G3/PREL_G3 are not checked.
 *  - MOVW_SABS and checked MOVW_PREL types rewrite MOVZ/MOVN by sign.
 *  - JUMP26/CALL26 out of +-128 MiB go through a PLT entry
 *    (adrp x16 / add x16 / br x16) in .plt, or .init.plt for branches in
 *    the .init part.  The PLTs are sized before layout as
 *    module_frob_arch_sections() does: in each RELA section patching code,
 *    branches to other sections are moved to the front and sorted by
 *    (r_info, r_addend), and each one not equal to its predecessor counts
 *    a slot; relocations are then applied in that sorted order, so that
 *    consecutive branches to one target share an entry.
 * Not modelled: the Cortex-A53 erratum 843419 workaround (it depends on
 * the CPU the kernel runs on; we link as for a CPU without it).
 * psABI: https://github.com/ARM-software/abi-aa (aaelf64). */
#include "arch.h"
#include "log.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define PLT_ENTRY_SIZE 12
#define PLT_ALIGN 64			/* L1_CACHE_BYTES */
#define NR_FTRACE_PLTS 2

/* The kernel's numbering: glibc's <elf.h> calls 0 R_AARCH64_NONE, the
 * kernel accepts both 0 (R_ARM_NONE) and 256. */
#define A64_NONE_OLD 0
#define A64_NONE 256
#define A64_PLT32 314

/* ---- Encodings (the kernel's aarch64_insn_encode_immediate) ------------ */

enum imm_kind { IMM_26, IMM_19, IMM_16, IMM_14, IMM_12, IMM_ADR };

static uint32_t encode_imm(enum imm_kind kind, uint32_t insn, uint64_t imm)
{
	uint32_t mask, shift;

	switch (kind) {
	case IMM_ADR:	/* immlo [30:29] <- imm[1:0], immhi [23:5] <- imm[20:2] */
		insn &= ~((3u << 29) | (0x7ffffu << 5));
		return insn | (uint32_t)(imm & 3) << 29 | (uint32_t)((imm >> 2) & 0x7ffff) << 5;
	case IMM_26: mask = 0x3ffffff; shift = 0; break;
	case IMM_19: mask = 0x7ffff; shift = 5; break;
	case IMM_16: mask = 0xffff; shift = 5; break;
	case IMM_14: mask = 0x3fff; shift = 5; break;
	default: mask = 0xfff; shift = 10; break;
	}
	return (insn & ~(mask << shift)) | (uint32_t)(imm & mask) << shift;
}

enum reloc_op { OP_ABS, OP_PREL, OP_PAGE };

static int64_t do_reloc(enum reloc_op op, uint64_t P, uint64_t val)
{
	switch (op) {
	case OP_ABS: return (int64_t)val;
	case OP_PREL: return (int64_t)(val - P);
	default: return (int64_t)((val & ~0xfffull) - (P & ~0xfffull));
	}
}

/* Data fields; -ERANGE on the kernel's overflow conditions. */
static int reloc_data(enum reloc_op op, uint8_t *loc, uint64_t P, uint64_t val, unsigned bits)
{
	int64_t s = do_reloc(op, P, val);

	put_le(loc, bits / 8, (uint64_t)s);
	if (bits == 64)
		return 0;
	if (op == OP_ABS)
		return s < 0 || s > (int64_t)((1ull << bits) - 1) ? -ERANGE : 0;
	return s < -(1ll << (bits - 1)) || s > (1ll << (bits - 1)) - 1 ? -ERANGE : 0;
}

enum movw_kind { MOVKZ, MOVNZ };

static int reloc_movw(enum reloc_op op, uint8_t *loc, uint64_t P, uint64_t val, unsigned lsb,
		      enum movw_kind kind)
{
	uint32_t insn = (uint32_t)get_le(loc, 4);
	int64_t s = do_reloc(op, P, val);
	uint64_t imm = (uint64_t)(s >> lsb);

	if (kind == MOVNZ) {
		insn &= ~(3u << 29);
		if (s >= 0)
			insn |= 2u << 29;	/* MOVZ */
		else
			imm = ~imm;		/* MOVN of the complement */
	}
	put_le(loc, 4, encode_imm(IMM_16, insn, imm));
	return imm > 0xffff ? -ERANGE : 0;
}

/* An immediate field of len bits taken from bit lsb of the value: the
 * bits above it must all equal its sign bit. */
static int reloc_imm(enum reloc_op op, uint8_t *loc, uint64_t P, uint64_t val, unsigned lsb,
		     unsigned len, enum imm_kind kind)
{
	uint32_t insn = (uint32_t)get_le(loc, 4);
	int64_t s = do_reloc(op, P, val) >> lsb;
	uint64_t mask = ((1ull << (lsb + len)) - 1) >> lsb;
	int64_t upper;

	put_le(loc, 4, encode_imm(kind, insn, (uint64_t)s & mask));
	upper = (int64_t)((uint64_t)s & ~(mask >> 1)) >> (len - 1);
	return (uint64_t)(upper + 1) >= 2 ? -ERANGE : 0;
}

/* ---- PLTs --------------------------------------------------------------- */

struct plt {
	size_t shndx;
	unsigned max, used;
	uint64_t last_target;
};

struct a64_state {
	struct plt core, init;
	size_t **order;		/* per relocation section: application order, or NULL */
};

/* What the kernel's count_plts()/sort need of one entry. */
struct a64_rel {
	uint64_t info;		/* sym << 32 | type, as r_info */
	int64_t addend;
	size_t index;
};

static bool is_branch(uint32_t type)
{
	return type == R_AARCH64_JUMP26 || type == R_AARCH64_CALL26;
}

static int cmp_rel(const void *a, const void *b)
{
	const struct a64_rel *x = a, *y = b;

	if (x->info != y->info)
		return x->info < y->info ? -1 : 1;
	if (x->addend != y->addend)
		return x->addend < y->addend ? -1 : 1;
	return 0;
}

static bool needs_plt(const struct reloc_ctx *rc, const struct a64_rel *r, size_t target)
{
	struct elf_symbol s;

	if (!is_branch((uint32_t)r->info))
		return false;
	elf_symbol(rc->elf, (size_t)(r->info >> 32), &s);
	return s.shndx != target;
}

/* partition_branch_plt_relas(): the same two-pointer swap, so that the
 * order (and so the PLT slot of every branch) is the kernel's. */
static size_t partition(const struct reloc_ctx *rc, struct a64_rel *v, size_t n, size_t target)
{
	size_t i = 0, j = n ? n - 1 : 0;

	while (i < j) {
		if (needs_plt(rc, &v[i], target)) {
			i++;
		} else if (needs_plt(rc, &v[j], target)) {
			struct a64_rel t = v[i];

			v[i] = v[j];
			v[j] = t;
		} else {
			j--;
		}
	}
	return i;
}

static unsigned count_plts(const struct reloc_ctx *rc, const struct a64_rel *v, size_t n, size_t target)
{
	unsigned count = 0;

	for (size_t i = 0; i < n; i++) {
		if (!needs_plt(rc, &v[i], target))
			continue;
		if (v[i].addend != 0 || i == 0 || cmp_rel(&v[i], &v[i - 1]) != 0)
			count++;
	}
	return count;
}

/* Reads, partitions and sorts one RELA section patching code; records the
 * order and adds its count to the core or init PLT. */
static int frob_one(struct reloc_ctx *rc, struct a64_state *st, size_t relsec)
{
	const struct elf_file *elf = rc->elf;
	size_t n = elf_reloc_count(elf, relsec), target = elf->sections[relsec].info, k;
	struct a64_rel *v = malloc((n ? n : 1) * sizeof(*v));
	int r = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n && !r; i++) {
		struct elf_reloc e;

		r = elf_reloc(elf, relsec, i, &e);
		v[i].info = (uint64_t)e.sym << 32 | e.type;
		v[i].addend = e.addend;
		v[i].index = i;
	}
	if (!r) {
		k = partition(rc, v, n, target);
		if (k)
			qsort(v, k, sizeof(*v), cmp_rel);
		if (strncmp(elf->sections[target].name, ".init", 5) == 0)
			st->init.max += count_plts(rc, v, n, target);
		else
			st->core.max += count_plts(rc, v, n, target);
		st->order[relsec] = malloc((n ? n : 1) * sizeof(size_t));
		if (!st->order[relsec])
			r = -ENOMEM;
		for (size_t i = 0; i < n && !r; i++)
			st->order[relsec][i] = v[i].index;
	}
	free(v);
	return r;
}

static void make_plt_section(struct reloc_ctx *rc, size_t shndx, uint64_t size, uint64_t align)
{
	struct link_sec *s = &rc->secs[shndx];

	s->type = SHT_NOBITS;
	s->flags = SHF_EXECINSTR | SHF_ALLOC;
	s->align = align;
	s->size = size;
}

static int aarch64_frob(struct reloc_ctx *rc)
{
	const struct elf_file *elf = rc->elf;
	struct a64_state *st = calloc(1, sizeof(*st));
	size_t tramp;
	int r = 0;

	if (!st)
		return -ENOMEM;
	rc->arch_state = st;
	st->order = calloc(elf->nsections, sizeof(*st->order));
	if (!st->order)
		return -ENOMEM;
	st->core.shndx = elf_find_section(elf, ".plt");
	st->init.shndx = elf_find_section(elf, ".init.plt");
	if (!st->core.shndx || !st->init.shndx) {
		log_error("%s: module PLT section(s) missing (.plt, .init.plt)", link_module_path(rc));
		return -ENOEXEC;
	}
	for (size_t i = 1; i < elf->nsections && !r; i++)
		if (elf->sections[i].type == SHT_RELA && elf_is_reloc_section(elf, i) &&
		    (elf->sections[elf->sections[i].info].flags & SHF_EXECINSTR))
			r = frob_one(rc, st, i);
	if (r)
		return r;
	make_plt_section(rc, st->core.shndx, (uint64_t)(st->core.max + 1) * PLT_ENTRY_SIZE, PLT_ALIGN);
	make_plt_section(rc, st->init.shndx, (uint64_t)(st->init.max + 1) * PLT_ENTRY_SIZE, PLT_ALIGN);
	tramp = elf_find_section(elf, ".text.ftrace_trampoline");
	if (tramp)
		make_plt_section(rc, tramp, NR_FTRACE_PLTS * PLT_ENTRY_SIZE, 4);
	return 0;
}

static void aarch64_release(struct reloc_ctx *rc)
{
	struct a64_state *st = rc->arch_state;

	if (!st)
		return;
	if (st->order && rc->elf)
		for (size_t i = 0; i < rc->elf->nsections; i++)
			free(st->order[i]);
	free(st->order);
	free(st);
	rc->arch_state = NULL;
}

/* get_plt_entry(): adrp x16, target page / add x16, x16, #lo12 / br x16. */
static int write_plt_entry(uint8_t *p, uint64_t pc, uint64_t target)
{
	int64_t off = (int64_t)((target & ~0xfffull) - (pc & ~0xfffull));

	if (off < -(1ll << 32) || off >= (1ll << 32))
		return -ERANGE;
	put_le(p, 4, encode_imm(IMM_ADR, 0x90000010u, (uint64_t)(off >> 12)));
	put_le(p + 4, 4, 0x91000210u | (uint32_t)(target & 0xfff) << 10);
	put_le(p + 8, 4, 0xd61f0200u);
	return 0;
}

/* module_emit_plt_entry(): the next slot, unless it would repeat the
 * previous entry's target.  Returns the entry's address, or 0. */
static uint64_t emit_plt(struct reloc_ctx *rc, const struct reloc_site *site, uint64_t target)
{
	struct a64_state *st = rc->arch_state;
	bool init = site->P >= rc->init_start && site->P < rc->init_end && rc->init_start;
	struct plt *plt = st ? (init ? &st->init : &st->core) : NULL;
	const struct link_sec *sec;
	uint64_t addr;

	if (!plt || !plt->shndx) {
		link_reloc_error(rc, site, "branch out of range and no PLT to route it through");
		return 0;
	}
	sec = &rc->secs[plt->shndx];
	if (plt->used && plt->last_target == target)
		return sec->addr + (uint64_t)(plt->used - 1) * PLT_ENTRY_SIZE;
	if (plt->used >= plt->max) {
		link_reloc_error(rc, site, "more PLT entries needed than counted (%u)", plt->max);
		return 0;
	}
	addr = sec->addr + (uint64_t)plt->used * PLT_ENTRY_SIZE;
	if (write_plt_entry(rc->image + sec->offset + (uint64_t)plt->used * PLT_ENTRY_SIZE, addr, target)) {
		link_reloc_error(rc, site, "target 0x%" PRIx64 " is more than 4 GiB from the PLT at 0x%" PRIx64
				 " (choose a load address near the kernel with --base)", target, addr);
		return 0;
	}
	plt->used++;
	plt->last_target = target;
	return addr;
}

/* ---- The relocation switch ------------------------------------------------ */

static const char *aarch64_reloc_name(uint32_t type)
{
#define N(x) case R_AARCH64_##x: return "R_AARCH64_" #x
	switch (type) {
	case A64_NONE_OLD: return "R_ARM_NONE";
	case A64_NONE: return "R_AARCH64_NONE";
	case A64_PLT32: return "R_AARCH64_PLT32";
	N(ABS64); N(ABS32); N(ABS16); N(PREL64); N(PREL32); N(PREL16);
	N(MOVW_UABS_G0); N(MOVW_UABS_G0_NC); N(MOVW_UABS_G1); N(MOVW_UABS_G1_NC);
	N(MOVW_UABS_G2); N(MOVW_UABS_G2_NC); N(MOVW_UABS_G3);
	N(MOVW_SABS_G0); N(MOVW_SABS_G1); N(MOVW_SABS_G2);
	N(LD_PREL_LO19); N(ADR_PREL_LO21); N(ADR_PREL_PG_HI21); N(ADR_PREL_PG_HI21_NC);
	N(ADD_ABS_LO12_NC); N(LDST8_ABS_LO12_NC); N(TSTBR14); N(CONDBR19); N(JUMP26); N(CALL26);
	N(LDST16_ABS_LO12_NC); N(LDST32_ABS_LO12_NC); N(LDST64_ABS_LO12_NC);
	N(MOVW_PREL_G0); N(MOVW_PREL_G0_NC); N(MOVW_PREL_G1); N(MOVW_PREL_G1_NC);
	N(MOVW_PREL_G2); N(MOVW_PREL_G2_NC); N(MOVW_PREL_G3); N(LDST128_ABS_LO12_NC);
	N(ADR_GOT_PAGE); N(LD64_GOT_LO12_NC); N(RELATIVE);
	default: return NULL;
	}
#undef N
}

/* The field width each type writes: 4 for instructions. */
static unsigned field_width(uint32_t type)
{
	switch (type) {
	case R_AARCH64_ABS64: case R_AARCH64_PREL64: return 8;
	case R_AARCH64_ABS16: case R_AARCH64_PREL16: return 2;
	default: return 4;
	}
}

static int branch26(struct reloc_ctx *rc, const struct reloc_site *site, uint64_t val)
{
	int r = reloc_imm(OP_PREL, site->loc, site->P, val, 2, 26, IMM_26);

	if (r != -ERANGE)
		return r;
	val = emit_plt(rc, site, val);
	if (!val)
		return -ENOEXEC;
	return reloc_imm(OP_PREL, site->loc, site->P, val, 2, 26, IMM_26);
}

/* The kernel's switch in apply_relocate_add(): r is the encoder's verdict,
 * check says whether this type's overflow counts. */
static int apply_type(struct reloc_ctx *rc, const struct reloc_site *site, uint64_t val, bool *check)
{
	uint8_t *loc = site->loc;
	uint64_t P = site->P;

	*check = true;
	switch (site->type) {
	/* data */
	case R_AARCH64_ABS64: *check = false; return reloc_data(OP_ABS, loc, P, val, 64);
	case R_AARCH64_ABS32: return reloc_data(OP_ABS, loc, P, val, 32);
	case R_AARCH64_ABS16: return reloc_data(OP_ABS, loc, P, val, 16);
	case R_AARCH64_PREL64: *check = false; return reloc_data(OP_PREL, loc, P, val, 64);
	case R_AARCH64_PREL32: return reloc_data(OP_PREL, loc, P, val, 32);
	case R_AARCH64_PREL16: return reloc_data(OP_PREL, loc, P, val, 16);
	/* MOVW, unsigned: MOVK or MOVZ as written */
	case R_AARCH64_MOVW_UABS_G0_NC: *check = false; /* fallthrough */
	case R_AARCH64_MOVW_UABS_G0: return reloc_movw(OP_ABS, loc, P, val, 0, MOVKZ);
	case R_AARCH64_MOVW_UABS_G1_NC: *check = false; /* fallthrough */
	case R_AARCH64_MOVW_UABS_G1: return reloc_movw(OP_ABS, loc, P, val, 16, MOVKZ);
	case R_AARCH64_MOVW_UABS_G2_NC: *check = false; /* fallthrough */
	case R_AARCH64_MOVW_UABS_G2: return reloc_movw(OP_ABS, loc, P, val, 32, MOVKZ);
	case R_AARCH64_MOVW_UABS_G3: *check = false; return reloc_movw(OP_ABS, loc, P, val, 48, MOVKZ);
	/* MOVW, signed: MOVZ or MOVN by sign */
	case R_AARCH64_MOVW_SABS_G0: return reloc_movw(OP_ABS, loc, P, val, 0, MOVNZ);
	case R_AARCH64_MOVW_SABS_G1: return reloc_movw(OP_ABS, loc, P, val, 16, MOVNZ);
	case R_AARCH64_MOVW_SABS_G2: return reloc_movw(OP_ABS, loc, P, val, 32, MOVNZ);
	case R_AARCH64_MOVW_PREL_G0_NC: *check = false; return reloc_movw(OP_PREL, loc, P, val, 0, MOVKZ);
	case R_AARCH64_MOVW_PREL_G0: return reloc_movw(OP_PREL, loc, P, val, 0, MOVNZ);
	case R_AARCH64_MOVW_PREL_G1_NC: *check = false; return reloc_movw(OP_PREL, loc, P, val, 16, MOVKZ);
	case R_AARCH64_MOVW_PREL_G1: return reloc_movw(OP_PREL, loc, P, val, 16, MOVNZ);
	case R_AARCH64_MOVW_PREL_G2_NC: *check = false; return reloc_movw(OP_PREL, loc, P, val, 32, MOVKZ);
	case R_AARCH64_MOVW_PREL_G2: return reloc_movw(OP_PREL, loc, P, val, 32, MOVNZ);
	case R_AARCH64_MOVW_PREL_G3: *check = false; return reloc_movw(OP_PREL, loc, P, val, 48, MOVNZ);
	/* immediates */
	case R_AARCH64_LD_PREL_LO19: return reloc_imm(OP_PREL, loc, P, val, 2, 19, IMM_19);
	case R_AARCH64_ADR_PREL_LO21: return reloc_imm(OP_PREL, loc, P, val, 0, 21, IMM_ADR);
	case R_AARCH64_ADR_PREL_PG_HI21_NC: *check = false; /* fallthrough */
	case R_AARCH64_ADR_PREL_PG_HI21: return reloc_imm(OP_PAGE, loc, P, val, 12, 21, IMM_ADR);
	case R_AARCH64_ADD_ABS_LO12_NC:
	case R_AARCH64_LDST8_ABS_LO12_NC: *check = false; return reloc_imm(OP_ABS, loc, P, val, 0, 12, IMM_12);
	case R_AARCH64_LDST16_ABS_LO12_NC: *check = false; return reloc_imm(OP_ABS, loc, P, val, 1, 11, IMM_12);
	case R_AARCH64_LDST32_ABS_LO12_NC: *check = false; return reloc_imm(OP_ABS, loc, P, val, 2, 10, IMM_12);
	case R_AARCH64_LDST64_ABS_LO12_NC: *check = false; return reloc_imm(OP_ABS, loc, P, val, 3, 9, IMM_12);
	case R_AARCH64_LDST128_ABS_LO12_NC: *check = false; return reloc_imm(OP_ABS, loc, P, val, 4, 8, IMM_12);
	case R_AARCH64_TSTBR14: return reloc_imm(OP_PREL, loc, P, val, 2, 14, IMM_14);
	case R_AARCH64_CONDBR19: return reloc_imm(OP_PREL, loc, P, val, 2, 19, IMM_19);
	case R_AARCH64_JUMP26:
	case R_AARCH64_CALL26: return branch26(rc, site, val);
	default: return -ENOSYS;	/* excluded by supported() */
	}
}

/* Named above but refused by the kernel: GOT, PLT32 and dynamic types. */
static bool supported(uint32_t type)
{
	return aarch64_reloc_name(type) && type != R_AARCH64_ADR_GOT_PAGE &&
	       type != R_AARCH64_LD64_GOT_LO12_NC && type != A64_PLT32 &&
	       type != R_AARCH64_RELATIVE;
}

static int aarch64_apply_one(struct reloc_ctx *rc, const struct reloc_site *site)
{
	uint64_t val = site->S + (uint64_t)site->A;
	bool check;
	int r;

	if (site->type == A64_NONE_OLD || site->type == A64_NONE)
		return 0;
	if (!supported(site->type))
		return link_reloc_error(rc, site, "unsupported relocation type %" PRIu32
					" (the kernel's module loader does not apply it)", site->type);
	r = link_check_room(rc, site, field_width(site->type));
	if (r)
		return r;
	r = apply_type(rc, site, val, &check);
	if (r == -ERANGE && check)
		return link_reloc_error(rc, site, "value 0x%" PRIx64 " out of range for the field", val);
	return r == -ERANGE ? 0 : r;
}

/* Applies a section in the order frob left it in (sorted branches first
 * for sections patching code), as the kernel does. */
static int aarch64_apply_section(struct reloc_ctx *rc, size_t relsec)
{
	struct a64_state *st = rc->arch_state;
	size_t n = elf_reloc_count(rc->elf, relsec);
	int err = 0;

	if (!st || !st->order[relsec])
		return link_apply_section_in_order(rc, relsec);
	for (size_t k = 0; k < n; k++) {
		struct reloc_site site;
		int r = link_site(rc, relsec, st->order[relsec][k], &site);

		if (!r)
			r = aarch64_apply_one(rc, &site);
		if (r && !err)
			err = r;
	}
	return err;
}

const struct arch_ops arch_aarch64 = {
	.reloc_section = SHT_RELA,
	.frob_sections = aarch64_frob,
	.apply_section = aarch64_apply_section,
	.apply_one = aarch64_apply_one,
	.reloc_name = aarch64_reloc_name,
	.release = aarch64_release,
};
