/* Kernel symbol tables: parsing the four text formats and one hash table.
 *
 * Speed matters (a 4 MB /proc/kallsyms is read on every link), so lines
 * are never copied one by one: names stay pointers into the file's bytes.
 * When the caller registers the names it needs first (ksyms_want), lines
 * for other names cost one hash probe and no memory (a module needs a few
 * hundred of the kernel's ~100,000 symbols), and the file is read a piece
 * at a time, the few strings kept copied out before a piece is reused. */
#include "ksyms.h"
#include "log.h"
#include "readall.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KSYMTAB_PREFIX "__ksymtab_"

void ksyms_init(struct ksym_table *t)
{
	memset(t, 0, sizeof(*t));
}

/* A word-at-a-time hash: every line of a 4 MB kallsyms is hashed once, so
 * this is the hottest loop of reading it. */
static uint32_t hash_name(const char *s, size_t n)
{
	uint64_t h = (uint64_t)n * 0x9e3779b97f4a7c15ull, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	if (n) {
		/* the tail without a variable-length memcpy call */
		w = 0;
		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)(uint8_t)s[i] << (8 * i);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
		h ^= h >> 29;
	}
	return (uint32_t)(h ^ (h >> 32));
}

static bool same_name(const struct ksym *k, const char *s, size_t n)
{
	return k->name_len == n && memcmp(k->name, s, n) == 0;
}

/* The bucket holding name, or the empty bucket where it would go. */
static uint32_t *bucket_for(const struct ksym_table *t, const char *s, size_t n)
{
	size_t mask = t->nbuckets - 1;
	size_t i = hash_name(s, n) & mask;

	for (;;) {
		uint32_t *b = &t->buckets[i];

		if (*b == 0 || same_name(&t->syms[*b - 1], s, n))
			return b;
		i = (i + 1) & mask;
	}
}

static int grow_buckets(struct ksym_table *t)
{
	size_t n = t->nbuckets ? t->nbuckets * 2 : 1024;
	uint32_t *old = t->buckets;

	t->buckets = calloc(n, sizeof(*t->buckets));
	if (!t->buckets) {
		t->buckets = old;
		return -ENOMEM;
	}
	t->nbuckets = n;
	for (size_t i = 0; i < t->nsyms; i++)
		*bucket_for(t, t->syms[i].name, t->syms[i].name_len) = (uint32_t)(i + 1);
	free(old);
	return 0;
}

/* Finds name, adding an empty entry for it unless the table is filtered
 * to wanted names.  NULL when filtered out (or on ENOMEM, noted in *err). */
static struct ksym *find_or_add(struct ksym_table *t, const char *s, size_t n, int *err)
{
	uint32_t *b;

	if (n == 0 || n > UINT32_MAX)
		return NULL;
	if (t->nbuckets == 0 && grow_buckets(t) < 0)
		goto nomem;
	b = bucket_for(t, s, n);
	if (*b)
		return &t->syms[*b - 1];
	if (t->filtered)
		return NULL;
	if (t->nsyms == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		struct ksym *v = realloc(t->syms, cap * sizeof(*v));

		if (!v)
			goto nomem;
		t->syms = v;
		t->cap = cap;
	}
	if ((t->nsyms + 1) * 2 > t->nbuckets) {
		if (grow_buckets(t) < 0)
			goto nomem;
		b = bucket_for(t, s, n);
	}
	memset(&t->syms[t->nsyms], 0, sizeof(t->syms[0]));
	t->syms[t->nsyms].name = s;
	t->syms[t->nsyms].name_len = (uint32_t)n;
	*b = (uint32_t)++t->nsyms;
	return &t->syms[t->nsyms - 1];
nomem:
	*err = -ENOMEM;
	return NULL;
}

int ksyms_want(struct ksym_table *t, const char *name)
{
	int err = 0;
	bool was = t->filtered;

	t->filtered = false;
	find_or_add(t, name, strlen(name), &err);
	t->filtered = was;
	return err;
}

/* The prefilter: one bit per 16-bit hash of a name's first (up to) 8
 * bytes, so that most lines of a symbol file are turned away after one
 * load, one multiply and one bit test, without finding the name's end.
 * Bytes below '!' end a name (space, tab, newline, NUL). */
