/* Fuzz target 1: the ELF reader alone (elf.c) and what reads a parsed
 * module's own data (modinfo.c).
 *
 * The input is a module file.  When elf_parse() accepts it, every promise
 * of elf.h is checked: sections lie inside the ELF part of the file, names
 * are terminated inside their string tables, symbols name real sections,
 * relocation entries are either refused or point inside their target, and
 * the .modinfo and __versions readers stay inside their sections. */
#include "fuzz-common.h"

#include <elf.h>

#include "elf.h"
#include "machine.h"
#include "modinfo.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_log_setup();
	return 0;
}

static bool inside(const void *p, size_t n, const void *base, size_t size)
{
	const uint8_t *b = base, *q = p;

	return q >= b && q <= b + size && n <= (size_t)(b + size - q);
}

static void check_sections(const struct elf_file *elf)
{
	const struct elf_section *names;

	FUZZ_ASSERT(elf->nsections >= 1 && elf->sections);
	FUZZ_ASSERT(elf->sections[0].type == SHT_NULL);
	FUZZ_ASSERT(elf->unsigned_size <= elf->size);
	for (size_t i = 0; i < elf->nsections; i++) {
		const struct elf_section *s = &elf->sections[i];

		FUZZ_ASSERT(s->name);
		FUZZ_ASSERT(s->addralign != 0 && !(s->addralign & (s->addralign - 1)));
		if (s->data) {
			FUZZ_ASSERT(s->data == elf->image + s->offset);
			FUZZ_ASSERT(s->offset <= elf->unsigned_size &&
				    s->size <= elf->unsigned_size - s->offset);
		}
		(void)strlen(s->name);
	}
	/* every name lies in one string table that ends in a NUL */
	names = NULL;
	for (size_t i = 1; i < elf->nsections && !names; i++)
		if (elf->sections[i].data &&
		    inside(elf->sections[0].name, 1, elf->sections[i].data, elf->sections[i].size))
			names = &elf->sections[i];
	FUZZ_ASSERT(names && names->size && names->data[names->size - 1] == '\0');
	for (size_t i = 0; i < elf->nsections; i++)
		FUZZ_ASSERT(inside(elf->sections[i].name, strlen(elf->sections[i].name) + 1,
				   names->data, names->size));
	for (size_t i = 1; i < elf->nsections; i++) {
		size_t found = elf_find_section(elf, elf->sections[i].name);

		FUZZ_ASSERT(found >= 1 && found <= i);
		FUZZ_ASSERT(strcmp(elf->sections[found].name, elf->sections[i].name) == 0);
	}
	if (elf->modinfo)
		FUZZ_ASSERT(strcmp(elf->sections[elf->modinfo].name, ".modinfo") == 0);
	if (elf->versions)
		FUZZ_ASSERT(strcmp(elf->sections[elf->versions].name, "__versions") == 0);
	if (elf->this_module)
		FUZZ_ASSERT(strcmp(elf->sections[elf->this_module].name,
				   ".gnu.linkonce.this_module") == 0);
}

static void check_symbols(const struct elf_file *elf)
{
	const struct elf_section *str;

	if (!elf->symtab) {
		FUZZ_ASSERT(elf->nsymbols == 0);
		return;
	}
	FUZZ_ASSERT(elf->symtab < elf->nsections && elf->strtab < elf->nsections && elf->strtab);
	FUZZ_ASSERT(elf->sections[elf->symtab].type == SHT_SYMTAB);
	str = &elf->sections[elf->strtab];
	FUZZ_ASSERT(str->data && str->size);
	for (size_t i = 0; i < elf->nsymbols; i++) {
		struct elf_symbol s;

		elf_symbol(elf, i, &s);
		FUZZ_ASSERT(inside(s.name, strlen(s.name) + 1, str->data, str->size));
		FUZZ_ASSERT(s.shndx < elf->nsections || s.shndx >= SHN_LORESERVE);
	}
}

