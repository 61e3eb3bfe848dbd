/* Kernel symbol files' four text formats: /proc/kallsyms (and System.map,
 * the same format), the old /proc/ksyms, and Module.symvers; each line
 * parsed into the table (ksyms.c).
 *
 * Speed matters (a 4 MB /proc/kallsyms is read on every link): lines of
 * the usual shape whose name the prefilter turns away are skipped without
 * being split into fields. */
#include "ksyms-int.h"
#include "log.h"

#include <endian.h>
#include <errno.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
		if (ksyms_prefilter_pass(t, name + skip))
			return false;
	}
	return !ksyms_prefilter_pass(t, name);
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
		k = ksyms_find_or_add(t, f[2] + skip, n[2] - skip, &err);
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
	k = ksyms_find_or_add(t, f[2], n[2], &err);
	if (k)
		ksyms_set_address(t, k, addr, flags, nf == 4 ? f[3] : NULL, nf == 4 ? n[3] : 0);
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
	k = ksyms_find_or_add(t, f[1], n[1], &err);
	if (!k)
		return err;
	ksyms_set_address(t, k, addr, KSYM_GLOBAL | KSYM_OLD | (nf == 3 ? KSYM_MODULE : 0),
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
	k = ksyms_find_or_add(t, f[1], n[1], &err);
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

/* The name the line at p is kept for in a filtered table: what its
 * parser looks up (so split the same way), for the index of a symbol file
 * (ksyms-index.c).  False for a line its parser ignores whatever names
 * are wanted.  *KSYMTAB says the line is a __ksymtab_ entry, which tells
 * that the file lists exports; *NEXT is the next line. */
bool ksyms_line_key(enum ksym_format format, const char *p, const char *end, const char **key,
		    size_t *len, bool *ksymtab, const char **next)
{
	const size_t skip = sizeof(KSYMTAB_PREFIX) - 1;
	struct cursor c = { p, end };
	const char *f[5];
	size_t n[5];
	int nf = 0;

	*ksymtab = false;
	if (format == KSYMS_KALLSYMS) {
		nf = split_kallsyms(&c, f, n);
		*next = c.p;
		if (nf < 3 || n[1] != 1)
			return false;
		*ksymtab = n[2] > skip && f[2][0] == '_' && memcmp(f[2], KSYMTAB_PREFIX, skip) == 0;
		*key = *ksymtab && nf == 3 ? f[2] + skip : f[2];
		*len = *ksymtab && nf == 3 ? n[2] - skip : n[2];
		return true;
	}
	if (format != KSYMS_SYMVERS) {
		skip_line(&c);
		*next = c.p;
		return false;
	}
	{
		const char *nl = memchr(c.p, '\n', (size_t)(c.end - c.p)), *eol = nl ? nl : c.end;

		while (nf < 5 && next_tab_field(&c, eol, &f[nf], &n[nf]))
			nf++;
		*next = nl ? nl + 1 : c.end;
	}
	if (nf < 4)
		return false;
	*key = f[1];
	*len = n[1];
	return true;
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

enum ksym_format ksyms_detect(const char *p, size_t size)
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
int ksyms_start_format(struct ksym_table *t, const struct ksym_file *f)
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

#ifdef __SSE2__
	/* 16 bytes a compare: most names end within two */
	const __m128i nl = _mm_set1_epi8('\n');

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl));

		if (m)
			return p + __builtin_ctz(m) + 1;
		p += 16;
	}
#endif
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

#ifdef __SSE2__
/* One bit per newline among the 64 bytes at p. */
static uint64_t newline_mask64(const char *p)
{
	const __m128i nl = _mm_set1_epi8('\n');
	uint64_t m = 0;

	for (int i = 0; i < 4; i++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));

		m |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl)) << (16 * i);
	}
	return m;
}
#endif

/* The first line at or after p that quick_reject() does not turn away,
 * or end.  The newlines of 64 bytes are found at once, so that the lines
 * they start are checked independently of each other, not each after the
 * search for its own start: a third less time per line than finding each
 * line's end in turn (bench/history.md). */
static const char *first_kept_line(struct ksym_table *t, enum ksym_format format, const char *p,
				   const char *end)
{
	if (!quick_reject(t, format, p, end))
		return p;
#ifdef __SSE2__
	const char *block = p;

	for (; end - block >= 64; block += 64) {
		for (uint64_t m = newline_mask64(block); m; m &= m - 1) {
			p = block + __builtin_ctzll(m) + 1;
			if (p >= end || !quick_reject(t, format, p, end))
				return p;
		}
	}
#endif
	for (;;) {
		p = after_newline(p, end);
		if (p >= end || !quick_reject(t, format, p, end))
			return p;
	}
}

/* Parses the whole lines in [p, end). */
int ksyms_parse_range(struct ksym_table *t, enum ksym_format format, const char *p, const char *end)
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
		if (format != KSYMS_OLD_KSYMS && (c.p = first_kept_line(t, format, c.p, c.end)) >= c.end)
			break;
		r = line(t, &c);
	}
	return r;
}
