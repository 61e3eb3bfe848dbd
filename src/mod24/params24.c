/* 2.0/2.4-era module parameters (see params24.h): the original's
 * process_module_arguments() and check_module_parameters(), with the
 * original's messages, with skipped array elements left untouched, and
 * with every write bounded by the variable and its section. */
#include "params24.h"
#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A parameter's type: [min[-max]]type[modifier]. */
struct ptype {
	unsigned long min, max;	/* 0: no count check (2.0 modules) */
	char kind;		/* b h i l s c, or anything else (an error when used) */
	bool sized;		/* c: a size follows */
	unsigned long csize;	/* c: N of char[N] */
};

static const char *type_from(const char *t, struct ptype *pt)
{
	char *end;

	if (isdigit((unsigned char)*t)) {
		pt->min = strtoul(t, &end, 10);
		t = end;
		pt->max = pt->min;
		if (*t == '-') {
			pt->max = strtoul(t + 1, &end, 10);
			t = end;
		}
	} else {
		pt->min = pt->max = 1;
	}
	pt->kind = *t;
	pt->sized = pt->kind == 'c' && isdigit((unsigned char)t[1]);
	pt->csize = pt->sized ? strtoul(t + 1, NULL, 10) : 0;
	return t;
}

/* One array element's place, for the bounds of the variable. */
struct slot {
	const struct params24_env *env;
	const char *key;
	struct params24_var *var;
	uint64_t limit;		/* bytes that may be written from var->data */
};

static int fits(const struct slot *s, uint64_t off, uint64_t len)
{
	if (off <= s->limit && len <= s->limit - off)
		return 0;
	if (off == 0)
		log_error("%s: a %" PRIu64 "-byte value for %s does not fit in its %" PRIu64 "-byte variable",
			  s->env->path, len, s->key, s->limit);
	else
		log_error("%s: too many values for %s (max %" PRIu64 ")", s->env->path, s->key, s->limit / len);
	return -EINVAL;
}

static void put(const struct slot *s, uint64_t off, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned shift = s->env->big_endian ? 8 * (n - 1 - i) : 8 * i;

		s->var->data[off + i] = (uint8_t)(v >> shift);
	}
}

static unsigned width_of(const struct params24_env *env, char kind)
{
	switch (kind) {
	case 'b': return 1;
	case 'h': return 2;
	case 'i': return 4;
	case 'l': case 's': return env->is64 ? 8 : 4;
	default: return 0;
	}
}

/* A quoted string, C escapes and all, from *in (at the opening quote) to
 * past the closing one, into out (as long as the input). */
static int unquote(const char **in, char *out)
{
	const char *p = *in + 1;

	for (; *p != '"'; p++) {
		if (!*p || (*p == '\\' && !p[1]))
			return -EINVAL;
		if (*p != '\\') {
			*out++ = *p;
			continue;
		}
		switch (*++p) {
		case 'a': *out++ = '\a'; break;
		case 'b': *out++ = '\b'; break;
		case 'e': *out++ = '\033'; break;
		case 'f': *out++ = '\f'; break;
		case 'n': *out++ = '\n'; break;
		case 'r': *out++ = '\r'; break;
		case 't': *out++ = '\t'; break;
		case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
			int c = *p - '0';

			for (int k = 0; k < 2 && p[1] >= '0' && p[1] <= '7'; k++)
				c = c * 8 + *++p - '0';
			*out++ = (char)c;
			break;
		}
		default: *out++ = *p; break;
		}
	}
	*out = '\0';
	*in = p + 1;
	return 0;
}

