/* The kernel's symbol table as user space can see it: /proc/kallsyms (and
 * System.map, the same format), the old /proc/ksyms format, and
 * Module.symvers, each recognised by its content and merged by name into
 * one hash table.
 *
 * A whole table's names point into its files, read whole (never mapped:
 * a file truncated under a mapping would be SIGBUS) and kept until
 * ksyms_release().  A table filtered to the names a module
 * wants (ksyms_want, ksyms_filter) reads its files piece by piece and
 * copies the few strings it keeps: its memory does not grow with the
 * files (Debian's kallsyms and Module.symvers are 3.4 MB; a running
 * kernel's /proc/kallsyms, with every symbol, over 10 MB). */
#ifndef INSMOD_KSYMS_H
#define INSMOD_KSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ksym_flags {
	KSYM_HAS_ADDR = 1 << 0,		/* an address-carrying file listed it */
	KSYM_HAS_CRC = 1 << 1,
	KSYM_GPL = 1 << 2,		/* EXPORT_SYMBOL_GPL */
	KSYM_EXPORTED = 1 << 3,		/* exported (see ksyms_finish) */
	KSYM_KSYMTAB = 1 << 4,		/* a __ksymtab_NAME entry was seen */
	KSYM_MODULE = 1 << 5,		/* defined by a loaded module */
	KSYM_GLOBAL = 1 << 6,		/* kallsyms type letter upper case */
	KSYM_SYMVERS = 1 << 7,		/* listed in a Module.symvers */
	KSYM_OLD = 1 << 8,		/* from the old /proc/ksyms format */
};

struct ksym {
	const char *name;		/* not NUL-terminated: use name_len */
	uint32_t name_len;
	uint32_t flags;
	uint64_t addr;
	uint32_t crc;
	uint32_t ns_len;
	const char *ns;			/* namespace, or NULL */
	const char *owner;		/* module (or "vmlinux"), or NULL */
	uint32_t owner_len;
};

enum ksym_format {
	KSYMS_UNKNOWN, KSYMS_KALLSYMS, KSYMS_OLD_KSYMS, KSYMS_SYMVERS, KSYMS_EMPTY,
	KSYMS_PLACEHOLDER,	/* a short text with no symbols: Debian's System.map */
};

struct ksym_file {
	const char *path;
	void *map;			/* the file's bytes (malloc), for a whole table */
	size_t size;
	enum ksym_format format;
};

/* Strings a filtered table keeps (owners, namespaces) once the piece of
 * the file they were read from is reused: a few hundred short ones. */
struct ksym_arena {
	struct ksym_arena *next;
	size_t used, cap;
	char data[];
};

struct ksym_table {
	struct ksym *syms;
	size_t nsyms, cap;
	uint32_t *buckets;		/* index+1 into syms, 0 = empty */
	size_t nbuckets;		/* a power of two */
	struct ksym_file *files;
	size_t nfiles;
	bool have_addresses;		/* some file carried addresses */
	bool addresses_hidden;		/* ...but all of them were zero */
	bool have_ksymtab;		/* kallsyms listed __ksymtab_ entries */
	bool have_crcs;
	bool nonzero_address;
	bool filtered;			/* only names added by ksyms_want are kept */
	uint64_t *prefilter;		/* 65536 bits over wanted names, when filtered */
	char *default_kallsyms, *default_symvers;	/* paths, when defaulted */
	struct ksym_arena *arena;	/* a filtered table's owner and namespace strings */
	size_t piece_size;		/* KSYMS_PIECE_SIZE; tests make it small, to put
					   piece boundaries everywhere */
	char *piece;			/* the buffer pieces are read into, piece_cap bytes */
	size_t piece_cap;
};

/* A filtered table's files are read KSYMS_PIECE_SIZE bytes at a time
 * (more for a longer line), never whole, into one buffer.  32 KiB: a
 * piece that stays in the first-level cache while it is parsed, in few
 * enough read() calls; 16 to 32 KiB read and parsed Debian's 3.4 MB of
 * symbol files fastest, 64 KiB a sixth slower, 128 KiB a third
 * (bench/history.md). */
#define KSYMS_PIECE_SIZE (32u << 10)

void ksyms_init(struct ksym_table *t);
/* Registers a name the caller will look up (the string must outlive the
 * table); after ksyms_filter(), files only fill in registered names. */
int ksyms_want(struct ksym_table *t, const char *name);
void ksyms_filter(struct ksym_table *t);
/* Reads one file, whatever its format.  Logs and returns -errno. */
int ksyms_load_file(struct ksym_table *t, const char *path);
/* The running kernel's: ROOT/proc/kallsyms, plus
 * ROOT/lib/modules/RELEASE/build/Module.symvers when present. */
int ksyms_load_default(struct ksym_table *t, const char *root, const char *release);
/* Decides which symbols are exported, once every file is read. */
void ksyms_finish(struct ksym_table *t);
/* The entry for a name, or NULL. */
const struct ksym *ksyms_lookup(const struct ksym_table *t, const char *name);
const struct ksym *ksyms_lookup_n(const struct ksym_table *t, const char *name, size_t len);
void ksyms_release(struct ksym_table *t);

#endif