static uint64_t name_key(const char *p)
{
	uint64_t w, t;

	memcpy(&w, p, 8);
	w = le64toh(w);
	t = (w - 0x2121212121212121ull) & ~w & 0x8080808080808080ull;
	if (t)
		w &= (1ull << (__builtin_ctzll(t) & ~7u)) - 1;
	return (w * 0x9e3779b97f4a7c15ull) >> 48;
}

static bool prefilter_pass(const struct ksym_table *t, const char *name)
{
	uint64_t k = name_key(name);

	return t->prefilter[k >> 6] >> (k & 63) & 1;
}

void ksyms_filter(struct ksym_table *t)
{
	t->filtered = true;
	t->prefilter = calloc(1024, sizeof(uint64_t));
	for (size_t i = 0; t->prefilter && i < t->nsyms; i++) {
		char buf[8] = { 0 };
		uint64_t k;

		memcpy(buf, t->syms[i].name, t->syms[i].name_len < 8 ? t->syms[i].name_len : 8);
		k = name_key(buf);
		t->prefilter[k >> 6] |= 1ull << (k & 63);
	}
}

/* Is [p, p+n) free of field separators (tabs and newlines for
 * Module.symvers, also spaces and CRs for kallsyms), so that the general
 * parser sees it as one whole field? */
static bool one_field(const char *p, size_t n, bool tabs_only)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] == '\t' || p[i] == '\n' || (!tabs_only && (p[i] == ' ' || p[i] == '\r')))
			return false;
	return true;
}

/* Are the 8 bytes at p all above ' '?  Then none of them is a field
 * separator (tab, newline, CR, space).  A byte below '!' that is no
 * separator makes it say no too, and such a line takes the general
 * parser: slower, never wrong.  Checked a word at a time: the
 * byte-by-byte test was a fifth of reading a symbol file. */
static bool all_above_space8(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return ((w - 0x2121212121212121ull) & ~w & 0x8080808080808080ull) == 0;
}

/* Where the name of a kallsyms or Module.symvers line of the usual shape
 * starts, or NULL; at least 18 bytes must follow it in the buffer.  The
 * shape is checked whole (address and type single fields, one space before
 * the name), so that the name is where the general parser would find it. */
static const char *quick_name(enum ksym_format format, const char *p, const char *end)
{
	const char *name = NULL;

	if (end - p < 48)
		return NULL;
	if (format == KSYMS_SYMVERS) {
		if (p[0] == '0' && p[1] == 'x' && p[10] == '\t' && all_above_space8(p) &&
		    one_field(p + 8, 2, true))
			name = p + 11;
	} else if (p[16] == ' ' && p[18] == ' ' && all_above_space8(p) && all_above_space8(p + 8) &&
		   one_field(p + 17, 1, false)) {
		name = p + 19;
	} else if (p[8] == ' ' && p[10] == ' ' && all_above_space8(p) && one_field(p + 9, 1, false)) {
		name = p + 11;
	}
	if (name && format != KSYMS_SYMVERS && !one_field(name, 1, false))
		return NULL;
	return name;
}

/* Can the line at p be skipped without parsing it?  Notes __ksymtab_
 * lines on the way, whose presence changes what counts as exported.  A
 * __ksymtab_NAME line stands for NAME only when no "[MODULE]" follows;
 * with one it is a module's symbol of that whole name (see
 * parse_kallsyms_line), so either name being wanted keeps the line. */
static bool quick_reject(struct ksym_table *t, enum ksym_format format, const char *p, const char *end)
{
	const size_t skip = sizeof(KSYMTAB_PREFIX) - 1;
	const char *name = quick_name(format, p, end);

	if (!name || !t->prefilter)
		return false;
	if (format == KSYMS_KALLSYMS && name[0] == '_' && memcmp(name, KSYMTAB_PREFIX, skip) == 0 &&
	    name[skip] != ' ' && name[skip] != '\t' && name[skip] != '\r' && name[skip] != '\n') {
		t->have_ksymtab = true;
		if (prefilter_pass(t, name + skip))
			return false;
	}
	return !prefilter_pass(t, name);
}