/* One s or c element.  An unquoted empty element is skipped. */
static int string_element(const struct slot *s, const struct ptype *pt, const char **in, uint64_t off)
{
	const struct params24_env *env = s->env;
	size_t n = strcspn(*in, ",");
	char *str = malloc(strlen(*in) + 1);
	int r = 0;

	if (!str)
		return -ENOMEM;
	if (**in == '"') {
		if (unquote(in, str) < 0) {
			log_error("%s: improperly terminated string argument for %s", env->path, s->key);
			r = -EINVAL;
		}
	} else {
		memcpy(str, *in, n);
		str[n] = '\0';
		*in += n;
		if (n == 0)
			goto out;	/* skipped: the element keeps its value */
	}
	if (!r && pt->kind == 's') {
		r = fits(s, off, width_of(env, 's'));
		if (!r)
			r = env->ops.string_patch(env->ops.ctx, s->var, off, str);
	} else if (!r) {
		if (!pt->sized || pt->csize == 0) {
			log_error("%s: parameter type 'c' for %s must be followed by the maximum size", env->path, s->key);
			r = -EINVAL;
		} else if (strlen(str) > pt->csize - 1) {
			/* The original refused N-1 characters too, though its
			 * message (and char[N]) allow them. */
			log_error("%s: string too long for %s (max %lu)", env->path, s->key, pt->csize - 1);
			r = -EINVAL;
		} else if (!(r = fits(s, off, pt->csize))) {
			memcpy(s->var->data + off, str, strlen(str) + 1);
		}
	}
out:
	free(str);
	return r;
}

/* One integer element.  An empty (or blank) element is skipped. */
static int integer_element(const struct slot *s, char kind, const char **in, uint64_t off)
{
	const char *p = *in;
	unsigned w = width_of(s->env, kind);
	unsigned long v;
	char *end;
	int r;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == ',' || !*p) {
		*in = p;
		return 0;
	}
	v = strtoul(p, &end, 0);
	if (end == p) {
		log_error("%s: invalid argument syntax for %s: '%c'", s->env->path, s->key, *p);
		return -EINVAL;
	}
	r = fits(s, off, w);
	if (!r)
		put(s, off, w, v);
	*in = end;
	return r;
}

static int element(const struct slot *s, const struct ptype *pt, const char **in, uint64_t off)
{
	switch (pt->kind) {
	case 's': case 'c':
		return string_element(s, pt, in, off);
	case 'b': case 'h': case 'i': case 'l':
		return integer_element(s, pt->kind, in, off);
	default:
		if (isprint((unsigned char)pt->kind))
			log_error("%s: unknown parameter type '%c' for %s", s->env->path, pt->kind, s->key);
		else
			log_error("%s: unknown parameter type '\\x%02x' for %s", s->env->path,
				  (unsigned char)pt->kind, s->key);
		return -EINVAL;
	}
}

static uint64_t element_size(const struct params24_env *env, const struct ptype *pt)
{
	return pt->kind == 'c' ? pt->csize : width_of(env, pt->kind);
}

/* The values of one word, element by element, separated by commas. */
static int write_values(const struct slot *s, const struct ptype *pt, const char *in)
{
	const char *path = s->env->path;
	unsigned long n = 1;
	uint64_t off = 0;

	while (*in) {
		int r = element(s, pt, &in, off);

		if (r)
			return r;
		off += element_size(s->env, pt);
		while (isspace((unsigned char)*in))
			in++;
		if (!*in)
			break;
		if (*in != ',') {
			log_error("%s: invalid argument syntax for %s: '%c'", path, s->key, *in);
			return -EINVAL;
		}
		if (pt->max && ++n > pt->max) {
			log_error("%s: too many values for %s (max %lu)", path, s->key, pt->max);
			return -EINVAL;
		}
		in++;
	}
	if (pt->min && n < pt->min) {
		log_error("%s: too few values for %s (min %lu)", path, s->key, pt->min);
		return -EINVAL;
	}
	return 0;
}

/* The type of parameter key: declared (2.1+), or guessed from the value
 * (2.0). */
static int type_of(const struct params24_env *env, const char *key, const char *value, struct ptype *pt)
{
	char pkey[256], *t;
	const char *decl;
	size_t len;

	memset(pt, 0, sizeof(*pt));
	if (!env->typed) {
		pt->kind = isdigit((unsigned char)*value) ? 'i' : 's';
		return 0;	/* min = max = 0: no count check */
	}
	if ((size_t)snprintf(pkey, sizeof(pkey), "parm_%s", key) >= sizeof(pkey) ||
	    !env->ops.modinfo(env->ops.ctx, pkey, &decl, &len)) {
		log_error("%s: invalid parameter parm_%s", env->path, key);
		return -EINVAL;
	}
	t = strndup(decl, len);
	if (!t)
		return -ENOMEM;
	type_from(t, pt);
	free(t);
	return 0;
}

