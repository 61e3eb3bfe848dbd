/* The interface between the generic module linker (link.c, layout.c) and
 * the code of one architecture (src/link/arch/NAME.c).
 *
 * The generic linker resolves symbols, lays the sections out, computes for
 * every relocation its place in the image (loc), its run-time address (P),
 * the symbol's value (S) and the addend (A, explicit for RELA; for REL the
 * arch file decodes it from the field), and hands each one to the arch
 * file, which knows only its own relocation types.  An arch file is chosen
 * at run time from e_machine, so one binary links modules of every
 * supported architecture.
 *
 * An arch file sees only struct reloc_ctx: the image, the section table,
 * the symbols' values, its own state, the byte order and the error
 * helpers.  The linker's own state (struct linker, link-int.h) stays out
 * of reach, so the 2.4 linker (src/mod24/obj24.c) drives the same arch
 * files with a context of its own.  Which arch file serves which machine,
 * class and byte order is the table in machine.c.
 *
 * Rules for arch files: every write narrower than 64 bits is range-checked
 * the way the kernel's own loader checks it (and no further); an unknown
 * type is a hard error; every error goes through link_reloc_error(), which
 * names the type, section, offset and symbol.  Functions return 0 or
 * -errno. */
#ifndef INSMOD_ARCH_H
#define INSMOD_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <endian.h>
#include <stdint.h>
#include <string.h>

#include "elf.h"

struct arch_ops;

/* One relocation entry, with what every architecture needs computed once.
 * loc and P are kept apart on purpose: loc is where we write (in our
 * buffer), P is where the field will run. */
struct reloc_site {
	size_t relsec;		/* index of the SHT_REL/SHT_RELA section */
	size_t index;		/* entry number within it */
	size_t target;		/* section being patched */
	uint32_t type;
	uint32_t sym;		/* symbol index */
	uint64_t offset;	/* r_offset within the target section */
	uint8_t *loc;		/* the field in the image */
	uint64_t room;		/* bytes from loc to the end of the target */
	uint64_t P;		/* run-time address of the field */
	uint64_t S;		/* symbol value (resolved, laid out) */
	int64_t A;		/* r_addend (RELA); 0 for REL */
};

/* Where one section goes: the side table, so the ELF headers stay
 * untouched.  type/flags/size/align start as the file's and may be
 * changed by frob_sections (e.g. arm64 .plt becomes NOBITS of a computed
 * size). */
struct link_sec {
	uint32_t type;
	uint64_t flags;
	uint64_t size;
	uint64_t align;
	bool placed;		/* part of the image */
	bool init;		/* in the .init* part */
	uint64_t offset;	/* within the image */
	uint64_t addr;		/* run-time address */
};
/* What an arch file may see and change while a module is relocated.  The
 * arrays belong to whoever links (link.c, or obj24.c for a 2.4 object),
 * which fills the context in as each part becomes ready: elf, secs, the
 * symbols and the byte order before frob_sections; the image and the
 * init range before relocation. */
struct reloc_ctx {
	const struct arch_ops *arch;
	const struct elf_file *elf;	/* sections, symbols, relocations; NULL in unit tests */
	struct link_sec *secs;		/* elf->nsections entries */
	uint8_t *image;			/* the whole image, one allocation */
	uint64_t *symval;		/* S for every symbol index */
	uint8_t *symlost;		/* 1: defined in a section that is not loaded */
	uint64_t init_start, init_end;	/* the .init* part, [start, end) addresses; 0 0: none */
	bool big_endian;		/* the module's byte order, for reloc_get/reloc_put */
	void *arch_state;		/* owned by the arch file */
	/* for messages (link_reloc_error) */
	const char *path;		/* the module's file; NULL: "module" */
	bool era24;			/* a 2.4 object: insmod, not the kernel, refuses */
	unsigned errors;		/* relocation errors reported so far */
};

/* One relocation section as apply_quick sees it: the entries as they are
 * in the file, and the target section's place. */
struct reloc_quick {
	const uint8_t *entries;		/* entry i at entries + i * entry size */
	uint64_t limit;			/* r_offset beyond this: not a valid entry */
	uint8_t *loc;			/* the target section in the image */
	uint64_t addr, size;		/* its run-time address and size there */
	const uint64_t *symval;		/* as in struct reloc_ctx */
	const uint8_t *symlost;
	size_t nsymbols;
};

struct arch_ops {
	uint32_t reloc_section;	/* SHT_REL or SHT_RELA: the only kind the kernel applies */

	/* Before layout: size or create what the kernel's
	 * module_frob_arch_sections() would (PLTs, GOTs, veneers), by changing
	 * the side table (rc->secs).  May be NULL. */
	int (*frob_sections)(struct reloc_ctx *rc);

	/* Applies relocation section relsec, entry by entry.  May be NULL:
	 * the generic loop (link_apply_section_in_order) then calls
	 * apply_one for each entry in file order, and for a large module on
	 * two threads at once (each thread owning whole target sections): so
	 * without this hook apply_one must keep no state outside the field
	 * it writes.  An arch with state (PLTs) provides the hook and is run
	 * on one thread, in the order it chooses. */
	int (*apply_section)(struct reloc_ctx *rc, size_t relsec);

