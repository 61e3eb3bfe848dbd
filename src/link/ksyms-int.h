/* Between the table (ksyms.c), the formats (ksyms-parse.c) and the reading
 * of files (ksyms-read.c): nothing outside the three uses these. */
#ifndef INSMOD_KSYMS_INT_H
#define INSMOD_KSYMS_INT_H

#include "ksyms.h"

#include <endian.h>
#include <string.h>
#include <sys/stat.h>

#define KSYMTAB_PREFIX "__ksymtab_"

/* ksyms.c */
/* Finds name, adding an empty entry for it unless the table is filtered
 * to wanted names.  NULL when filtered out (or on ENOMEM, noted in *err). */
struct ksym *ksyms_find_or_add(struct ksym_table *t, const char *s, size_t n, int *err);
/* The prefilter: one bit per 16-bit hash of a name's first (up to) 8
 * bytes, so that most lines of a symbol file are turned away after one
 * load, one multiply and one bit test, without finding the name's end.
 * Bytes below '!' end a name (space, tab, newline, NUL).  Inline: it runs
 * once for every line of every file. */
static inline uint64_t ksyms_name_key(const char *p)
{
	uint64_t w, t;

	memcpy(&w, p, 8);
	w = le64toh(w);
	t = (w - 0x2121212121212121ull) & ~w & 0x8080808080808080ull;
	if (t)
		w &= (1ull << (__builtin_ctzll(t) & ~7u)) - 1;
	return (w * 0x9e3779b97f4a7c15ull) >> 48;
}

/* May a name starting at p (8 bytes readable) be a wanted one? */
static inline bool ksyms_prefilter_pass(const struct ksym_table *t, const char *p)
{
	uint64_t k = ksyms_name_key(p);

	return t->prefilter[k >> 6] >> (k & 63) & 1;
}
void ksyms_set_address(struct ksym_table *t, struct ksym *k, uint64_t addr,
		       uint32_t flags, const char *owner, size_t owner_len);
/* Copies out the strings entries point at in [lo, hi), about to be reused. */
int ksyms_keep_strings(struct ksym_table *t, const char *lo, const char *hi);

/* ksyms-parse.c */
enum ksym_format ksyms_detect(const char *p, size_t size);
/* Logs which format a file is read as, and notes what it brings. */
int ksyms_start_format(struct ksym_table *t, const struct ksym_file *f);
/* Parses the whole lines in [p, end). */
int ksyms_parse_range(struct ksym_table *t, enum ksym_format format, const char *p, const char *end);
bool ksyms_line_key(enum ksym_format format, const char *p, const char *end, const char **key,
		    size_t *len, bool *ksymtab, const char **next);

/* ksyms-index.c: a large regular symbol file's index, kept between runs
 * (see there), ST the file's status taken as it was opened.
 * ksyms_index_read() fills a filtered table from the lines
 * the index names: 0, -errno, or having changed nothing
 * KSYMS_INDEX_NONE (no index that matches the file) or
 * KSYMS_INDEX_UNUSABLE (one that cannot serve these names); the file is
 * then read as usual.  ksyms_index_write() writes one for the file just
 * read, best effort. */
#ifndef KSYMS_INDEX_MIN_FILE	/* the fuzz build lowers it */
#define KSYMS_INDEX_MIN_FILE (1u << 20)
#endif
/* The index serves tables of at most this many wanted names: each costs
 * a few pread() calls per file (about 15 us here), and from about 100 of
 * them reading the whole files is quicker (bench/history.md).  Most
 * modules import fewer: half of Debian's under 32, nine in ten under 120. */
#define KSYMS_INDEX_MAX_NAMES 64
/* A file changed less than this many seconds ago gets no index yet (see
 * ksyms-index.c); the fuzz build, which clears its index itself, sets 0. */
#ifndef KSYMS_INDEX_SETTLED
#define KSYMS_INDEX_SETTLED 2
#endif
#define KSYMS_INDEX_NONE 1
#define KSYMS_INDEX_UNUSABLE 2
int ksyms_index_read(struct ksym_table *t, struct ksym_file *f, int fd, const struct stat *st);
void ksyms_index_write(const struct ksym_file *f, int fd, const struct stat *st);

#endif
