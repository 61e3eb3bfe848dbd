/* Between the parts of the 2.4-era module support (mod24*.c, obj24.c,
 * params24.c, symvers24.c, kallsyms24.c, ksymoops24.c, ksyms24.c,
 * load24.c).
 *
 * A 2.4-era object is linked the way modutils 2.4 insmod linked it: the
 * file's sections and symbols are copied into a model that can grow
 * (insmod adds its own sections: the module header .this, .kstrtab,
 * __ksymtab, .kmodtab, __archdata, __kallsyms; and its own symbols:
 * __this_module and the __insmod_ ksymoops symbols), symbols are resolved
 * against the 2.4 kernel's exports by name, with symbol versions, and the
 * relocations are applied by the architecture files of the modern linker
 * (arch/), which this model feeds through struct linker.  Section indexes
 * of the file are kept: section i of the model is section i of the file,
 * and the sections insmod creates come after them, as in the original. */
#ifndef INSMOD_MOD24_INT_H
#define INSMOD_MOD24_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf.h"
#include "mod24.h"

/* ---- symvers24.c: symbol names with versions (_R<crc>) --------------- */

/* How names are compared.  With symbol versions on one side only, the
 * original compared "name" and "name_R<prefix><crc>" as equal (ncv). */
struct sv24 {
	bool ncv;		/* exactly one side is versioned */
	const char *prefix;	/* "" or e.g. "smp_" */
	size_t plen;
};

/* The length of name that identifies it: without a matching _R<prefix>
 * suffix when comparing by base name, else the whole length. */
size_t sv24_key_len(const struct sv24 *v, const char *name, size_t len);
/* Are a and b the same symbol under v? */
bool sv24_same(const struct sv24 *v, const char *a, const char *b);
/* If name is WELL_KNOWN_R<prefix><8 hex digits> for one of the symbols the
 * original took the prefix from (get_module_symbol, inter_module_get),
 * copies <prefix> to out and returns true. */
bool sv24_prefix_from(const char *name, char *out, size_t cap);
/* The original's version number: "a.b.c..." as a<<16 | b<<8 | c, or -1. */
int sv24_version_code(const char *s, size_t len);

/* ---- The kernel's symbols (ksyms24.c, load24.c) ----------------------- */

struct k24_module {
	char *name;
	uint64_t addr;		/* its struct module (QM_INFO), 0 if unknown */
	bool used;		/* the new module uses one of its symbols */
};

struct k24_symbol {
	char *name;		/* as the kernel lists it, _R<crc> and all */
	uint64_t value;
	int module;		/* index into mods, or -1 for the kernel itself */
};

struct k24_table {
	struct k24_module *mods;
	size_t nmods;
	struct k24_symbol *syms;	/* the modules' first, then the kernel's */
	size_t nsyms, cap;
	bool from_kernel;		/* query_module answered (not a file) */
};

void k24_init(struct k24_table *t);
void k24_release(struct k24_table *t);
/* Appends one entry (copying name); module -1 for the kernel. */
int k24_add(struct k24_table *t, const char *name, size_t len, uint64_t value, int module);
/* Adds a module and returns its index, or -ENOMEM. */
int k24_add_module(struct k24_table *t, const char *name, size_t len, uint64_t addr);
/* The value of the entry with exactly this name, or false. */
bool k24_value(const struct k24_table *t, const char *name, uint64_t *value);
/* Reads symbol files (old /proc/ksyms format, or kallsyms: exports only).
 * Logs and returns -errno. */
int k24_load_files(struct k24_table *t, const char *const *files, size_t n);

/* ---- The object model (obj24.c) --------------------------------------- */

#define SEC24_END ((size_t)-1)

struct sec24 {
	const char *name;
	uint32_t type;
	uint64_t flags;
	uint64_t align;		/* sh_addralign; 0 means none */
	uint8_t *data;		/* size bytes (owned), NULL if size is 0 */
	uint64_t size;
	bool alloc;		/* part of the image */
	bool created;		/* made by insmod, not in the file */
	uint64_t addr;		/* relative until laid out, then absolute */
	size_t next;		/* load order: the next section, or SEC24_END */
};

enum sym24_where { SYM24_SECTION, SYM24_UNDEF, SYM24_ABS, SYM24_COMMON, SYM24_EXTERNAL };

struct sym24 {
	const char *name;
	enum sym24_where where;
	size_t sec;		/* SYM24_SECTION: the section */
	uint64_t value;		/* offset in it; absolute; common alignment; kernel address */
	uint64_t size;
	uint8_t bind, type;
	bool listed;		/* in the name table (a name's one visible symbol) */
	bool referenced;	/* a relocation uses it */
	int provider;		/* SYM24_EXTERNAL: module index, -1 kernel */
};

/* A word insmod writes after relocation: the address of a string it put
 * in .kstrtab, or the final value of a symbol. */
struct patch24 {
	size_t sec;
	uint64_t offset;
	bool string;
	uint64_t value;		/* string: offset in .kstrtab; else symbol index */
};

struct obj24 {
	const struct elf_file *elf;
	const char *path;
	unsigned ptr;			/* 4 or 8: the target's long and pointer */
	struct sec24 *secs;
	size_t nsecs, capsecs;
	size_t first;			/* head of the load order */
	struct sym24 *syms;		/* [0, elf->nsymbols) are the file's */
	size_t nsyms, capsyms;
	uint32_t *buckets;		/* index+1 into syms of listed symbols */
	size_t nbuckets;
	struct sv24 sv;
	struct patch24 *patches;
	size_t npatches, cappatches;
	char **owned;			/* names insmod made */
	size_t nowned;
	size_t this_sec;		/* .this (0 until created) */
	uint64_t base, image_size;
};

