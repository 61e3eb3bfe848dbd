/* The -m load map's format, shared by the modern linker (map.c) and the
 * 2.0/2.4-era one (mod24/obj24.c): the original insmod's print_load_map
 * of modutils 2.4,
 *
 *   Sections:       Size      Address           Align
 *   .text           000001c4  0000000012340380  2**4
 *
 *   Symbols:
 *   0000000012340380 t helper
 *
 * with addresses as wide as the target's pointers (width 8 or 16). */
#ifndef INSMOD_MAP_H
#define INSMOD_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where a symbol is, for its type letter. */
enum map_where { MAP_UNDEFINED, MAP_ABSOLUTE, MAP_IN_SECTION };

/* The letter: U undefined, A absolute; in a section of this ELF type and
 * flags B (NOBITS; the original said so only of .bss), T (executable), D
 * (writable) or R; lower case for a local symbol. */
char map_letter(enum map_where where, uint32_t sec_type, uint64_t sec_flags, bool local);

void map_print_sections_header(int width);
void map_print_section(int width, const char *name, uint64_t size, uint64_t addr, uint64_t align);

/* One line of the symbol part.  index orders symbols of the same value
 * (their symbol-table order), so that the map is stable. */
struct map_symbol {
	uint64_t value;
	size_t index;
	const char *name;
	char letter;
};

/* The blank line, "Symbols:" and the symbols sorted by value (then
 * index); each value printed is cut to the width. */
void map_print_symbols(int width, struct map_symbol *v, size_t n);

#endif
