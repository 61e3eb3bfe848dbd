/* Module parameters: "symbol=value" words checked against the module's
 * "parmtype=NAME:TYPE" declarations, then joined into the string that
 * init_module/finit_module hand to the kernel's parse_args().
 *
 * The rules mirror the kernel's (kernel/params.c, lib/kstrtox.c,
 * lib/cmdline.c:next_arg) so that anything accepted here is accepted there
 * with the same meaning, and anything the kernel would refuse or misread is
 * refused here, before loading, with a message that says why. */
#include "params.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "strbuf.h"

/* param_set_charp refuses longer values with -ENOSPC. */
#define CHARP_MAX_LEN 1024
/* How much of a user's value an error message repeats. */
#define SHOWN_MAX 64

/* ------------------------------------------------------------------ */
/* Types                                                              */

static const struct {
	const char *name;
	enum param_kind kind;
} kind_names[] = {
	{ "byte", PARAM_BYTE },     { "short", PARAM_SHORT },
	{ "ushort", PARAM_USHORT }, { "int", PARAM_INT },
	{ "uint", PARAM_UINT },     { "long", PARAM_LONG },
	{ "ulong", PARAM_ULONG },   { "ullong", PARAM_ULLONG },
	{ "hexint", PARAM_HEXINT }, { "bool", PARAM_BOOL },
	{ "invbool", PARAM_INVBOOL }, { "bint", PARAM_BINT },
	{ "charp", PARAM_CHARP },   { "string", PARAM_STRING },
};

#define ARRAY_PREFIX "array of "

struct param_type {
	enum param_kind kind;
	bool is_array;
};

/* "int", "array of charp", ...; false for a type insmod does not know. */
static bool parse_type(const char *type, size_t len, struct param_type *t)
{
	size_t plen = strlen(ARRAY_PREFIX);

	t->is_array = len > plen && memcmp(type, ARRAY_PREFIX, plen) == 0;
	if (t->is_array) {
		type += plen;
		len -= plen;
	}
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (strlen(kind_names[i].name) == len &&
		    memcmp(kind_names[i].name, type, len) == 0) {
			t->kind = kind_names[i].kind;
			return true;
		}
	}
	return false;
}

static const char *kind_name(enum param_kind kind)
{
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (kind_names[i].kind == kind)
			return kind_names[i].name;
	return "unchecked";
}

static bool is_bool_kind(enum param_kind k)
{
	return k == PARAM_BOOL || k == PARAM_INVBOOL || k == PARAM_BINT;
}

static bool is_string_kind(enum param_kind k)
{
	return k == PARAM_CHARP || k == PARAM_STRING || k == PARAM_UNCHECKED;
}

/* The range of the C type behind each integer kind; long and ulong follow
 * the target's word size. */
struct int_limits {
	bool is_signed;
	int64_t min;
	uint64_t max;
};

static struct int_limits integer_limits(enum param_kind kind, bool is64)
{
	switch (kind) {
	case PARAM_BYTE:   return (struct int_limits){ false, 0, UINT8_MAX };
	case PARAM_SHORT:  return (struct int_limits){ true, INT16_MIN, INT16_MAX };
	case PARAM_USHORT: return (struct int_limits){ false, 0, UINT16_MAX };
	case PARAM_INT:    return (struct int_limits){ true, INT32_MIN, INT32_MAX };
	case PARAM_LONG:
		if (is64)
			return (struct int_limits){ true, INT64_MIN, INT64_MAX };
		return (struct int_limits){ true, INT32_MIN, INT32_MAX };
	case PARAM_ULONG:
		return (struct int_limits){ false, 0, is64 ? UINT64_MAX : UINT32_MAX };
	case PARAM_ULLONG: return (struct int_limits){ false, 0, UINT64_MAX };
	default:	   /* uint, hexint */
		return (struct int_limits){ false, 0, UINT32_MAX };
	}
}

/* ------------------------------------------------------------------ */
/* Messages                                                           */

