/* The 2.4 object model's last steps: common symbols given a place, the
 * sections laid out in the original's load order, the image built and
 * relocated through the arch files (arch/), and its load map (-m). */
#include "mod24-int.h"
#include "arch/arch.h"
#include "machine.h"
#include "link.h"
#include "log.h"
#include "map.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* An image (and so any section) above this is a corrupt size. */
#define MAX_IMAGE OBJ24_MAX_IMAGE
#define MAX_IMAGE_TEXT OBJ24_MAX_IMAGE_TEXT

/* ---- Commons ---------------------------------------------------------------- */

static const struct obj24 *sort_obj;

static int by_size(const void *a, const void *b)
{
	const struct sym24 *x = &sort_obj->syms[*(const size_t *)a], *y = &sort_obj->syms[*(const size_t *)b];

	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

/* The first NOBITS section by index, or a new .bss.  (The original made
 * that .bss but forgot to give it a place in the load order.) */
static long common_section(struct obj24 *o)
{
	for (size_t i = 1; i < o->elf->nsections; i++)
		if (o->secs[i].type == SHT_NOBITS && o->secs[i].alloc)
			return (long)i;
	return obj24_create_section(o, ".bss", 0, 0, SHF_WRITE, false);
}

static int place_commons(struct obj24 *o, const size_t *list, size_t n)
{
	long sec = common_section(o);
	uint64_t size, max_align;

	if (sec < 0)
		return (int)sec;
	size = o->secs[sec].size;
	max_align = o->secs[sec].align;
	for (size_t k = 0; k < n; k++) {
		struct sym24 *s = &o->syms[list[k]];
		uint64_t a = s->value ? s->value : 1;

		if ((a & (a - 1)) || a > MAX_IMAGE) {
			log_error("%s: common symbol %s: bad alignment", o->path, s->name);
			return -ENOEXEC;
		}
		if (s->size > MAX_IMAGE || size > MAX_IMAGE) {
			log_error("%s: common symbol %s: %" PRIu64 " bytes, more than a 2.4 module can hold (%s)",
				  o->path, s->name, s->size, MAX_IMAGE_TEXT);
			return -ENOEXEC;
		}
		if (a > max_align)
			max_align = a;
		size = (size + a - 1) & ~(a - 1);
		s->where = SYM24_SECTION;
		s->sec = (size_t)sec;
		s->value = size;
		size += s->size;
	}
	o->secs[sec].size = size;
	o->secs[sec].align = max_align;
	return 0;
}

int obj24_allocate_commons(struct obj24 *o)
{
	size_t *list = malloc((o->nsyms ? o->nsyms : 1) * sizeof(*list)), n = 0;
	int r = 0;

	if (!list)
		return -ENOMEM;
	for (size_t i = 1; i < o->nsyms; i++)
		if (o->syms[i].where == SYM24_COMMON && (o->syms[i].listed || o->syms[i].bind == STB_LOCAL))
			list[n++] = i;
	sort_obj = o;
	qsort(list, n, sizeof(*list), by_size);
	if (n)
		r = place_commons(o, list, n);
	free(list);
	/* Zeroed contents for every NOBITS section, so that parameters and
	 * patches can be written there; from here on they are PROGBITS. */
	for (size_t i = 1; i < o->nsecs && !r; i++) {
		struct sec24 *s = &o->secs[i];

		if (s->type != SHT_NOBITS || !s->alloc)
			continue;
		if (s->size > MAX_IMAGE) {
			log_error("%s: section %s: %" PRIu64 " bytes, more than a 2.4 module can hold (%s)",
				  o->path, s->name, s->size, MAX_IMAGE_TEXT);
			return -ENOEXEC;
		}
		free(s->data);
		s->data = s->size ? calloc(1, (size_t)s->size) : NULL;
		if (s->size && !s->data)
			return -ENOMEM;
		s->type = SHT_PROGBITS;
	}
	return r;
}

/* ---- Layout, relocation, image -------------------------------------------------- */

uint64_t obj24_layout(struct obj24 *o)
{
	uint64_t dot = 0;

	for (size_t i = o->first; i != SEC24_END; i = o->secs[i].next) {
		uint64_t a = o->secs[i].align;

		if (a > 1)
			dot = (dot + a - 1) & ~(a - 1);
		o->secs[i].addr = dot;
		dot += o->secs[i].size;
	}
	o->image_size = dot;
	return dot;
}

/* What the arch files take of this model: the file's sections where it
 * placed them, and every symbol's final value. */
static void fill_reloc_tables(const struct obj24 *o, struct reloc_ctx *rc)
{
	const struct elf_file *elf = o->elf;

	for (size_t i = 0; i < elf->nsections; i++) {
		const struct sec24 *s = &o->secs[i];

		rc->secs[i] = (struct link_sec){ .type = s->type, .flags = s->flags, .size = s->size,
						  .align = s->align, .placed = s->alloc,
						  .offset = s->alloc ? s->addr - o->base : 0, .addr = s->addr };
	}
	for (size_t i = 1; i < elf->nsymbols; i++) {
		long t = obj24_target_of(o, i);

		rc->symval[i] = obj24_final_value(o, t);
		rc->symlost[i] = o->syms[t].where == SYM24_SECTION && !o->secs[o->syms[t].sec].alloc;
	}
}

static int apply_relocations(const struct obj24 *o, struct reloc_ctx *rc)
{
	const struct elf_file *elf = o->elf;
	int err = 0;

	for (size_t s = 1; s < elf->nsections; s++) {
		const struct elf_section *rs = &elf->sections[s];
		int r;

		if (!elf_is_reloc_section(elf, s) || !o->secs[rs->info].alloc)
			continue;
		if (rs->type != rc->arch->reloc_section) {
			log_error("%s: %s relocations not supported on this architecture (section %s)", o->path,
				  rs->type == SHT_REL ? "REL" : "RELA", rs->name);
			return -ENOEXEC;
		}
		r = link_apply_section_in_order(rc, s);
		if (r && !err)
			err = r;
	}
	return err;
}

static void apply_patches(const struct obj24 *o, uint8_t *image)
{
	size_t str = obj24_section(o, ".kstrtab");

	for (size_t i = 0; i < o->npatches; i++) {
		const struct patch24 *p = &o->patches[i];
		uint64_t v = p->string ? o->secs[str].addr + p->value : obj24_final_value(o, (long)p->value);

		obj24_put(o, image + (o->secs[p->sec].addr - o->base) + p->offset, o->ptr, v);
	}
}

int obj24_relocate(struct obj24 *o, uint64_t base, uint8_t *image)
{
	size_t nsyms = o->elf->nsymbols ? o->elf->nsymbols : 1;
	/* insmod, not the kernel, relocates a 2.4 object: era24 makes the
	 * arch files' messages say so */
	struct reloc_ctx rc = {
		.arch = arch_for_machine(o->elf->machine), .elf = o->elf,
		.secs = calloc(o->elf->nsections, sizeof(*rc.secs)), .image = image,
		.symval = calloc(nsyms, sizeof(*rc.symval)), .symlost = calloc(nsyms, 1),
		.big_endian = o->elf->big_endian, .path = o->path, .era24 = true,
	};
	int r = !rc.arch ? -ENOEXEC : !rc.secs || !rc.symval || !rc.symlost ? -ENOMEM : 0;

	o->base = base;
	for (size_t i = 0; i < o->nsecs; i++)
		if (o->secs[i].alloc)
			o->secs[i].addr += base;
	if (!r) {
		fill_reloc_tables(o, &rc);
		r = apply_relocations(o, &rc);
	}
	if (!r)
		apply_patches(o, image);
	free(rc.secs);
	free(rc.symval);
	free(rc.symlost);
	return r;
}

uint8_t *obj24_image(const struct obj24 *o)
{
	uint8_t *image = calloc(1, o->image_size ? (size_t)o->image_size : 1);

	if (!image)
		return NULL;
	for (size_t i = o->first; i != SEC24_END; i = o->secs[i].next)
		if (o->secs[i].data)
			memcpy(image + (o->secs[i].addr - o->base), o->secs[i].data, (size_t)o->secs[i].size);
	return image;
}

/* ---- The load map ------------------------------------------------------------- */

/* print_load_map(): sections in load order, then every listed symbol of
 * a loaded section or absolute, by value; in the format of map.h. */
int obj24_print_map(const struct obj24 *o)
{
	int width = o->ptr * 2;
	uint64_t mask = o->ptr == 8 ? UINT64_MAX : UINT32_MAX;
	struct map_symbol *v = malloc((o->nsyms ? o->nsyms : 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	map_print_sections_header(width);
	for (size_t i = o->first; i != SEC24_END; i = o->secs[i].next)
		map_print_section(width, o->secs[i].name, o->secs[i].size, o->secs[i].addr & mask, o->secs[i].align);
	for (size_t i = 1; i < o->nsyms; i++) {
		const struct sym24 *s = &o->syms[i];
		const struct sec24 *sec = s->where == SYM24_SECTION ? &o->secs[s->sec] : NULL;

		if (!s->listed || !(s->where == SYM24_ABS || (sec && sec->alloc)))
			continue;
		v[n++] = (struct map_symbol){
			.value = obj24_final_value(o, (long)i), .index = i, .name = s->name,
			.letter = map_letter(sec ? MAP_IN_SECTION : MAP_ABSOLUTE, sec ? sec->type : 0,
					     sec ? sec->flags : 0, s->bind == STB_LOCAL),
		};
	}
	map_print_symbols(width, v, n);
	free(v);
	return 0;
}