const struct ksym *ksyms_lookup_n(const struct ksym_table *t, const char *name, size_t len)
{
	uint32_t *b;

	if (t->nbuckets == 0)
		return NULL;
	b = bucket_for(t, name, len);
	return *b ? &t->syms[*b - 1] : NULL;
}

const struct ksym *ksyms_lookup(const struct ksym_table *t, const char *name)
{
	return ksyms_lookup_n(t, name, strlen(name));
}

/* ---- Reading a file ---------------------------------------------------- */

/* Limits on what a symbol file may be, so that a wrong name
 * (--kernel-symbols=/dev/zero) is refused instead of read until memory
 * runs out.  A 6.1 kernel's /proc/kallsyms is about 12 MB and its longest
 * line (KSYM_NAME_LEN is 512) well under 1 KiB. */
#define KSYMS_MAX_BYTES (256u << 20)
#define KSYMS_MAX_LINE (64u << 10)

/* A regular file's size, when it is one and not empty; -ENODEV for
 * anything else (/proc files have no size, a pipe none to tell). */
static int regular_size(int fd, size_t *size)
{
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
		return -ENODEV;
	if ((uint64_t)st.st_size > KSYMS_MAX_BYTES)
		return -EFBIG;
	*size = (size_t)st.st_size;
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
	int r = regular_size(fd, &len);

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

struct cursor {
	const char *p, *end;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next whitespace-separated field of the current line, or false at
 * the end of the line. */
static bool next_field(struct cursor *c, const char **s, size_t *n)
{
	while (c->p < c->end && is_blank(*c->p))
		c->p++;
	if (c->p >= c->end || *c->p == '\n')
		return false;
	*s = c->p;
	while (c->p < c->end && !is_blank(*c->p) && *c->p != '\n')
		c->p++;
	*n = (size_t)(c->p - *s);
	return true;
}

static void skip_line(struct cursor *c)
{
	const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));

	c->p = nl ? nl + 1 : c->end;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A hex number of at most 16 digits, with an optional 0x. */
static bool parse_hex(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
	}
	if (n == 0 || n > 16)
		return false;
	for (size_t i = 0; i < n; i++) {
		int d = hex_digit(s[i]);

		if (d < 0)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return true;
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

/* Records an address for k, keeping an earlier global definition over a
 * later local one of the same name (static functions repeat names). */
static void set_address(struct ksym_table *t, struct ksym *k, uint64_t addr,
			uint32_t flags, const char *owner, size_t owner_len)
{
	if (addr)
		t->nonzero_address = true;
	if ((k->flags & KSYM_HAS_ADDR) &&
	    ((k->flags & KSYM_GLOBAL) || !(flags & KSYM_GLOBAL)))
		return;
	k->addr = addr;
	k->flags = (k->flags & ~(KSYM_GLOBAL | KSYM_MODULE | KSYM_OLD)) | flags | KSYM_HAS_ADDR;
	if (owner) {
		k->owner = owner;
		k->owner_len = (uint32_t)owner_len;
	}
}

/* Splits a kallsyms line into address, type, name and module.  The usual
 * shape ("ADDR T NAME" with single spaces, "\t[MODULE]" after) is taken with
 * memchr; anything else goes through the general field splitter. */
static int split_kallsyms(struct cursor *c, const char **f, size_t *n)
{
	const char *p = c->p, *nl = memchr(p, '\n', (size_t)(c->end - p));
	const char *eol = nl ? nl : c->end, *q = p, *name;
	int nf = 0;

	while (q < eol && q - p < 17 && *q != ' ')
		q++;
	if (q > p && eol - q > 3 && *q == ' ' && q[1] != ' ' && q[2] == ' ' && q[3] != ' ' && q[3] != '\t') {
		f[0] = p; n[0] = (size_t)(q - p);
		f[1] = q + 1; n[1] = 1;
		name = q + 3;
		for (q = name; q < eol && *q != '\t' && *q != ' ' && *q != '\r'; q++)
			;
		f[2] = name; n[2] = (size_t)(q - name);
		nf = 3;
		if (q < eol && *q == '\t') {
			f[3] = q + 1;
			n[3] = (size_t)(eol - f[3]);
			while (n[3] && (f[3][n[3] - 1] == '\r' || f[3][n[3] - 1] == ' '))
				n[3]--;
			nf = n[3] ? 4 : 3;
			q = eol;
		}
		if (q == eol || (*q == '\r' && q + 1 == eol)) {
			c->p = nl ? nl + 1 : c->end;
			return nf;
		}
	}
	nf = 0;
	while (nf < 4 && next_field(c, &f[nf], &n[nf]))
		nf++;
	skip_line(c);
	return nf;
}

/* "ADDR TYPE NAME" or "ADDR TYPE NAME\t[MODULE]" (/proc/kallsyms, System.map). */
static int parse_kallsyms_line(struct ksym_table *t, struct cursor *c)
{
	const size_t skip = sizeof(KSYMTAB_PREFIX) - 1;
	const char *f[4];
	size_t n[4];
	int nf = split_kallsyms(c, f, n);
	uint64_t addr;
	uint32_t flags = 0;
	struct ksym *k;
	int err = 0;
	bool ksymtab;

	if (nf < 3 || n[1] != 1)
		return 0;	/* not a symbol line: ignored, as the kernel's tools do */
	/* vmlinux exports are the names that have a __ksymtab_ entry */
	ksymtab = n[2] > skip && f[2][0] == '_' && memcmp(f[2], KSYMTAB_PREFIX, skip) == 0;
	if (ksymtab)
		t->have_ksymtab = true;
	ksymtab &= nf == 3;
	if (t->filtered && !ksyms_lookup_n(t, ksymtab ? f[2] + skip : f[2], ksymtab ? n[2] - skip : n[2]))
		return 0;	/* the common case: a name the module does not use */
	if (!parse_hex(f[0], n[0], &addr))
		return 0;
	if (ksymtab) {
		k = find_or_add(t, f[2] + skip, n[2] - skip, &err);
		if (k)
			k->flags |= KSYM_KSYMTAB;
		return err;
	}
	if (is_upper(f[1][0]))
		flags |= KSYM_GLOBAL;
	if (nf == 4) {
		if (n[3] < 2 || f[3][0] != '[' || f[3][n[3] - 1] != ']')
			return 0;
		flags |= KSYM_MODULE;
		f[3]++;
		n[3] -= 2;
	}
	k = find_or_add(t, f[2], n[2], &err);
	if (k)
		set_address(t, k, addr, flags, nf == 4 ? f[3] : NULL, nf == 4 ? n[3] : 0);
	return err;
}

/* "ADDR NAME [MODULE]": the 2.4 /proc/ksyms, where every line is an
 * export and modversions appended "_R" and the CRC in hex to the name. */
static int parse_old_ksyms_line(struct ksym_table *t, struct cursor *c)
{
	const char *f[3];
	size_t n[3], nf = 0;
	uint64_t addr, crc = 0;
	bool has_crc = false;
	struct ksym *k;
	int err = 0;

	while (nf < 3 && next_field(c, &f[nf], &n[nf]))
		nf++;
	skip_line(c);
	if (nf < 2 || !parse_hex(f[0], n[0], &addr))
		return 0;
	if (n[1] > 10 && f[1][n[1] - 10] == '_' && f[1][n[1] - 9] == 'R' &&
	    parse_hex(f[1] + n[1] - 8, 8, &crc)) {
		has_crc = true;
		n[1] -= 10;
	}
	if (nf == 3 && n[2] >= 2 && f[2][0] == '[' && f[2][n[2] - 1] == ']') {
		f[2]++;
		n[2] -= 2;
	} else {
		nf = 2;
	}
	k = find_or_add(t, f[1], n[1], &err);
	if (!k)
		return err;
	set_address(t, k, addr, KSYM_GLOBAL | KSYM_OLD | (nf == 3 ? KSYM_MODULE : 0),
		    nf == 3 ? f[2] : NULL, nf == 3 ? n[2] : 0);
	if (has_crc && !(k->flags & KSYM_HAS_CRC)) {
		k->crc = (uint32_t)crc;
		k->flags |= KSYM_HAS_CRC;
		t->have_crcs = true;
	}
	return 0;
}

/* The next tab-separated field (Module.symvers allows empty ones). */
static bool next_tab_field(struct cursor *c, const char *eol, const char **s, size_t *n)
{
	const char *tab;

	if (c->p >= eol)
		return false;
	tab = memchr(c->p, '\t', (size_t)(eol - c->p));
	*s = c->p;
	*n = (size_t)((tab ? tab : eol) - c->p);
	c->p = tab ? tab + 1 : eol;
	return true;
}

/* "0xCRC\tNAME\tMODULE\tEXPORT_SYMBOL[_GPL]\tNAMESPACE" (modpost's dump). */
static int parse_symvers_line(struct ksym_table *t, struct cursor *c)
{
	const char *f[5];
	size_t n[5], nf = 0;
	uint64_t crc;
	struct ksym *k;
	int err = 0;

	const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	const char *eol = nl ? nl : c->end;

	while (nf < 5 && next_tab_field(c, eol, &f[nf], &n[nf]))
		nf++;
	c->p = nl ? nl + 1 : c->end;
	if (nf < 4 || (t->filtered && !ksyms_lookup_n(t, f[1], n[1])) || !parse_hex(f[0], n[0], &crc))
		return 0;
	while (nf == 5 && n[4] && f[4][n[4] - 1] == '\r')
		n[4]--;
	k = find_or_add(t, f[1], n[1], &err);
	if (!k || (k->flags & KSYM_SYMVERS))
		return err;	/* the first listing of a name wins */
	k->flags |= KSYM_SYMVERS | KSYM_HAS_CRC;
	k->crc = (uint32_t)crc;
	t->have_crcs = true;
	if (n[3] == sizeof("EXPORT_SYMBOL_GPL") - 1 && memcmp(f[3], "EXPORT_SYMBOL_GPL", n[3]) == 0)
		k->flags |= KSYM_GPL;
	if (nf == 5 && n[4]) {
		k->ns = f[4];
		k->ns_len = (uint32_t)n[4];
	}
	if (!k->owner) {
		k->owner = f[2];
		k->owner_len = (uint32_t)n[2];
	}
	return 0;
}

/* Recognises a format from the first line that is not empty. */
/* A line of plain text that starts with a letter and is short: a
 * sentence, not a symbol table's line nor binary data. */
static bool is_sentence(const char *s, size_t len)
{
	if (len == 0 || len > 200 || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
		return false;
	for (size_t i = 0; i < len; i++)
		if ((s[i] < 0x20 || s[i] > 0x7e) && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

static enum ksym_format detect(const char *p, size_t size)
{
	struct cursor c = { p, p + size };
	const char *f[3], *first, *nl, *eol;
	size_t n[3], nf = 0, tabs = 0;
	uint64_t v;

	while (c.p < c.end && (*c.p == '\n' || is_blank(*c.p)))
		c.p++;
	if (c.p >= c.end)
		return KSYMS_EMPTY;
	first = c.p;
	nl = memchr(c.p, '\n', (size_t)(c.end - c.p));
	eol = nl ? nl : c.end;
	for (const char *q = c.p; q < eol; q++)
		tabs += *q == '\t';
	if (tabs >= 3 && eol - c.p > 2 && c.p[0] == '0' && c.p[1] == 'x')
		return KSYMS_SYMVERS;
	while (nf < 3 && next_field(&c, &f[nf], &n[nf]))
		nf++;
	if (nf >= 2 && parse_hex(f[0], n[0], &v)) {
		if (nf == 3 && n[1] == 1)
			return KSYMS_KALLSYMS;
		return KSYMS_OLD_KSYMS;
	}
	/* Debian ships System.map as one line of text ("The real System.map
	 * is in the linux-image-<version>-dbg package"): a file whose first
	 * line is a short sentence holds no symbols, and is said so, not
	 * refused, so that the files given beside it still serve.  Decided
	 * on the first line alone, which a file read whole and one read in
	 * pieces both see whole. */
	if (is_sentence(first, (size_t)(eol - first)))
		return KSYMS_PLACEHOLDER;
	return KSYMS_UNKNOWN;
}

static const char *format_name(enum ksym_format f)
{
	switch (f) {
	case KSYMS_KALLSYMS: return "kallsyms/System.map";
	case KSYMS_OLD_KSYMS: return "old ksyms";
	case KSYMS_SYMVERS: return "Module.symvers";
	case KSYMS_EMPTY: return "empty";
	case KSYMS_PLACEHOLDER: return "text without symbols";
	default: return "unknown";
	}
}

/* Logs which format a file is read as, and notes what it brings. */
static int start_format(struct ksym_table *t, const struct ksym_file *f)
{
	if (f->format == KSYMS_UNKNOWN) {
		log_error("%s: not a kernel symbol table (expected /proc/kallsyms, /proc/ksyms, System.map or Module.symvers format)",
			  f->path);
		return -EINVAL;
	}
	if (f->format == KSYMS_PLACEHOLDER) {
		log_warn("%s: holds no kernel symbols (Debian's System.map is a placeholder for the one in the "
			 "linux-image-*-dbg package); the other symbol files are used", f->path);
		return 0;
	}
	log_verbose("%s: reading kernel symbols (%s format)", f->path, format_name(f->format));
	if (f->format == KSYMS_KALLSYMS || f->format == KSYMS_OLD_KSYMS)
		t->have_addresses = true;
	return 0;
}

/* Just past the next newline at or after p (p < end), or end.  Symbol
 * lines are short, so the newline is found a word at a time in place:
 * a call to memchr() per line cost more than the rest of the skip. */
static const char *after_newline(const char *p, const char *end)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;

	while (end - p >= 8) {
		uint64_t w, x;

		memcpy(&w, p, 8);
		w = le64toh(w);
		x = w ^ (ones * '\n');
		x = (x - ones) & ~x & highs;
		if (x)
			return p + (__builtin_ctzll(x) >> 3) + 1;
		p += 8;
	}
	while (p < end)
		if (*p++ == '\n')
			return p;
	return end;
}

/* Parses the whole lines in [p, end). */
static int parse_range(struct ksym_table *t, enum ksym_format format, const char *p, const char *end)
{
	struct cursor c = { p, end };
	int (*line)(struct ksym_table *, struct cursor *);
	int r = 0;

	switch (format) {
	case KSYMS_KALLSYMS: line = parse_kallsyms_line; break;
	case KSYMS_OLD_KSYMS: line = parse_old_ksyms_line; break;
	case KSYMS_SYMVERS: line = parse_symvers_line; break;
	default: return 0;
	}
	while (c.p < c.end && r == 0) {
		if (format != KSYMS_OLD_KSYMS && quick_reject(t, format, c.p, c.end)) {
			c.p = after_newline(c.p + 11, c.end);
			continue;
		}
		r = line(t, &c);
	}
	return r;
}

/* ---- Reading a filtered table piece by piece ---------------------------- */

size_t ksyms_piece_size = 256u << 10;

static const char *arena_copy(struct ksym_table *t, const char *s, size_t n)
{
	struct ksym_arena *a = t->arena;

	if (!a || a->cap - a->used < n) {
		size_t cap = n > 4096 ? n : 4096;

		a = malloc(sizeof(*a) + cap);
		if (!a)
			return NULL;
		a->next = t->arena;
		a->used = 0;
		a->cap = cap;
		t->arena = a;
	}
	memcpy(a->data + a->used, s, n);
	a->used += n;
	return a->data + a->used - n;
}

static bool inside(const char *p, const char *lo, const char *hi)
{
	return p && (uintptr_t)p >= (uintptr_t)lo && (uintptr_t)p < (uintptr_t)hi;
}

/* Copies out every string an entry points at in [lo, hi), the piece about
 * to be reused. */
static int keep_strings(struct ksym_table *t, const char *lo, const char *hi)
{
	for (size_t i = 0; i < t->nsyms; i++) {
		struct ksym *k = &t->syms[i];

		if (inside(k->owner, lo, hi) && !(k->owner = arena_copy(t, k->owner, k->owner_len)))
			return -ENOMEM;
		if (inside(k->ns, lo, hi) && !(k->ns = arena_copy(t, k->ns, k->ns_len)))
			return -ENOMEM;
	}
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
		f->format = detect(p, n);
		if (f->format != KSYMS_EMPTY)
			r = start_format(t, f);
	}
	if (!r && f->format != KSYMS_EMPTY)
		r = parse_range(t, f->format, p, p + n);
	return r ? r : keep_strings(t, p, p + n);
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

/* A file read into a buffer of ksyms_piece_size (more for a longer line)
 * a piece at a time; *TOTAL is how many bytes it turned out to have. */
static int read_in_pieces(struct ksym_table *t, struct ksym_file *f, int fd, size_t *total_out)
{
	size_t cap = ksyms_piece_size ? ksyms_piece_size : 1, len = 0, total = 0;
	char *buf = malloc(cap);
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
			char *bigger = realloc(buf, cap * 2);

			if (!bigger) {
				r = -ENOMEM;
				break;
			}
			buf = bigger;
			cap *= 2;
			continue;
		}
		r = parse_piece(t, f, buf, upto);
		memmove(buf, buf + upto, len - upto);
		len -= upto;
	}
	free(buf);
	*total_out = total;
	return r;
}

/* A filtered table's file, piece by piece: never in memory whole.  (Read,
 * not mapped: see read_whole.)  A regular file must end where its size
 * said, or it changed while it was read. */
static int read_filtered(struct ksym_table *t, struct ksym_file *f, int fd)
{
	size_t size = 0, total = 0;
	int r = regular_size(fd, &size);

	if (r && r != -ENODEV)
		return r;
	r = read_in_pieces(t, f, fd, &total);
	if (!r && size && total != size)
		r = -ESTALE;
	return r;
}

/* ---- Loading a file ------------------------------------------------------ */

/* A whole table keeps pointers into its files: they are read whole and
 * stay until ksyms_release(). */
static int read_whole_file(struct ksym_table *t, struct ksym_file *f, int fd)
{
	int r = read_whole(fd, f);

	if (r < 0)
		return r;
	f->format = detect(f->map, f->size);
	r = start_format(t, f);
	return r ? r : parse_range(t, f->format, f->map, (const char *)f->map + f->size);
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

/* An export is what the kernel's resolve_symbol() would find:
 *  - a loaded module's symbol whose kallsyms letter is upper case;
 *  - a vmlinux symbol with a __ksymtab_ entry (when the file lists none,
 *    as without CONFIG_KALLSYMS_ALL, any global one that Module.symvers
 *    lists, or any global one at all without Module.symvers);
 *  - every line of the old ksyms format;
 *  - with no address-carrying file at all, whatever Module.symvers lists
 *    (good enough for -p). */
void ksyms_finish(struct ksym_table *t)
{
	bool have_symvers = false;

	for (size_t i = 0; i < t->nfiles; i++)
		have_symvers |= t->files[i].format == KSYMS_SYMVERS;
	t->addresses_hidden = t->have_addresses && !t->nonzero_address;
	for (size_t i = 0; i < t->nsyms; i++) {
		struct ksym *k = &t->syms[i];
		bool exported;

		if (!t->have_addresses)
			exported = k->flags & KSYM_SYMVERS;
		else if (!(k->flags & KSYM_HAS_ADDR))
			exported = false;
		else if (k->flags & (KSYM_OLD | KSYM_MODULE))
			exported = k->flags & KSYM_GLOBAL;
		else if (t->have_ksymtab)
			exported = k->flags & KSYM_KSYMTAB;
		else
			exported = (k->flags & KSYM_GLOBAL) &&
				   (!have_symvers || (k->flags & KSYM_SYMVERS));
		if (exported)
			k->flags |= KSYM_EXPORTED;
		else
			k->flags &= ~(uint32_t)KSYM_EXPORTED;
	}
}

void ksyms_release(struct ksym_table *t)
{
	for (size_t i = 0; i < t->nfiles; i++) {
		free(t->files[i].map);
	}
	free(t->files);
	free(t->syms);
	free(t->buckets);
	free(t->prefilter);
	while (t->arena) {
		struct ksym_arena *next = t->arena->next;

		free(t->arena);
		t->arena = next;
	}
	free(t->default_kallsyms);
	free(t->default_symvers);
	memset(t, 0, sizeof(*t));
}