/* What an error is about: the word being checked and, for arrays, which
 * element (1-based; 0 for the value as a whole). */
struct word_ctx {
	const char *module;
	const char *name;	/* declared name */
	const char *type_text;	/* as declared, NUL-terminated copy */
	struct param_type type;
	bool is64;
};

static void PRINTF_LIKE(3, 4)
word_error(const struct word_ctx *w, size_t element, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (element)
		log_error("%s: parameter '%s' (%s): element %zu: %s", w->module,
			  w->name, w->type_text, element, msg ? msg : fmt);
	else
		log_error("%s: parameter '%s' (%s): %s", w->module, w->name,
			  w->type_text, msg ? msg : fmt);
	free(msg);
}

/* Values are repeated in messages, but a 5000-byte one is cut short. */
static int shown_len(size_t len)
{
	return (int)(len > SHOWN_MAX ? SHOWN_MAX : len);
}

static const char *shown_more(size_t len)
{
	return len > SHOWN_MAX ? "..." : "";
}

static void range_text(const struct int_limits *lim, char *buf, size_t size)
{
	if (lim->is_signed)
		snprintf(buf, size, "%" PRId64 " to %" PRIu64, lim->min, lim->max);
	else
		snprintf(buf, size, "0 to %" PRIu64, lim->max);
}

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

static int convert_integer(const struct word_ctx *w, size_t element,
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

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcasecmp(s, words[i].word) == 0) {
			*value = words[i].value;
			return true;
		}
	}
	return false;
}

static int convert_bool(const struct word_ctx *w, size_t element,
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
static int decode_c_string(const struct word_ctx *w, size_t element,
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

/* ------------------------------------------------------------------ */
/* Splitting a value into elements                                    */

/* One element's text before conversion: decoded if it was quoted. */
struct piece {
	char *bytes;	/* NUL-terminated */
	size_t len;
	bool quoted;
};

struct piece_list {
	struct piece *items;
	size_t count, cap;
};

static void pieces_release(struct piece_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i].bytes);
	free(l->items);
	*l = (struct piece_list){ NULL, 0, 0 };
}

static int pieces_add(struct piece_list *l, struct strbuf *text, bool quoted)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		struct piece *n = realloc(l->items, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		l->items = n;
		l->cap = cap;
	}
	l->items[l->count].len = text->len;
	l->items[l->count].bytes = strbuf_steal(text);
	if (!l->items[l->count].bytes)
		return -ENOMEM;
	l->items[l->count++].quoted = quoted;
	return 0;
}

/* One element starting at s: a quoted C string, or raw text up to the
 * next separator (',' in an array; nothing otherwise, so a plain charp may
 * hold commas).  *next points at the separator or the terminating NUL. */
static int read_piece(const struct word_ctx *w, size_t element, const char *s,
		      const char **next, struct piece_list *out)
{
	struct strbuf text = STRBUF_INIT;
	bool quoted = s[0] == '"';
	int r;

	if (quoted) {
		r = decode_c_string(w, element, s, next, &text);
		if (!r && **next && !(w->type.is_array && **next == ',')) {
			word_error(w, element, "unexpected text after the closing "
				   "quote: '%.*s%s'", shown_len(strlen(*next)),
				   *next, shown_more(strlen(*next)));
			r = -EINVAL;
		}
	} else {
		size_t len = w->type.is_array ? strcspn(s, ",") : strlen(s);

		r = strbuf_append(&text, s, len);
		*next = s + len;
	}
	if (!r)
		r = pieces_add(out, &text, quoted);
	strbuf_release(&text);
	return r;
}

static int split_value(const struct word_ctx *w, const char *value,
		       struct piece_list *out)
{
	const char *p = value;
	size_t element = w->type.is_array ? 1 : 0;
	int r;

	for (;;) {
		r = read_piece(w, element, p, &p, out);
		if (r || *p != ',' || !w->type.is_array)
			return r;
		p++;
		element++;
	}
}

