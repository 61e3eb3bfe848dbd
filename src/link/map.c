/* The -m load map (map.h): its format, shared by both eras, and the
 * modern linker's.  Sections in load order; symbols sorted by address
 * (ties in symbol-table order, so the output is stable), addresses as
 * wide as the target's pointers.  Type letters T D R B A U, lower case for
 * local symbols; unlike the original, symbols of NOBITS sections print as
 * B. */
#include "map.h"
#include "util.h"
#include "link-int.h"
#include "log.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

/* ---- The format ------------------------------------------------------------ */

char map_letter(enum map_where where, uint32_t sec_type, uint64_t sec_flags, bool local)
{
	char c;

	if (where == MAP_UNDEFINED)
		c = 'U';
	else if (where == MAP_ABSOLUTE)
		c = 'A';
	else if (sec_type == SHT_NOBITS)
		c = 'B';
	else if (sec_flags & SHF_EXECINSTR)
		c = 'T';
	else if (sec_flags & SHF_WRITE)
		c = 'D';
	else
		c = 'R';
	return local ? (char)(c - 'A' + 'a') : c;
}

void map_print_sections_header(int width)
{
	log_output("Sections:       Size      %-*s  Align", width, "Address");
}

void map_print_section(int width, const char *name, uint64_t size, uint64_t addr, uint64_t align)
{
	log_output("%-15s %08" PRIx64 "  %0*" PRIx64 "  2**%u", name, size, width, addr, log2_floor(align));
}

static int by_value(const void *a, const void *b)
{
	const struct map_symbol *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

void map_print_symbols(int width, struct map_symbol *v, size_t n)
{
	uint64_t mask = width > 8 ? UINT64_MAX : UINT32_MAX;

	qsort(v, n, sizeof(*v), by_value);
	log_output("%s", "");
	log_output("Symbols:");
	for (size_t k = 0; k < n; k++)
		log_output("%0*" PRIx64 " %c %s", width, v[k].value & mask, v[k].letter, v[k].name);
}

/* ---- The modern linker's map ----------------------------------------------- */

/* The letter for a symbol, or 0 to leave it out of the map. */
static char type_letter(const struct linker *lk, const struct elf_symbol *s)
{
	const struct link_sec *sec;

	if (s->type == STT_FILE)
		return 0;
	if (s->shndx == SHN_UNDEF || s->shndx == SHN_ABS)
		return map_letter(s->shndx == SHN_UNDEF ? MAP_UNDEFINED : MAP_ABSOLUTE, 0, 0,
				  s->bind == STB_LOCAL);
	if (s->shndx >= SHN_LORESERVE || !lk->rc.secs[s->shndx].placed)
		return 0;
	sec = &lk->rc.secs[s->shndx];
	return map_letter(MAP_IN_SECTION, sec->type, sec->flags, s->bind == STB_LOCAL);
}

static void print_sections(const struct linker *lk, int width)
{
	size_t *order, n;

	map_print_sections_header(width);
	if (link_load_order(lk, &order, &n))
		return;
	for (size_t k = 0; k < n; k++) {
		const struct link_sec *s = &lk->rc.secs[order[k]];

		map_print_section(width, lk->rc.elf->sections[order[k]].name, s->size, s->addr, s->align);
	}
	free(order);
}

int link_print_map(const struct linker *lk)
{
	const struct elf_file *elf = lk->rc.elf;
	int width = elf->is64 ? 16 : 8;
	uint64_t mask = elf->is64 ? UINT64_MAX : UINT32_MAX;
	struct map_symbol *v = malloc((elf->nsymbols ? elf->nsymbols : 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 1; i < elf->nsymbols; i++) {
		struct elf_symbol s;

		elf_symbol(elf, i, &s);
		if (!s.name[0] && s.type != STT_SECTION)
			continue;
		v[n].letter = type_letter(lk, &s);
		if (!v[n].letter)
			continue;
		v[n].value = lk->rc.symval[i] & mask;
		v[n].index = i;
		v[n].name = link_symbol_name(&lk->rc, (uint32_t)i);
		n++;
	}
	print_sections(lk, width);
	map_print_symbols(width, v, n);
	free(v);
	return 0;
}
