/* Table-driven relocation vectors, shared by the per-architecture tests:
 * each applies one relocation to a field and checks the bytes after it, or
 * that it is refused.  Values are worked out by hand from the psABI and the
 * kernel's rules (see each test file), not taken from the code under test. */
#ifndef RELOC_VECTORS_H
#define RELOC_VECTORS_H

#include "arch/arch.h"
#include "check.h"
#include "log.h"

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

static void run_vectors(const struct arch_ops *arch, const struct reloc_vec *v, size_t n)
{
	log_setup(LOG_TO_NOWHERE, 0, true);
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
