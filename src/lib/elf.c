/* The ELF reader.  Every byte comes from an untrusted file: each offset,
 * size, index and count is checked once here, in elf_parse(), before any
 * other part of insmod looks at it. */
#include "elf.h"
#include "log.h"

#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MODULE_SIG_STRING "~Module signature appended~\n"
/* struct module_signature: 8 one-byte fields, then a big-endian length. */
#define MODULE_SIG_INFO_SIZE 12

uint64_t elf_read_uint(const struct elf_file *elf, const void *p, unsigned n)
{
	const uint8_t *b = p;
	uint64_t v = 0;

	/* The common case without a byte loop: this runs for every symbol
	 * and relocation the linker reads (hundreds of thousands). */
	if (!elf->big_endian && (n == 8 || n == 4)) {
		uint32_t v4;

		if (n == 8) {
			memcpy(&v, p, 8);
			return le64toh(v);
		}
		memcpy(&v4, p, 4);
		return le32toh(v4);
	}

	for (unsigned i = 0; i < n; i++) {
		unsigned shift = elf->big_endian ? 8 * (n - 1 - i) : 8 * i;
		v |= (uint64_t)b[i] << shift;
	}
	return v;
}

void elf_write_uint(const struct elf_file *elf, void *p, unsigned n, uint64_t v)
{
	uint8_t *b = p;

	for (unsigned i = 0; i < n; i++) {
		unsigned shift = elf->big_endian ? 8 * (n - 1 - i) : 8 * i;
		b[i] = (uint8_t)(v >> shift);
	}
}

/* Is [off, off+len) inside the image?  Written so that it cannot overflow. */
static bool in_image(const struct elf_file *elf, uint64_t off, uint64_t len)
{
	return off <= elf->size && len <= elf->size - off;
}

/* Reads a field of a header that starts at 'base', with the offsets and
 * widths of the two classes given side by side. */
static uint64_t field(const struct elf_file *elf, const uint8_t *base,
		      unsigned off32, unsigned size32, unsigned off64,
		      unsigned size64)
{
	return elf->is64 ? elf_read_uint(elf, base + off64, size64)
			 : elf_read_uint(elf, base + off32, size32);
}

#define EHDR(f) field(elf, elf->image, offsetof(Elf32_Ehdr, f), \
		      sizeof(((Elf32_Ehdr *)0)->f), offsetof(Elf64_Ehdr, f), \
		      sizeof(((Elf64_Ehdr *)0)->f))
#define SHDR(p, f) field(elf, p, offsetof(Elf32_Shdr, f), \
			 sizeof(((Elf32_Shdr *)0)->f), offsetof(Elf64_Shdr, f), \
			 sizeof(((Elf64_Shdr *)0)->f))
#define SYM(p, f) field(elf, p, offsetof(Elf32_Sym, f), \
			sizeof(((Elf32_Sym *)0)->f), offsetof(Elf64_Sym, f), \
			sizeof(((Elf64_Sym *)0)->f))

static int bad(const struct elf_file *elf, const char *what)
{
	log_error("%s: not a valid module: %s", elf->path, what);
	return -ENOEXEC;
}

static int badsec(const struct elf_file *elf, size_t i, const char *what)
{
	log_error("%s: not a valid module: section %zu: %s", elf->path, i, what);
	return -ENOEXEC;
}

/* The signature trailer is not part of the ELF image: find it first so that
 * the rest of the checks see only the ELF bytes. */
static void find_signature(struct elf_file *elf)
{
	size_t marker = sizeof(MODULE_SIG_STRING) - 1;
	const uint8_t *info;
	uint64_t sig_len;

	elf->unsigned_size = elf->size;
	elf->signed_module = false;
	if (elf->size < marker + MODULE_SIG_INFO_SIZE ||
	    memcmp(elf->image + elf->size - marker, MODULE_SIG_STRING, marker))
		return;
	info = elf->image + elf->size - marker - MODULE_SIG_INFO_SIZE;
	sig_len = ((uint64_t)info[8] << 24) | (info[9] << 16) | (info[10] << 8) | info[11];
	if (sig_len > elf->size - marker - MODULE_SIG_INFO_SIZE)
		return;		/* the kernel will say EBADMSG; not ours to judge */
	elf->unsigned_size = elf->size - marker - MODULE_SIG_INFO_SIZE - sig_len;
	elf->signed_module = true;
}

