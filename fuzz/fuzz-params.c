/* Fuzz target 3: module parameters (params.c): the declarations read from
 * .modinfo, the check of symbol=value words against them, and the string
 * handed to the kernel.
 *
 * Input: one flags byte (bit 0: a 64-bit module), then the .modinfo
 * contents up to the first 0x01 byte, then the command-line words, each
 * introduced by a 0x01 byte (a word ends at a NUL, as argv strings do).
 *
 * Besides the sanitizers, the result is checked against a model of the
 * kernel's own tokenizer (next_arg() in kernel/params.c, as documented by
 * its behaviour): splitting the string params_kernel_string() returns
 * must give back exactly each checked parameter's name and kernel_text,
 * which is the promise of params.h. */
#include "fuzz-common.h"

#include <stdbool.h>

#include "params.h"

#define MAX_WORDS 64

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_log_setup();
	return 0;
}

/* The kernel's isspace() (lib/ctype.c marks Latin-1 NBSP too). */
static bool kspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

struct karg {
	const char *param, *val;
};

/* The kernel's split of an argument string into param[=val] settings:
 * a token runs to the first space outside double quotes; a token that
 * starts with '"' is quoted as a whole; the first '=' after the token's
 * first byte ends the name; a value that starts with '"' loses it and a
 * closing '"' at the token's end; spaces between tokens are skipped. */
static size_t kernel_split(char *s, struct karg *out, size_t max)
{
	size_t n = 0;

	while (kspace((unsigned char)*s))
		s++;
	while (*s) {
		bool in_quote = false, quoted = false;
		size_t i, equals = 0;
		char *val = NULL;

		if (*s == '"') {
			s++;
			in_quote = quoted = true;
		}
		for (i = 0; s[i]; i++) {
			if (kspace((unsigned char)s[i]) && !in_quote)
				break;
			if (equals == 0 && s[i] == '=')
				equals = i;
			if (s[i] == '"')
				in_quote = !in_quote;
		}
		if (equals) {
			s[equals] = '\0';
			val = s + equals + 1;
			if (*val == '"') {
				val++;
				if (s[i - 1] == '"')
					s[i - 1] = '\0';
			}
		}
		if (quoted && i > 0 && s[i - 1] == '"')
			s[i - 1] = '\0';
		if (n < max)
			out[n] = (struct karg){ s, val };
		n++;
		if (s[i]) {
			s[i] = '\0';
			s += i + 1;
		} else {
			s += i;
		}
		while (kspace((unsigned char)*s))
			s++;
	}
	return n;
}

static bool plain_name(const char *name)
{
	if (!*name)
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (kspace(*p) || *p == '"' || *p == '=')
			return false;
	return true;
}

static void check_set(const struct param_set *set)
{
	for (size_t i = 0; i < set->count; i++) {
		const struct param_value *v = &set->values[i];

		FUZZ_ASSERT(v->name && v->kind <= PARAM_UNCHECKED);
		FUZZ_ASSERT(v->count == 0 || v->elems);
		if (!v->is_array)
			FUZZ_ASSERT(v->count == 1 || (v->kind == PARAM_UNCHECKED && v->count == 0));
		if (!v->kernel_text)
			FUZZ_ASSERT(v->kind == PARAM_UNCHECKED && v->count == 0);
		for (size_t k = 0; k < v->count; k++) {
			const struct param_elem *e = &v->elems[k];

			if (e->str)
				FUZZ_ASSERT(e->str[e->str_len] == '\0');
			if (v->kind == PARAM_BOOL || v->kind == PARAM_INVBOOL || v->kind == PARAM_BINT)
				FUZZ_ASSERT(e->u <= 1);
		}
		(void)strlen(v->name);
		if (v->kernel_text)
			(void)strlen(v->kernel_text);
	}
}

static void check_kernel_string(const struct param_set *set, const char *str)
{
	struct karg args[MAX_WORDS];
	char *copy;
	size_t n;

	for (size_t i = 0; i < set->count; i++)
		if (!plain_name(set->values[i].name))
			return;	/* the module's own name cannot be passed: not ours to model */
	copy = strdup(str);
	FUZZ_ASSERT(copy);
	n = kernel_split(copy, args, MAX_WORDS);
	FUZZ_ASSERT(n == set->count);
	for (size_t i = 0; i < n; i++) {
		const struct param_value *v = &set->values[i];

		FUZZ_ASSERT(strcmp(args[i].param, v->name) == 0);
		FUZZ_ASSERT(!args[i].val == !v->kernel_text);
		if (v->kernel_text)
			FUZZ_ASSERT(strcmp(args[i].val, v->kernel_text) == 0);
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *words[MAX_WORDS];
	size_t nwords = 0, mlen;
	struct param_decl *decls = NULL;
	struct param_set set = { NULL, 0 };
	const uint8_t *p, *end = data + size, *sep;
	bool is64;
	char *modinfo, *str;
	long n;
	int r;

	if (size < 1)
		return 0;
	is64 = data[0] & 1;
	p = data + 1;
	sep = memchr(p, 1, (size_t)(end - p));
	mlen = (size_t)((sep ? sep : end) - p);
	modinfo = fuzz_copy(p, mlen, 0);
	p = sep;
	while (p && p < end && nwords < MAX_WORDS) {
		const uint8_t *w = p + 1, *next = memchr(w, 1, (size_t)(end - w));
		size_t len = (size_t)((next ? next : end) - w);

		words[nwords++] = fuzz_copy(w, strnlen((const char *)w, len), 1);
		p = next;
	}

	n = params_collect_decls(modinfo, mlen, &decls);
	FUZZ_ASSERT(n >= 0);
	for (long i = 0; i < n; i++) {
		FUZZ_ASSERT(decls[i].name_len && decls[i].type_len);
		FUZZ_ASSERT(decls[i].name >= modinfo && decls[i].type + decls[i].type_len <= modinfo + mlen);
	}
	r = params_check(decls, (size_t)n, words, nwords, "fuzz", is64, &set);
	if (r) {
		FUZZ_ASSERT(r == -EINVAL || r == -ENOMEM);
		FUZZ_ASSERT(set.count == 0 && set.values == NULL);
	} else {
		FUZZ_ASSERT(set.count <= nwords);
		check_set(&set);
		str = params_kernel_string(&set);
		if (str) {
			check_kernel_string(&set, str);
			free(str);
		}
		params_release(&set);
	}
	free(decls);
	free(modinfo);
	for (size_t i = 0; i < nwords; i++)
		free(words[i]);
	return 0;
}
