/* The -m load map, in the original insmod's format (print_load_map in
 * modutils 2.4):
 *
 *   Sections:       Size      Address           Align
 *   .text           000001c4  0000000012340380  2**4
 *
 *   Symbols:
 *   0000000012340380 t helper
 *
 * Sections in load order; symbols sorted by address (ties in symbol-table
 * order, so the output is stable), addresses as wide as the target's
 * pointers.  Type letters T D R B A U, lower case for local symbols; unlike
 * the original, symbols of NOBITS sections print as B. */
#include "util.h"
#include "link-int.h"
#include "log.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

struct map_sym {
	uint64_t value;
	uint32_t index;
	char type;
};

static int by_address(const void *a, const void *b)
{
	const struct map_sym *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* The letter for a symbol, or 0 to leave it out of the map. */
static char type_letter(const struct linker *lk, const struct elf_symbol *s)
{
	char c;

	if (s->type == STT_FILE)
		return 0;
	if (s->shndx == SHN_UNDEF)
		c = 'U';
	else if (s->shndx == SHN_ABS)
		c = 'A';
	else if (s->shndx >= SHN_LORESERVE || !lk->secs[s->shndx].placed)
		return 0;
	else if (lk->secs[s->shndx].type == SHT_NOBITS)
		c = 'B';
	else if (lk->secs[s->shndx].flags & SHF_EXECINSTR)
		c = 'T';
	else if (lk->secs[s->shndx].flags & SHF_WRITE)
		c = 'D';
	else
		c = 'R';
	if (s->bind == STB_LOCAL)
		c = (char)(c - 'A' + 'a');
	return c;
}

static void print_sections(const struct linker *lk, int width)
{
	size_t *order, n;

	log_output("Sections:       Size      %-*s  Align", width, "Address");
	if (link_load_order(lk, &order, &n))
		return;
	for (size_t k = 0; k < n; k++) {
		const struct link_sec *s = &lk->secs[order[k]];

		log_output("%-15s %08" PRIx64 "  %0*" PRIx64 "  2**%u", lk->elf->sections[order[k]].name,
			   s->size, width, s->addr, log2_floor(s->align));
	}
	free(order);
}

int link_print_map(const struct linker *lk)
{
	const struct elf_file *elf = lk->elf;
	int width = elf->is64 ? 16 : 8;
	uint64_t mask = elf->is64 ? UINT64_MAX : UINT32_MAX;
	struct map_sym *v = malloc((elf->nsymbols ? elf->nsymbols : 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 1; i < elf->nsymbols; i++) {
		struct elf_symbol s;

		elf_symbol(elf, i, &s);
		if (!s.name[0] && s.type != STT_SECTION)
			continue;
		v[n].type = type_letter(lk, &s);
		if (!v[n].type)
			continue;
		v[n].value = lk->symval[i] & mask;
		v[n].index = (uint32_t)i;
		n++;
	}
	qsort(v, n, sizeof(*v), by_address);
	print_sections(lk, width);
	log_output("%s", "");
	log_output("Symbols:");
	for (size_t k = 0; k < n; k++)
		log_output("%0*" PRIx64 " %c %s", width, v[k].value, v[k].type,
			   link_symbol_name(lk, v[k].index));
	free(v);
	return 0;
}
