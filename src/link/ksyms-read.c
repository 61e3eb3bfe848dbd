/* Kernel symbol files read into a table: whole, or for a table filtered
 * to wanted names a piece at a time (see ksyms.h).  Read, never mapped: a
 * file truncated under a mapping would be SIGBUS. */
#include "ksyms-int.h"
#include "log.h"
#include "readall.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Limits on what a symbol file may be, so that a wrong name
 * (--kernel-symbols=/dev/zero) is refused instead of read until memory
 * runs out.  A 6.1 kernel's /proc/kallsyms is about 12 MB and its longest
 * line (KSYM_NAME_LEN is 512) well under 1 KiB. */
#define KSYMS_MAX_BYTES (256u << 20)
#define KSYMS_MAX_LINE (64u << 10)

/* A regular file's size, when it is one and not empty, and its status in
 * *ST; -ENODEV for anything else (/proc files have no size, a pipe none
 * to tell). */
static int regular_size(int fd, size_t *size, struct stat *st)
{
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) || st->st_size <= 0)
		return -ENODEV;
	if ((uint64_t)st->st_size > KSYMS_MAX_BYTES)
		return -EFBIG;
	*size = (size_t)st->st_size;
	return 0;
}

/* A regular file is read at its size in one go (readall.h: not mapped, so
 * that a file truncated meanwhile is an error, not SIGBUS); anything else
 * into a buffer that grows up to the limit. */
