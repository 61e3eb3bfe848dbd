/* Unit tests of 2.0/2.4-era parameters (src/mod24/params24.c) and
 * symbol-version names (src/mod24/symvers24.c), against a made-up module:
 * one 64-byte data section with a few variables, and .modinfo declarations
 * in a table. */
#include "check.h"
#include "log.h"
#include "mod24-int.h"
#include "params24.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct var { const char *name; uint64_t offset, size; };

static const struct var vars[] = {
	{ "irq", 0, 4 }, { "io", 8, 8 }, { "name", 16, 8 }, { "label", 24, 8 },
	{ "arr", 32, 16 }, { "names", 48, 16 }, { "small", 64, 2 }, { "flag", 66, 1 }, { "tail", 92, 0 },
};

static const char *const decls[] = {
	"parm_irq=i", "parm_io=1-4h", "parm_name=s", "parm_label=c8", "parm_arr=2-4i",
	"parm_small=h", "parm_flag=b", "parm_tail=i", "parm_odd=q", "parm_nosize=c", "parm_zero=c0",
	"parm_names=1-2s",
};

/* The section (SIZE bytes); string patches move it, as a growing .kstrtab would. */
#define SIZE 96
static uint8_t *section;
static char patched[8][32];
static uint64_t patched_at[8];
static int npatched;

static bool t_modinfo(void *ctx, const char *key, const char **value, size_t *len)
{
	(void)ctx;
	for (size_t i = 0; i < sizeof(decls) / sizeof(decls[0]); i++) {
		const char *eq = strchr(decls[i], '=');

		if ((size_t)(eq - decls[i]) == strlen(key) && strncmp(decls[i], key, strlen(key)) == 0) {
			*value = eq + 1;
			*len = strlen(eq + 1);
			return true;
		}
	}
	return false;
}

static bool t_find(void *ctx, const char *name, struct params24_var *out)
{
	(void)ctx;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (strcmp(vars[i].name, name) == 0) {
			*out = (struct params24_var){ section + vars[i].offset, SIZE - vars[i].offset, vars[i].size, 1,
						      vars[i].offset };
			return true;
		}
	return false;
}

static int t_patch(void *ctx, struct params24_var *var, uint64_t at, const char *s)
{
	uint8_t *moved = malloc(SIZE);

	(void)ctx;
	memcpy(moved, section, SIZE);
	free(section);
	section = moved;
	var->data = section + var->offset;
	if (npatched < 8) {
		snprintf(patched[npatched], sizeof(patched[0]), "%s", s);
		patched_at[npatched++] = var->offset + at;
	}
	return 0;
}

static struct params24_env env(bool typed, bool is64, bool big)
{
	return (struct params24_env){ "test.o", typed, is64, big, { NULL, t_modinfo, t_find, t_patch } };
}

static void reset(void)
{
	free(section);
	section = malloc(SIZE);
	for (int i = 0; i < SIZE; i++)
		section[i] = (uint8_t)(0xa0 + i);
	npatched = 0;
}

static int apply1(const struct params24_env *e, const char *word)
{
	char *w = strdup(word);
	int r = params24_apply(e, &w, 1);

	free(w);
	return r;
}

static uint64_t le(uint64_t off, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)section[off + i] << (8 * i);
	return v;
}

