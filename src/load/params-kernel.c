/* The parameters' two ends: the "parmtype=" declarations read from
 * .modinfo, and the argument string handed to the kernel's parse_args(). */
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
