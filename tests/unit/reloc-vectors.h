/* Table-driven relocation vectors, shared by the per-architecture tests:
 * each applies one relocation to a field and checks the bytes after it, or
 * that it is refused.  Values are worked out by hand from the psABI and the
 * kernel's rules (see each test file), not taken from the code under test. */
#ifndef RELOC_VECTORS_H
#define RELOC_VECTORS_H

#include "arch/arch.h"
#include "machine.h"
#include "check.h"
#include "log.h"

#include <elf.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

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

	unsigned w = machine_of_arch(arch)->is64 ? 8 : 4;

	put_le(buf, v->width, v->before);
	put_le(entry, w, 0);						/* r_offset */
	put_le(entry + w, w, machine_of_arch(arch)->is64 ? (uint64_t)1 << 32 | v->type : 1u << 8 | v->type);	/* r_info */
	if (arch->reloc_section == SHT_RELA)
		put_le(entry + 2 * w, w, (uint64_t)v->A);		/* r_addend */
	done = arch->apply_quick(&q, 0, 1);
	if (done == 0)
		CHECK(get_le(buf, v->width) == v->before, "%s quick: %s is left to apply_one untouched",
		      machine_of_arch(arch)->name, v->what);
	else
		CHECK(done == 1 && !v->fails && get_le(buf, v->width) == v->after,
		      "%s quick: %s (got 0x%" PRIx64 ")", machine_of_arch(arch)->name, v->what, get_le(buf, v->width));
}

/* ---- apply_quick against apply_one, every type --------------------------- */

/* The vectors check the types someone thought of; this compares the two
 * ways on every type number an entry can hold (i386's r_info has 8 bits;
 * every type x86_64 knows is below 256 too), so that apply_quick cannot
 * take on a type, or lose a check, without agreeing with apply_one.  The
 * cases vary what the arch files test: the field's old contents, a value
 * in or out of 32-bit range, and the room left in the section. */
struct sweep_case {
	uint64_t P, S;
	int64_t A;
	uint8_t fill;		/* every byte of the field before */
	unsigned room;
};

static const struct sweep_case sweep_cases[] = {
	{ 0xffffffffc0001000ull, 0xffffffffc0002000ull, -4, 0, 16 },	/* module to module */
	{ 0xffffffffc0001000ull, 0xffffffff81000000ull, 8, 0, 16 },	/* module to kernel */
	{ 0x12340000, 0x12340100, 0, 0, 16 },				/* low addresses */
	{ 0, 0x80000000, 0, 0, 16 },					/* just past 32S */
	{ 0, 0xffff888000000000ull, 0, 0, 16 },				/* direct map */
	{ 0x1000, 0x2000, 0x10, 0x5a, 16 },				/* field not zero */
	{ 0x1000, 0x2000, 0, 0, 8 }, { 0x1000, 0x2000, 0, 0, 7 },	/* room */
	{ 0x1000, 0x2000, 0, 0, 4 }, { 0x1000, 0x2000, 0, 0, 3 },
	{ 0x1000, 0x2000, 0, 0, 1 },
};