static int read_whole(int fd, struct ksym_file *f)
{
	size_t cap = 0, len = 0;
	char *buf = NULL;
	uint8_t *whole;
	struct stat st;
	int r = regular_size(fd, &len, &st);

	if (r == 0 && (r = read_regular_whole(fd, len, &whole)) == 0) {
		f->map = whole;
		f->size = len;
	}
	if (r != -ENODEV)
		return r;
	len = 0;
	for (;;) {
		ssize_t got;

		if (len == cap && cap >= KSYMS_MAX_BYTES) {
			free(buf);
			return -EFBIG;
		}
		if (len == cap) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 1 << 20);

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		got = read(fd, buf + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = -errno;

			free(buf);
			return e;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	f->map = buf;
	f->size = len;
	return 0;
}

/* Where the last whole line of buf[0, len) ends, or 0. */
static size_t whole_lines(const char *buf, size_t len)
{
	const char *nl = memrchr(buf, '\n', len);

	return nl ? (size_t)(nl - buf) + 1 : 0;
}

/* One piece of whole lines: the format is recognised from the first line
 * that is not blank, then the lines are parsed and the strings kept that
 * entries point at, before the piece goes. */
static int parse_piece(struct ksym_table *t, struct ksym_file *f, const char *p, size_t n)
{
	int r = 0;

	if (f->format == KSYMS_EMPTY) {
		f->format = ksyms_detect(p, n);
		if (f->format != KSYMS_EMPTY)
			r = ksyms_start_format(t, f);
	}
	if (!r && f->format != KSYMS_EMPTY)
		r = ksyms_parse_range(t, f->format, p, p + n);
	return r ? r : ksyms_keep_strings(t, p, p + n);
}

/* Fills buf[*len, cap) from fd, or up to the end of the file. */
static int fill(int fd, char *buf, size_t cap, size_t *len, bool *eof)
{
	while (*len < cap) {
		ssize_t n = read(fd, buf + *len, cap - *len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {
			*eof = true;
			break;
		}
		*len += (size_t)n;
	}
	return 0;
}

/* The table's buffer for pieces, at least CAP bytes, kept from one file
 * to the next (ksyms_release frees it): a fresh one for each file cost a
 * mapping, its page faults and an munmap() under musl's malloc. */
static char *piece_buffer(struct ksym_table *t, size_t cap)
{
	if (t->piece_cap < cap) {
		char *bigger = realloc(t->piece, cap);

		if (!bigger)
			return NULL;
		t->piece = bigger;
		t->piece_cap = cap;
	}
	return t->piece;
}

/* A file read into the table's buffer t->piece_size bytes (more for a
 * longer line) at a time; *TOTAL is how many bytes it turned out to have. */
static int read_in_pieces(struct ksym_table *t, struct ksym_file *f, int fd, size_t *total_out)
{
	size_t cap = t->piece_size ? t->piece_size : 1, len = 0, total = 0;
	char *buf = piece_buffer(t, cap);
	bool eof = false;
	int r = 0;

	if (!buf)
		return -ENOMEM;
	f->format = KSYMS_EMPTY;
	while (!r && (!eof || len)) {
		size_t upto;

		if ((r = fill(fd, buf, cap, &len, &eof)))
			break;
		upto = eof ? len : whole_lines(buf, len);
		if (!upto && !eof && len >= KSYMS_MAX_LINE) {
			r = -E2BIG;
			break;
		}
		if ((total += upto) > KSYMS_MAX_BYTES) {
			r = -EFBIG;
			break;
		}
		if (!upto && !eof) {	/* a line longer than the piece */
			if (!(buf = piece_buffer(t, cap * 2))) {
				r = -ENOMEM;
				break;
			}
			cap *= 2;
			continue;
		}
		r = parse_piece(t, f, buf, upto);
		memmove(buf, buf + upto, len - upto);
		len -= upto;
	}
	*total_out = total;
	return r;
}

/* A filtered table's file, piece by piece: never in memory whole.  (Read,
 * not mapped: see read_whole.)  A regular file must end where its size
 * said, or it changed while it was read. */
static int read_filtered(struct ksym_table *t, struct ksym_file *f, int fd)
{
	size_t size = 0, total = 0;
	struct stat st;
	int r = regular_size(fd, &size, &st), index = KSYMS_INDEX_NONE;
	bool indexable;

	if (r && r != -ENODEV)
		return r;
	/* a large file through its index (ksyms-index.c), when it has one
	 * and few names are wanted */
	indexable = size >= KSYMS_INDEX_MIN_FILE && t->nsyms <= KSYMS_INDEX_MAX_NAMES;
	if (indexable && (index = ksyms_index_read(t, f, fd, &st)) <= 0)
		return index;
	r = read_in_pieces(t, f, fd, &total);
	if (!r && size && total != size)
		r = -ESTALE;
	if (!r && indexable && index == KSYMS_INDEX_NONE)
		ksyms_index_write(f, fd, &st);
	return r;
}

/* A whole table keeps pointers into its files: they are read whole and
 * stay until ksyms_release(). */
static int read_whole_file(struct ksym_table *t, struct ksym_file *f, int fd)
{
	int r = read_whole(fd, f);

	if (r < 0)
		return r;
	f->format = ksyms_detect(f->map, f->size);
	r = ksyms_start_format(t, f);
	return r ? r : ksyms_parse_range(t, f->format, f->map, (const char *)f->map + f->size);
}

int ksyms_load_file(struct ksym_table *t, const char *path)
{
	struct ksym_file *files, *f;
	int fd, r;

	files = realloc(t->files, (t->nfiles + 1) * sizeof(*files));
	if (!files)
		return -ENOMEM;
	t->files = files;
	f = &files[t->nfiles];
	memset(f, 0, sizeof(*f));
	f->path = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		log_error("%s: cannot read kernel symbols: %s", path, strerror(-r));
		return r;
	}
	t->nfiles++;
	r = t->filtered ? read_filtered(t, f, fd) : read_whole_file(t, f, fd);
	close(fd);
	if (r == 0 && f->format == KSYMS_EMPTY)
		log_warn("%s: is empty: it holds no kernel symbols", path);
	if (r == -ENOMEM)
		log_error("%s: out of memory reading kernel symbols", path);
	else if (r == -EFBIG)
		log_error("%s: larger than %u MiB: not a kernel symbol table", path, KSYMS_MAX_BYTES >> 20);
	else if (r == -ESTALE)
		log_error("%s: the file changed size while it was read; not used", path);
	else if (r == -E2BIG)
		log_error("%s: a line longer than %u KiB: not a kernel symbol table", path, KSYMS_MAX_LINE >> 10);
	else if (r < 0 && r != -EINVAL)
		log_error("%s: cannot read kernel symbols: %s", path, strerror(-r));
	return r;
}

int ksyms_load_default(struct ksym_table *t, const char *root, const char *release)
{
	char path[4096];
	int r;

	if (!root)
		root = "";
	snprintf(path, sizeof(path), "%s/proc/kallsyms", root);
	t->default_kallsyms = strdup(path);
	if (!t->default_kallsyms)
		return -ENOMEM;
	r = ksyms_load_file(t, t->default_kallsyms);
	if (r < 0)
		return r;
	if (!release || !*release)
		return 0;
	snprintf(path, sizeof(path), "%s/lib/modules/%s/build/Module.symvers", root, release);
	if (access(path, R_OK) != 0) {
		log_verbose("%s: not present; symbol CRCs, GPL-only status and namespaces are not checked",
			    path);
		return 0;
	}
	t->default_symvers = strdup(path);
	if (!t->default_symvers)
		return -ENOMEM;
	return ksyms_load_file(t, t->default_symvers);
}