int obj24_load(struct obj24 *o, const struct elf_file *elf, const char *path,
	       const struct sv24 *sv);
void obj24_release(struct obj24 *o);

/* The listed symbol of this name, or -1. */
long obj24_find(const struct obj24 *o, const char *name);
/* The first section of this name, or 0. */
size_t obj24_section(const struct obj24 *o, const char *name);
/* A new allocated section at the head (first) or in load order. */
long obj24_create_section(struct obj24 *o, const char *name, uint64_t align,
			  uint64_t size, uint64_t flags, bool first);
/* Adds size zero bytes to a section; returns the old size or -ENOMEM. */
int obj24_extend(struct obj24 *o, size_t sec, uint64_t more, uint64_t *old);
/* A new listed symbol (the name is copied); returns its index or -errno. */
long obj24_add_symbol(struct obj24 *o, const char *name, uint8_t bind,
		      size_t sec, uint64_t value);
/* Patches, written after relocation. */
int obj24_string_patch(struct obj24 *o, size_t sec, uint64_t offset, const char *s, size_t len);
int obj24_symbol_patch(struct obj24 *o, size_t sec, uint64_t offset, size_t sym);
/* A symbol's run-time value (0 for none). */
uint64_t obj24_final_value(const struct obj24 *o, long sym);
/* The model's symbol that file symbol i stands for in a relocation: a
 * local one itself, any other the one its name lists. */
long obj24_target_of(const struct obj24 *o, size_t i);
/* Marks symbols used by relocations (the original's r_type). */
int obj24_mark_referenced(struct obj24 *o);
/* Common symbols into the first NOBITS section (or a new .bss), and every
 * NOBITS section into zero-filled contents. */
int obj24_allocate_commons(struct obj24 *o);
/* Addresses relative to 0 in load order; returns the size. */
uint64_t obj24_layout(struct obj24 *o);
/* Sets the addresses at base, applies every relocation and then the
 * patches to image (built by obj24_image before).  0 or -ENOEXEC. */
int obj24_relocate(struct obj24 *o, uint64_t base, uint8_t *image);
/* The image: every allocated section at its place.  malloc'ed. */
uint8_t *obj24_image(const struct obj24 *o);
/* The -m load map. */
int obj24_print_map(const struct obj24 *o);
/* Writes an n-byte value in the module's byte order. */
void obj24_put(const struct obj24 *o, uint8_t *p, unsigned n, uint64_t v);

/* ---- kallsyms24.c, ksymoops24.c ---------------------------------------- */

/* Fills section sec with the kallsyms data of the module as laid out now
 * (the 2.4 __kallsyms format).  0 or -ENOMEM. */
int kallsyms24_fill(struct obj24 *o, size_t sec);

struct ksymoops24 {
	const char *module;	/* the name it is loaded under */
	const char *file;	/* realpath of the object */
	long long mtime;	/* 0 if unknown */
	int version;		/* sv24_version_code of its kernel_version, or -1 */
	bool use_ksymtab;	/* add each to __ksymtab at once */
};

/* Adds the __insmod_ symbols; with use_ksymtab each is exported at once
 * (the original did so when the module had an export table or -x).
 * 0 or -errno. */
int ksymoops24_add(struct obj24 *o, const struct ksymoops24 *k);
/* One __ksymtab entry { value, name } for symbol sym. */
int ksymtab24_add(struct obj24 *o, size_t sym);

/* ---- load24.c: the 2.4 kernel's system calls -------------------------- */

/* Does the running kernel answer query_module (Linux 2.1 to 2.4)? */
bool load24_kernel_present(void);
/* Reads the running kernel's modules and symbols with query_module.
 * 0, -ENOSYS when there is no 2.4 kernel, or -errno after logging. */
int k24_query_kernel(struct k24_table *t);

/* A module of that name is loaded already and -L makes that a success. */
#define LOAD24_EXISTS 1

/* Before linking: is a module of this name loaded?  0 if not; with lock
 * LOAD24_EXISTS (after saying so with -v), else -EEXIST after logging. */
int load24_check_name(const struct k24_table *t, const char *name, bool lock);
/* create_module(2): kernel memory for size bytes, at *addr.  0,
 * LOAD24_EXISTS (another insmod won the race, with lock), or -errno after
 * logging. */
int load24_create(const char *name, uint64_t size, bool lock, uint64_t *addr);
/* init_module(2) of 2.4: the image, struct module first.  0 or -errno
 * after logging. */
int load24_init(const char *name, const uint8_t *image);
/* delete_module(2), after a failed load of a module this run created. */
void load24_delete(const char *name);

/* The largest 2.4-era module image: a 2.4 kernel put modules in its
 * vmalloc area (128 MiB on i386, shared with the rest of vmalloc), so a
 * module near that size could never have loaded.  A few KB of object
 * claiming a 1 GB common symbol made insmod allocate and copy 2 GB. */
#define OBJ24_MAX_IMAGE ((uint64_t)64 << 20)
#define OBJ24_MAX_IMAGE_TEXT "64 MiB"

#endif