/* ------------------------------------------------------------------ */
/* Converting elements                                                */

static int convert_string(const struct word_ctx *w, size_t element,
			  struct piece *p, struct param_elem *e)
{
	if (w->type.kind == PARAM_CHARP && p->len > CHARP_MAX_LEN) {
		word_error(w, element, "the value is %zu bytes long; the kernel "
			   "takes at most %d for a charp", p->len, CHARP_MAX_LEN);
		return -EINVAL;
	}
	e->str = p->bytes;
	e->str_len = p->len;
	p->bytes = NULL;
	return 0;
}

static int convert_piece(const struct word_ctx *w, size_t element,
			 struct piece *p, struct param_elem *e)
{
	if (is_string_kind(w->type.kind))
		return convert_string(w, element, p, e);
	if (p->quoted) {
		word_error(w, element, "a quoted string is not a valid %s",
			   kind_name(w->type.kind));
		return -EINVAL;
	}
	if (is_bool_kind(w->type.kind))
		return convert_bool(w, element, p->bytes, p->len, e);
	return convert_integer(w, element, p->bytes, p->len, e);
}

/* modutils 2.4 read "1,,3" as "leave element 2 alone".  The kernel's
 * param_array cannot: it hands the empty text to the element's setter,
 * which refuses it for numbers and bools and stores "" for strings.
 * Either way not what "skip" meant, so an empty unquoted element is
 * refused; an empty string element can still be written as "". */
static bool report_skipped_elements(const struct word_ctx *w,
				    const struct piece_list *l)
{
	bool found = false;

	for (size_t i = 0; i < l->count; i++) {
		if (l->items[i].len == 0 && !l->items[i].quoted) {
			word_error(w, i + 1, "empty; Linux 2.6 and later cannot "
				   "skip array elements (modutils 2.4 could), so "
				   "give every element a value");
			found = true;
		}
	}
	return found;
}

/* ------------------------------------------------------------------ */
/* kernel_text                                                        */

static int append_element_text(struct strbuf *sb, enum param_kind kind,
			       const struct param_elem *e)
{
	if (is_string_kind(kind))
		return strbuf_append(sb, e->str, e->str_len);
	if (kind == PARAM_INVBOOL)
		return strbuf_putc(sb, e->u ? '0' : '1');
	if (is_bool_kind(kind))
		return strbuf_putc(sb, e->u ? '1' : '0');
	if (kind == PARAM_HEXINT)
		return strbuf_printf(sb, "0x%" PRIx64, e->u);
	if (integer_limits(kind, true).is_signed)
		return strbuf_printf(sb, "%" PRId64, (int64_t)e->u);
	return strbuf_printf(sb, "%" PRIu64, e->u);
}

static int build_kernel_text(struct param_value *v)
{
	struct strbuf sb = STRBUF_INIT;
	int r = 0;

	for (size_t i = 0; i < v->count && !r; i++) {
		if (i)
			r = strbuf_putc(&sb, ',');
		if (!r)
			r = append_element_text(&sb, v->kind, &v->elems[i]);
	}
	if (!r && !sb.data)
		r = strbuf_append(&sb, "", 0);
	if (r) {
		strbuf_release(&sb);
		return r;
	}
	v->kernel_text = strbuf_steal(&sb);
	return v->kernel_text ? 0 : -ENOMEM;
}

/* ------------------------------------------------------------------ */
/* One word                                                           */

struct check_ctx {
	const struct param_decl *decls;
	size_t ndecls;
	const char *module;
	bool is64;
	bool listed;	/* the module's parameters were listed already */
};

static void release_value(struct param_value *v)
{
	for (size_t i = 0; i < v->count; i++)
		free(v->elems[i].str);
	free(v->elems);
	free(v->name);
	free(v->kernel_text);
	memset(v, 0, sizeof(*v));
}

static int convert_pieces(const struct word_ctx *w, struct piece_list *l,
			  struct param_value *v)
{
	int status = 0;

