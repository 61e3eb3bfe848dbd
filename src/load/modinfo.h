/* What a module says about itself: .modinfo key=value strings, its name,
 * and its __versions table. */
#ifndef INSMOD_MODINFO_H
#define INSMOD_MODINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf.h"

/* One value: not NUL-terminated in general (the last string of a
 * malformed section may run to its end), so always with its length. */
struct modinfo_value {
	const char *str;
	size_t len;
};

/* The first value of KEY, or false. */
bool modinfo_get(const struct elf_file *elf, const char *key,
		 struct modinfo_value *out);
/* Iterates over every value of KEY: start with *pos = 0. */
bool modinfo_next(const struct elf_file *elf, const char *key, size_t *pos,
		  struct modinfo_value *out);
/* A malloc'ed, NUL-terminated copy of the first value of KEY, or NULL. */
char *modinfo_dup(const struct elf_file *elf, const char *key);
/* Is the first value of KEY exactly one of the n strings of list? */
bool modinfo_is_one_of(const struct elf_file *elf, const char *key, const char *const *list, size_t n);

/* Where struct module keeps its name inside .gnu.linkonce.this_module, and
 * how long the field is (MODULE_NAME_LEN = 64 - sizeof(long)). */
size_t module_name_offset(const struct elf_file *elf);
size_t module_name_capacity(const struct elf_file *elf);

/* The module's name: .modinfo name=, else the name inside
 * .gnu.linkonce.this_module, else NULL.  malloc'ed. */
char *module_name(const struct elf_file *elf);

/* The release a vermagic string names: its first word.  malloc'ed. */
char *vermagic_release(const char *vermagic, size_t len);

/* __versions: entries of 64 bytes, a CRC as wide as a pointer, then the
 * name.  Number of entries, and entry i (name NUL-terminated within the
 * entry, else "" is returned). */
size_t modversions_count(const struct elf_file *elf);
void modversions_entry(const struct elf_file *elf, size_t i, uint32_t *crc,
		       const char **name, size_t *name_len);

#endif
