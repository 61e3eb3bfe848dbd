/* Unit tests for src/load/params.c: .modinfo parmtype collection, checking of
 * "symbol=value" words against the kernel's rules, and the argument string
 * given to the kernel.
 *
 * Every expected value below was worked out by hand from the kernel's rules
 * (kstrto* with base 0, kstrtobool, param_array, next_arg), never taken
 * from the code under test.  The round-trip test at the end uses a model of
 * next_arg() written here from its documented behaviour. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "helpers.h"
#include "log.h"
#include "params.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A word as a test label: control and non-ASCII bytes escaped, so that
 * every CHECK stays on one line.  A few rotating buffers, so that two may
 * appear in one message. */
static const char *shown(const char *s)
{
	static char bufs[4][512];
	static int next;
	char *out = bufs[next++ % 4], *o = out;

	for (; *s && o < out + sizeof(bufs[0]) - 5; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f)
			o += sprintf(o, "\\x%02x", c);
		else
			*o++ = (char)c;
	}
	*o = '\0';
	return out;
}

static int count_occurrences(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* ------------------------------------------------------------------ */
/* The test module's declarations                                     */

/* NUL padding between entries and a non-parmtype key, as real sections
 * have.  21 parmtype entries. */
static const char test_modinfo[] =
	"license=GPL\0"
	"parm=b:a byte\0"
	"parmtype=b:byte\0"
	"parmtype=s:short\0"
	"parmtype=us:ushort\0\0\0"
	"parmtype=i:int\0"
	"parmtype=ui:uint\0"
	"parmtype=l:long\0"
	"parmtype=ul:ulong\0"
	"parmtype=ull:ullong\0"
	"parmtype=hx:hexint\0"
	"parmtype=flag:bool\0"
	"parmtype=inv:invbool\0"
	"parmtype=bi:bint\0"
	"parmtype=str:charp\0"
	"parmtype=buf:string\0"
	"parmtype=ints:array of int\0"
	"parmtype=names:array of charp\0"
	"parmtype=flags:array of bool\0"
	"parmtype=bytes:array of byte\0"
	"parmtype=ulongs:array of ulong\0"
	"parmtype=debug_level:int\0"
	"parmtype=odd:frobnicator\0"
	"vermagic=6.1.0 SMP mod_unload\0";

static struct param_decl *decls;
static size_t ndecls;

static int run_check(const char *const *words, size_t n, bool is64,
		     struct param_set *set, const char **log)
{
	int r;

	capture_begin();
	r = params_check(decls, ndecls, (char *const *)words, n, "testmod", is64, set);
	*log = capture_end();
	return r;
}

static int run_one(const char *word, bool is64, struct param_set *set, const char **log)
{
	const char *words[1] = { word };

	return run_check(words, 1, is64, set, log);
}

static bool has_decl(const char *name, const char *type)
{
	for (size_t i = 0; i < ndecls; i++)
		if (decls[i].name_len == strlen(name) &&
		    memcmp(decls[i].name, name, decls[i].name_len) == 0)
			return decls[i].type_len == strlen(type) &&
			       memcmp(decls[i].type, type, decls[i].type_len) == 0;
	return false;
}

/* ------------------------------------------------------------------ */
/* .modinfo                                                           */

static void test_collect_decls(void)
{
	struct param_decl *d = NULL;
	long n;

	n = params_collect_decls(test_modinfo, sizeof(test_modinfo), &decls);
	ndecls = n > 0 ? (size_t)n : 0;
	CHECK(n == 21, "collect: 21 parmtype entries in the test section (got %ld)", n);
	CHECK(has_decl("b", "byte"), "collect: b is byte");
	CHECK(has_decl("us", "ushort"), "collect: us found after NUL padding");
	CHECK(has_decl("ints", "array of int"), "collect: ints is 'array of int'");
	CHECK(has_decl("names", "array of charp"), "collect: names is 'array of charp'");
	CHECK(has_decl("debug_level", "int"), "collect: debug_level is int");
	CHECK(!has_decl("parm", "") && !has_decl("b", "a byte"),
	      "collect: parm= (descriptions) entries are not declarations");

	static const char padded[] = "a=1\0\0\0\0parmtype=x:int\0\0\0parmtype=y:charp";
	n = params_collect_decls(padded, sizeof(padded) - 1, &d);
	CHECK(n == 2, "collect: padding skipped, last string unterminated (got %ld)", n);
	CHECK(n == 2 && d[1].type_len == 5 && memcmp(d[1].type, "charp", 5) == 0 &&
	      d[1].name_len == 1 && d[1].name[0] == 'y',
	      "collect: unterminated last entry read up to the section end");
	free(d);

	static const char cut[] = "parmtype=q:long";
	n = params_collect_decls(cut, 13, &d);	/* "parmtype=q:lo" */
	CHECK(n == 1 && d[0].type_len == 2 && memcmp(d[0].type, "lo", 2) == 0,
	      "collect: the section's end bounds an entry cut short");
	free(d);

	static const char cut_key[] = "parmtype=x:int\0parmty";
	n = params_collect_decls(cut_key, sizeof(cut_key) - 1, &d);
	CHECK(n == 1, "collect: an unterminated partial key is ignored");
	free(d);

	static const char bad[] = "parmtype=x\0parmtype=:int\0parmtype=y:\0"
				  "xparmtype=z:int\0parm=w:desc\0parmtype=\0"
				  "PARMTYPE=v:int\0";
	d = (struct param_decl *)1;
	n = params_collect_decls(bad, sizeof(bad), &d);
	CHECK(n == 0 && d == NULL,
	      "collect: malformed entries (no ':', empty name/type, other keys) skipped");

	d = (struct param_decl *)1;
	n = params_collect_decls("", 0, &d);
	CHECK(n == 0 && d == NULL, "collect: empty section gives 0 and NULL");

	static const char only_nuls[8] = { 0 };
	n = params_collect_decls(only_nuls, sizeof(only_nuls), &d);
	CHECK(n == 0 && d == NULL, "collect: all-padding section gives 0");

	static const char colon_in_type[] = "parmtype=m:array of charp\0";
	n = params_collect_decls(colon_in_type, sizeof(colon_in_type), &d);
	CHECK(n == 1 && d[0].name_len == 1 && d[0].type_len == 14,
	      "collect: name ends at the first ':'");
	free(d);
}

/* ------------------------------------------------------------------ */
/* Integers                                                           */

struct int_case {
	const char *word;
	bool is64;
	const char *name;	/* declared name expected in the result */
	uint64_t u;
	const char *text;
};

static const struct int_case int_cases[] = {
	{ "b=0", true, "b", 0, "0" },
	{ "b=255", true, "b", 255, "255" },
	{ "b=0xff", true, "b", 255, "255" },
	{ "b=0XFF", true, "b", 255, "255" },
	{ "b=0377", true, "b", 255, "255" },
	{ "b=+5", true, "b", 5, "5" },
	{ "b=00", true, "b", 0, "0" },
	{ "b=0x0", true, "b", 0, "0" },
	{ "s=-32768", true, "s", 0xFFFFFFFFFFFF8000ull, "-32768" },
	{ "s=32767", true, "s", 32767, "32767" },
	{ "s=-0x8000", true, "s", 0xFFFFFFFFFFFF8000ull, "-32768" },
	{ "s=-0", true, "s", 0, "0" },
	{ "s=+0x7fff", true, "s", 32767, "32767" },
	{ "us=65535", true, "us", 65535, "65535" },
	{ "us=0177777", true, "us", 65535, "65535" },
	{ "i=-2147483648", true, "i", 0xFFFFFFFF80000000ull, "-2147483648" },
	{ "i=2147483647", true, "i", 2147483647, "2147483647" },
	{ "i=017", true, "i", 15, "15" },
	{ "i=0x1F", true, "i", 31, "31" },
	{ "i=-017", true, "i", 0xFFFFFFFFFFFFFFF1ull, "-15" },
	{ "i=-0x80000000", true, "i", 0xFFFFFFFF80000000ull, "-2147483648" },
	{ "ui=4294967295", true, "ui", 4294967295u, "4294967295" },
	{ "ui=0xffffffff", true, "ui", 4294967295u, "4294967295" },
	{ "ui=037777777777", false, "ui", 4294967295u, "4294967295" },
	{ "l=9223372036854775807", true, "l", 0x7FFFFFFFFFFFFFFFull, "9223372036854775807" },
	{ "l=-9223372036854775808", true, "l", 0x8000000000000000ull, "-9223372036854775808" },
	{ "l=2147483647", false, "l", 2147483647, "2147483647" },
	{ "l=-2147483648", false, "l", 0xFFFFFFFF80000000ull, "-2147483648" },
	{ "ul=18446744073709551615", true, "ul", UINT64_MAX, "18446744073709551615" },
	{ "ul=4294967295", false, "ul", 4294967295u, "4294967295" },
	{ "ul=0xffffffff", false, "ul", 4294967295u, "4294967295" },
	{ "ull=18446744073709551615", false, "ull", UINT64_MAX, "18446744073709551615" },
	{ "ull=0xffffffffffffffff", true, "ull", UINT64_MAX, "18446744073709551615" },
	{ "ull=01777777777777777777777", true, "ull", UINT64_MAX, "18446744073709551615" },
	{ "hx=0x1F", true, "hx", 31, "0x1f" },
	{ "hx=10", true, "hx", 10, "0xa" },
	{ "hx=0", true, "hx", 0, "0x0" },
	{ "hx=0xffffffff", false, "hx", 0xffffffffu, "0xffffffff" },
	{ "debug-level=3", true, "debug_level", 3, "3" },
	{ "debug_level=3", true, "debug_level", 3, "3" },
};

static void test_integers(void)
{
	for (size_t i = 0; i < N(int_cases); i++) {
		const struct int_case *c = &int_cases[i];
		struct param_set set = { NULL, 0 };
		const char *log;
		int r = run_one(c->word, c->is64, &set, &log);
		bool ok = r == 0 && set.count == 1 && set.values[0].count == 1 &&
			  !set.values[0].is_array;

		CHECK(ok && set.values[0].elems[0].u == c->u,
		      "int %s (%s): value 0x%016" PRIx64, shown(c->word),
		      c->is64 ? "64-bit" : "32-bit", c->u);
		CHECK_STR(ok ? set.values[0].kernel_text : NULL, c->text,
			  "int %s: kernel text", shown(c->word));
		CHECK_STR(ok ? set.values[0].name : NULL, c->name,
			  "int %s: declared name", shown(c->word));
		CHECK(log[0] == '\0', "int %s: nothing logged", shown(c->word));
		params_release(&set);
	}
}

/* ------------------------------------------------------------------ */
/* Errors: one word refused, with this text in the message            */

struct err_case {
	const char *word;
	bool is64;
	const char *msg;
};

static const struct err_case err_cases[] = {
	/* integer ranges: the C type, long/ulong by word size */
	{ "b=256", true, "testmod: parameter 'b' (byte): '256' is out of range for byte (0 to 255)" },
	{ "b=0400", true, "'0400' is out of range for byte (0 to 255)" },
	{ "b=0x100", true, "'0x100' is out of range for byte (0 to 255)" },
	{ "s=32768", true, "'32768' is out of range for short (-32768 to 32767)" },
	{ "s=-32769", true, "'-32769' is out of range for short (-32768 to 32767)" },
	{ "us=65536", true, "'65536' is out of range for ushort (0 to 65535)" },
	{ "i=2147483648", true, "'2147483648' is out of range for int (-2147483648 to 2147483647)" },
	{ "i=-2147483649", true, "is out of range for int (-2147483648 to 2147483647)" },
	{ "ui=4294967296", true, "'4294967296' is out of range for uint (0 to 4294967295)" },
	{ "l=9223372036854775808", true,
	  "is out of range for long (-9223372036854775808 to 9223372036854775807)" },
	{ "l=-9223372036854775809", true,
	  "is out of range for long (-9223372036854775808 to 9223372036854775807)" },
	{ "l=2147483648", false, "is out of range for long (-2147483648 to 2147483647)" },
	{ "l=-2147483649", false, "is out of range for long (-2147483648 to 2147483647)" },
	{ "ul=18446744073709551616", true, "is out of range for ulong (0 to 18446744073709551615)" },
	{ "ul=4294967296", false, "'4294967296' is out of range for ulong (0 to 4294967295)" },
	{ "ull=18446744073709551616", false, "is out of range for ullong (0 to 18446744073709551615)" },
	{ "ull=0x10000000000000000", true, "is out of range for ullong" },
	{ "ull=02000000000000000000000", true, "is out of range for ullong" },
	{ "ull=99999999999999999999x", true, "is out of range for ullong" },
	{ "hx=0x100000000", true, "'0x100000000' is out of range for hexint (0 to 4294967295)" },
	/* minus sign on unsigned types: the kernel says -EINVAL */
	{ "b=-1", true, "testmod: parameter 'b' (byte): '-1': byte is unsigned, no minus sign allowed (0 to 255)" },
	{ "b=-0", true, "'-0': byte is unsigned" },
	{ "us=-1", true, "ushort is unsigned" },
	{ "ui=-1", true, "uint is unsigned" },
	{ "ul=-1", true, "ulong is unsigned" },
	{ "ull=-1", true, "ullong is unsigned" },
	{ "hx=-1", true, "hexint is unsigned" },
	/* syntax */
	{ "b=5x", true, "testmod: parameter 'b' (byte): '5x' is not a valid byte: expected an "
	  "integer from 0 to 255, in decimal, octal (leading 0) or hex (0x)" },
	{ "b=", true, "'' is not a valid byte" },
	{ "b=0x", true, "'0x' is not a valid byte" },
	{ "b=08", true, "'08' is not a valid byte" },
	{ "b=0x1g", true, "'0x1g' is not a valid byte" },
	{ "b= 5", true, "' 5' is not a valid byte" },
	{ "b=5 ", true, "'5 ' is not a valid byte" },
	{ "b=5\n", true, "is not a valid byte" },
	{ "b=++5", true, "'++5' is not a valid byte" },
	{ "b=x", true, "'x' is not a valid byte" },
	{ "s=--1", true, "'--1' is not a valid short" },
	{ "s=+-1", true, "'+-1' is not a valid short" },
	{ "s=-+1", true, "'-+1' is not a valid short" },
	{ "s=-", true, "'-' is not a valid short" },
	{ "i=1e3", true, "'1e3' is not a valid int: expected an integer from -2147483648 to 2147483647" },
	{ "i=1.5", true, "'1.5' is not a valid int" },
	{ "i=0b101", true, "'0b101' is not a valid int" },
	{ "i=\"5\"", true, "testmod: parameter 'i' (int): a quoted string is not a valid int" },
	{ "hx=0xg", true, "'0xg' is not a valid hexint" },
	{ "i", true, "testmod: parameter 'i' (int): needs a value: write i=VALUE" },
	{ "str", true, "parameter 'str' (charp): needs a value: write str=VALUE" },
	/* bools */
	{ "flag=", true, "testmod: parameter 'flag' (bool): '' is not a boolean: use 1 or 0, "
	  "y or n, yes or no, on or off, true or false" },
	{ "flag=2", true, "'2' is not a boolean" },
	{ "flag=10", true, "'10' is not a boolean" },
	{ "flag=truth", true, "'truth' is not a boolean" },
	{ "flag=enable", true, "'enable' is not a boolean" },	/* 6.1 refuses e/d */
	{ "flag=disable", true, "'disable' is not a boolean" },
	{ "flag=yellow", true, "'yellow' is not a boolean" },
	{ "flag=o", true, "'o' is not a boolean" },
	{ "flag=of", true, "'of' is not a boolean" },
	{ "flag=\"y\"", true, "a quoted string is not a valid bool" },
	{ "bi=2", true, "parameter 'bi' (bint): '2' is not a boolean" },
	{ "inv=maybe", true, "parameter 'inv' (invbool): 'maybe' is not a boolean" },
	{ "inv", true, "parameter 'inv' (invbool): needs a value: write inv=VALUE "
	  "(only bool and bint may be given without one)" },
	/* quoted strings */
	{ "str=\"abc", true, "testmod: parameter 'str' (charp): missing closing double quote in \"abc" },
	{ "str=\"abc\\", true, "missing closing double quote" },
	{ "str=\"", true, "missing closing double quote" },
	{ "str=\"abc\"x", true, "unexpected text after the closing quote: 'x'" },
	{ "str=\"a\" \"b\"", true, "unexpected text after the closing quote: ' \"b\"'" },
	{ "str=\"\\q\"", true, "unknown escape '\\q' in a quoted string" },
	{ "str=\"\\X41\"", true, "unknown escape '\\X'" },
	{ "str=\"\\x\"", true, "'\\x' must be followed by a hex digit" },
	{ "str=\"\\xg\"", true, "'\\x' must be followed by a hex digit" },
	{ "str=\"\\400\"", true, "octal escape '\\400' is more than a byte (at most \\377)" },
	{ "buf=\"\\777\"", true, "parameter 'buf' (string): octal escape '\\777'" },
	/* arrays */
	{ "ints=1,,3", true, "testmod: parameter 'ints' (array of int): element 2: empty; "
	  "Linux 2.6 and later cannot skip array elements (modutils 2.4 could), so give "
	  "every element a value" },
	{ "ints=1,2,", true, "(array of int): element 3: empty; Linux 2.6 and later cannot skip" },
	{ "ints=,1", true, "(array of int): element 1: empty; Linux 2.6 and later cannot skip" },
	{ "names=a,,c", true, "(array of charp): element 2: empty; Linux 2.6 and later cannot skip" },
	{ "flags=y,,n", true, "(array of bool): element 2: empty" },
	{ "ints=", true, "parameter 'ints' (array of int): empty value; an array needs at least one element" },
	{ "names=", true, "parameter 'names' (array of charp): empty value" },
	{ "ints=1,x,3", true, "(array of int): element 2: 'x' is not a valid int" },
	{ "bytes=255,256", true, "(array of byte): element 2: '256' is out of range for byte (0 to 255)" },
	{ "bytes=-1", true, "(array of byte): element 1: '-1': byte is unsigned" },
	{ "ulongs=18446744073709551615", false,
	  "(array of ulong): element 1: '18446744073709551615' is out of range for ulong (0 to 4294967295)" },
	{ "flags=y,maybe", true, "(array of bool): element 2: 'maybe' is not a boolean" },
	{ "flags", true, "parameter 'flags' (array of bool): needs a value: write flags=VALUE" },
	{ "ints", true, "parameter 'ints' (array of int): needs a value" },
	{ "ints=\"1\",2", true, "(array of int): element 1: a quoted string is not a valid int" },
	{ "names=\"a\"x,b", true, "(array of charp): element 1: unexpected text after the closing quote: 'x,b'" },
	{ "names=a,\"b", true, "(array of charp): element 2: missing closing double quote in \"b" },
	{ "names=a,\"\\q\"", true, "element 2: unknown escape '\\q'" },
	/* names */
	{ "=5", true, "testmod: '=5' is not a parameter setting (expected symbol=value)" },
	{ "", true, "testmod: '' is not a parameter setting" },
	{ "debug_levle=1", true, "testmod: unknown parameter 'debug_levle'; did you mean 'debug_level'?" },
	{ "Debug_Level=1", true, "unknown parameter 'Debug_Level'; did you mean 'debug_level'?" },
	{ "dbg_level=1", true, "unknown parameter 'dbg_level'; did you mean 'debug_level'?" },
	{ "nmaes=a", true, "unknown parameter 'nmaes'; did you mean 'names'?" },
	{ "async-probe=1", true, "unknown parameter 'async-probe'; did you mean 'async_probe'?" },
	{ "Dyndbg=+p", true, "unknown parameter 'Dyndbg'; did you mean 'dyndbg'?" },
	{ "zzzzzzzz=1", true, "testmod: unknown parameter 'zzzzzzzz'\n" },
	{ "testmod.i=1", true, "unknown parameter 'testmod.i'" },
};

static void test_errors(void)
{
	for (size_t i = 0; i < N(err_cases); i++) {
		const struct err_case *c = &err_cases[i];
		struct param_set set = { (struct param_value *)1, 99 };
		const char *log;
		int r = run_one(c->word, c->is64, &set, &log);

		CHECK(r == -EINVAL && set.count == 0 && set.values == NULL,
		      "refused: %s (%s), set left empty", shown(c->word),
		      c->is64 ? "64-bit" : "32-bit");
		CHECK(strstr(log, c->msg) != NULL, "message for %s: %s%s", shown(c->word), shown(c->msg),
		      strstr(log, c->msg) ? "" : "  [logged:]");
		if (!strstr(log, c->msg))
			printf("%s", log);
		params_release(&set);
	}
}

/* Every bad element of an array and every bad word is reported. */
static void test_all_errors_reported(void)
{
	static const char *const words[] = { "b=256", "i=5", "ints=1,x,y", "nope=1",
					     "flag=maybe" };
	struct param_set set;
	const char *log;
	int r = run_check(words, N(words), true, &set, &log);

	CHECK(r == -EINVAL && set.count == 0, "several bad words: -EINVAL, nothing kept");
	CHECK(strstr(log, "'256' is out of range") != NULL, "several bad words: b reported");
	CHECK(strstr(log, "element 2: 'x'") && strstr(log, "element 3: 'y'"),
	      "several bad words: both bad array elements reported");
	CHECK(strstr(log, "unknown parameter 'nope'") != NULL, "several bad words: unknown name reported");
	CHECK(strstr(log, "'maybe' is not a boolean") != NULL, "several bad words: bool reported");
	CHECK(strstr(log, "'i'") == NULL, "several bad words: the good word is not blamed");
}

/* The list of the module's parameters: once, with types. */
static void test_unknown_listing(void)
{
	static const char *const words[] = { "debug_levle=1", "zzzzzzzz=2" };
	struct param_set set;
	const char *log;
	int r = run_check(words, N(words), true, &set, &log);

	CHECK(r == -EINVAL, "unknown names: -EINVAL");
	CHECK(count_occurrences(log, "testmod has these parameters:") == 1,
	      "unknown names: the parameter list is printed once");
	CHECK(strstr(log, "insmod:   debug_level (int)\n") != NULL, "unknown names: lists 'debug_level (int)'");
	CHECK(strstr(log, "insmod:   names (array of charp)\n") != NULL,
	      "unknown names: lists 'names (array of charp)'");
	CHECK(strstr(log, "insmod:   b (byte)\n") != NULL, "unknown names: lists 'b (byte)'");
	CHECK(count_occurrences(log, "\ninsmod:   ") == 21, "unknown names: all 21 parameters listed");
	CHECK(strstr(log, "'zzzzzzzz'; did you mean") == NULL,
	      "unknown names: no suggestion when nothing is close");
	CHECK(strstr(log, "dyndbg (") == NULL, "unknown names: dyndbg is not listed as a module parameter");

	/* A module without parameters says so. */
	const char *w1[] = { "foo=1" };
	capture_begin();
	r = params_check(NULL, 0, (char *const *)w1, 1, "plain", true, &set);
	log = capture_end();
	CHECK(r == -EINVAL && strstr(log, "insmod: plain: unknown parameter 'foo'\n") &&
	      strstr(log, "insmod: plain declares no parameters\n"),
	      "module without parameters: unknown name, 'declares no parameters'");

	/* ...but still accepts dyndbg. */
	const char *w2[] = { "dyndbg=+p" };
	capture_begin();
	r = params_check(NULL, 0, (char *const *)w2, 1, "plain", true, &set);
	log = capture_end();
	CHECK(r == 0 && set.count == 1, "module without parameters: dyndbg accepted");
	params_release(&set);
}

/* ------------------------------------------------------------------ */
/* Booleans                                                           */

struct bool_case {
	const char *word;
	uint64_t u;		/* what the variable holds */
	const char *text;	/* what the kernel is told */
};

static const struct bool_case bool_cases[] = {
	{ "flag=1", 1, "1" },   { "flag=y", 1, "1" },   { "flag=Y", 1, "1" },
	{ "flag=yes", 1, "1" }, { "flag=YES", 1, "1" }, { "flag=Yes", 1, "1" },
	{ "flag=on", 1, "1" },  { "flag=ON", 1, "1" },  { "flag=On", 1, "1" },
	{ "flag=0", 0, "0" },   { "flag=n", 0, "0" },   { "flag=N", 0, "0" },
	{ "flag=no", 0, "0" },  { "flag=NO", 0, "0" },  { "flag=off", 0, "0" },
	{ "flag=OFF", 0, "0" }, { "flag=Off", 0, "0" },
	{ "flag=true", 1, "1" }, { "flag=TRUE", 1, "1" }, { "flag=t", 1, "1" },
	{ "flag=false", 0, "0" }, { "flag=False", 0, "0" }, { "flag=F", 0, "0" },
	{ "flag", 1, "1" },	/* NOARG: a bare bool means true */
	{ "bi", 1, "1" },	/* NOARG too */
	{ "bi=y", 1, "1" },     { "bi=0", 0, "0" },     { "bi=off", 0, "0" },
	/* invbool stores the inverse; the kernel gets what the user meant */
	{ "inv=1", 0, "1" },    { "inv=y", 0, "1" },    { "inv=n", 1, "0" },
	{ "inv=off", 1, "0" },
};

static void test_bools(void)
{
	for (size_t i = 0; i < N(bool_cases); i++) {
		const struct bool_case *c = &bool_cases[i];
		struct param_set set;
		const char *log;
		int r = run_one(c->word, true, &set, &log);
		bool ok = r == 0 && set.count == 1 && set.values[0].count == 1;

		CHECK(ok && set.values[0].elems[0].u == c->u, "bool %s: variable holds %" PRIu64,
		      shown(c->word), c->u);
		CHECK_STR(ok ? set.values[0].kernel_text : NULL, c->text, "bool %s: kernel text", shown(c->word));
		params_release(&set);
	}
}

/* ------------------------------------------------------------------ */
/* Strings                                                            */

struct str_case {
	const char *word;
	const char *bytes;
	size_t len;
};

#define S(lit) lit, sizeof(lit) - 1

static const struct str_case str_cases[] = {
	{ "str=hello", S("hello") },
	{ "str=", S("") },
	{ "str=a,b", S("a,b") },		/* commas are fine outside arrays */
	{ "str=a=b", S("a=b") },
	{ "str=a b", S("a b") },		/* one word, even with a space */
	{ "str=\"a b\"", S("a b") },
	{ "str=\"\"", S("") },
	{ "str=a\\nb", S("a\\nb") },		/* unquoted: backslash is literal */
	{ "str=a\"b", S("a\"b") },		/* unquoted: quote is literal */
	{ "str=\"\\n\"", S("\n") },
	{ "str=\"\\t\"", S("\t") },
	{ "str=\"\\r\"", S("\r") },
	{ "str=\"\\a\"", S("\a") },
	{ "str=\"\\b\"", S("\b") },
	{ "str=\"\\f\"", S("\f") },
	{ "str=\"\\v\"", S("\v") },
	{ "str=\"\\e\"", S("\033") },
	{ "str=\"\\\\\"", S("\\") },
	{ "str=\"\\\"\"", S("\"") },
	{ "str=\"\\'\"", S("'") },
	{ "str=\"\\?\"", S("?") },
	{ "str=\"\\101\"", S("A") },
	{ "str=\"\\1234\"", S("S4") },		/* at most three octal digits */
	{ "str=\"\\7\"", S("\a") },
	{ "str=\"\\08\"", S("\0" "8") },
	{ "str=\"\\0\"", S("\0") },
	{ "str=\"\\377\"", S("\377") },
	{ "str=\"\\x41\"", S("A") },
	{ "str=\"\\x4\"", S("\x04") },
	{ "str=\"\\x414\"", S("A4") },		/* at most two hex digits */
	{ "str=\"\\xfF\"", S("\xff") },
	{ "str=\"x\\ty z\"", S("x\ty z") },
	{ "str=\"a,b\"", S("a,b") },
	{ "buf=x y", S("x y") },
	{ "buf=\"\\e[1m\"", S("\033[1m") },
	{ "dyndbg=+p", S("+p") },
	{ "dyndbg=\"file a.c +p\"", S("file a.c +p") },
	{ "dyndbg=file a.c +p", S("file a.c +p") },
	{ "async_probe=1", S("1") },
	{ "odd=anything at all", S("anything at all") },
};

static void test_strings(void)
{
	for (size_t i = 0; i < N(str_cases); i++) {
		const struct str_case *c = &str_cases[i];
		struct param_set set;
		const char *log;
		int r = run_one(c->word, true, &set, &log);
		bool ok = r == 0 && set.count == 1 && set.values[0].count == 1 &&
			  set.values[0].elems[0].str;
		const struct param_elem *e = ok ? &set.values[0].elems[0] : NULL;

		CHECK(ok && e->str_len == c->len && memcmp(e->str, c->bytes, c->len) == 0 &&
		      e->str[c->len] == '\0',
		      "string %s: decoded to %zu expected bytes", shown(c->word), c->len);
		if (ok && memchr(c->bytes, '\0', c->len) == NULL)
			CHECK_STR(set.values[0].kernel_text, c->bytes, "string %s: kernel text", shown(c->word));
		params_release(&set);
	}
}

static void test_string_kinds(void)
{
	struct param_set set;
	const char *log;
	int r;

	r = run_one("dyndbg=+p", true, &set, &log);
	CHECK(r == 0 && set.values[0].kind == PARAM_UNCHECKED && !set.values[0].is_array &&
	      strcmp(set.values[0].name, "dyndbg") == 0 && log[0] == '\0',
	      "dyndbg: accepted unchecked, silently");
	params_release(&set);

	r = run_one("async_probe", true, &set, &log);
	CHECK(r == 0 && set.values[0].kind == PARAM_UNCHECKED && set.values[0].count == 0 &&
	      set.values[0].kernel_text == NULL, "async_probe without '=': no value");
	params_release(&set);

	r = run_one("odd=1", true, &set, &log);
	CHECK(r == 0 && set.values[0].kind == PARAM_UNCHECKED &&
	      strstr(log, "insmod: warning: testmod: parameter 'odd' has type 'frobnicator', "
		     "which insmod does not know; its value goes to the kernel unchecked"),
	      "unknown declared type: accepted unchecked, with a warning");
	params_release(&set);

	r = run_one("str=x", true, &set, &log);
	CHECK(r == 0 && set.values[0].kind == PARAM_CHARP, "charp kind");
	params_release(&set);
	r = run_one("buf=x", true, &set, &log);
	CHECK(r == 0 && set.values[0].kind == PARAM_STRING, "string kind");
	params_release(&set);
	r = run_one("hx=1", true, &set, &log);
	CHECK(r == 0 && set.values[0].kind == PARAM_HEXINT, "hexint kind");
	params_release(&set);
	r = run_one("inv=1", true, &set, &log);
	CHECK(r == 0 && set.values[0].kind == PARAM_INVBOOL, "invbool kind");
	params_release(&set);
}

static char *repeat_word(const char *prefix, char c, size_t n, const char *suffix)
{
	size_t pl = strlen(prefix), sl = strlen(suffix);
	char *w = malloc(pl + n + sl + 1);

	memcpy(w, prefix, pl);
	memset(w + pl, c, n);
	memcpy(w + pl + n, suffix, sl + 1);
	return w;
}

/* charp: at most 1024 bytes after decoding; string: no limit known. */
static void test_lengths(void)
{
	struct {
		char *word;
		bool ok;
		const char *what;
	} cases[] = {
		{ repeat_word("str=", 'a', 1024, ""), true, "charp of 1024 bytes" },
		{ repeat_word("str=", 'a', 1025, ""), false, "charp of 1025 bytes" },
		{ repeat_word("str=\"", 'a', 1023, "\\n\""), true, "quoted charp decoding to 1024" },
		{ repeat_word("str=\"", 'a', 1024, "\\x41\""), false, "quoted charp decoding to 1025" },
		{ repeat_word("buf=", 'x', 5000, ""), true, "string of 5000 bytes" },
		{ repeat_word("names=", 'a', 1025, ",b"), false, "charp array element of 1025" },
		{ repeat_word("names=b,", 'a', 1024, ""), true, "charp array element of 1024" },
	};

	for (size_t i = 0; i < N(cases); i++) {
		struct param_set set;
		const char *log;
		int r = run_one(cases[i].word, true, &set, &log);

		CHECK((r == 0) == cases[i].ok, "%s: %s", cases[i].what,
		      cases[i].ok ? "accepted" : "refused");
		if (!cases[i].ok)
			CHECK(strstr(log, "the value is 1025 bytes long; the kernel takes at "
				     "most 1024 for a charp") != NULL,
			      "%s: message gives the length and the limit", cases[i].what);
		params_release(&set);
		free(cases[i].word);
	}
}

/* ------------------------------------------------------------------ */
/* Arrays                                                             */

struct array_case {
	const char *word;
	bool is64;
	size_t count;
	uint64_t u[4];
	const char *strs[4];
	const char *text;
};

static const struct array_case array_cases[] = {
	{ "ints=1,2,3", true, 3, { 1, 2, 3 }, { NULL }, "1,2,3" },
	{ "ints=7", true, 1, { 7 }, { NULL }, "7" },
	{ "ints=-1,0x10,010,+4", true, 4, { UINT64_MAX, 16, 8, 4 }, { NULL }, "-1,16,8,4" },
	{ "bytes=255,0", true, 2, { 255, 0 }, { NULL }, "255,0" },
	{ "ulongs=18446744073709551615", true, 1, { UINT64_MAX }, { NULL }, "18446744073709551615" },
	{ "ulongs=4294967295,0", false, 2, { 4294967295u, 0 }, { NULL }, "4294967295,0" },
	{ "flags=y,n,on,off", true, 4, { 1, 0, 1, 0 }, { NULL }, "1,0,1,0" },
	{ "names=a,b", true, 2, { 0 }, { "a", "b" }, "a,b" },
	{ "names=\"a b\",c", true, 2, { 0 }, { "a b", "c" }, "a b,c" },
	{ "names=a,\"\",c", true, 3, { 0 }, { "a", "", "c" }, "a,,c" },
	{ "names=\"\"", true, 1, { 0 }, { "" }, "" },
	{ "names=\"a,b\"", true, 1, { 0 }, { "a,b" }, "a,b" },
	{ "names=\"x\\ty\",\"z\"", true, 2, { 0 }, { "x\ty", "z" }, "x\ty,z" },
	{ "names=a\"b,c", true, 2, { 0 }, { "a\"b", "c" }, "a\"b,c" },
};

static void test_arrays(void)
{
	for (size_t i = 0; i < N(array_cases); i++) {
		const struct array_case *c = &array_cases[i];
		struct param_set set;
		const char *log;
		int r = run_one(c->word, c->is64, &set, &log);
		const struct param_value *v = r == 0 && set.count == 1 ? &set.values[0] : NULL;
		bool same = v && v->is_array && v->count == c->count;

		for (size_t k = 0; same && k < c->count; k++) {
			if (c->strs[0])
				same = v->elems[k].str && strcmp(v->elems[k].str, c->strs[k]) == 0 &&
				       v->elems[k].str_len == strlen(c->strs[k]);
			else
				same = v->elems[k].u == c->u[k] && v->elems[k].str == NULL;
		}
		CHECK(same, "array %s (%s): %zu elements as expected", shown(c->word),
		      c->is64 ? "64-bit" : "32-bit", c->count);
		CHECK_STR(v ? v->kernel_text : NULL, c->text, "array %s: kernel text", shown(c->word));
		params_release(&set);
	}
}

/* ------------------------------------------------------------------ */
/* Several words                                                      */

static void test_set(void)
{
	static const char *const words[] = { "i=1", "debug-level=2", "str=x", "i=3" };
	struct param_set set;
	const char *log;
	int r = run_check(words, N(words), true, &set, &log);

	CHECK(r == 0 && set.count == 4, "set: four words, four values in order");
	CHECK(r == 0 && strcmp(set.values[1].name, "debug_level") == 0 &&
	      set.values[3].elems[0].u == 3, "set: order and declared names kept");
	CHECK(strstr(log, "insmod: warning: testmod: parameter 'i' is given more than once; "
		     "the last value counts") != NULL, "set: repeated parameter warned about");
	params_release(&set);
	params_release(&set);	/* releasing twice is harmless */
	CHECK(set.values == NULL && set.count == 0, "release: set left empty");

	r = run_check(NULL, 0, true, &set, &log);
	CHECK(r == 0 && set.count == 0, "set: no words is fine");
	params_release(&set);

	static const char *const dd[] = { "dyndbg=+p", "dyndbg=-f" };
	r = run_check(dd, N(dd), true, &set, &log);
	CHECK(r == 0 && log[0] == '\0', "set: repeated dyndbg (queries add up) is not warned about");
	params_release(&set);
}

/* ------------------------------------------------------------------ */
/* The kernel string                                                  */

struct kstr_case {
	const char *words[5];
	const char *want;	/* NULL: refused */
	const char *msg;	/* expected in the log when refused */
	const char *msg2;
};

static const struct kstr_case kstr_cases[] = {
	{ { NULL }, "", NULL, NULL },
	{ { "b=0x10", "str=a b", "flag", "ints=1,2" }, "b=16 str=\"a b\" flag=1 ints=1,2", NULL, NULL },
	{ { "str=" }, "str=", NULL, NULL },
	{ { "str=\"\"" }, "str=", NULL, NULL },
	{ { "str=\"tab\\there\"" }, "str=\"tab\there\"", NULL, NULL },
	{ { "str=\"a\\nb\"" }, "str=\"a\nb\"", NULL, NULL },
	{ { "str=\"\\r\"" }, "str=\"\r\"", NULL, NULL },
	{ { "str=\"\\v\"" }, "str=\"\v\"", NULL, NULL },
	{ { "str=\"\\f\"" }, "str=\"\f\"", NULL, NULL },
	{ { "str=\" lead\"" }, "str=\" lead\"", NULL, NULL },
	{ { "str=\"\\xa0\"" }, "str=\"\xa0\"", NULL, NULL },		/* kernel isspace(0xA0) */
	{ { "str=caf\xc3\xa0" }, "str=\"caf\xc3\xa0\"", NULL, NULL },	/* UTF-8 a-grave ends in A0 */
	{ { "str=caf\xc3\xa9" }, "str=caf\xc3\xa9", NULL, NULL },
	{ { "str=\"\\a\\e\\x01\"" }, "str=\a\033\001", NULL, NULL },	/* not spaces: no quotes */
	{ { "str=a,b" }, "str=a,b", NULL, NULL },
	{ { "str=a=b" }, "str=a=b", NULL, NULL },
	{ { "names=\"a b\",c" }, "names=\"a b,c\"", NULL, NULL },
	{ { "names=x,\"a b\"" }, "names=\"x,a b\"", NULL, NULL },
	{ { "names=a,\"\",c" }, "names=a,,c", NULL, NULL },
	{ { "debug-level=3" }, "debug_level=3", NULL, NULL },
	{ { "inv=n", "inv" }, NULL, "parameter 'inv' (invbool): needs a value", NULL },
	{ { "inv=n" }, "inv=0", NULL, NULL },
	{ { "flag=off", "bi=yes", "bi" }, "flag=0 bi=1 bi=1", NULL, NULL },
	{ { "hx=255" }, "hx=0xff", NULL, NULL },
	{ { "i=-0x10", "s=+017" }, "i=-16 s=15", NULL, NULL },
	{ { "l=-9223372036854775808" }, "l=-9223372036854775808", NULL, NULL },
	{ { "dyndbg=+p", "async_probe" }, "dyndbg=+p async_probe", NULL, NULL },
	{ { "dyndbg=file a.c +p" }, "dyndbg=\"file a.c +p\"", NULL, NULL },
	{ { "dyndbg=\"file a.c +p\"" }, "dyndbg=\"file a.c +p\"", NULL, NULL },
	{ { "async_probe=" }, "async_probe=", NULL, NULL },
	{ { "buf=x y" }, "buf=\"x y\"", NULL, NULL },
	{ { "odd=p q" }, "odd=\"p q\"", NULL, NULL },
	/* what the kernel cannot be told */
	{ { "str=a\"b" }, NULL, "insmod: parameter 'str' contains a double quote (\"), which the "
	  "kernel's parameter parser cannot take: it has no escape for it", NULL },
	{ { "str=\"x\\\"y\"" }, NULL, "parameter 'str' contains a double quote", NULL },
	{ { "buf=\"\\x22\"" }, NULL, "parameter 'buf' contains a double quote", NULL },
	{ { "names=\"a,b\"" }, NULL, "insmod: parameter 'names' element 1 contains a comma, which "
	  "the kernel would take as the start of the next array element", NULL },
	{ { "names=a,\"b,c\"" }, NULL, "parameter 'names' element 2 contains a comma", NULL },
	{ { "names=a,\"b\\\"\"" }, NULL, "parameter 'names' element 2 contains a double quote", NULL },
	{ { "str=\"a\\0b\"" }, NULL, "insmod: parameter 'str' contains a NUL byte, which would end "
	  "the kernel's parameter string", NULL },
	{ { "dyndbg=\"a\\\"b\"" }, NULL, "parameter 'dyndbg' contains a double quote", NULL },
	{ { "str=a\"b", "i=1", "names=\"a,b\"" }, NULL, "parameter 'str' contains a double quote",
	  "parameter 'names' element 1 contains a comma" },
};

static void test_kernel_string(void)
{
	for (size_t i = 0; i < N(kstr_cases); i++) {
		const struct kstr_case *c = &kstr_cases[i];
		size_t n = 0;
		struct param_set set;
		const char *log;
		char *s = NULL;
		char label[160];
		int r;

		while (n < N(c->words) && c->words[n])
			n++;
		snprintf(label, sizeof(label), "%s%s", n ? shown(c->words[0]) : "(none)",
			 n > 1 ? " ..." : "");
		r = run_check(c->words, n, true, &set, &log);
		if (r == 0) {
			capture_begin();
			s = params_kernel_string(&set);
			log = capture_end();
		}
		if (c->want) {
			CHECK_STR(s, c->want, "kernel string for %s", label);
		} else {
			CHECK(s == NULL, "kernel string for %s: refused", label);
			CHECK(strstr(log, c->msg) != NULL, "kernel string for %s: says '%s'",
			      label, shown(c->msg));
			if (c->msg2)
				CHECK(strstr(log, c->msg2) != NULL, "kernel string for %s: also says '%s'",
				      label, shown(c->msg2));
		}
		free(s);
		params_release(&set);
	}

	struct param_set empty = { NULL, 0 };
	char *s = params_kernel_string(&empty);
	CHECK_STR(s, "", "kernel string of an empty set is \"\"");
	free(s);
}

/* ------------------------------------------------------------------ */
/* Round trip through a model of the kernel's tokenizer               */

/* Written from next_arg()'s documented behaviour: isspace() is
 * \t \n \v \f \r space and 0xA0; '"' toggles quoting; the parameter ends at
 * the first '='; a value that starts with '"' loses that quote and a '"'
 * that ends the token. */
static bool model_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

struct token {
	char name[64];
	char value[256];
	bool has_value;
};

static size_t model_next_arg(const char *s, struct token *t)
{
	size_t i = 0, eq = 0, start, end;
	bool in_quote = false, found_eq = false;

	while (s[i] && (in_quote || !model_space((unsigned char)s[i]))) {
		if (!found_eq && s[i] == '=') {
			found_eq = true;
			eq = i;
		}
		if (s[i] == '"')
			in_quote = !in_quote;
		i++;
	}
	end = i;
	t->has_value = found_eq;
	if (!found_eq) {
		snprintf(t->name, sizeof(t->name), "%.*s", (int)end, s);
		t->value[0] = '\0';
	} else {
		snprintf(t->name, sizeof(t->name), "%.*s", (int)eq, s);
		start = eq + 1;
		if (s[start] == '"') {
			start++;
			if (end > start && s[end - 1] == '"')
				end--;
		}
		snprintf(t->value, sizeof(t->value), "%.*s", (int)(end - start), s + start);
	}
	while (s[i] && model_space((unsigned char)s[i]))
		i++;
	return i;
}

static size_t model_parse(const char *s, struct token *toks, size_t max)
{
	size_t n = 0;

	while (*s && model_space((unsigned char)*s))
		s++;
	while (*s && n < max)
		s += model_next_arg(s, &toks[n++]);
	return n;
}

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* A random byte other than NUL and '"' (and ',' when making array elements),
 * often one of the troublesome ones. */
static unsigned char random_byte(bool no_comma)
{
	static const unsigned char tricky[] = { ' ', '\t', '\n', '\v', '\f', '\r', 0xa0,
						'=', '\\', '\'', ',', 'a', 0xc3, 0x01 };
	unsigned char c;

	do {
		c = (rng() % 2) ? tricky[rng() % sizeof(tricky)] : (unsigned char)(1 + rng() % 255);
	} while (c == '"' || (no_comma && c == ','));
	return c;
}

/* Writes bytes as a C string literal using only \xHH escapes. */
static void quote_bytes(char *out, const unsigned char *b, size_t n)
{
	*out++ = '"';
	for (size_t i = 0; i < n; i++)
		out += sprintf(out, "\\x%02x", b[i]);
	*out++ = '"';
	*out = '\0';
}

static void test_round_trip(void)
{
	int failures = 0, runs = 300;

	for (int run = 0; run < runs; run++) {
		unsigned char plain[40], elem[3][12];
		size_t plen = rng() % sizeof(plain), elen[3];
		char w_str[4 + 2 + 4 * sizeof(plain) + 1];
		char w_names[6 + 3 * (2 + 4 * 12 + 1) + 1];
		char *p = w_names;
		struct token toks[8];
		struct param_set set;
		const char *log;

		for (size_t k = 0; k < plen; k++)
			plain[k] = random_byte(false);
		strcpy(w_str, "str=");
		quote_bytes(w_str + 4, plain, plen);

		p += sprintf(p, "names=");
		for (size_t e = 0; e < 3; e++) {
			elen[e] = rng() % sizeof(elem[e]);
			for (size_t k = 0; k < elen[e]; k++)
				elem[e][k] = random_byte(true);
			if (e)
				*p++ = ',';
			quote_bytes(p, elem[e], elen[e]);
			p += strlen(p);
		}

		const char *words[] = { "i=5", w_str, "flag", w_names, "dyndbg=+p" };
		char *s = NULL;
		bool ok = run_check(words, N(words), true, &set, &log) == 0 &&
			  (s = params_kernel_string(&set)) != NULL &&
			  model_parse(s, toks, N(toks)) == 5;

		ok = ok && strcmp(toks[0].name, "i") == 0 && strcmp(toks[0].value, "5") == 0;
		ok = ok && strcmp(toks[1].name, "str") == 0 && strlen(toks[1].value) == plen &&
		     memcmp(toks[1].value, plain, plen) == 0;
		ok = ok && strcmp(toks[2].name, "flag") == 0 && strcmp(toks[2].value, "1") == 0;
		ok = ok && strcmp(toks[3].name, "names") == 0;
		if (ok) {		/* param_array splits on ',' */
			const char *v = toks[3].value;

			for (size_t e = 0; e < 3 && ok; e++) {
				size_t len = strcspn(v, ",");

				ok = len == elen[e] && memcmp(v, elem[e], len) == 0 &&
				     (e == 2 ? v[len] == '\0' : v[len] == ',');
				v += len + 1;
			}
		}
		ok = ok && strcmp(toks[4].name, "dyndbg") == 0 && strcmp(toks[4].value, "+p") == 0;
		if (!ok && failures++ < 3)
			printf("round trip failed on: %s\n", s ? s : "(no string)");
		free(s);
		params_release(&set);
	}
	CHECK(failures == 0, "round trip: %d random charp/array values survive the kernel's "
	      "tokenizer (%d failed)", runs, failures);
}

int main(void)
{
	log_setup(LOG_TO_TERMINAL, 0, false);
	test_collect_decls();
	if (ndecls != 21) {
		printf("FAIL: cannot go on without the test declarations\n");
		return 1;
	}
	test_integers();
	test_errors();
	test_all_errors_reported();
	test_unknown_listing();
	test_bools();
	test_strings();
	test_string_kinds();
	test_lengths();
	test_arrays();
	test_set();
	test_kernel_string();
	test_round_trip();
	free(decls);
	return CHECK_DONE();
}