	v->elems = calloc(l->count, sizeof(*v->elems));
	if (!v->elems)
		return -ENOMEM;
	v->count = l->count;
	for (size_t i = 0; i < l->count; i++) {
		size_t element = w->type.is_array ? i + 1 : 0;
		int r = convert_piece(w, element, &l->items[i], &v->elems[i]);

		if (r == -ENOMEM)
			return r;
		if (r)
			status = r;	/* go on: report every bad element */
	}
	return status;
}

static int check_value(const struct word_ctx *w, const char *value,
		       struct param_value *v)
{
	struct piece_list pieces = { NULL, 0, 0 };
	int r;

	if (w->type.is_array && value[0] == '\0') {
		word_error(w, 0, "empty value; an array needs at least one element");
		return -EINVAL;
	}
	r = split_value(w, value, &pieces);
	if (!r && w->type.is_array && report_skipped_elements(w, &pieces))
		r = -EINVAL;
	if (!r)
		r = convert_pieces(w, &pieces, v);
	if (!r)
		r = build_kernel_text(v);
	pieces_release(&pieces);
	return r;
}

/* A name alone: the kernel takes it only for bool and bint (their ops have
 * KERNEL_PARAM_OPS_FL_NOARG), meaning true.  invbool lacks that flag, so
 * the kernel refuses a bare invbool with -EINVAL; so do we. */
static int check_bare_name(const struct word_ctx *w, struct param_value *v)
{
	if (w->type.is_array || !(w->type.kind == PARAM_BOOL ||
				  w->type.kind == PARAM_BINT)) {
		word_error(w, 0, "needs a value: write %s=VALUE%s", w->name,
			   w->type.kind == PARAM_INVBOOL && !w->type.is_array ?
			   " (only bool and bint may be given without one)" : "");
		return -EINVAL;
	}
	v->elems = calloc(1, sizeof(*v->elems));
	if (!v->elems)
		return -ENOMEM;
	v->count = 1;
	v->elems[0].u = 1;
	return build_kernel_text(v);
}

/* dyndbg, async_probe, or a declared type insmod does not know: the value
 * goes to the kernel as given (decoded, if quoted). */
static int take_unchecked(const struct word_ctx *w, const char *value,
			  struct param_value *v)
{
	struct piece_list pieces = { NULL, 0, 0 };
	int r;

	v->kind = PARAM_UNCHECKED;
	v->is_array = false;
	if (!value)
		return 0;
	r = split_value(w, value, &pieces);
	if (!r)
		r = convert_pieces(w, &pieces, v);
	if (!r)
		r = build_kernel_text(v);
	pieces_release(&pieces);
	return r;
}

/* Names match with '-' and '_' equal, as the kernel's parameq() does. */
static char dash_to_underscore(char c)
{
	return c == '-' ? '_' : c;
}