	/* Applies one entry.  rc may have no ELF file (unit tests): use only
	 * the site, and link_reloc_error() for messages. */
	int (*apply_one)(struct reloc_ctx *rc, const struct reloc_site *site);

	/* Optional, for speed: applies entries [i, n) of one section in
	 * order, straight from the file's bytes, for as long as each is a
	 * common case that needs no message, and returns the index of the
	 * first one it leaves (n when none).  The generic loop hands that
	 * one to apply_one, messages and all, and calls again from the next.
	 * It must write exactly what apply_one would.  Used with the
	 * generic loop only (no apply_section). */
	size_t (*apply_quick)(const struct reloc_quick *q, size_t i, size_t n);

	/* "R_X86_64_PC32", or NULL for a type this file does not know. */
	const char *(*reloc_name)(uint32_t type);

	/* Undefined symbols the kernel tolerates without resolving them
	 * (x86: _GLOBAL_OFFSET_TABLE_).  May be NULL. */
	bool (*ignore_undefined)(const char *name);

	/* Frees what frob_sections allocated (rc->arch_state).  May be NULL. */
	void (*release)(struct reloc_ctx *rc);
};

/* The arch files; machine.c says which serves which machine. */
extern const struct arch_ops arch_x86_64;
extern const struct arch_ops arch_i386;
extern const struct arch_ops arch_aarch64;



/* Helpers for arch files (link.c, link-reloc.c). */

/* Fills *site for entry i of relocation section relsec. */
int link_site(struct reloc_ctx *rc, size_t relsec, size_t i, struct reloc_site *site);
/* The generic per-section loop in file order. */
int link_apply_section_in_order(struct reloc_ctx *rc, size_t relsec);
/* Checks that a field of width bytes fits at site->loc; logs and returns
 * -ENOEXEC if not. */
int link_check_room(struct reloc_ctx *rc, const struct reloc_site *site, unsigned width);
/* Checks lo <= val <= hi for a field; if not, logs the value and the
 * range the field takes ("value 0x80 is out of range [-0x80, 0x7f] for
 * the field", then why in brackets when not NULL) and returns -ENOEXEC.
 * A range with lo >= 0 is shown unsigned. */
int link_check_range(struct reloc_ctx *rc, const struct reloc_site *site, int64_t val,
		     int64_t lo, int64_t hi, const char *why);
/* Who refuses a relocation: "the kernel" for a 2.6+ module, "insmod" for a
 * 2.4 object, which insmod relocates itself. */
const char *link_judge(const struct reloc_ctx *rc);
/* Logs "FILE: relocation TYPE at SECTION+0xOFF against SYMBOL: MESSAGE"
 * and returns -ENOEXEC. */
int link_reloc_error(struct reloc_ctx *rc, const struct reloc_site *site,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The module's file name, for messages. */
const char *link_module_path(const struct reloc_ctx *rc);
/* The name of symbol i for messages ("" never: section symbols are named
 * after their section). */
const char *link_symbol_name(const struct reloc_ctx *rc, uint32_t sym);

/* Field access in either byte order.  The common widths without a byte
 * loop: these run for every relocation. */
static inline uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	uint32_t v4;

	if (n == 8) {
		memcpy(&v, p, 8);
		return le64toh(v);
	}
	if (n == 4) {
		memcpy(&v4, p, 4);
		return le32toh(v4);
	}
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static inline void put_le(uint8_t *p, unsigned n, uint64_t v)
{
	if (n == 8) {
		uint64_t x = htole64(v);

		memcpy(p, &x, 8);
		return;
	}
	if (n == 4) {
		uint32_t x = htole32((uint32_t)v);

		memcpy(p, &x, 4);
		return;
	}
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t get_be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	uint32_t v4;

	if (n == 8) {
		memcpy(&v, p, 8);
		return be64toh(v);
	}
	if (n == 4) {
		memcpy(&v4, p, 4);
		return be32toh(v4);
	}
	for (unsigned i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static inline void put_be(uint8_t *p, unsigned n, uint64_t v)
{
	if (n == 8) {
		uint64_t x = htobe64(v);

		memcpy(p, &x, 8);
		return;
	}
	if (n == 4) {
		uint32_t x = htobe32((uint32_t)v);

		memcpy(p, &x, 4);
		return;
	}
	for (unsigned i = n; i-- > 0; v >>= 8)
		p[i] = (uint8_t)v;
}

/* In the module's byte order: for an arch file that serves both (mips,
 * ppc64); one of a single order calls get_le/put_le or get_be/put_be. */
static inline uint64_t reloc_get(const struct reloc_ctx *rc, const uint8_t *p, unsigned n)
{
	return rc->big_endian ? get_be(p, n) : get_le(p, n);
}

static inline void reloc_put(const struct reloc_ctx *rc, uint8_t *p, unsigned n, uint64_t v)
{
	if (rc->big_endian)
		put_be(p, n, v);
	else
		put_le(p, n, v);
}

#endif
