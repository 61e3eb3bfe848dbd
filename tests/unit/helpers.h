/* Helpers that several unit tests share, beside check.h (the CHECK
 * harness): a fatal setup error, files and directory trees under a test's
 * temporary directory, stderr captured into a string, and a module file
 * mapped and parsed.  A failed setup step is not a test result: die()
 * says why and exits 2, with no PASS: or FAIL: line.  Everything is static
 * inline, so that a test which uses only some of it gets no
 * -Wunused-function warning. */
#ifndef INSMOD_TEST_HELPERS_H
#define INSMOD_TEST_HELPERS_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf.h"

/* ---- setup errors ------------------------------------------------------- */

/* perror(WHAT), then exit 2. */
static inline _Noreturn void die(const char *what)
{
	perror(what);
	exit(2);
}

/* ---- files and directories ---------------------------------------------- */

/* mkdir -p PATH (mode 0755); dies on failure. */
static inline void mkdirs(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			die(buf);
		*p = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		die(buf);
}

/* Writes TEXT to DIR/REL, or to REL itself where DIR is NULL; with
 * PARENTS, first makes the directories on the way (mkdir -p).  Dies on
 * any failure. */
static inline void put_file(const char *dir, const char *rel, const char *text,
			    bool parents)
{
	char path[PATH_MAX];
	FILE *fp;
	int n = dir ? snprintf(path, sizeof path, "%s/%s", dir, rel)
		    : snprintf(path, sizeof path, "%s", rel);

	if (n < 0 || (size_t)n >= sizeof path) {
		errno = ENAMETOOLONG;
		die(rel);
	}
	if (parents) {
		char parent[PATH_MAX];
		char *slash;

		memcpy(parent, path, (size_t)n + 1);
		slash = strrchr(parent, '/');
		if (slash && slash != parent) {
			*slash = '\0';
			mkdirs(parent);
		}
	}
	fp = fopen(path, "w");
	if (!fp || fputs(text, fp) == EOF || fclose(fp) != 0)
		die(path);
}

static inline int remove_tree_entry(const char *path, const struct stat *st,
				    int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* rm -rf PATH, following no symbolic link; 0, or -1 on failure. */
static inline int remove_tree(const char *path)
{
	return nftw(path, remove_tree_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- capturing stderr --------------------------------------------------- */

struct stderr_capture {
	FILE *file;		/* where fd 2 points meanwhile */
	int saved;		/* the real stderr */
	char text[1 << 16];	/* what capture_end() read back */
};

/* The one capture; a function-local static, so that a test which does not
 * capture has no unused variable. */
static inline struct stderr_capture *stderr_capture(void)
{
	static struct stderr_capture c = { NULL, -1, "" };

	return &c;
}

/* Points fd 2 at a temporary file until capture_end(); dies on failure.
 * Captures do not nest. */
static inline void capture_begin(void)
{
	struct stderr_capture *c = stderr_capture();

	fflush(stderr);
	c->file = tmpfile();
	if (!c->file)
		die("tmpfile");
	c->saved = dup(2);
	if (c->saved < 0 || dup2(fileno(c->file), 2) < 0)
		die("dup2");
}

/* Restores stderr and returns what was written to it meanwhile (the first
 * 64 KiB), in a buffer that the next capture_end() reuses. */
static inline const char *capture_end(void)
{
	struct stderr_capture *c = stderr_capture();
	size_t n;

	fflush(stderr);
	if (dup2(c->saved, 2) < 0)
		die("dup2");
	close(c->saved);
	c->saved = -1;
	rewind(c->file);
	n = fread(c->text, 1, sizeof c->text - 1, c->file);
	c->text[n] = '\0';
	fclose(c->file);
	c->file = NULL;
	return c->text;
}

/* ---- text --------------------------------------------------------------- */

/* The number of newlines in TEXT. */
static inline size_t count_lines(const char *text)
{
	size_t n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* ---- module files ------------------------------------------------------- */

/* Maps the file PATH read-only and parses it into *ELF; *SIZE gets the
 * mapping's length.  Returns the mapping (for unmap_module()), or NULL
 * where the file cannot be read or is no valid module. */
static inline void *map_module(const char *path, struct elf_file *elf,
			       size_t *size)
{
	struct stat st;
	void *map;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return NULL;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return NULL;
	if (elf_parse(elf, path, map, (size_t)st.st_size) < 0) {
		munmap(map, (size_t)st.st_size);
		return NULL;
	}
	*size = (size_t)st.st_size;
	return map;
}

/* Undoes map_module(). */
static inline void unmap_module(struct elf_file *elf, void *map, size_t size)
{
	elf_release(elf);
	munmap(map, size);
}

#endif