static int check_ident(struct elf_file *elf)
{
	const uint8_t *id = elf->image;

	if (memcmp(id, ELFMAG, elf->size < SELFMAG ? elf->size : SELFMAG))
		return bad(elf, "no ELF magic (not an ELF file, or an unknown compression)");
	if (elf->size < EI_NIDENT)
		return bad(elf, "file too short for an ELF header");
	if (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64)
		return bad(elf, "unknown ELF class");
	if (id[EI_DATA] != ELFDATA2LSB && id[EI_DATA] != ELFDATA2MSB)
		return bad(elf, "unknown ELF byte order");
	if (id[EI_VERSION] != EV_CURRENT)
		return bad(elf, "unknown ELF version");
	elf->is64 = id[EI_CLASS] == ELFCLASS64;
	elf->big_endian = id[EI_DATA] == ELFDATA2MSB;
	if (elf->size < (elf->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return bad(elf, "file too short for an ELF header");
	return 0;
}

static int check_header(struct elf_file *elf)
{
	size_t shentsize = elf->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	uint64_t shoff = EHDR(e_shoff);
	uint64_t shnum = EHDR(e_shnum);

	elf->type = (uint16_t)EHDR(e_type);
	elf->machine = (uint16_t)EHDR(e_machine);
	elf->eflags = (uint32_t)EHDR(e_flags);
	if (elf->type != ET_REL)
		return bad(elf, elf->type == ET_EXEC || elf->type == ET_DYN
					? "an executable or shared object, not a relocatable module"
					: "ELF type is not ET_REL (relocatable)");
	if (EHDR(e_shentsize) != shentsize)
		return bad(elf, "section header size is wrong for the ELF class");
	if (shnum == 0 || shnum >= SHN_LORESERVE)
		return bad(elf, "no sections, or an extended section count");
	if (!in_image(elf, shoff, shnum * shentsize))
		return bad(elf, "section header table lies past the end of the file");
	elf->nsections = (size_t)shnum;
	return 0;
}

static void decode_section(struct elf_file *elf, size_t i, struct elf_section *s)
{
	size_t shentsize = elf->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	const uint8_t *p = elf->image + EHDR(e_shoff) + i * shentsize;

	s->name = NULL;
	s->type = (uint32_t)SHDR(p, sh_type);
	s->flags = SHDR(p, sh_flags);
	s->addr = SHDR(p, sh_addr);
	s->offset = SHDR(p, sh_offset);
	s->size = SHDR(p, sh_size);
	s->link = (uint32_t)SHDR(p, sh_link);
	s->info = (uint32_t)SHDR(p, sh_info);
	s->addralign = SHDR(p, sh_addralign);
	s->entsize = SHDR(p, sh_entsize);
	s->data = NULL;
}

static int check_section(struct elf_file *elf, size_t i, struct elf_section *s)
{
	if (s->addralign == 0)
		s->addralign = 1;
	if (s->addralign & (s->addralign - 1))
		return badsec(elf, i, "alignment is not a power of two");
	if (s->addralign > (1u << 16) && (s->flags & SHF_ALLOC))
		return badsec(elf, i, "absurd alignment");
	if (s->type == SHT_NOBITS || s->type == SHT_NULL)
		return 0;
	if (!in_image(elf, s->offset, s->size))
		return badsec(elf, i, "contents lie past the end of the file");
	s->data = elf->image + s->offset;
	return 0;
}

static int check_section_names(struct elf_file *elf)
{
	size_t shstrndx = (size_t)EHDR(e_shstrndx);
	const struct elf_section *names;

	if (shstrndx == 0 || shstrndx >= elf->nsections)
		return bad(elf, "section name table index out of range");
	names = &elf->sections[shstrndx];
	if (names->type != SHT_STRTAB || !names->data || names->size == 0)
		return bad(elf, "section name table is empty or not a string table");
	if (names->data[names->size - 1] != '\0')
		return bad(elf, "section name table is not NUL-terminated");
	for (size_t i = 0; i < elf->nsections; i++) {
		uint64_t off = SHDR(elf->image + EHDR(e_shoff) +
					    i * (elf->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr)),
				    sh_name);
		if (off >= names->size)
			return badsec(elf, i, "name lies outside the section name table");
		elf->sections[i].name = (const char *)names->data + off;
	}
	return 0;
}

static int check_null_section(struct elf_file *elf)
{
	const struct elf_section *s = &elf->sections[0];

	if (s->type != SHT_NULL || s->size != 0 || s->addr != 0)
		return bad(elf, "section 0 is not a null section");
	return 0;
}

/* The module's symbol table and its string table, which every later step
 * (modinfo aside) relies on. */
static int check_symtab(struct elf_file *elf)
{
	size_t entsize = elf->is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
	const struct elf_section *sym, *str;

	for (size_t i = 1; i < elf->nsections; i++) {
		if (elf->sections[i].type != SHT_SYMTAB)
			continue;
		if (elf->symtab)
			return badsec(elf, i, "more than one symbol table");
		elf->symtab = i;
	}
	if (!elf->symtab)
		return 0;	/* the kernel says "no symbols (stripped?)"; the caller decides */
	sym = &elf->sections[elf->symtab];
	if (!sym->data || sym->size % entsize)
		return badsec(elf, elf->symtab, "symbol table size is not a multiple of its entry size");
	if (sym->link == 0 || sym->link >= elf->nsections)
		return badsec(elf, elf->symtab, "symbol table links to no string table");
	str = &elf->sections[sym->link];
	if (str->type != SHT_STRTAB || !str->data || str->size == 0)
		return badsec(elf, sym->link, "symbol string table is empty or not a string table");
	if (str->data[0] != '\0' || str->data[str->size - 1] != '\0')
		return badsec(elf, sym->link, "symbol string table is not NUL-delimited");
	elf->strtab = sym->link;
	elf->nsymbols = (size_t)(sym->size / entsize);
	for (size_t i = 0; i < elf->nsymbols; i++) {
		const uint8_t *p = sym->data + i * entsize;
		uint64_t name = SYM(p, st_name);
		uint64_t shndx = SYM(p, st_shndx);

		if (name >= str->size) {
			log_error("%s: not a valid module: symbol %zu: name lies outside the string table",
				  elf->path, i);
			return -ENOEXEC;
		}
		if (shndx >= elf->nsections && shndx < SHN_LORESERVE) {
			log_error("%s: not a valid module: symbol %zu has an invalid section index %u (max %zu)",
				  elf->path, i, (unsigned)shndx, elf->nsections - 1);
			return -ENOEXEC;
		}
	}
	return 0;
}

/* A relocation section must name a real symbol table and an existing
 * target, and hold whole entries.  Entries themselves are checked as they
 * are read (elf_reloc). */
static int check_reloc_sections(struct elf_file *elf)
{
	for (size_t i = 1; i < elf->nsections; i++) {
		const struct elf_section *s = &elf->sections[i];
		size_t entsize;

		if (s->type != SHT_REL && s->type != SHT_RELA)
			continue;
		entsize = s->type == SHT_RELA
				  ? (elf->is64 ? sizeof(Elf64_Rela) : sizeof(Elf32_Rela))
				  : (elf->is64 ? sizeof(Elf64_Rel) : sizeof(Elf32_Rel));
		if (s->size % entsize)
			return badsec(elf, i, "relocation section size is not a multiple of its entry size");
		if (s->link != elf->symtab || !elf->symtab)
			return badsec(elf, i, "relocation section does not link to the symbol table");
		if (s->info == 0 || s->info >= elf->nsections)
			return badsec(elf, i, "relocation section applies to a non-existent section");
	}
	return 0;
}

/* Two sections with contents in the file must not share bytes: a crafted
 * file could otherwise make a relocation rewrite another section's data,
 * or .modinfo overlap code. */
static int cmp_by_offset(const void *a, const void *b)
{
	const struct elf_section *x = *(struct elf_section *const *)a;
	const struct elf_section *y = *(struct elf_section *const *)b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int check_overlaps(struct elf_file *elf)
{
	const struct elf_section **v = calloc(elf->nsections, sizeof(*v));
	size_t n = 0;
	int r = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 1; i < elf->nsections; i++)
		if (elf->sections[i].data && elf->sections[i].size)
			v[n++] = &elf->sections[i];
	qsort(v, n, sizeof(*v), cmp_by_offset);
	for (size_t i = 1; i < n && !r; i++)
		if (v[i - 1]->offset + v[i - 1]->size > v[i]->offset)
			r = badsec(elf, (size_t)(v[i] - elf->sections),
				   "contents overlap another section's");
	free(v);
	return r;
}

static void cache_indexes(struct elf_file *elf)
{
	elf->modinfo = elf_find_section(elf, ".modinfo");
	elf->versions = elf_find_section(elf, "__versions");
	elf->this_module = elf_find_section(elf, ".gnu.linkonce.this_module");
}

int elf_parse(struct elf_file *elf, const char *path, const void *image, size_t size)
{
	int r;

	memset(elf, 0, sizeof(*elf));
	elf->path = path;
	elf->image = image;
	elf->size = size;
	find_signature(elf);
	elf->size = elf->unsigned_size;

	r = check_ident(elf);
	if (!r)
		r = check_header(elf);
	if (r)
		return r;
	elf->sections = calloc(elf->nsections, sizeof(*elf->sections));
	if (!elf->sections)
		return -ENOMEM;
	for (size_t i = 0; i < elf->nsections && !r; i++) {
		decode_section(elf, i, &elf->sections[i]);
		r = check_section(elf, i, &elf->sections[i]);
	}
	if (!r)
		r = check_null_section(elf);
	if (!r)
		r = check_section_names(elf);
	if (!r)
		r = check_symtab(elf);
	if (!r)
		r = check_reloc_sections(elf);
	if (!r)
		r = check_overlaps(elf);
	if (r) {
		elf_release(elf);
		return r;
	}
	cache_indexes(elf);
	elf->size = size;	/* the whole file again; unsigned_size has the ELF part */
	return 0;
}

void elf_release(struct elf_file *elf)
{
	free(elf->sections);
	elf->sections = NULL;
	elf->nsections = 0;
}

size_t elf_find_section(const struct elf_file *elf, const char *name)
{
	for (size_t i = 1; i < elf->nsections; i++)
		if (strcmp(elf->sections[i].name, name) == 0)
			return i;
	return 0;
}

void elf_symbol(const struct elf_file *elf, size_t i, struct elf_symbol *out)
{
	size_t entsize = elf->is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
	const uint8_t *p = elf->sections[elf->symtab].data + i * entsize;
	uint8_t info = (uint8_t)SYM(p, st_info);

	out->name = (const char *)elf->sections[elf->strtab].data + SYM(p, st_name);
	out->value = SYM(p, st_value);
	out->size = SYM(p, st_size);
	out->bind = (uint8_t)(info >> 4);
	out->type = (uint8_t)(info & 0xf);
	out->other = (uint8_t)SYM(p, st_other);
	out->shndx = (uint16_t)SYM(p, st_shndx);
}

bool elf_is_reloc_section(const struct elf_file *elf, size_t s)
{
	return s < elf->nsections &&
	       (elf->sections[s].type == SHT_REL || elf->sections[s].type == SHT_RELA);
}

static size_t reloc_entsize(const struct elf_file *elf, size_t s)
{
	if (elf->sections[s].type == SHT_RELA)
		return elf->is64 ? sizeof(Elf64_Rela) : sizeof(Elf32_Rela);
	return elf->is64 ? sizeof(Elf64_Rel) : sizeof(Elf32_Rel);
}

size_t elf_reloc_count(const struct elf_file *elf, size_t s)
{
	if (!elf_is_reloc_section(elf, s) || !elf->sections[s].data)
		return 0;
	return (size_t)(elf->sections[s].size / reloc_entsize(elf, s));
}

int elf_reloc(const struct elf_file *elf, size_t s, size_t i, struct elf_reloc *out)
{
	const struct elf_section *rs = &elf->sections[s];
	const struct elf_section *target = &elf->sections[rs->info];
	const uint8_t *p = rs->data + i * reloc_entsize(elf, s);
	unsigned w = elf->is64 ? 8 : 4;
	uint64_t info = elf_read_uint(elf, p + w, w);

	out->offset = elf_read_uint(elf, p, w);
	out->addend = rs->type == SHT_RELA ? (int64_t)elf_read_uint(elf, p + 2 * w, w) : 0;
	if (!elf->is64 && rs->type == SHT_RELA)
		out->addend = (int32_t)out->addend;
	out->sym = elf->is64 ? (uint32_t)(info >> 32) : (uint32_t)(info >> 8);
	out->type = elf->is64 ? (uint32_t)info : (uint32_t)(info & 0xff);
	if (out->sym >= elf->nsymbols) {
		log_error("%s: not a valid module: relocation %zu of section %s names symbol %u, past the symbol table",
			  elf->path, i, rs->name, out->sym);
		return -ENOEXEC;
	}
	if (out->offset > target->size) {
		log_error("%s: not a valid module: relocation %zu of section %s lies past the end of %s",
			  elf->path, i, rs->name, target->name);
		return -ENOEXEC;
	}
	return 0;
}

size_t elf_reloc_batch(const struct elf_file *elf, size_t s, size_t first, size_t n,
		       struct elf_reloc *out)
{
	const struct elf_section *rs = &elf->sections[s];
	uint64_t limit = elf->sections[rs->info].size;
	size_t count = elf_reloc_count(elf, s), entsize = reloc_entsize(elf, s), k;
	bool rela = rs->type == SHT_RELA;

	if (first >= count)
		return 0;
	if (n > count - first)
		n = count - first;
	for (k = 0; k < n; k++) {
		const uint8_t *p = rs->data + (first + k) * entsize;
		struct elf_reloc *r = &out[k];

		if (elf->is64) {
			uint64_t info = elf_read_uint(elf, p + 8, 8);

			r->offset = elf_read_uint(elf, p, 8);
			r->sym = (uint32_t)(info >> 32);
			r->type = (uint32_t)info;
			r->addend = rela ? (int64_t)elf_read_uint(elf, p + 16, 8) : 0;
		} else {
			uint32_t info = (uint32_t)elf_read_uint(elf, p + 4, 4);

			r->offset = elf_read_uint(elf, p, 4);
			r->sym = info >> 8;
			r->type = info & 0xff;
			r->addend = rela ? (int32_t)elf_read_uint(elf, p + 8, 4) : 0;
		}
		if (r->sym >= elf->nsymbols || r->offset > limit)
			break;
	}
	return k;
}
