/* Module parameters given as "symbol=value" words: checked against the
 * module's own declarations (.modinfo "parmtype=NAME:TYPE") before the
 * kernel sees them, and turned into the one argument string the kernel's
 * parse_args() will split back into exactly the values the user meant. */
#ifndef INSMOD_PARAMS_H
#define INSMOD_PARAMS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* One declared parameter, from a "parmtype=NAME:TYPE" entry.  Both point
 * into the .modinfo section and are NOT NUL-terminated: use the lengths. */
struct param_decl {
	const char *name;
	size_t name_len;
	const char *type;	/* e.g. "int", "array of charp" */
	size_t type_len;
};

enum param_kind {
	PARAM_BYTE, PARAM_SHORT, PARAM_USHORT, PARAM_INT, PARAM_UINT,
	PARAM_LONG, PARAM_ULONG, PARAM_ULLONG, PARAM_HEXINT,
	PARAM_BOOL, PARAM_INVBOOL, PARAM_BINT, PARAM_CHARP, PARAM_STRING,
	/* Not checked: dyndbg/async_probe (handled by the kernel itself, not
	 * module variables), or a declared type insmod does not know.  No
	 * element when the word had no '=', else one string element holding
	 * the value as given (decoded if it was quoted); is_array is false. */
	PARAM_UNCHECKED,
};

/* One element of a parsed value. */
struct param_elem {
	/* Integers: the value sign-extended to 64 bits (two's complement), to
	 * be stored in the type's own width.  bool/invbool/bint: what the
	 * variable will hold, 0 or 1 (for invbool the inverse of what the
	 * user wrote). */
	uint64_t u;
	char *str;		/* charp/string/unchecked: decoded bytes, NUL-terminated */
	size_t str_len;		/* may contain NUL bytes if the user wrote \0 */
};

/* A checked "symbol=value" word. */
struct param_value {
	char *name;		/* as the module declares it */
	enum param_kind kind;
	bool is_array;
	size_t count;		/* elements (1 unless is_array; see PARAM_UNCHECKED) */
	struct param_elem *elems;
	/* The value as the kernel's parameter setter should receive it (after
	 * its tokenizer strips quotes): integers in canonical form (decimal,
	 * hexint as 0x...), bools as "1"/"0" (what the user meant, before any
	 * inversion), strings decoded, array elements joined by ','.  NULL
	 * only for a PARAM_UNCHECKED word without '='. */
	char *kernel_text;
};

struct param_set {
	struct param_value *values;
	size_t count;
};

/* Checks every word against the declarations and fills *out.  An unknown
 * name (other than dyndbg and async_probe) is an error that lists the
 * module's parameters and suggests the nearest; an ill-typed or
 * out-of-range value is an error naming the parameter and type.  All errors
 * are logged (every bad word, not just the first); returns 0, -EINVAL, or
 * -ENOMEM.  On error *out is left empty (nothing to release). */
int params_check(const struct param_decl *decls, size_t ndecls,
		 char *const *words, size_t nwords, const char *module,
		 bool is64, struct param_set *out);

/* Builds the string for init_module/finit_module from a checked set:
 * words joined by single spaces, values quoted where the kernel would
 * otherwise split them.  Returns a malloc'ed string ("" for none), or NULL
 * after logging why a value cannot be expressed to the kernel (every such
 * value is reported) or that memory ran out. */
char *params_kernel_string(const struct param_set *set);

void params_release(struct param_set *set);

/* Collects the declarations from a .modinfo section's contents
 * (NUL-separated "key=value" strings, NUL padding allowed, the last string
 * possibly unterminated).  Returns the count, or -ENOMEM; *out is malloc'ed
 * (NULL when the count is 0) and points into the section.  Malformed
 * entries (no ':', empty name or type) are skipped. */
long params_collect_decls(const char *modinfo, size_t size,
			  struct param_decl **out);

#endif
