/* Module parameters: "symbol=value" words checked against the module's
 * "parmtype=NAME:TYPE" declarations, then joined into the string that
 * init_module/finit_module hand to the kernel's parse_args().
 *
 * The rules mirror the kernel's (kernel/params.c, lib/kstrtox.c,
 * lib/cmdline.c:next_arg) so that anything accepted here is accepted there
 * with the same meaning, and anything the kernel would refuse or misread is
 * refused here, before loading, with a message that says why.
 *
 * This file: the types, the messages and the entry points; the rest is
 * in params-convert.c, params-value.c, params-suggest.c and
 * params-kernel.c (see params-int.h). */
#include "params-int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "util.h"
#include "strbuf.h"

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

/* "int", "array of charp", ...; false for a type insmod does not know. */
static bool parse_type(const char *type, size_t len, struct param_type *t)
{
	size_t plen = strlen(ARRAY_PREFIX);

	t->is_array = len > plen && memcmp(type, ARRAY_PREFIX, plen) == 0;
	if (t->is_array) {
		type += plen;
		len -= plen;
	}
	for (size_t i = 0; i < ARRAY_SIZE(kind_names); i++) {
		if (strlen(kind_names[i].name) == len &&
		    memcmp(kind_names[i].name, type, len) == 0) {
			t->kind = kind_names[i].kind;
			return true;
		}
	}
	return false;
}

const char *kind_name(enum param_kind kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(kind_names); i++)
		if (kind_names[i].kind == kind)
			return kind_names[i].name;
	return "unchecked";
}

bool is_bool_kind(enum param_kind k)
{
	return k == PARAM_BOOL || k == PARAM_INVBOOL || k == PARAM_BINT;
}

bool is_string_kind(enum param_kind k)
{
	return k == PARAM_CHARP || k == PARAM_STRING || k == PARAM_UNCHECKED;
}

/* The range of the C type behind each integer kind; long and ulong follow
 * the target's word size. */
struct int_limits integer_limits(enum param_kind kind, bool is64)
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

/* The one form of every message about a word's value. */
void word_error(const struct word_ctx *w, size_t element, const char *fmt, ...)
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
int shown_len(size_t len)
{
	return (int)(len > SHOWN_MAX ? SHOWN_MAX : len);
}

const char *shown_more(size_t len)
{
	return len > SHOWN_MAX ? "..." : "";
}

void range_text(const struct int_limits *lim, char *buf, size_t size)
{
	if (lim->is_signed)
		snprintf(buf, size, "%" PRId64 " to %" PRIu64, lim->min, lim->max);
	else
		snprintf(buf, size, "0 to %" PRIu64, lim->max);
}

/* ------------------------------------------------------------------ */
/* One word                                                           */

static void release_value(struct param_value *v)
{
	for (size_t i = 0; i < v->count; i++)
		free(v->elems[i].str);
	free(v->elems);
	free(v->name);
	free(v->kernel_text);
	memset(v, 0, sizeof(*v));
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
const char *const passthrough_names[NPASSTHROUGH] = { "dyndbg", "async_probe" };

static bool is_passthrough(const char *name, size_t len)
{
	for (size_t i = 0; i < NPASSTHROUGH; i++)
		if (strlen(passthrough_names[i]) == len &&
		    memcmp(passthrough_names[i], name, len) == 0)
			return true;
	return false;
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

