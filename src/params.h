/* Module parameters given as "symbol=value" words: checked against the
 * module's own declarations (.modinfo "parmtype=NAME:TYPE") before the
 * kernel sees them, and turned into the one argument string the kernel's
 * parse_args() will split back into exactly the values the user meant. */
#ifndef INSMOD_PARAMS_H
#define INSMOD_PARAMS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* One declared parameter, from a "parmtype=NAME:TYPE" entry. */
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
};

/* One element of a parsed value. */
struct param_elem {
	uint64_t u;		/* integers (two's complement for signed), bools (0/1) */
	char *str;		/* charp/string: decoded bytes, NUL-terminated */
	size_t str_len;
};

/* A checked "symbol=value" word. */
struct param_value {
	char *name;		/* as the module declares it */
	enum param_kind kind;
	bool is_array;
	size_t count;		/* elements (1 unless is_array) */
	struct param_elem *elems;
	char *kernel_text;	/* the value as the kernel should receive it */
};

struct param_set {
	struct param_value *values;
	size_t count;
};

/* Checks every word against the declarations and fills *out.  An unknown
 * name (other than dyndbg and async_probe) is an error that lists the
 * module's parameters and suggests the nearest; an ill-typed or
 * out-of-range value is an error naming the parameter and type.  All errors
 * are logged (every bad word, not just the first); returns 0 or -EINVAL. */
int params_check(const struct param_decl *decls, size_t ndecls,
		 char *const *words, size_t nwords, const char *module,
		 bool is64, struct param_set *out);

/* Builds the string for init_module/finit_module from a checked set:
 * words joined by single spaces, values quoted where the kernel would
 * otherwise split them.  Returns a malloc'ed string ("" for none), or NULL
 * after logging why a value cannot be expressed to the kernel. */
char *params_kernel_string(const struct param_set *set);

void params_release(struct param_set *set);

/* Collects the declarations from a .modinfo section's contents
 * (NUL-separated "key=value" strings).  Returns the count, or -ENOMEM;
 * *out is malloc'ed and points into the section. */
long params_collect_decls(const char *modinfo, size_t size,
			  struct param_decl **out);

#endif
