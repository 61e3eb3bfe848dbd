/* Parameters of 2.0/2.4-era modules: symbol=value words written straight
 * into the module's variables before it is relocated, as modutils 2.4
 * did.
 *
 * A 2.1+ module (one with .modinfo kernel_version=) declares each
 * parameter with MODULE_PARM, which leaves "parm_NAME=TYPE" in .modinfo:
 * TYPE is [min[-max]] then b (byte), h (short), i (int), l (long), s
 * (char *) or c<N> (char[N]), optionally followed by p (persistent).  In
 * a 2.0 module any int or char * variable can be set: a value starting
 * with a digit is an integer, anything else a string.
 *
 * Values: integers as in C (17, 021, 0x11); a value starting with " is a
 * C string with escapes; arrays separated by commas, where an empty
 * element is skipped: "io=1,,3" leaves the second element as it was (the
 * manual page's promise; the original code wrote 0 there).  The
 * original's checks and messages are kept: too many or too few values,
 * string too long, bad syntax, unterminated string, unknown type; and,
 * new, nothing is ever written beyond the variable (its symbol size) or
 * its section. */
#ifndef INSMOD_PARAMS24_H
#define INSMOD_PARAMS24_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where a parameter's variable is. */
struct params24_var {
	uint8_t *data;		/* its first byte in the section's contents */
	uint64_t room;		/* bytes from there to the end of the section */
	uint64_t size;		/* the symbol's size; 0 if unknown */
	size_t sec;		/* for string patches */
	uint64_t offset;
};

struct params24_ops {
	void *ctx;
	/* The value of .modinfo "KEY=" (key is "parm_NAME"), or false. */
	bool (*modinfo)(void *ctx, const char *key, const char **value, size_t *len);
	/* The module's own symbol NAME (not one resolved from the kernel). */
	bool (*find_var)(void *ctx, const char *name, struct params24_var *out);
	/* Makes the char * at var + at point to a copy of s (after
	 * relocation); may move the section's contents, so it updates
	 * var->data.  0 or -ENOMEM. */
	int (*string_patch)(void *ctx, struct params24_var *var, uint64_t at, const char *s);
};

struct params24_env {
	const char *path;	/* for messages */
	bool typed;		/* 2.1+ module: types from parm_ entries */
	bool is64;		/* long and pointers are 8 bytes, else 4 */
	bool big_endian;
	struct params24_ops ops;
};

/* Writes every symbol=value word (words without '=' are ignored, as in
 * the original).  Every bad word is reported ("PATH: message"); returns
 * 0, -EINVAL or -ENOMEM. */
int params24_apply(const struct params24_env *env, char *const *words, size_t n);

/* The original's check of every parm_ declaration of a 2.1+ module
 * (.modinfo contents given): problems with a declaration are warnings,
 * except the two the original counted as errors (a persistent 's', a
 * parm_ entry without '=').  Returns the number of errors. */
int params24_check_decls(const struct params24_env *env, const char *modinfo, size_t size);

#endif
