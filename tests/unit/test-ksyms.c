/* The kernel symbol table: each format recognised by content, the export
 * rules, merging of several files, and the filter to wanted names. */
#include "check.h"
#include "helpers.h"
#include "ksyms.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[] = "/tmp/test-ksyms.XXXXXX";

static const char *write_file(const char *name, const char *text)
{
	static char path[8][256];
	static int next;
	char *p = path[next++ % 8];
	FILE *f;

	snprintf(p, 256, "%s/%s", dir, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	return p;
}

static const struct ksym *get(const struct ksym_table *t, const char *name)
{
	return ksyms_lookup(t, name);
}

static bool exported(const struct ksym_table *t, const char *name)
{
	const struct ksym *k = get(t, name);

	return k && (k->flags & KSYM_EXPORTED);
}

static void test_kallsyms(void)
{
	struct ksym_table t;
	const char *f = write_file("kallsyms",
		"ffffffff81000000 T _text\n"
		"ffffffff81001000 T printk\n"
		"ffffffff82000000 r __ksymtab_printk\n"
		"ffffffff81002000 t helper\n"
		"ffffffff81003000 T not_exported\n"
		"ffffffff81004000 t printk\n"	/* a local of the same name later */
		"ffffffffc0001000 T mod_func\t[mymod]\n"
		"ffffffffc0002000 t mod_static\t[mymod]\n"
		"ffffffffc0003000 d mod_data\t[other]\r\n");

	ksyms_init(&t);
	CHECK(ksyms_load_file(&t, f) == 0, "kallsyms: loads");
	ksyms_finish(&t);
	CHECK(exported(&t, "printk") && get(&t, "printk")->addr == 0xffffffff81001000ull,
	      "kallsyms: a vmlinux symbol with __ksymtab_ is exported, the global definition kept");
	CHECK(!exported(&t, "not_exported"), "kallsyms: a vmlinux global without __ksymtab_ is not exported");
	CHECK(!exported(&t, "helper"), "kallsyms: a local vmlinux symbol is not exported");
	CHECK(exported(&t, "mod_func") && get(&t, "mod_func")->addr == 0xffffffffc0001000ull,
	      "kallsyms: a module's upper-case symbol is exported");
	CHECK(!exported(&t, "mod_static"), "kallsyms: a module's lower-case symbol is not");
	CHECK(get(&t, "mod_data") != NULL, "kallsyms: a CRLF line is read");
	CHECK(get(&t, "nonexistent") == NULL, "kallsyms: an unknown name is not found");
	CHECK(t.have_addresses && !t.addresses_hidden, "kallsyms: addresses present");
	ksyms_release(&t);
}

static void test_hidden(void)
{
	struct ksym_table t;
	const char *f = write_file("hidden",
		"0000000000000000 T printk\n0000000000000000 r __ksymtab_printk\n");

	ksyms_init(&t);
	CHECK(ksyms_load_file(&t, f) == 0, "hidden: loads");
	ksyms_finish(&t);
	CHECK(t.addresses_hidden, "hidden: all-zero addresses are noticed");
	CHECK(exported(&t, "printk"), "hidden: names still resolve");
	ksyms_release(&t);
}

static void test_symvers_and_merge(void)
{
	struct ksym_table t;
	const char *k = write_file("k2",
		"ffffffff81001000 T printk\nffffffff82000000 r __ksymtab_printk\n"
		"ffffffff81002000 T gpl_sym\nffffffff82000010 r __ksymtab_gpl_sym\n"
		"ffffffff81003000 T ns_sym\nffffffff82000020 r __ksymtab_ns_sym\n");
	const char *s = write_file("Module.symvers",
		"0x12345678\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n"
		"0x0000abcd\tgpl_sym\tvmlinux\tEXPORT_SYMBOL_GPL\t\n"
		"0xdeadbeef\tns_sym\tvmlinux\tEXPORT_SYMBOL\tMY_NS\n"
		"0x11111111\tunloaded\tdrivers/foo/bar\tEXPORT_SYMBOL\t\n");
	const struct ksym *x;

	ksyms_init(&t);
	CHECK(ksyms_load_file(&t, k) == 0 && ksyms_load_file(&t, s) == 0, "merge: both files load");
	ksyms_finish(&t);
	x = get(&t, "printk");
	CHECK(x && (x->flags & KSYM_HAS_CRC) && x->crc == 0x12345678 && !(x->flags & KSYM_GPL),
	      "symvers: CRC of an EXPORT_SYMBOL");
	x = get(&t, "gpl_sym");
	CHECK(x && (x->flags & KSYM_GPL) && x->crc == 0xabcd, "symvers: EXPORT_SYMBOL_GPL is marked");
	x = get(&t, "ns_sym");
	CHECK(x && x->ns && x->ns_len == 5 && !memcmp(x->ns, "MY_NS", 5), "symvers: the namespace is kept");
	CHECK(!exported(&t, "unloaded"),
	      "merge: a symvers export of a module that is not loaded does not resolve when addresses are known");
	ksyms_release(&t);

	ksyms_init(&t);
	CHECK(ksyms_load_file(&t, s) == 0, "symvers alone: loads");
	ksyms_finish(&t);
	CHECK(exported(&t, "unloaded") && !t.have_addresses, "symvers alone: every listed name resolves (for -p)");
	ksyms_release(&t);
}

static void test_old_ksyms(void)
{
	struct ksym_table t;
	const char *f = write_file("ksyms",
		"c0123456 printk_R1b7d4074\n"
		"c0200000 jiffies\n"
		"d0801000 snd_func_Rdeadbeef\t[snd]\n");
	const struct ksym *x;

	ksyms_init(&t);
	CHECK(ksyms_load_file(&t, f) == 0, "old ksyms: loads");
	ksyms_finish(&t);
	x = get(&t, "printk");
	CHECK(x && x->addr == 0xc0123456 && (x->flags & KSYM_HAS_CRC) && x->crc == 0x1b7d4074 && (x->flags & KSYM_EXPORTED),
	      "old ksyms: the _R CRC suffix is split off");
	CHECK(exported(&t, "jiffies"), "old ksyms: every line is an export");
	x = get(&t, "snd_func");
	CHECK(x && (x->flags & KSYM_MODULE) && x->owner_len == 3, "old ksyms: [module] is read");
	ksyms_release(&t);
}

static void test_filter(void)
{
	struct ksym_table t;
	const char *f = write_file("filtered",
		"ffffffff81000000 T aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
		"ffffffff81001000 T b\n"
		"ffffffff82000000 r __ksymtab_b\n"
		"ffffffff81002000 T wanted_long_name_over_eight\n"
		"ffffffff82000010 r __ksymtab_wanted_long_name_over_eight\n"
		"ffffffff81003000 T wanted_long_name_over_eighX\n"
		"ffffffffc0000000 T from_module\t[some_module]\n"
		"ffffffffc0001000 r __ksymtab_own_export\t[some_module]\n");

	ksyms_init(&t);
	CHECK(ksyms_want(&t, "b") == 0 && ksyms_want(&t, "wanted_long_name_over_eight") == 0 &&
	      ksyms_want(&t, "from_module") == 0 && ksyms_want(&t, "__ksymtab_own_export") == 0,
	      "filter: names registered");
	ksyms_filter(&t);
	CHECK(ksyms_load_file(&t, f) == 0, "filter: loads");
	ksyms_finish(&t);
	CHECK(exported(&t, "b") && get(&t, "b")->addr == 0xffffffff81001000ull, "filter: a short wanted name is found");
	CHECK(exported(&t, "wanted_long_name_over_eight"), "filter: a long wanted name is found");
	CHECK(get(&t, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") == NULL && get(&t, "wanted_long_name_over_eighX") == NULL,
	      "filter: other names are not kept");
	CHECK(t.nsyms == 4, "filter: the table holds only the wanted names");
	CHECK(get(&t, "__ksymtab_own_export") && get(&t, "__ksymtab_own_export")->addr == 0xffffffffc0001000ull,
	      "filter: a module's own __ksymtab_ symbol is kept under its whole name (found by fuzz-ksyms)");
	CHECK(t.files[0].map == NULL, "filter: nothing of the file stays in memory once read");
	CHECK(exported(&t, "from_module") && get(&t, "from_module")->owner_len == 11 &&
	      memcmp(get(&t, "from_module")->owner, "some_module", 11) == 0,
	      "filter: entries keep their owner after the file is gone");
	ksyms_release(&t);
}

/* /proc/self/fd/N of a pipe holding text: a file that cannot be mapped,
 * as /proc/kallsyms cannot.  The pipe's reading end stays open (the
 * table reads it by name); close_pipe() closes it. */
static const char *pipe_file(const char *text, int *fd)
{
	static char path[2][64];
	static int next;
	char *p = path[next++ % 2];
	int ends[2];

	if (pipe(ends) < 0 || write(ends[1], text, strlen(text)) != (ssize_t)strlen(text))
		die("pipe");
	close(ends[1]);
	*fd = ends[0];
	snprintf(p, 64, "/proc/self/fd/%d", ends[0]);
	return p;
}

static bool same_text(const char *a, uint32_t alen, const char *b, uint32_t blen)
{
	return (!a && !b) || (a && b && alen == blen && memcmp(a, b, alen) == 0);
}

/* A filtered table reads its files piece by piece: with pieces of every
 * size from one byte up (lines cut anywhere, a line longer than a piece,
 * blank lines before the first one), each wanted name must come out as
 * the whole-file read has it, owner and namespace included. */
static void test_pieces(void)
{
	static const char *const wanted[] = {
		"printk", "mod_func", "gpl_fn", "ns_fn", "a_rather_long_symbol_name_that_goes_past_any_small_piece", "absent",
	};
	static const char kallsyms[] =
		"\n  \n"
		"ffffffff81001000 T printk\n"
		"ffffffff82000000 r __ksymtab_printk\n"
		"ffffffff81002000 T gpl_fn\n"
		"ffffffff82000010 r __ksymtab_gpl_fn\n"
		"ffffffff81003000 T ns_fn\n"
		"ffffffff82000020 r __ksymtab_ns_fn\n"
		"ffffffff81004000 T a_rather_long_symbol_name_that_goes_past_any_small_piece\n"
		"ffffffff82000030 r __ksymtab_a_rather_long_symbol_name_that_goes_past_any_small_piece\n"
		"ffffffffc0001000 T mod_func\t[some_module]\r\n"
		"ffffffffc0001010 t mod_static\t[some_module]\n";
	static const char symvers[] =
		"0x12345678\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n"
		"0x0000abcd\tgpl_fn\tvmlinux\tEXPORT_SYMBOL_GPL\t\n"
		"0x00000042\tns_fn\tdrivers/x/x\tEXPORT_SYMBOL\tMY_NS\n"
		"0x00000043\tmod_func\tdrivers/some/some_module\tEXPORT_SYMBOL\t\n";
	const char *k = write_file("pieces-kallsyms", kallsyms), *sv = write_file("pieces-symvers", symvers);
	static const size_t sizes[] = { 1, 2, 3, 5, 8, 13, 21, 47, 64, 100, 4096 };
	struct ksym_table whole;
	int bad = 0;

	ksyms_init(&whole);
	CHECK(ksyms_load_file(&whole, k) == 0 && ksyms_load_file(&whole, sv) == 0, "pieces: the whole read loads");
	ksyms_finish(&whole);
	/* even z: regular files, mapped; odd z: pipes, read */
	for (size_t z = 0; z < 2 * sizeof(sizes) / sizeof(sizes[0]); z++) {
		struct ksym_table t;
		int fds[2] = { -1, -1 };

		ksyms_init(&t);
		t.piece_size = sizes[z / 2];
		for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
			ksyms_want(&t, wanted[i]);
		ksyms_filter(&t);
		if (ksyms_load_file(&t, z % 2 ? pipe_file(kallsyms, &fds[0]) : k) != 0 ||
		    ksyms_load_file(&t, z % 2 ? pipe_file(symvers, &fds[1]) : sv) != 0)
			bad++;
		for (int i = 0; i < 2; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		ksyms_finish(&t);
		CHECK(t.files[0].map == NULL && t.files[1].map == NULL, "pieces: nothing of the files stays in memory");
		for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
			const struct ksym *a = get(&whole, wanted[i]), *b = get(&t, wanted[i]);

			if (!a) {
				bad += b && (b->flags & ~(uint32_t)KSYM_EXPORTED) != 0;
				continue;
			}
			bad += !b || a->flags != b->flags || a->addr != b->addr || a->crc != b->crc ||
			       !same_text(a->owner, a->owner_len, b->owner, b->owner_len) ||
			       !same_text(a->ns, a->ns_len, b->ns, b->ns_len);
		}
		bad += t.have_addresses != whole.have_addresses || t.have_crcs != whole.have_crcs;
		ksyms_release(&t);
	}
	CHECK(bad == 0, "pieces: files mapped and pipes read 1 to 4096 bytes at a time, every wanted name as the whole read has it");
	CHECK(get(&whole, "ns_fn") && get(&whole, "ns_fn")->ns_len == 5 && get(&whole, "mod_func")->owner_len == 11,
	      "pieces: the whole read has the namespace and owner compared");
	ksyms_release(&whole);
}

static void test_unknown(void)
{
	struct ksym_table t;

	ksyms_init(&t);
	static char big[8192];

	memset(big, 'x', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	CHECK(ksyms_load_file(&t, write_file("junk", big)) < 0,
	      "an unrecognised file (8 KiB of text, no symbol) is refused");
	CHECK(ksyms_load_file(&t, write_file("stub", "The real System.map is in the "
					     "linux-image-6.1.0-57-amd64-dbg package\n")) == 0 &&
	      t.nsyms == 0, "a short text without symbols (Debian's System.map) is read as holding none");
	CHECK(ksyms_load_file(&t, "/nonexistent/kallsyms") < 0, "a missing file is refused");
	ksyms_release(&t);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	log_setup(LOG_TO_NOWHERE, 0, true);
	test_kallsyms();
	test_hidden();
	test_symvers_and_merge();
	test_old_ksyms();
	test_filter();
	test_pieces();
	test_unknown();
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return CHECK_DONE();
}