static bool name_matches(const char *name, size_t len, const struct param_decl *d)
{
	if (d->name_len != len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (dash_to_underscore(name[i]) != dash_to_underscore(d->name[i]))
			return false;
	return true;
}

static const struct param_decl *find_decl(const struct check_ctx *c,
					  const char *name, size_t len)
{
	for (size_t i = 0; i < c->ndecls; i++)
		if (name_matches(name, len, &c->decls[i]))
			return &c->decls[i];
	return NULL;
}

/* The kernel's unknown_module_param_cb handles these two for every module,
 * comparing with strcmp (no '-'/'_' equivalence). */
static const char *const passthrough_names[] = { "dyndbg", "async_probe" };
#define NPASSTHROUGH (sizeof(passthrough_names) / sizeof(passthrough_names[0]))

static bool is_passthrough(const char *name, size_t len)
{
	for (size_t i = 0; i < NPASSTHROUGH; i++)
		if (strlen(passthrough_names[i]) == len &&
		    memcmp(passthrough_names[i], name, len) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* Unknown names: suggestion and list                                 */

/* Edit distance with adjacent transpositions (optimal string alignment),
 * '-' and '_' equal.  SIZE_MAX when a name is too long to bother. */
static size_t name_distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t *rows, *prev2, *prev, *cur, d;

	if (la > 256 || lb > 256)
		return SIZE_MAX;
	rows = malloc(3 * (lb + 1) * sizeof(*rows));
	if (!rows)
		return SIZE_MAX;
	prev2 = rows;
	prev = rows + lb + 1;
	cur = rows + 2 * (lb + 1);
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			char ca = dash_to_underscore(a[i - 1]);
			char cb = dash_to_underscore(b[j - 1]);
			size_t best = prev[j - 1] + (ca != cb);

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && ca == dash_to_underscore(b[j - 2]) &&
			    dash_to_underscore(a[i - 2]) == cb && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		size_t *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	d = prev[lb];
	free(rows);
	return d;
}

/* Close enough to suggest: about one edit per three characters of the
 * longer name, so "lvl" finds "level" but "x" does not find "debug". */
static bool close_enough(size_t distance, size_t la, size_t lb)
{
	size_t longer = la > lb ? la : lb;

	return distance <= (longer + 2) / 3;
}

struct suggestion {
	const char *name;
	size_t len;
	size_t distance;
};

static void consider(struct suggestion *best, const char *typed, size_t tlen,
		     const char *cand, size_t clen)
{
	size_t d = name_distance(typed, tlen, cand, clen);

	if (d != SIZE_MAX && close_enough(d, tlen, clen) &&
	    (!best->name || d < best->distance))
		*best = (struct suggestion){ cand, clen, d };
}

static struct suggestion nearest_name(const struct check_ctx *c,
				      const char *typed, size_t tlen)
{
	struct suggestion best = { NULL, 0, SIZE_MAX };

	for (size_t i = 0; i < c->ndecls; i++)
		consider(&best, typed, tlen, c->decls[i].name, c->decls[i].name_len);
	for (size_t i = 0; i < NPASSTHROUGH; i++)
		consider(&best, typed, tlen, passthrough_names[i],
			 strlen(passthrough_names[i]));
	return best;
}

static void list_parameters(struct check_ctx *c)
{
	if (c->listed)
		return;
	c->listed = true;
	if (c->ndecls == 0) {
		log_error("%s declares no parameters", c->module);
		return;
	}
	log_error("%s has these parameters:", c->module);
	for (size_t i = 0; i < c->ndecls; i++)
		log_error("  %.*s (%.*s)", (int)c->decls[i].name_len, c->decls[i].name,
			  (int)c->decls[i].type_len, c->decls[i].type);
}

static void report_unknown(struct check_ctx *c, const char *name, size_t len)
{
	struct suggestion s = nearest_name(c, name, len);

	if (s.name)
		log_error("%s: unknown parameter '%.*s'; did you mean '%.*s'?",
			  c->module, (int)len, name, (int)s.len, s.name);
	else
		log_error("%s: unknown parameter '%.*s'", c->module, (int)len, name);
	list_parameters(c);
}

/* ------------------------------------------------------------------ */
/* Entry points                                                       */

/* Fills w and v->name from the declaration (or from the word itself for a
 * passthrough); a declared type insmod does not know is taken unchecked,
 * with a warning.  Returns 0 or -ENOMEM. */
static int describe_word(const struct check_ctx *c, const struct param_decl *d,
			 const char *name, size_t len, struct word_ctx *w,
			 struct param_value *v, char **type_text)
{
	bool known = true;

	*w = (struct word_ctx){ c->module, NULL, "unchecked", { PARAM_UNCHECKED, false },
				c->is64 };
	v->name = d ? strndup(d->name, d->name_len) : strndup(name, len);
	*type_text = d ? strndup(d->type, d->type_len) : NULL;
	if (!v->name || (d && !*type_text))
		return -ENOMEM;
	w->name = v->name;
	if (d) {
		w->type_text = *type_text;
		known = parse_type(d->type, d->type_len, &w->type);
		if (!known) {
			log_warn("%s: parameter '%s' has type '%s', which insmod does "
				 "not know; its value goes to the kernel unchecked",
				 c->module, v->name, *type_text);
			w->type = (struct param_type){ PARAM_UNCHECKED, false };
		}
	}
	v->kind = w->type.kind;
	v->is_array = w->type.is_array;
	return 0;
}

static int check_word(struct check_ctx *c, const char *word, struct param_value *v)
{
	const char *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);
	const struct param_decl *d;
	char *type_text = NULL;
	struct word_ctx w;
	int r;

	if (len == 0) {
		log_error("%s: '%s' is not a parameter setting (expected symbol=value)",
			  c->module, word);
		return -EINVAL;
	}
	d = find_decl(c, word, len);
	if (!d && !is_passthrough(word, len)) {
		report_unknown(c, word, len);
		return -EINVAL;
	}
	r = describe_word(c, d, word, len, &w, v, &type_text);
	if (!r && w.type.kind == PARAM_UNCHECKED)
		r = take_unchecked(&w, eq ? eq + 1 : NULL, v);
	else if (!r && !eq)
		r = check_bare_name(&w, v);
	else if (!r)
		r = check_value(&w, eq + 1, v);
	free(type_text);
	return r;
}

/* The kernel applies every setting in order, so the last one counts. */
static void warn_if_repeated(const struct param_set *set, const struct param_value *v,
			     const char *module)
{
	if (v->kind == PARAM_UNCHECKED)
		return;		/* dyndbg queries add up; they do not replace */
	for (size_t i = 0; i < set->count; i++)
		if (strcmp(set->values[i].name, v->name) == 0) {
			log_warn("%s: parameter '%s' is given more than once; the "
				 "last value counts", module, v->name);
			return;
		}
}

int params_check(const struct param_decl *decls, size_t ndecls,
		 char *const *words, size_t nwords, const char *module,
		 bool is64, struct param_set *out)
{
	struct check_ctx c = { decls, ndecls, module ? module : "module", is64, false };
	int status = 0;

	out->count = 0;
	out->values = calloc(nwords ? nwords : 1, sizeof(*out->values));
	if (!out->values) {
		log_error("%s: out of memory while checking parameters", c.module);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nwords && status != -ENOMEM; i++) {
		struct param_value v = { 0 };
		int r = check_word(&c, words[i], &v);

		if (r) {
			release_value(&v);
			if (status != -ENOMEM)
				status = r;
			continue;
		}
		warn_if_repeated(out, &v, c.module);
		out->values[out->count++] = v;
	}
	if (status == -ENOMEM)
		log_error("%s: out of memory while checking parameters", c.module);
	if (status)
		params_release(out);
	return status;
}

void params_release(struct param_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		release_value(&set->values[i]);
	free(set->values);
	set->values = NULL;
	set->count = 0;
}

/* ------------------------------------------------------------------ */
/* The kernel's argument string                                       */

/* next_arg() splits on the kernel's isspace(), whose table (lib/ctype.c,
 * Latin-1) also marks 0xA0, which appears inside UTF-8 text (e.g. "à" is
 * C3 A0). */
static bool is_kernel_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r' || c == 0xa0;
}

