/* The kernel's version magic rule, shared by a real load (checks.c) and
 * the linker's -p/-n/-m/-O (link-version.c), so that both accept and
 * refuse the same modules. */
#ifndef INSMOD_VERMAGIC_H
#define INSMOD_VERMAGIC_H

#include <stdbool.h>
#include <stddef.h>

enum vermagic_verdict {
	VERMAGIC_SAME,		/* as the kernel's */
	VERMAGIC_OTHER_RELEASE,	/* another release, but symbol versions decide: accepted, warn */
	VERMAGIC_BAD_MAGIC,	/* the part the kernel compares differs: refused */
	VERMAGIC_BAD_RELEASE,	/* another release and no symbol versions: refused */
};

/* Judges the module's vermagic (magic, len) as the kernel would: from the
 * first space onward when the module has symbol versions (has_crcs),
 * whole otherwise.  ref is the kernel's own vermagic when known (from a
 * module installed for the release, link_reference_vermagic), else NULL:
 * then only the release is compared.  Writes a message for anything but
 * VERMAGIC_SAME into msg[size], starting with path. */
enum vermagic_verdict vermagic_judge(const char *path, const char *magic, size_t len, const char *ref,
				     const char *release, bool has_crcs, char *msg, size_t size);

/* The vermagic of the first module ROOT/lib/modules/RELEASE/modules.dep
 * lists (a malloc'd string), or NULL. */
char *link_reference_vermagic(const char *root, const char *release);

#endif