static void typed_values(void)
{
	struct params24_env e = env(true, true, false);

	reset();
	CHECK(apply1(&e, "irq=0x21") == 0 && le(0, 4) == 0x21, "i: hex value");
	CHECK(apply1(&e, "irq=-1") == 0 && le(0, 4) == 0xffffffff, "i: -1 wraps");
	CHECK(apply1(&e, "irq=010") == 0 && le(0, 4) == 8, "i: octal");
	reset();
	CHECK(apply1(&e, "io=1,,3") == 0 && le(8, 2) == 1 && le(10, 2) == 0xabaa && le(12, 2) == 3 &&
	      le(14, 2) == 0xafae, "h array: the skipped element keeps its bytes");
	reset();
	CHECK(apply1(&e, "io=, ,5") == 0 && le(8, 2) == 0xa9a8 && le(10, 2) == 0xabaa && le(12, 2) == 5,
	      "h array: empty and blank elements are skipped");
	CHECK(apply1(&e, "io=") == 0 && le(8, 2) == 0xa9a8, "an empty value writes nothing");
	CHECK(apply1(&e, "flag=300") == 0 && section[66] == 44, "b: truncated to a byte");
	reset();
	CHECK(apply1(&e, "name=hello") == 0 && npatched == 1 && patched_at[0] == 16 &&
	      strcmp(patched[0], "hello") == 0, "s: a string patch at the pointer");
	reset();
	CHECK(apply1(&e, "names=a,,c") == -EINVAL && npatched == 1, "s array: a third value is one too many");
	reset();
	CHECK(apply1(&e, "names=,b") == 0 && npatched == 1 && patched_at[0] == 56 && strcmp(patched[0], "b") == 0,
	      "s array: the skipped pointer gets no patch");
	reset();
	CHECK(apply1(&e, "label=abcdefg") == 0 && memcmp(section + 24, "abcdefg", 8) == 0,
	      "c8: seven characters and the NUL fit");
	reset();
	CHECK(apply1(&e, "label=ab") == 0 && memcmp(section + 24, "ab\0", 3) == 0 && section[27] == 0xa0 + 27,
	      "c8: only the string and its NUL are written");
	CHECK(apply1(&e, "label=\"a,b\\tc\"") == 0 && memcmp(section + 24, "a,b\tc", 6) == 0,
	      "c8: a quoted string keeps its comma and decodes \\t");
	reset();
	CHECK(apply1(&e, "name=\"\\a\\b\\e\\f\\n\\r\\t\\101\\1011\\q\\\\\\\"\"") == 0 &&
	      strcmp(patched[0], "\a\b\033\f\n\r\tAA1q\\\"") == 0, "escapes, octal of up to three digits");
	reset();
	CHECK(apply1(&e, "arr=1, 2 ,3") == 0 && le(32, 4) == 1 && le(36, 4) == 2 && le(40, 4) == 3,
	      "spaces after values are skipped");
	CHECK(apply1(&e, "noequals") == 0, "a word without '=' is ignored");
}

static void typed_errors(void)
{
	struct params24_env e = env(true, true, false);

	reset();
	CHECK(apply1(&e, "io=1,2,3,4,5") == -EINVAL, "too many values");
	CHECK(apply1(&e, "io=1,2,3,4,") == -EINVAL, "a trailing comma counts");
	CHECK(apply1(&e, "arr=1") == -EINVAL, "too few values");
	CHECK(apply1(&e, "arr=,") == 0, "two skipped elements are two values");
	CHECK(apply1(&e, "label=abcdefgh") == -EINVAL, "c8: eight characters are too long");
	CHECK(apply1(&e, "irq=12x") == -EINVAL, "garbage after a number");
	CHECK(apply1(&e, "irq=x") == -EINVAL, "no number at all");
	CHECK(apply1(&e, "name=\"abc") == -EINVAL, "unterminated quote");
	CHECK(apply1(&e, "name=\"abc\\") == -EINVAL, "a backslash at the very end");
	CHECK(apply1(&e, "name=\"a\"b") == -EINVAL, "text after the closing quote");
	CHECK(apply1(&e, "nosuch=1") == -EINVAL, "undeclared parameter");
	CHECK(apply1(&e, "odd=1") == -EINVAL, "unknown type letter");
	CHECK(apply1(&e, "nosize=a") == -EINVAL, "c without a size");
	CHECK(apply1(&e, "zero=a") == -EINVAL, "c0");
	CHECK(apply1(&e, "tail=1") == 0 && le(92, 4) == 1, "a variable of unknown size: the section's end bounds it");
	CHECK(apply1(&e, "tail=1,2") == -EINVAL, "... and nothing is written past it");
	{
		char *words[] = { "nosuch=1", "irq=7", "odd=2" };

		reset();
		CHECK(params24_apply(&e, words, 3) == -EINVAL && le(0, 4) == 7,
		      "a bad word does not stop the good ones");
	}
}

static void untyped_and_widths(void)
{
	struct params24_env e = env(false, true, false), e32 = env(false, false, false),
			    be = env(true, false, true);

	reset();
	CHECK(apply1(&e, "arr=5,,7,8") == 0 && le(32, 4) == 5 && le(40, 4) == 7 && le(44, 4) == 8,
	      "2.0: a digit makes an int array, skips kept");
	CHECK(apply1(&e, "arr=1,2,3,4,5") == -EINVAL, "2.0: no declared maximum, but the symbol's size holds");
	CHECK(apply1(&e, "irq=-1") == -EINVAL, "2.0: -1 is a string; a 64-bit pointer does not fit a 4-byte int");
	reset();
	CHECK(apply1(&e32, "irq=-1") == 0 && npatched == 1 && strcmp(patched[0], "-1") == 0,
	      "2.0 on 32-bit: -1 becomes a char * patch");
	CHECK(apply1(&e, "nosuch=1") == -EINVAL, "2.0: unknown symbol");
	reset();
	CHECK(apply1(&be, "io=0x1234") == 0 && section[8] == 0x12 && section[9] == 0x34, "big-endian short");
	CHECK(apply1(&be, "irq=0x01020304") == 0 && section[0] == 1 && section[3] == 4, "big-endian int");
	{
		struct params24_env e64 = env(true, true, false);

		reset();
		CHECK(apply1(&e64, "name=x") == 0 && patched_at[0] == 16, "64-bit s slot");
	}
}