static bool needs_quotes(const char *s)
{
	for (; *s; s++)
		if (is_kernel_space((unsigned char)*s))
			return true;
	return false;
}

/* What next_arg() cannot carry: a NUL ends the whole string; a '"'
 * toggles its quoting and cannot be escaped; in an array of strings, a ','
 * splits the element.  Everything else, newlines and other control
 * characters included, survives inside double quotes. */
static bool element_expressible(const struct param_value *v, size_t i)
{
	const struct param_elem *e = &v->elems[i];
	char where[48] = "";
	bool ok = true;

	if (!e->str)
		return true;
	if (v->is_array)
		snprintf(where, sizeof(where), " element %zu", i + 1);
	if (memchr(e->str, '\0', e->str_len)) {
		log_error("parameter '%s'%s contains a NUL byte, which would end the "
			  "kernel's parameter string", v->name, where);
		ok = false;
	}
	if (memchr(e->str, '"', e->str_len)) {
		log_error("parameter '%s'%s contains a double quote (\"), which the "
			  "kernel's parameter parser cannot take: it has no escape "
			  "for it", v->name, where);
		ok = false;
	}
	if (v->is_array && memchr(e->str, ',', e->str_len)) {
		log_error("parameter '%s'%s contains a comma, which the kernel would "
			  "take as the start of the next array element", v->name, where);
		ok = false;
	}
	return ok;
}

