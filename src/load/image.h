/* A private copy of a module's ELF image that insmod changes before
 * handing it to init_module(2): renamed, stripped of version data for a
 * forced load.  The copy never includes the signature trailer: a changed
 * image could not keep a valid signature, and a present but invalid one is
 * fatal (EKEYREJECTED) where a missing one is not. */
#ifndef INSMOD_IMAGE_H
#define INSMOD_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "elf.h"

struct module_image {
	const struct elf_file *elf;	/* the parsed original */
	uint8_t *data;
	size_t len;
};

int image_copy(struct module_image *img, const struct elf_file *elf);
void image_release(struct module_image *img);

/* Puts NAME in struct module and in .modinfo's name=.  Logs, -errno. */
int image_rename(struct module_image *img, const char *name);
/* What the kernel's MODULE_INIT_IGNORE_MODVERSIONS and _VERMAGIC do,
 * for init_module(2), which has no flags: __versions loses SHF_ALLOC (the
 * kernel then finds no version table) and vermagic= is blanked. */
void image_strip_versions(struct module_image *img);
void image_strip_vermagic(struct module_image *img);

/* Section IDX's contents as they are in the copy now (an earlier change
 * may have moved them), and their size; NULL if out of range. */
uint8_t *image_section_now(struct module_image *img, size_t idx, size_t *size);

/* Replaces section IDX's contents with bytes[0..n), placed at the end of
 * the image; the old bytes stay where they were, unreferenced. */
int image_replace_section(struct module_image *img, size_t idx,
			  const void *bytes, size_t n);

#endif