static int apply_word(const struct params24_env *env, const char *word)
{
	const char *eq = strchr(word, '=');
	struct params24_var var;
	struct ptype pt;
	struct slot s;
	char *key;
	int r;

	if (!eq)
		return 0;	/* the original ignored words without '=' */
	key = strndup(word, (size_t)(eq - word));
	if (!key)
		return -ENOMEM;
	r = type_of(env, key, eq + 1, &pt);
	if (!r && !env->ops.find_var(env->ops.ctx, key, &var)) {
		log_error("%s: symbol for parameter %s not found", env->path, key);
		r = -EINVAL;
	}
	if (!r) {
		s = (struct slot){ env, key, &var, var.room };
		if (var.size && var.size < var.room)
			s.limit = var.size;
		r = write_values(&s, &pt, eq + 1);
	}
	free(key);
	return r;
}

int params24_apply(const struct params24_env *env, char *const *words, size_t n)
{
	int err = 0;

	for (size_t i = 0; i < n; i++) {
		int r = apply_word(env, words[i]);

		if (r == -ENOMEM)
			return r;
		if (r && !err)
			err = r;
	}
	return err;
}

/* ---- Declarations --------------------------------------------------------- */

/* The modifier after the type: p (persistent) or nothing. */
static int check_modifier(const struct params24_env *env, const char *name, const char *t)
{
	if (t[1] == 'p' && t[0] == 's') {
		log_error("%s: parameter %s is invalid persistent string", env->path, name);
		return 1;
	}
	if (t[1] && t[1] != 'p')
		log_warn("%s: parameter %s has unknown format modifier '%c'", env->path, name, t[1]);
	return 0;
}

static int check_decl(const struct params24_env *env, const char *name, const char *type)
{
	struct params24_var var;
	struct ptype pt;
	const char *t = type_from(type, &pt);

	if (!env->ops.find_var(env->ops.ctx, name, &var)) {
		log_warn("%s: symbol for parameter %s not found", env->path, name);
		return 0;
	}
	if (pt.max < pt.min) {
		log_warn("%s: parameter %s has max < min!", env->path, name);
		return 0;
	}
	switch (pt.kind) {
	case 'c':
		if (!pt.sized) {
			log_warn("%s: parameter %s has no size after 'c'!", env->path, name);
			return 0;
		}
		while (isdigit((unsigned char)t[1]))
			t++;
		break;
	case 'b': case 'h': case 'i': case 'l': case 's':
		break;
	case '\0':
		log_warn("%s: parameter %s has no format character!", env->path, name);
		return 0;
	default:
		log_warn("%s: parameter %s has unknown format character '%c'", env->path, name, pt.kind);
		return 0;
	}
	return check_modifier(env, name, t);
}

/* One .modinfo string s[0..len). */
static int check_entry(const struct params24_env *env, const char *s, size_t len)
{
	const char *eq = memchr(s, '=', len);
	char *name, *type;
	int errors;

	if (len < 5 || memcmp(s, "parm_", 5) != 0)
		return 0;
	if (!eq) {
		log_error("%s: parameter %.*s found with no value", env->path, (int)len, s);
		return 1;
	}
	if (eq - s > 10 && memcmp(s, "parm_desc_", 10) == 0)
		return 0;
	name = strndup(s + 5, (size_t)(eq - s - 5));
	type = strndup(eq + 1, (size_t)(s + len - eq - 1));
	errors = name && type ? check_decl(env, name, type) : 1;
	free(name);
	free(type);
	return errors;
}

int params24_check_decls(const struct params24_env *env, const char *modinfo, size_t size)
{
	int errors = 0;
	size_t pos = 0;

	while (pos < size) {
		const char *s = modinfo + pos;
		const char *nul = memchr(s, '\0', size - pos);
		size_t len = nul ? (size_t)(nul - s) : size - pos;

		if (len)
			errors += check_entry(env, s, len);
		pos += len + 1;
	}
	return errors;
}
