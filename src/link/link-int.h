/* Between the parts of the linker: link.c and link-*.c (driver,
 * resolution, checks, relocation loop), layout.c, map.c and blob.c.  The
 * arch files see only the relocation context inside struct linker
 * (struct reloc_ctx, arch/arch.h). */
#ifndef INSMOD_LINK_INT_H
#define INSMOD_LINK_INT_H

#include "arch/arch.h"
#include "link.h"

/* State of one link.  What the arch files may see (the ELF file, the
 * section table, the symbols' values, the image, the init range, their
 * own state, the error count) lives in rc, and only there. */
struct linker {
	const struct link_job *job;
	struct reloc_ctx rc;
	void *image_map;		/* the image's mapping when mmap'ed, else NULL */
	size_t image_map_size;
	uint64_t image_size;
	uint64_t base;
};

/* layout.c: decides which sections are loaded and where (secs[].placed,
 * .offset, .addr, .init), sets image_size and init_start/init_end. */
int link_layout(struct linker *lk);
/* Places the header and the other allocated sections in load order; the
 * order is returned in a malloc'ed array (for the map). */
int link_load_order(const struct linker *lk, size_t **order, size_t *n);
/* After a real load: the addresses the kernel chose, from
 * ROOT/sys/module/NAME/sections/SECTION. */
int link_loaded_addresses(struct linker *lk, const char *root, const char *name);

/* map.c: the -m load map through log_output(). */
int link_print_map(const struct linker *lk);

/* blob.c: writes size bytes atomically to path (temporary file in the same
 * directory, then rename), mode 0644 before umask.  On any error nothing
 * is left behind and the reason is logged. */
int link_write_blob(const char *path, const void *data, size_t size);

/* The same in steps: open creates the temporary file and reserves size
 * bytes in it, logging nothing (an error is kept in err); then exactly one
 * of commit (writes, renames, logs any error) or abandon (removes the
 * temporary file silently). */
struct blob_file {
	const char *path;
	char tmp[4096];
	int fd, err;
	bool created;		/* tmp exists */
	bool stream;		/* path is /dev/stdout, /dev/null or a pipe: written in place */
	int refused_type;	/* S_IF* of an existing path that is neither */
	bool hold_replaced;	/* set before commit: keep the replaced file open */
	int replaced;		/* then: that file, for the caller to close, or -1 */
};
void link_blob_open(struct blob_file *b, const char *path, size_t size);
int link_blob_commit(struct blob_file *b, const void *data, size_t size);
void link_blob_abandon(struct blob_file *b);

/* link-version.c: vermagic against the kernel's (or its release), and a
 * version fault reported as an error, or when forced (-f and the option
 * for that check: --force-vermagic or --force-modversion) as a warning. */
int link_check_vermagic(const struct link_job *job);
/* link_reference_vermagic(): vermagic.h */
#include "vermagic.h"
void link_version_problem(bool forced, int *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* link-params.c: symbol=value parameters into their variables, and the
 * module's name (-o) into struct module. */
int link_write_params(struct linker *lk);
int link_write_name(struct linker *lk);

#endif
