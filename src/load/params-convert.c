/* One element of a parameter's value, from its text: integers as the
 * kernel's kstrto*() read them, booleans as kstrtobool(), and the C string
 * literals ("...", with escapes) that modutils accepted. */
#include "params-int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "util.h"
#include "strbuf.h"

/* ------------------------------------------------------------------ */
/* Integers, as kstrto*() with base 0                                 */

enum int_status { INT_OK, INT_SYNTAX, INT_MINUS_UNSIGNED, INT_RANGE };

static unsigned digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (unsigned)(c - 'A' + 10);
	return 99;
}

/* The digits after any sign: "0x" followed by a hex digit means hex, a
 * leading 0 octal, else decimal.  Overflow counts before trailing junk, as
 * in the kernel.  The kernel also forgives one trailing '\n' (for sysfs
 * writes); a newline can never reach it from the command line, so one here
 * is a mistake and is refused like any other trailing text. */
static enum int_status parse_magnitude(const char *s, uint64_t *mag)
{
	unsigned base = 10;
	size_t digits = 0;
	bool overflow = false;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16) {
		base = 16;
		s += 2;
	} else if (s[0] == '0') {
		base = 8;
	}
	for (; digit_value(*s) < base; s++, digits++) {
		unsigned d = digit_value(*s);

		if (v > (UINT64_MAX - d) / base)
			overflow = true;
		else
			v = v * base + d;
	}
	if (digits == 0)
		return INT_SYNTAX;
	if (overflow)
		return INT_RANGE;
	if (*s)
		return INT_SYNTAX;
	*mag = v;
	return INT_OK;
}

/* kstrtoll/kstrtoull: one optional sign ('-' only for signed types; never
 * "+-" or "-+"), then the magnitude, then the C type's range. */
static enum int_status parse_integer(const char *s, const struct int_limits *lim,
				     uint64_t *out)
{
	bool negative = s[0] == '-';
	enum int_status st;
	uint64_t mag;

	if (negative || s[0] == '+')
		s++;
	st = parse_magnitude(s, &mag);
	if (st == INT_SYNTAX)
		return st;
	if (negative && !lim->is_signed)
		return INT_MINUS_UNSIGNED;
	if (st != INT_OK)
		return st;
	if (negative) {
		uint64_t most_negative = (uint64_t)(-(lim->min + 1)) + 1;

		if (mag > most_negative)
			return INT_RANGE;
		*out = (uint64_t)0 - mag;
	} else {
		if (mag > lim->max)
			return INT_RANGE;
		*out = mag;
	}
	return INT_OK;
}

int convert_integer(const struct word_ctx *w, size_t element,
			   const char *text, size_t len, struct param_elem *e)
{
	struct int_limits lim = integer_limits(w->type.kind, w->is64);
	const char *kname = kind_name(w->type.kind);
	char range[64];

	range_text(&lim, range, sizeof(range));
	switch (parse_integer(text, &lim, &e->u)) {
	case INT_OK:
		return 0;
	case INT_RANGE:
		word_error(w, element, "'%.*s%s' is out of range for %s (%s)",
			   shown_len(len), text, shown_more(len), kname, range);
		break;
	case INT_MINUS_UNSIGNED:
		word_error(w, element, "'%.*s%s': %s is unsigned, no minus sign allowed (%s)",
			   shown_len(len), text, shown_more(len), kname, range);
		break;
	case INT_SYNTAX:
		word_error(w, element, "'%.*s%s' is not a valid %s: expected an integer "
			   "from %s, in decimal, octal (leading 0) or hex (0x)",
			   shown_len(len), text, shown_more(len), kname, range);
		break;
	}
	return -EINVAL;
}

/* ------------------------------------------------------------------ */
/* Booleans                                                           */

/* kstrtobool looks only at the first character (y Y t T 1 / n N f F 0)
 * or the first two (o/O then n/N or f/F); tried in Debian's 6.1 under
 * QEMU with busybox insmod: "true", "false", "t", "f" are taken, "enable",
 * "disable", "e", "d" refused (newer kernels take e/d too).  Of what the
 * kernel takes we accept only whole words (case-insensitive): 1 0 y n yes
 * no on off true false t f.  The kernel would also take "yellow", "10" or
 * "of"; that is much more likely a mistake than a boolean. */