static int check_decl_list(const char *const *list, size_t n)
{
	struct params24_env e = env(true, true, false);
	char buf[512];
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(list[i]) + 1;

		memcpy(buf + len, list[i], l);
		len += l;
	}
	return params24_check_decls(&e, buf, len);
}

static void declarations(void)
{
	static const char *const good[] = { "kernel_version=2.4.20", "parm_irq=i", "parm_desc_irq=x",
					    "parm_io=1-4h", "parm_label=c8", "parm_irq=ip", "license=GPL" };
	static const char *const warned[] = { "parm_odd=q", "parm_ghost=i", "parm_io=4-1h", "parm_label=c",
					      "parm_irq=iz", "parm_irq=" };
	static const char *const sp[] = { "parm_name=sp" };
	static const char *const bare[] = { "parm_irq" };

	CHECK(check_decl_list(good, 7) == 0, "good declarations: no errors");
	CHECK(check_decl_list(warned, 6) == 0, "questionable declarations: warnings only");
	CHECK(check_decl_list(sp, 1) == 1, "a persistent string is an error");
	CHECK(check_decl_list(bare, 1) == 1, "parm_ without a value is an error");
}

static void versions(void)
{
	struct sv24 exact = { false, "", 0 }, ncv = { true, "", 0 }, smp = { true, "smp_", 4 };
	char prefix[32];

	CHECK(sv24_same(&exact, "printk", "printk"), "exact: same name");
	CHECK(!sv24_same(&exact, "printk", "printk_R1b7d4074"), "exact: versioned and not differ");
	CHECK(!sv24_same(&exact, "printk_R1b7d4074", "printk_R1b7d4075"), "exact: another CRC differs");
	CHECK(sv24_same(&ncv, "printk", "printk_R1b7d4074"), "ncv: base name matches");
	CHECK(sv24_same(&ncv, "printk_R1b7d4074", "printk"), "ncv: either side");
	CHECK(!sv24_same(&ncv, "printk", "printk_Rsmp_1b7d4074"), "ncv without prefix: smp_ suffix is not one");
	CHECK(sv24_same(&smp, "printk", "printk_Rsmp_1b7d4074"), "ncv with smp_: matches");
	CHECK(!sv24_same(&smp, "printk", "printk_R1b7d4074"), "ncv with smp_: a bare suffix is not one");
	CHECK(!sv24_same(&ncv, "print", "printk_R1b7d4074"), "ncv: not a prefix match");
	CHECK(sv24_key_len(&ncv, "printk_R1b7d4074", 16) == 6, "ncv key drops the suffix");
	CHECK(sv24_key_len(&exact, "printk_R1b7d4074", 16) == 16, "exact key keeps it");
	CHECK(sv24_key_len(&smp, "printk_Rsmp_1b7d4074", 20) == 6, "smp key drops _Rsmp_ and the CRC");
	CHECK(sv24_prefix_from("get_module_symbol_Rsmp_1234abcd", prefix, sizeof(prefix)) &&
	      strcmp(prefix, "smp_") == 0, "prefix from get_module_symbol");
	CHECK(sv24_prefix_from("inter_module_get_R1234abcd", prefix, sizeof(prefix)) && prefix[0] == '\0',
	      "empty prefix from inter_module_get");
	CHECK(!sv24_prefix_from("get_module_symbol_Rsmp_1234abcx", prefix, sizeof(prefix)),
	      "no prefix without 8 hex digits");
	CHECK(!sv24_prefix_from("printk_R1234abcd", prefix, sizeof(prefix)), "no prefix from other names");
	CHECK(sv24_version_code("2.4.20", 6) == 132116, "2.4.20 is 132116");
	CHECK(sv24_version_code("2.0.36-pre", 10) == 131108, "2.0.36-pre is 131108");
	CHECK(sv24_version_code("2.4", 3) == -1, "2.4 alone is no version");
	CHECK(sv24_version_code("2.4.x", 5) == -1, "a patch level needs a digit");
	CHECK(sv24_version_code("2.4.20", 4) == -1, "the length bounds the string");
}

int main(void)
{
	log_setup(LOG_TO_NOWHERE, 0, false);
	typed_values();
	typed_errors();
	untyped_and_widths();
	declarations();
	versions();
	free(section);
	return CHECK_DONE();
}
