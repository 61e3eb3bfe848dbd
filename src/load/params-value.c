/* A word's value: split into elements (commas, quotes), each converted
 * by its type, and the text the kernel will be given for it. */
#include "params-int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "strbuf.h"

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
/* A word's value                                                    */

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

/* Splits value, converts every element and builds the kernel's text;
 * with refuse_skips, an empty unquoted element is an error. */
static int convert_value(const struct word_ctx *w, const char *value, struct param_value *v,
			 bool refuse_skips)
{
	struct piece_list pieces = { NULL, 0, 0 };
	int r = split_value(w, value, &pieces);

	if (!r && refuse_skips && report_skipped_elements(w, &pieces))
		r = -EINVAL;
	if (!r)
		r = convert_pieces(w, &pieces, v);
	if (!r)
		r = build_kernel_text(v);
	pieces_release(&pieces);
	return r;
}

int check_value(const struct word_ctx *w, const char *value, struct param_value *v)
{
	if (w->type.is_array && value[0] == '\0') {
		word_error(w, 0, "empty value; an array needs at least one element");
		return -EINVAL;
	}
	return convert_value(w, value, v, w->type.is_array);
}

/* A name alone: the kernel takes it only for bool and bint (their ops have
 * KERNEL_PARAM_OPS_FL_NOARG), meaning true.  invbool lacks that flag, so
 * the kernel refuses a bare invbool with -EINVAL; so do we. */
int check_bare_name(const struct word_ctx *w, struct param_value *v)
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
int take_unchecked(const struct word_ctx *w, const char *value, struct param_value *v)
{
	v->kind = PARAM_UNCHECKED;
	v->is_array = false;
	return value ? convert_value(w, value, v, false) : 0;
}
