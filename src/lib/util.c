#include "util.h"
#include "strbuf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool read_first_line(const char *root, const char *path, char *buf, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	FILE *fp;
	bool ok = false;

	if (size > 1 && strbuf_printf(&sb, "%s%s", root ? root : "", path) == 0 &&
	    (fp = fopen(strbuf_str(&sb), "re")) != NULL) {
		if (fgets(buf, (int)(size > 4096 ? 4096 : size), fp)) {
			buf[strcspn(buf, "\n")] = '\0';
			ok = true;
		}
		fclose(fp);
	}
	strbuf_release(&sb);
	return ok;
}

bool module_name_eq(const char *a, size_t n, const char *b)
{
	for (size_t i = 0; i < n; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];

		if (b[i] == '\0' || x != y)
			return false;
	}
	return b[n] == '\0';
}

const char *module_name_problem(const char *name)
{
	if (!*name)
		return "the name is empty";
	if (strchr(name, '/'))
		return "a name that becomes a file name cannot hold '/'";
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return "'.' and '..' name directories, not modules or files";
	/* room for what is added around it: ".NAME.blob.XXXXXX", "NAME.lock" */
	if (strlen(name) > NAME_MAX - 16)
		return "the name is too long to be a file name";
	return NULL;
}

long read_line_bounded(FILE *f, char **buf, size_t *cap, size_t *total)
{
	size_t len = 0;
	int c = 0;

	while (c != '\n' && (c = getc_unlocked(f)) != EOF) {
		if (len >= TEXT_MAX_LINE)
			return -E2BIG;
		if (len + 2 > *cap) {	/* room for c and the NUL */
			size_t want = *cap ? *cap * 2 : 256;
			char *nb;

			nb = realloc(*buf, want);
			if (!nb)
				return -ENOMEM;
			*buf = nb;
			*cap = want;
		}
		(*buf)[len++] = (char)c;
		if (++*total > TEXT_MAX_TOTAL)
			return -EFBIG;
	}
	if (len == 0)
		return -1;
	(*buf)[len] = '\0';	/* a NUL byte inside ends the line early for its readers: harmless */
	return (long)len;
}

static const char *const module_exts[] = {
	".ko.zst", ".ko.xz", ".ko.gz", ".ko", ".o.gz", ".o",
};

/* The module name a modules.dep file name stands for: its base name
 * without a known extension. */
void module_base_name(const char *path, size_t len, const char **base,
			size_t *blen)
{
	size_t i, b = len;

	while (b > 0 && path[b - 1] != '/')
		b--;
	*base = path + b;
	*blen = len - b;
	for (i = 0; i < ARRAY_SIZE(module_exts); i++) {
		size_t e = strlen(module_exts[i]);

		if (*blen > e && memcmp(*base + *blen - e, module_exts[i], e) == 0) {
			*blen -= e;
			return;
		}
	}
}

unsigned log2_floor(uint64_t a)
{
	unsigned n = 0;

	while (a > 1) {
		a >>= 1;
		n++;
	}
	return n;
}

static char fold_dash(char c)
{
	return c == '-' ? '_' : c;
}

/* One row of the table: row i of a against all of b, from the two rows
 * before it.  Returns the row's smallest entry. */
static size_t distance_row(const char *a, size_t i, const char *b, size_t lb,
			   const size_t *prev2, const size_t *prev, size_t *cur)
{
	size_t least = cur[0] = i;

	for (size_t j = 1; j <= lb; j++) {
		char ca = fold_dash(a[i - 1]), cb = fold_dash(b[j - 1]);
		size_t best = prev[j - 1] + (ca != cb);

		if (prev[j] + 1 < best)
			best = prev[j] + 1;
		if (cur[j - 1] + 1 < best)
			best = cur[j - 1] + 1;
		if (i > 1 && j > 1 && ca == fold_dash(b[j - 2]) && fold_dash(a[i - 2]) == cb &&
		    prev2[j - 2] + 1 < best)
			best = prev2[j - 2] + 1;
		cur[j] = best;
		if (best < least)
			least = best;
	}
	return least;
}

size_t name_distance(const char *a, size_t la, const char *b, size_t lb, size_t limit)
{
	size_t rows[3][NAME_DISTANCE_MAX + 1], *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
	size_t least_before = 0;

	if (la > NAME_DISTANCE_MAX || lb > NAME_DISTANCE_MAX || (la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t least = distance_row(a, i, b, lb, prev2, prev, cur), *t = prev2;

		/* every later entry comes from this row or the one before */
		if (least > limit && least_before > limit)
			return limit + 1;
		least_before = least;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb] > limit ? limit + 1 : prev[lb];
}

int write_all(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	while (n) {
		/* at most 1 GiB a call: Linux writes no more than about 2 GiB */
		ssize_t w = write(fd, p, n > (1u << 30) ? (1u << 30) : n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}
