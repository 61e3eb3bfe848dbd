/* Table-driven relocation vectors, shared by the per-architecture tests:
 * each applies one relocation to a field and checks the bytes after it, or
 * that it is refused.  Values are worked out by hand from the psABI and the
 * kernel's rules (see each test file), not taken from the code under test. */
#ifndef RELOC_VECTORS_H
#define RELOC_VECTORS_H

#include "arch/arch.h"
#include "check.h"
#include "log.h"

#include <elf.h>
#include <inttypes.h>

struct reloc_vec {
	const char *what;
	uint32_t type;
	uint64_t P, S;
	int64_t A;
	unsigned width;		/* bytes of the field */
	uint64_t before, after;
	int fails;		/* 1: must be refused */
	unsigned room;		/* bytes left in the section; 0 means width */
};

/* An arch's quick pass on the vector as a one-entry section (of the
 * arch's ELF class and REL or RELA kind) against symbol 1: it either applies the
 * entry and writes exactly what the vector expects, or leaves it (returns
 * 0) untouched for apply_one, as it must whenever the vector is refused. */
static void run_quick(const struct arch_ops *arch, const struct reloc_vec *v)
{
	uint8_t buf[16] = { 0 }, entry[24], lost[2] = { 0, 0 };
	uint64_t symval[2] = { 0, v->S }, room = v->room ? v->room : v->width;
	struct reloc_quick q = {
		.entries = entry, .limit = room, .loc = buf, .addr = v->P, .size = room,
		.symval = symval, .symlost = lost, .nsymbols = 2,
	};
	size_t done;

	unsigned w = arch->is64 ? 8 : 4;

	put_le(buf, v->width, v->before);
	put_le(entry, w, 0);						/* r_offset */
	put_le(entry + w, w, arch->is64 ? (uint64_t)1 << 32 | v->type : 1u << 8 | v->type);	/* r_info */
	if (arch->reloc_section == SHT_RELA)
		put_le(entry + 2 * w, w, (uint64_t)v->A);		/* r_addend */
	done = arch->apply_quick(&q, 0, 1);
	if (done == 0)
		CHECK(get_le(buf, v->width) == v->before, "%s quick: %s is left to apply_one untouched",
		      arch->name, v->what);
	else
		CHECK(done == 1 && !v->fails && get_le(buf, v->width) == v->after,
		      "%s quick: %s (got 0x%" PRIx64 ")", arch->name, v->what, get_le(buf, v->width));
}

static void run_vectors(const struct arch_ops *arch, const struct reloc_vec *v, size_t n)
{
	log_setup(LOG_TO_NOWHERE, 0, true);
	for (size_t i = 0; arch->apply_quick && i < n; i++)
		run_quick(arch, &v[i]);
	for (size_t i = 0; i < n; i++) {
		uint8_t buf[16] = { 0 };
		struct linker lk = { .arch = arch };
		struct reloc_site site = {
			.type = v[i].type, .loc = buf, .room = v[i].room ? v[i].room : v[i].width,
			.P = v[i].P, .S = v[i].S, .A = v[i].A,
		};
		int r;

		put_le(buf, v[i].width, v[i].before);
		r = arch->apply_one(&lk, &site);
		if (v[i].fails) {
			CHECK(r < 0, "%s: %s is refused", arch->name, v[i].what);
		} else {
			uint64_t got = get_le(buf, v[i].width);

			CHECK(r == 0 && got == v[i].after, "%s: %s (got 0x%" PRIx64 ", r=%d)", arch->name,
			      v[i].what, got, r);
		}
	}
}

#endif
