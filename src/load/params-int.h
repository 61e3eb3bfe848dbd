/* Between the files of the parameter checker: params.c (types, messages,
 * the entry points), params-convert.c (one element's text: integers,
 * booleans, C string literals), params-value.c (a word's value split
 * into elements, converted, and its text for the kernel),
 * params-suggest.c (unknown names) and params-kernel.c (the kernel's
 * argument string, the .modinfo declarations). */
#ifndef INSMOD_PARAMS_INT_H
#define INSMOD_PARAMS_INT_H

#include "params.h"
#include "log.h"
#include "strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* param_set_charp refuses longer values with -ENOSPC. */
#define CHARP_MAX_LEN 1024

/* A declared type: "int", "array of charp". */
struct param_type {
	enum param_kind kind;
	bool is_array;
};

/* The values an integer kind takes (long and ulong by the module's class). */
struct int_limits {
	bool is_signed;
	int64_t min;
	uint64_t max;
};

/* What an error is about: the word being checked and, for arrays, which
 * element (1-based; 0 for the value as a whole). */
struct word_ctx {
	const char *module;
	const char *name;	/* declared name */
	const char *type_text;	/* as declared, NUL-terminated copy */
	struct param_type type;
	bool is64;
};

/* One params_check() call. */
struct check_ctx {
	const struct param_decl *decls;
	size_t ndecls;
	const char *module;
	bool is64;
	bool listed;	/* the module's parameters were listed already */
};


/* params.c: types */
const char *kind_name(enum param_kind kind);
bool is_bool_kind(enum param_kind k);
bool is_string_kind(enum param_kind k);
struct int_limits integer_limits(enum param_kind kind, bool is64);
/* Handled by the kernel for every module (unknown_module_param_cb). */
#define NPASSTHROUGH 2
extern const char *const passthrough_names[NPASSTHROUGH];

/* params.c: messages */
/* "MODULE: parameter 'NAME' (TYPE)[, element N]: MESSAGE" */
void word_error(const struct word_ctx *w, size_t element, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* A value repeated in a message is cut at SHOWN_MAX bytes, then "...". */
int shown_len(size_t len);
const char *shown_more(size_t len);
/* "-128 to 127", "0 to 255" */
void range_text(const struct int_limits *lim, char *buf, size_t size);

/* params-convert.c: one element's text into e (0, or -EINVAL after a
 * message) */
int convert_integer(const struct word_ctx *w, size_t element, const char *text, size_t len,
		    struct param_elem *e);
int convert_bool(const struct word_ctx *w, size_t element, const char *text, size_t len,
		 struct param_elem *e);
/* s[0] is the opening quote.  On success *end points just after the
 * closing quote and the decoded bytes are in *out. */
int decode_c_string(const struct word_ctx *w, size_t element, const char *s, const char **end,
		    struct strbuf *out);

/* params-value.c: the value of one word into v (0, -EINVAL after a
 * message, or -ENOMEM) */
int check_value(const struct word_ctx *w, const char *value, struct param_value *v);
/* A name alone (no '='). */
int check_bare_name(const struct word_ctx *w, struct param_value *v);
/* A value the kernel checks itself (dyndbg, a type insmod does not know);
 * value NULL for a name alone. */
int take_unchecked(const struct word_ctx *w, const char *value, struct param_value *v);

/* params-suggest.c: "unknown parameter", the nearest name, and once the
 * module's parameters. */
void report_unknown(struct check_ctx *c, const char *name, size_t len);

#endif