/* One type in one case: 0 when both ways agree, else 1 (and a FAIL line). */
static int sweep_one(const struct arch_ops *arch, uint32_t type, const struct sweep_case *c,
		     bool *applied)
{
	uint8_t quick[16], one[16], before[16], entry[24], lost[2] = { 0, 0 };
	uint64_t symval[2] = { 0, c->S };
	unsigned w = machine_of_arch(arch)->is64 ? 8 : 4;
	struct reloc_quick q = {
		.entries = entry, .limit = c->room, .loc = quick, .addr = c->P, .size = c->room,
		.symval = symval, .symlost = lost, .nsymbols = 2,
	};
	struct reloc_ctx rc = { .arch = arch };
	struct reloc_site site = { .type = type, .loc = one, .room = c->room, .P = c->P, .S = c->S };
	size_t done;
	int r;

	memset(before, c->fill, sizeof(before));
	memcpy(quick, before, sizeof(quick));
	memcpy(one, before, sizeof(one));
	put_le(entry, w, 0);							/* r_offset */
	put_le(entry + w, w, machine_of_arch(arch)->is64 ? (uint64_t)1 << 32 | type : 1u << 8 | type);	/* r_info */
	if (arch->reloc_section == SHT_RELA) {
		put_le(entry + 2 * w, w, (uint64_t)c->A);
		site.A = c->A;
	} else {
		put_le(quick, 4, get_le(quick, 4) + (uint64_t)c->A);	/* REL: the addend is in the field */
		memcpy(one, quick, sizeof(one));
		memcpy(before, quick, sizeof(before));
	}
	done = arch->apply_quick(&q, 0, 1);
	r = arch->apply_one(&rc, &site);
	*applied = done == 1;
	if (done == 0 && memcmp(quick, before, sizeof(quick)) == 0)
		return 0;
	if (done == 1 && r == 0 && memcmp(quick, one, sizeof(quick)) == 0)
		return 0;
	CHECK(0, "%s: type %" PRIu32 " (P 0x%" PRIx64 " S 0x%" PRIx64 " A %" PRId64 " fill 0x%02x room %u):"
	      " apply_quick %s, apply_one %s", machine_of_arch(arch)->name, type, c->P, c->S, c->A, c->fill, c->room,
	      done == 0 ? "left it but changed the field" : done == 1 ? "applied it" : "returned nonsense",
	      r ? "refused it" : "wrote other bytes");
	return 1;
}

/* Every type in every case; names the types apply_quick applied, so that
 * a quick pass that applies nothing shows. */
static void sweep_quick(const struct arch_ops *arch)
{
	char types[256] = "";
	size_t len = 0;
	int bad = 0, pairs = 0;

	for (uint32_t type = 0; type < 256; type++) {
		bool any = false;

		for (size_t k = 0; k < sizeof(sweep_cases) / sizeof(sweep_cases[0]); k++) {
			bool applied;

			bad += sweep_one(arch, type, &sweep_cases[k], &applied);
			any |= applied;
			pairs++;
		}
		if (any && len + 12 < sizeof(types))
			len += (size_t)snprintf(types + len, sizeof(types) - len, " %s",
						arch->reloc_name(type) ? arch->reloc_name(type) : "?");
	}
	CHECK(bad == 0 && len > 0, "%s: apply_quick agrees with apply_one on all 256 types in %d cases each"
	      " (%d type-cases); it applies:%s", machine_of_arch(arch)->name, pairs / 256, pairs, types);
}

static void run_vectors(const struct arch_ops *arch, const struct reloc_vec *v, size_t n)
{
	log_setup(LOG_TO_NOWHERE, 0, true);
	for (size_t i = 0; arch->apply_quick && i < n; i++)
		run_quick(arch, &v[i]);
	if (arch->apply_quick)
		sweep_quick(arch);
	for (size_t i = 0; i < n; i++) {
		uint8_t buf[16] = { 0 };
		struct reloc_ctx rc = { .arch = arch };
		struct reloc_site site = {
			.type = v[i].type, .loc = buf, .room = v[i].room ? v[i].room : v[i].width,
			.P = v[i].P, .S = v[i].S, .A = v[i].A,
		};
		int r;

		put_le(buf, v[i].width, v[i].before);
		r = arch->apply_one(&rc, &site);
		if (v[i].fails) {
			CHECK(r < 0, "%s: %s is refused", machine_of_arch(arch)->name, v[i].what);
		} else {
			uint64_t got = get_le(buf, v[i].width);

			CHECK(r == 0 && got == v[i].after, "%s: %s (got 0x%" PRIx64 ", r=%d)", machine_of_arch(arch)->name,
			      v[i].what, got, r);
		}
	}
}

#endif