static void check_relocs(const struct elf_file *elf)
{
	for (size_t s = 0; s < elf->nsections + 2; s++) {
		size_t n = elf_reloc_count(elf, s);

		if (!elf_is_reloc_section(elf, s)) {
			FUZZ_ASSERT(n == 0);
			continue;
		}
		FUZZ_ASSERT(elf->sections[s].info >= 1 && elf->sections[s].info < elf->nsections);
		FUZZ_ASSERT(elf->sections[s].link == elf->symtab && elf->symtab);
		for (size_t i = 0; i < n; i++) {
			struct elf_reloc r;

			if (elf_reloc(elf, s, i, &r))
				continue;
			FUZZ_ASSERT(r.sym < elf->nsymbols);
			FUZZ_ASSERT(r.offset <= elf->sections[elf->sections[s].info].size);
		}
		/* the bulk decoder: the same entries, stopping at the first
		 * one elf_reloc() refuses */
		for (size_t first = 0; first < n + 1;) {
			struct elf_reloc batch[7], one;
			size_t got = elf_reloc_batch(elf, s, first, 7, batch);

			FUZZ_ASSERT(got <= 7 && got <= (first < n ? n - first : 0));
			for (size_t k = 0; k < got; k++) {
				FUZZ_ASSERT(elf_reloc(elf, s, first + k, &one) == 0);
				FUZZ_ASSERT(one.offset == batch[k].offset && one.type == batch[k].type &&
					    one.sym == batch[k].sym && one.addend == batch[k].addend);
			}
			if (got < 7 && first + got < n)
				FUZZ_ASSERT(elf_reloc(elf, s, first + got, &one) != 0);
			first += got < 7 ? got + 1 : got;
		}
	}
}

static void check_modinfo(const struct elf_file *elf)
{
	static const char *const keys[] = {
		"vermagic", "name", "license", "parmtype", "parm", "import_ns", "depends",
		"kernel_version", "srcversion", "intree", "retpoline", "author", "",
	};
	const struct elf_section *mi = elf->modinfo ? &elf->sections[elf->modinfo] : NULL;
	struct modinfo_value v;
	char *s;

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		size_t pos = 0, rounds = 0;

		while (modinfo_next(elf, keys[k], &pos, &v)) {
			FUZZ_ASSERT(mi && inside(v.str, v.len, mi->data, mi->size));
			FUZZ_ASSERT(++rounds <= mi->size);
		}
		s = modinfo_dup(elf, keys[k]);
		if (s) {
			FUZZ_ASSERT(modinfo_get(elf, keys[k], &v));
			FUZZ_ASSERT(strlen(s) <= v.len);
			free(s);
		}
	}
	if (modinfo_get(elf, "vermagic", &v)) {
		s = vermagic_release(v.str, v.len);
		FUZZ_ASSERT(s && !strchr(s, ' ') && strlen(s) <= v.len);
		free(s);
	}
	s = module_name(elf);
	if (s) {
		FUZZ_ASSERT(*s);
		free(s);
	}
	FUZZ_ASSERT(module_name_capacity(elf) + module_name_offset(elf) == 64 + (elf->is64 ? 16 : 8));
	for (size_t i = 0; i < modversions_count(elf); i++) {
		const struct elf_section *ver = &elf->sections[elf->versions];
		const char *name;
		size_t len;
		uint32_t crc;

		modversions_entry(elf, i, &crc, &name, &len);
		FUZZ_ASSERT(strlen(name) == len);
		if (len)
			FUZZ_ASSERT(inside(name, len + 1, ver->data, ver->size));
	}
	(void)machine_name(elf->machine);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_file elf;

	if (elf_parse(&elf, "fuzz.ko", data, size))
		return 0;
	FUZZ_ASSERT(elf.image == data && elf.size == size);
	check_sections(&elf);
	check_symbols(&elf);
	check_relocs(&elf);
	check_modinfo(&elf);
	elf_release(&elf);
	return 0;
}