static bool parse_bool_word(const char *s, bool *value)
{
	static const struct {
		const char *word;
		bool value;
	} words[] = {
		{ "1", true },  { "y", true },  { "yes", true }, { "on", true },
		{ "t", true },  { "true", true },
		{ "0", false }, { "n", false }, { "no", false }, { "off", false },
		{ "f", false }, { "false", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		if (strcasecmp(s, words[i].word) == 0) {
			*value = words[i].value;
			return true;
		}
	}
	return false;
}

int convert_bool(const struct word_ctx *w, size_t element,
			const char *text, size_t len, struct param_elem *e)
{
	bool value;

	if (!parse_bool_word(text, &value)) {
		word_error(w, element, "'%.*s%s' is not a boolean: use 1 or 0, y or n, "
			   "yes or no, on or off, true or false", shown_len(len), text,
			   shown_more(len));
		return -EINVAL;
	}
	/* The element holds what the variable will hold. */
	e->u = (w->type.kind == PARAM_INVBOOL) ? !value : value;
	return 0;
}

/* ------------------------------------------------------------------ */
/* C string literals: "..." with escapes                              */

enum escape_status { ESC_OK, ESC_UNKNOWN, ESC_OCTAL_RANGE, ESC_NO_HEX_DIGIT };

static int simple_escape(char c)
{
	switch (c) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case 'a': return '\a';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'v': return '\v';
	case 'e': return 033;
	case '\\': case '"': case '\'': case '?':
		return c;
	default:
		return -1;
	}
}

/* *pp points just after a backslash that is not at the end of the text. */
static enum escape_status decode_escape(const char **pp, unsigned char *byte)
{
	const char *p = *pp;
	unsigned v = 0;
	int n, simple = simple_escape(*p);

	if (simple >= 0) {
		*byte = (unsigned char)simple;
		*pp = p + 1;
		return ESC_OK;
	}
	if (*p >= '0' && *p <= '7') {		/* \N, \NN, \NNN */
		for (n = 0; n < 3 && *p >= '0' && *p <= '7'; n++, p++)
			v = v * 8 + (unsigned)(*p - '0');
		*pp = p;
		if (v > 0xff)
			return ESC_OCTAL_RANGE;
		*byte = (unsigned char)v;
		return ESC_OK;
	}
	if (*p == 'x') {			/* \xH, \xHH */
		for (n = 0, p++; n < 2 && digit_value(*p) < 16; n++, p++)
			v = v * 16 + digit_value(*p);
		*pp = p;
		if (n == 0)
			return ESC_NO_HEX_DIGIT;
		*byte = (unsigned char)v;
		return ESC_OK;
	}
	return ESC_UNKNOWN;
}

static void report_escape(const struct word_ctx *w, size_t element,
			  enum escape_status st, const char *at)
{
	switch (st) {
	case ESC_UNKNOWN:
		word_error(w, element, "unknown escape '\\%c' in a quoted string "
			   "(known: \\n \\t \\r \\a \\b \\f \\v \\e \\\\ \\\" \\' \\? "
			   "\\NNN octal, \\xHH hex)", *at);
		break;
	case ESC_OCTAL_RANGE:
		word_error(w, element, "octal escape '\\%.3s' is more than a byte "
			   "(at most \\377)", at);
		break;
	default:
		word_error(w, element, "'\\x' must be followed by a hex digit");
		break;
	}
}

/* s[0] is the opening quote.  On success *end points just after the
 * closing quote and the decoded bytes are in *out. */
int decode_c_string(const struct word_ctx *w, size_t element,
			   const char *s, const char **end, struct strbuf *out)
{
	const char *p = s + 1;

	while (*p != '"') {
		unsigned char byte = (unsigned char)*p;
		enum escape_status st;

		if (*p == '\0' || (*p == '\\' && p[1] == '\0')) {
			word_error(w, element, "missing closing double quote in %.*s%s",
				   shown_len(strlen(s)), s, shown_more(strlen(s)));
			return -EINVAL;
		}
		if (*p++ == '\\') {
			const char *at = p;

			st = decode_escape(&p, &byte);
			if (st != ESC_OK) {
				report_escape(w, element, st, at);
				return -EINVAL;
			}
		}
		if (strbuf_putc(out, (char)byte))
			return -ENOMEM;
	}
	*end = p + 1;
	return 0;
}
