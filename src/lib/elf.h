/* A bounds-checked, class- and byte-order-neutral view of an ELF
 * relocatable file held in memory.
 *
 * elf_parse() validates once what every later step relies on (the checks
 * the kernel's own loader makes, and a few more), decodes the section
 * headers into a side table, and after that every accessor is cheap and
 * safe: section contents, symbols and relocation entries can be read by
 * index without further range checks by the caller.  The image itself is
 * never written.  The linker uses this reader unchanged. */
#ifndef INSMOD_ELF_H
#define INSMOD_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The gABI's number for LoongArch, for C libraries whose <elf.h> predates
 * it (musl 1.2.3): the same token glibc's defines, so either order works. */
#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif

struct elf_section {
	const char *name;	/* in .shstrtab, NUL-terminated (checked) */
	uint32_t type;		/* SHT_* */
	uint64_t flags;		/* SHF_* */
	uint64_t addr;
	uint64_t offset;
	uint64_t size;
	uint32_t link;
	uint32_t info;
	uint64_t addralign;	/* 0 is reported as 1 */
	uint64_t entsize;
	/* The contents, or NULL for SHT_NOBITS/SHT_NULL.  offset+size was
	 * checked against the file. */
	const uint8_t *data;
};

struct elf_symbol {
	const char *name;	/* "" for none; NUL-terminated (checked) */
	uint64_t value;
	uint64_t size;
	uint8_t bind;		/* STB_* */
	uint8_t type;		/* STT_* */
	uint8_t other;
	uint16_t shndx;		/* SHN_* or a section index (< nsections unless reserved) */
};

struct elf_reloc {
	uint64_t offset;	/* r_offset, within the target section (checked) */
	uint32_t type;		/* ELF{32,64}_R_TYPE */
	uint32_t sym;		/* symbol index (checked < nsymbols) */
	int64_t addend;		/* r_addend for RELA, 0 for REL */
};

struct elf_file {
	const char *path;	/* for messages */
	const uint8_t *image;
	size_t size;
	bool is64;		/* ELFCLASS64 */
	bool big_endian;	/* ELFDATA2MSB */
	uint16_t type;		/* e_type */
	uint16_t machine;	/* e_machine */
	uint32_t eflags;
	size_t nsections;
	struct elf_section *sections;	/* nsections entries; [0] is SHT_NULL */
	/* Cached indexes; 0 means absent (section 0 is always null). */
	size_t symtab;		/* the SHT_SYMTAB section */
	size_t strtab;		/* its string table */
	size_t modinfo;		/* .modinfo */
	size_t versions;	/* __versions */
	size_t this_module;	/* .gnu.linkonce.this_module */
	size_t nsymbols;	/* entries in .symtab (0 when absent) */
	/* Length of the image without an appended module signature. */
	size_t unsigned_size;
	bool signed_module;
};

/* Validates image[0..size) as an ELF relocatable file and fills *elf.  On
 * failure logs one message naming path and the fault, and returns
 * -ENOEXEC (or -ENOMEM).  The image must outlive *elf. */
int elf_parse(struct elf_file *elf, const char *path, const void *image,
	      size_t size);
void elf_release(struct elf_file *elf);

/* Reads an n-byte (1, 2, 4 or 8) unsigned integer in the file's byte order. */
uint64_t elf_read_uint(const struct elf_file *elf, const void *p, unsigned n);
/* Writes the low n bytes of v in the file's byte order. */
void elf_write_uint(const struct elf_file *elf, void *p, unsigned n, uint64_t v);

/* Index of the first section with this name, or 0. */
size_t elf_find_section(const struct elf_file *elf, const char *name);

/* Symbol i of .symtab (i < nsymbols); names and shndx are checked. */
void elf_symbol(const struct elf_file *elf, size_t i, struct elf_symbol *out);

/* Relocation sections: is section s SHT_REL or SHT_RELA with a valid symbol
 * table link and target?  Number of entries, and entry i. */
bool elf_is_reloc_section(const struct elf_file *elf, size_t s);
size_t elf_reloc_count(const struct elf_file *elf, size_t s);
/* Fills *out; returns -ENOEXEC (after logging) if the entry's symbol index
 * or offset is out of range for its target section. */
int elf_reloc(const struct elf_file *elf, size_t s, size_t i,
	      struct elf_reloc *out);
/* Decodes entries first, first+1, ... of section s into out[0..n), with
 * the same checks as elf_reloc() but without logging, and stops before the
 * first entry that fails them.  Returns how many were decoded (call
 * elf_reloc() on the next one to have its fault reported).  For loops over
 * hundreds of thousands of entries. */
size_t elf_reloc_batch(const struct elf_file *elf, size_t s, size_t first, size_t n,
		       struct elf_reloc *out);

#endif