static bool value_expressible(const struct param_value *v)
{
	bool ok = true;

	for (size_t i = 0; i < v->count; i++)
		if (!element_expressible(v, i))
			ok = false;
	return ok;
}

static int append_setting(struct strbuf *sb, const struct param_value *v)
{
	const char *text = v->kernel_text;

	if (sb->len && strbuf_putc(sb, ' '))
		return -ENOMEM;
	if (!text)
		return strbuf_puts(sb, v->name);
	if (needs_quotes(text))
		return strbuf_printf(sb, "%s=\"%s\"", v->name, text);
	return strbuf_printf(sb, "%s=%s", v->name, text);
}

char *params_kernel_string(const struct param_set *set)
{
	struct strbuf sb = STRBUF_INIT;
	bool ok = true;

	for (size_t i = 0; i < set->count; i++)
		if (!value_expressible(&set->values[i]))
			ok = false;
	for (size_t i = 0; i < set->count && ok; i++)
		if (append_setting(&sb, &set->values[i])) {
			log_error("out of memory while building the parameter string");
			ok = false;
		}
	if (ok && !sb.data && strbuf_append(&sb, "", 0)) {
		log_error("out of memory while building the parameter string");
		ok = false;
	}
	if (!ok) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_steal(&sb);
}

/* ------------------------------------------------------------------ */
/* .modinfo                                                           */

#define PARMTYPE_KEY "parmtype="

/* "parmtype=NAME:TYPE" within one string of the section (len bytes, not
 * necessarily NUL-terminated).  False for anything else or malformed. */
static bool parse_parmtype(const char *s, size_t len, struct param_decl *d)
{
	size_t klen = strlen(PARMTYPE_KEY);
	const char *colon;

	if (len <= klen || memcmp(s, PARMTYPE_KEY, klen) != 0)
		return false;
	s += klen;
	len -= klen;
	colon = memchr(s, ':', len);
	if (!colon || colon == s || colon == s + len - 1)
		return false;
	*d = (struct param_decl){ s, (size_t)(colon - s), colon + 1,
				  len - (size_t)(colon - s) - 1 };
	return true;
}

/* Walks the strings, skipping NUL padding; the last string may run to the
 * end of the section without a NUL.  Stores up to max (out may be NULL
 * when max is 0) and returns how many there are. */
static size_t scan_parmtypes(const char *modinfo, size_t size,
			     struct param_decl *out, size_t max)
{
	size_t pos = 0, n = 0;

	while (pos < size) {
		size_t len = strnlen(modinfo + pos, size - pos);
		struct param_decl d;

		if (len && parse_parmtype(modinfo + pos, len, &d)) {
			if (n < max)
				out[n] = d;
			n++;
		}
		pos += len + 1;
	}
	return n;
}

long params_collect_decls(const char *modinfo, size_t size,
			  struct param_decl **out)
{
	size_t n = modinfo ? scan_parmtypes(modinfo, size, NULL, 0) : 0;

	*out = NULL;
	if (n == 0)
		return 0;
	*out = calloc(n, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	scan_parmtypes(modinfo, size, *out, n);
	return (long)n;
}
