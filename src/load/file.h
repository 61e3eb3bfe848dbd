/* The module file: opened once, checked and loaded through the same
 * descriptor, read once into memory, decompressed there when it has
 * to be. */
#ifndef INSMOD_FILE_H
#define INSMOD_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

enum compression { COMP_NONE, COMP_GZIP, COMP_XZ, COMP_ZSTD };

struct module_file {
	const char *path;
	int fd;
	struct stat st;		/* of the open descriptor */
	const uint8_t *map;	/* the file's bytes, read once (malloc) */
	size_t map_size;
	enum compression comp;	/* by magic bytes */
	uint8_t *unpacked;	/* the decompressed image, when comp != NONE */
	size_t unpacked_size;
	/* The ELF image: map or unpacked. */
	const uint8_t *image;
	size_t size;
};

/* Opens PATH read-only and refuses what is not a regular file.  Logs and
 * returns -errno. */
int module_file_open(struct module_file *f, const char *path);
/* Reads the open file once and decompresses it if its magic bytes say so. */
int module_file_read(struct module_file *f);
void module_file_close(struct module_file *f);
/* Gives back the file's bytes (map and decompressed image), keeping the
 * descriptor: for a caller done with them before it is done with the file.
 * module_file_close() then only closes. */
void module_file_unmap(struct module_file *f);

const char *compression_name(enum compression c);
enum compression compression_by_magic(const uint8_t *p, size_t n);

/* Decompresses data[0..n) of the given format into a malloc'ed buffer.
 * Refuses output beyond a sanity limit.  Logs and returns -errno. */
int decompress(enum compression c, const char *path, const uint8_t *data,
	       size_t n, uint8_t **out, size_t *out_size);

/* The format the running kernel can decompress itself
 * (/sys/module/compression), or COMP_NONE. */
enum compression kernel_compression(const char *sysfs_root);

#endif
