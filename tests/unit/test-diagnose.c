/* Unit tests for the failure diagnosis (src/load/diagnose.c): the errno texts,
 * the /dev/kmsg record parser, which kernel messages concern a module, the
 * modules.symbols/modules.dep lookup on files under a temporary directory,
 * and whole reports, fed canned kernel records through a SOCK_SEQPACKET
 * socket (which, like /dev/kmsg, returns one record per read and EAGAIN
 * when empty) and read back from a captured stderr. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "diagnose.h"
#include "helpers.h"
#include "log.h"

#define REL "6.1.0-test"

static char top[256];		/* the mkdtemp directory */

/* Writes TEXT to TOP/REL_PATH, making directories on the way. */
static void put(const char *rel_path, const char *text)
{
	put_file(top, rel_path, text, true);
}

static void drop(const char *rel_path)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", top, rel_path);
	unlink(path);
}

static bool has(const char *text, const char *needle)
{
	return strstr(text, needle) != NULL;
}

/* ---- canned kernel logs ------------------------------------------------- */

/* A watch whose descriptor reads back the records given (NULL-terminated),
 * one per read, then EAGAIN (or end of file with eof). */
static void fake_log(struct kmsg_watch *w, int eof, ...)
{
	int sv[2];
	va_list ap;
	const char *rec;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0)
		die("socketpair");
	va_start(ap, eof);
	while ((rec = va_arg(ap, const char *)) != NULL)
		if (write(sv[1], rec, strlen(rec)) != (ssize_t)strlen(rec))
			die("write");
	va_end(ap);
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) != 0)
		die("fcntl");
	if (eof)
		close(sv[1]);
	else
		/* Kept open (and leaked until exit) so that reads say EAGAIN. */
		fcntl(sv[1], F_SETFD, FD_CLOEXEC);
	w->fd = sv[0];
}

static struct load_failure failure(int err)
{
	static char root[PATH_MAX];
	struct load_failure f = {
		.module = "dummy",
		.path = "/tmp/dummy.ko",
		.release = REL,
		.err = err,
	};

	snprintf(root, sizeof root, "%s/root", top);
	f.modules_root = root;
	f.root = root;
	return f;
}

/* Runs a diagnosis and returns what it logged. */
static const char *diagnose(const struct load_failure *f, struct kmsg_watch *w)
{
	capture_begin();
	diagnose_load_failure(f, w);
	if (w)
		kmsg_watch_stop(w);
	return capture_end();
}

/* ---- the tests ---------------------------------------------------------- */

static void test_errno_texts(void)
{
	static const struct {
		int err;
		const char *name;
		const char *phrase;
	} t[] = {
		{ ENOEXEC, "ENOEXEC", "invalid module format: " },
		{ ENOEXEC, "ENOEXEC", "vermagic" },
		{ ENOENT, "ENOENT", "unknown symbol in module" },
		{ EINVAL, "EINVAL", "invalid parameters, or a symbol version "
				    "(CRC) mismatch, or a missing namespace "
				    "import" },
		{ EEXIST, "EEXIST", "already loaded" },
		{ EBUSY, "EBUSY", "a module of that name is being loaded or "
				  "removed right now" },
		{ EPERM, "EPERM", "CAP_SYS_MODULE" },
		{ EPERM, "EPERM", "/proc/sys/kernel/modules_disabled" },
		{ EPERM, "EPERM", "/sys/kernel/security/lockdown" },
		{ EPERM, "EPERM", "blacklisted" },
		{ EPERM, "EPERM", "a security module refused it" },
		{ EKEYREJECTED, "EKEYREJECTED", "signature is missing or did not verify" },
		{ ENOKEY, "ENOKEY", "key that is not in the kernel's keyring" },
		{ EBADMSG, "EBADMSG", "signature is malformed" },
		{ ETXTBSY, "ETXTBSY", "open for writing by another process" },
		{ EOPNOTSUPP, "EOPNOTSUPP", "cannot decompress" },
		{ ENOSPC, "ENOSPC", "parameter value is too long" },
		{ ERANGE, "ERANGE", "out of range" },
		{ ENOMEM, "ENOMEM", "out of memory" },
		{ EFAULT, "EFAULT", "bad address" },
		{ ENOSYS, "ENOSYS", "cannot load modules" },
		{ EACCES, "EACCES", "security module" },
	};
	static const int init_only[] = { ENODEV, EIO, EAGAIN, ENXIO, ETIMEDOUT };
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		const char *text = diagnose_errno_text(t[i].err);

		CHECK(has(text, t[i].phrase), "errno text %s says \"%s\"",
		      t[i].name, t[i].phrase);
		CHECK_STR(diagnose_errno_name(t[i].err), t[i].name,
			  "errno name of %d", t[i].err);
		CHECK(diagnose_errno_is_loaders(t[i].err),
		      "%s is one the loader returns", t[i].name);
	}
	for (i = 0; i < sizeof init_only / sizeof init_only[0]; i++) {
		CHECK_STR(diagnose_errno_text(init_only[i]),
			  "the module's init function failed",
			  "errno %s comes from the init function",
			  diagnose_errno_name(init_only[i]));
		CHECK(!diagnose_errno_is_loaders(init_only[i]),
		      "%s is not the loader's", diagnose_errno_name(init_only[i]));
	}
	CHECK_STR(diagnose_errno_name(ENODEV), "ENODEV", "errno name ENODEV");
	CHECK(diagnose_errno_name(4000) == NULL, "no name for errno 4000");
	CHECK_STR(diagnose_errno_text(4000), "the module's init function failed",
		  "errno 4000 is the init function's");
}

static void test_parse_record(void)
{
	struct kmsg_record r;
	static const char rec1[] = "6,1234,5678901,-;dummy: Unknown symbol foo (err -2)\n";
	static const char rec2[] = "4,17,99,c,extra;hello world\n"
				   " SUBSYSTEM=usb\n DEVICE=c189:1\n";
	static const char rec3[] = "14,18446744073709551615,0,-;from user space\n";
	static const char rec4[] = "3,5,6,-;no newline";
	static const char rec5[] = "3,5,6,-;\n";
	static const char *const bad[] = {
		"", "abc", "6,1;x\n", "6,1,2,-\n", "6,1,2,-", ",1,2,-;x\n",
		"6,,2,-;x\n", "6,1,,-;x\n", "x6,1,2,-;x\n", "6,1,2,-\n;x\n",
		"99999999999,1,2,-;x\n", "6,99999999999999999999,2,-;x\n",
	};
	size_t i;

	CHECK(kmsg_parse_record(rec1, strlen(rec1), &r) == 0, "record: parsed");
	CHECK(r.facility == 0 && r.level == 6, "record: facility 0, level 6");
	CHECK(r.seq == 1234, "record: sequence 1234");
	CHECK(r.msg_len == strlen("dummy: Unknown symbol foo (err -2)") &&
	      memcmp(r.msg, "dummy: Unknown symbol foo (err -2)", r.msg_len) == 0,
	      "record: message without its newline");

	CHECK(kmsg_parse_record(rec2, strlen(rec2), &r) == 0 &&
	      r.level == 4 && r.seq == 17 && r.msg_len == 11 &&
	      memcmp(r.msg, "hello world", 11) == 0,
	      "record: extra header fields and continuation lines left out");

	CHECK(kmsg_parse_record(rec3, strlen(rec3), &r) == 0 &&
	      r.facility == 1 && r.level == 6 && r.seq == 18446744073709551615ULL,
	      "record: user facility (14 = 1<<3 | 6), largest sequence");
	CHECK(kmsg_parse_record(rec4, strlen(rec4), &r) == 0 && r.msg_len == 10,
	      "record: message running to the end of the read");
	CHECK(kmsg_parse_record(rec5, strlen(rec5), &r) == 0 && r.msg_len == 0,
	      "record: empty message");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(kmsg_parse_record(bad[i], strlen(bad[i]), &r) == -EINVAL,
		      "record: malformed \"%.*s\" refused",
		      (int)strcspn(bad[i], "\n"), bad[i]);
}

static void test_concerns(void)
{
	static const struct {
		const char *msg;
		const char *module;
		bool want;
	} t[] = {
		{ "dummy: Unknown symbol foo (err -2)", "dummy", true },
		{ "dummy: loading out-of-tree module taints kernel.", "dummy", true },
		{ "module dummy: .gnu.linkonce.this_module section size must match", "dummy", true },
		{ "Module dummy is blacklisted", "dummy", true },
		{ "snd-dummy: probe failed", "snd_dummy", true },
		{ "snd_dummy: probe failed", "snd-dummy", true },
		{ "dummy", "dummy", true },
		{ "Lockdown: insmod: unsigned module loading is restricted; see man kernel_lockdown.7", "dummy", true },
		{ "Loading of unsigned module is rejected", "dummy", true },
		{ "Loading of module with unavailable key is rejected", "dummy", true },
		{ "Invalid ELF header magic: != \\x7fELF", "dummy", true },
		{ "ELF Spec violation: section 0 type(3)!=SH_NULL or non-zero len or addr", "dummy", true },
		{ "Invalid architecture in ELF header: 40", "dummy", true },
		{ "(missing .modinfo section or name field): No module found in object", "dummy", true },
		{ "other: module verification failed: signature and/or required key missing - tainting kernel", "dummy", true },
		{ "dummyx: Unknown symbol foo (err -2)", "dummy", false },
		{ "xdummy: hello", "dummy", false },
		{ "my_dummy_driver: hello", "dummy", false },
		{ "usb 1-1: new high-speed USB device number 2", "dummy", false },
		{ "eth0: link up", "dummy", false },
		{ "anything", "", false },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		CHECK(kmsg_concerns_module(t[i].msg, strlen(t[i].msg),
					   t[i].module) == t[i].want,
		      "concerns %s: \"%s\" -> %s", t[i].module, t[i].msg,
		      t[i].want ? "yes" : "no");
	/* The length is honoured: the name past it is not seen. */
	CHECK(!kmsg_concerns_module("xx: dummy", 4, "dummy"),
	      "concerns: only the given length is read");
}

static void test_unknown_symbol(void)
{
	static const struct {
		const char *msg;
		const char *module;
		const char *sym;	/* NULL: not an unknown-symbol line */
		int err;
	} t[] = {
		{ "dummy: Unknown symbol foo_bar (err -2)", "dummy", "foo_bar", -2 },
		{ "dummy: Unknown symbol crc_thing (err -22)", "dummy", "crc_thing", -22 },
		{ "dummy: Unknown symbol old_style", "dummy", "old_style", 0 },
		{ "snd-pcm: Unknown symbol snd_x (err -2)", "snd_pcm", "snd_x", -2 },
		{ "dummy: Unknown symbol odd (err x)", "dummy", "odd", 0 },
		{ "other: Unknown symbol foo (err -2)", "dummy", NULL, 0 },
		{ "dummy: Unknown symbol ", "dummy", NULL, 0 },
		{ "dummy: Unknown symbol  (err -2)", "dummy", NULL, 0 },
		{ "dummy: disagrees about version of symbol foo", "dummy", NULL, 0 },
		{ "dummy:Unknown symbol foo", "dummy", NULL, 0 },
		{ "Unknown symbol foo", "dummy", NULL, 0 },
	};
	char sym[64];
	int err;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		bool ok = kmsg_unknown_symbol(t[i].msg, strlen(t[i].msg),
					      t[i].module, sym, sizeof sym, &err);

		if (t[i].sym)
			CHECK(ok && strcmp(sym, t[i].sym) == 0 && err == t[i].err,
			      "unknown symbol in \"%s\": %s, err %d", t[i].msg,
			      t[i].sym, t[i].err);
		else
			CHECK(!ok, "no unknown symbol in \"%s\"", t[i].msg);
	}
	CHECK(!kmsg_unknown_symbol("dummy: Unknown symbol abcdefgh", 30, "dummy",
				   sym, 8, &err),
	      "unknown symbol: a name that does not fit is refused");
	CHECK(kmsg_unknown_symbol("dummy: Unknown symbol abcdefg", 29, "dummy",
				  sym, 8, &err) && strcmp(sym, "abcdefg") == 0,
	      "unknown symbol: a name that just fits");
}

static const char modules_symbols[] =
	"# Aliases for symbols, used by symbol_request().\n"
	"alias symbol:snd_pcm_new snd_pcm\n"
	"alias symbol:snd_pcm_lib_ioctl snd_pcm\n"
	"alias symbol:crc7_be crc7\n"
	"alias\tsymbol:tabbed_sym\ttabbed\n"
	"alias symbol:dup_sym first_owner\n"
	"alias symbol:dup_sym second_owner\n"
	"alias symbol:nodep_sym nodep\n"
	"alias symbol:abs_sym absmod\n"
	"alias symbol:loaded_sym loadedmod\n"
	"alias symbol:broken\n"
	"garbage line\n"
	"alias symbol:x_dash_user dash_mod\n";

static const char modules_dep[] =
	"kernel/sound/core/snd-pcm.ko: kernel/sound/core/snd-timer.ko kernel/sound/core/snd.ko\n"
	"kernel/sound/core/snd-timer.ko: kernel/sound/core/snd.ko\n"
	"kernel/lib/crc7.ko.xz:\n"
	"kernel/drivers/tabbed.ko.zst:\n"
	"kernel/drivers/first_owner.ko:\n"
	"/opt/extra/absmod.ko.gz:\n"
	"kernel/drivers/loadedmod.ko:\n"
	"updates/dash-mod.ko:\n";

static void test_providers(void)
{
	char moddir[PATH_MAX];
	struct symbol_provider v[] = {
		{ "snd_pcm_new", NULL, NULL },
		{ "snd_pcm_lib_ioctl", NULL, NULL },
		{ "crc7_be", NULL, NULL },
		{ "tabbed_sym", NULL, NULL },
		{ "dup_sym", NULL, NULL },
		{ "nodep_sym", NULL, NULL },
		{ "abs_sym", NULL, NULL },
		{ "x_dash_user", NULL, NULL },
		{ "nowhere", NULL, NULL },
		{ "snd_pcm", NULL, NULL },
	};
	size_t n = sizeof v / sizeof v[0];
	char want[PATH_MAX + 64];
	int r;

	put("root/lib/modules/" REL "/modules.symbols", modules_symbols);
	put("root/lib/modules/" REL "/modules.dep", modules_dep);
	snprintf(moddir, sizeof moddir, "%s/root/lib/modules/" REL, top);

	r = diagnose_find_providers(moddir, v, n);
	CHECK(r == 0, "providers: lookup succeeds");
	CHECK_STR(v[0].module, "snd_pcm", "providers: snd_pcm_new from snd_pcm");
	snprintf(want, sizeof want, "%s/kernel/sound/core/snd-pcm.ko", moddir);
	CHECK_STR(v[0].path, want, "providers: snd_pcm's file, '-' matching '_'");
	CHECK_STR(v[1].module, "snd_pcm", "providers: a second symbol of snd_pcm");
	CHECK_STR(v[1].path, want, "providers: its file too");
	CHECK_STR(v[2].module, "crc7", "providers: crc7_be from crc7");
	snprintf(want, sizeof want, "%s/kernel/lib/crc7.ko.xz", moddir);
	CHECK_STR(v[2].path, want, "providers: a compressed module's file");
	CHECK_STR(v[3].module, "tabbed", "providers: tab-separated line");
	snprintf(want, sizeof want, "%s/kernel/drivers/tabbed.ko.zst", moddir);
	CHECK_STR(v[3].path, want, "providers: .ko.zst file");
	CHECK_STR(v[4].module, "first_owner", "providers: the first module named wins");
	CHECK_STR(v[5].module, "nodep", "providers: module missing from modules.dep");
	CHECK(v[5].path == NULL, "providers: ... has no path");
	CHECK_STR(v[6].path, "/opt/extra/absmod.ko.gz",
		  "providers: an absolute modules.dep path is kept");
	CHECK_STR(v[7].module, "dash_mod", "providers: dash_mod");
	snprintf(want, sizeof want, "%s/updates/dash-mod.ko", moddir);
	CHECK_STR(v[7].path, want, "providers: file named with '-'");
	CHECK(v[8].module == NULL && v[8].path == NULL,
	      "providers: a symbol nobody provides");
	CHECK(v[9].module == NULL, "providers: a module name is not a symbol");
	diagnose_providers_release(v, n);
	CHECK(v[0].module == NULL && v[0].path == NULL, "providers: released");

	drop("root/lib/modules/" REL "/modules.dep");
	r = diagnose_find_providers(moddir, v, 3);
	CHECK(r == 0 && v[0].module && strcmp(v[0].module, "snd_pcm") == 0 && v[0].path == NULL,
	      "providers: without modules.dep, names but no files");
	diagnose_providers_release(v, 3);

	snprintf(moddir, sizeof moddir, "%s/root/lib/modules/none", top);
	r = diagnose_find_providers(moddir, v, 3);
	CHECK(r == -ENOENT && v[0].module == NULL, "providers: no modules.symbols -> -ENOENT");
	put("root/lib/modules/" REL "/modules.dep", modules_dep);
}

static void test_report_no_log(void)
{
	struct load_failure f = failure(ENOENT);
	struct kmsg_watch w = { -1 };
	const char *out;

	out = diagnose(&f, &w);
	CHECK_STR(out, "insmod: could not load /tmp/dummy.ko: unknown symbol in "
		       "module: it uses a symbol that neither the kernel nor any "
		       "loaded module exports (ENOENT: No such file or "
		       "directory); see dmesg for the missing symbols\n",
		  "no kernel log, ENOENT: one line suggesting dmesg");

	out = diagnose(&f, NULL);
	CHECK(count_lines(out) == 1 && has(out, "see dmesg"),
	      "no watch at all (NULL): the same");

	f.err = EINVAL;
	out = diagnose(&f, NULL);
	CHECK(has(out, "invalid parameters, or a symbol version (CRC) mismatch, or "
		       "a missing namespace import (EINVAL: Invalid argument); "
		       "see dmesg for the kernel's reason\n") && count_lines(out) == 1,
	      "no kernel log, EINVAL: see dmesg");

	f.err = EEXIST;
	out = diagnose(&f, NULL);
	CHECK_STR(out, "insmod: could not load /tmp/dummy.ko: module 'dummy' is "
		       "already loaded (EEXIST: File exists)\n"
		       "insmod: to load another copy, give it another name with "
		       "-o NAME\n",
		  "EEXIST: names the module, suggests -o");

	f.err = EBUSY;
	out = diagnose(&f, NULL);
	CHECK_STR(out, "insmod: could not load /tmp/dummy.ko: a module of that "
		       "name is being loaded or removed right now (EBUSY: Device "
		       "or resource busy)\n", "EBUSY");

	f.err = ENODEV;
	out = diagnose(&f, NULL);
	CHECK_STR(out, "insmod: could not load /tmp/dummy.ko: the module's init "
		       "function failed: No such device (ENODEV)\n",
		  "ENODEV: the module's own init function");

	f.err = 4000;
	out = diagnose(&f, NULL);
	CHECK(has(out, "the module's init function failed: ") &&
	      has(out, "(errno 4000)\n"), "an errno without a name");

	f.err = ETXTBSY;
	out = diagnose(&f, NULL);
	CHECK(has(out, "open for writing by another process") &&
	      has(out, "(ETXTBSY: Text file busy)"), "ETXTBSY");
}

static void test_report_unknown_symbols(void)
{
	struct load_failure f = failure(ENOENT);
	struct kmsg_watch w;
	const char *out;
	char want[3 * PATH_MAX];
	char dir[PATH_MAX];

	snprintf(dir, sizeof dir, "%s/root/lib/modules/" REL, top);
	fake_log(&w, 0,
		 "6,100,1000,-;usb 1-1: new device\n",
		 "4,101,1001,-;dummy: loading out-of-tree module taints kernel.\n",
		 "3,102,1002,-;dummy: Unknown symbol snd_pcm_new (err -2)\n",
		 "12,103,1003,-;dummy: Unknown symbol spoofed (err -2)\n",
		 "3,104,1004,-;dummy: Unknown symbol crc7_be (err -2)\n",
		 "3,105,1005,-;dummy: Unknown symbol snd_pcm_new (err -2)\n",
		 "3,106,1006,-;dummy: Unknown symbol nowhere (err -2)\n"
		 " SUBSYSTEM=module\n",
		 "3,107,1007,-;dummy: Unknown symbol nodep_sym (err -2)\n",
		 "not a record at all",
		 (const char *)NULL);
	out = diagnose(&f, &w);
	snprintf(want, sizeof want,
		 "insmod: could not load /tmp/dummy.ko: unknown symbol in module: "
		 "it uses a symbol that neither the kernel nor any loaded module "
		 "exports (ENOENT: No such file or directory); see the kernel's "
		 "reason below\n"
		 "insmod: kernel: dummy: loading out-of-tree module taints kernel.\n"
		 "insmod: kernel: dummy: Unknown symbol snd_pcm_new (err -2)\n"
		 "insmod: kernel: dummy: Unknown symbol crc7_be (err -2)\n"
		 "insmod: kernel: dummy: Unknown symbol snd_pcm_new (err -2)\n"
		 "insmod: kernel: dummy: Unknown symbol nowhere (err -2)\n"
		 "insmod: kernel: dummy: Unknown symbol nodep_sym (err -2)\n"
		 "insmod: snd_pcm_new: provided by module snd_pcm "
		 "(%s/kernel/sound/core/snd-pcm.ko): load it first (modprobe snd_pcm)\n"
		 "insmod: crc7_be: provided by module crc7 "
		 "(%s/kernel/lib/crc7.ko.xz): load it first (modprobe crc7)\n"
		 "insmod: nodep_sym: provided by module nodep: load it first (modprobe nodep)\n"
		 "insmod: nowhere: no module of this kernel provides it\n",
		 dir, dir);
	CHECK_STR(out, want, "unknown symbols: kernel lines, then each symbol's "
			     "provider (user-space records and other modules' "
			     "lines left out, symbols once each)");

	/* The same with -q: the error and the plain kernel line stay, the
	 * unresolved-symbol lists go. */
	fake_log(&w, 1,
		 "4,101,1001,-;dummy: loading out-of-tree module taints kernel.\n",
		 "3,102,1002,-;dummy: Unknown symbol snd_pcm_new (err -2)\n",
		 (const char *)NULL);
	log_setup(LOG_TO_TERMINAL, 0, true);
	out = diagnose(&f, &w);
	log_setup(LOG_TO_TERMINAL, 0, false);
	CHECK(count_lines(out) == 2 && has(out, "could not load") &&
	      has(out, "kernel: dummy: loading out-of-tree") &&
	      !has(out, "Unknown symbol") && !has(out, "provided by"),
	      "unknown symbols under -q: only the error and plain kernel lines");

	/* Under -q with only unknown-symbol lines from the kernel, nothing is
	 * printed below the error line, so it must not point there, nor say
	 * that the kernel gave no reason. */
	fake_log(&w, 1, "3,102,1002,-;dummy: Unknown symbol snd_pcm_new (err -2)\n",
		 (const char *)NULL);
	log_setup(LOG_TO_TERMINAL, 0, true);
	out = diagnose(&f, &w);
	log_setup(LOG_TO_TERMINAL, 0, false);
	CHECK(count_lines(out) == 1 && has(out, "(ENOENT: No such file or directory)\n") &&
	      !has(out, "below") && !has(out, "logged no reason"),
	      "unknown symbols under -q, no other kernel line: the error line alone, pointing nowhere");

	/* The provider is loaded already: a GPL-only export. */
	put("root/sys/module/snd_pcm/initstate", "live\n");
	fake_log(&w, 1, "3,1,1,-;dummy: Unknown symbol snd_pcm_new (err -2)\n",
		 (const char *)NULL);
	out = diagnose(&f, &w);
	CHECK(has(out, "insmod: snd_pcm_new: provided by module snd_pcm, which "
		       "is loaded: probably exported to "
		       "GPL-compatible modules only"),
	      "unknown symbol from a loaded module: GPL-only hint");
	drop("root/sys/module/snd_pcm/initstate");

	/* No modules.symbols for the release: said once. */
	f.release = "no-such-release";
	fake_log(&w, 1, "3,1,1,-;dummy: Unknown symbol a (err -2)\n",
		 "3,2,1,-;dummy: Unknown symbol b (err -2)\n", (const char *)NULL);
	out = diagnose(&f, &w);
	CHECK(has(out, "insmod: cannot tell which modules provide the missing "
		       "symbols: ") &&
	      has(out, "/lib/modules/no-such-release/modules.symbols: No such "
		       "file or directory (run depmod)\n") &&
	      count_lines(out) == 4,
	      "no modules.symbols: one line says so, after the kernel lines");
}

static void test_report_versions(void)
{
	struct load_failure f = failure(EINVAL);
	struct kmsg_watch w;
	const char *out;

	fake_log(&w, 1,
		 "4,1,1,-;dummy: disagrees about version of symbol crc7_be\n",
		 "3,2,1,-;dummy: Unknown symbol crc7_be (err -22)\n",
		 "3,3,1,-;dummy: module uses symbol (usb_thing) from namespace "
		 "USB_STORAGE, but does not import it.\n",
		 "3,4,1,-;dummy: Unknown symbol usb_thing (err -22)\n",
		 (const char *)NULL);
	out = diagnose(&f, &w);
	CHECK(has(out, "(EINVAL: Invalid argument); see the kernel's reason below\n"),
	      "EINVAL with kernel lines: points at them");
	CHECK(has(out, "insmod: kernel: dummy: disagrees about version of symbol "
		       "crc7_be\n"), "EINVAL: the version line shown");
	CHECK(has(out, "insmod: crc7_be: the module was built against another "
		       "version of it than this kernel has (its CRC differs): "
		       "rebuild the module against this kernel, or force it with -f or "
		       "--force-modversion (that taints the kernel)\n"),
	      "CRC mismatch explained, --force-modversion advised");
	CHECK(has(out, "insmod: usb_thing is in namespace USB_STORAGE, which the "
		       "module does not import (MODULE_IMPORT_NS(USB_STORAGE) in "
		       "its source)\n"), "missing namespace import explained");
	CHECK(!has(out, "load it first"), "no provider advice for CRC/namespace");

	/* EINVAL with a readable log that says nothing: the init function. */
	fake_log(&w, 0, "6,1,1,-;eth0: link up\n", (const char *)NULL);
	out = diagnose(&f, &w);
	CHECK(has(out, "(EINVAL: Invalid argument); the kernel logged no reason, "
		       "so the module's own init function probably returned "
		       "it\n") && count_lines(out) == 1,
	      "EINVAL without kernel lines: probably the init function");

	/* vermagic. */
	f.err = ENOEXEC;
	fake_log(&w, 1,
		 "3,1,1,-;dummy: version magic '5.10.0-1-amd64 SMP mod_unload "
		 "modversions ' should be '6.1.0-11-amd64 SMP preempt mod_unload "
		 "modversions '\n", (const char *)NULL);
	out = diagnose(&f, &w);
	CHECK(has(out, "insmod: could not load /tmp/dummy.ko: invalid module "
		       "format: ") &&
	      has(out, "(ENOEXEC: Exec format error); see the kernel's reason "
		       "below\n") &&
	      has(out, "insmod: kernel: dummy: version magic '5.10.0-1-amd64") &&
	      has(out, "insmod: rebuild the module for this kernel, or force it "
		       "with -f or --force-vermagic (that taints the kernel)\n"),
	      "vermagic: kernel line and advice");

	/* --force-modversion alone: the version magic was still checked, and
	 * --force-vermagic is still the way. */
	f.forced_modversion = true;
	fake_log(&w, 1, "3,10,100,-;dummy: version magic '5.10.0-1-amd64 SMP' should be '6.1.0-9-amd64 SMP'\n",
		 (const char *)NULL);
	out = diagnose(&f, &w);
	CHECK(has(out, "or force it with -f or --force-vermagic"),
	      "vermagic after --force-modversion alone: --force-vermagic advised");
	f.forced_modversion = false;

	/* ENOEXEC, forced, and the kernel said nothing. */
	f.forced_vermagic = f.forced_modversion = true;
	fake_log(&w, 1, (const char *)NULL);
	out = diagnose(&f, &w);
	CHECK(has(out, "the kernel logged no reason: it was probably built "
		       "without CONFIG_MODULE_FORCE_LOAD"),
	      "forced ENOEXEC without a kernel line: no FORCE_LOAD");
}

static void test_report_eperm(void)
{
	struct load_failure f = failure(EPERM);
	const char *out;
	static const char with_cap[] = "Name:\tinsmod\nCapEff:\t000001ffffffffff\n";
	static const char without[] = "Name:\tinsmod\nCapEff:\t000001fffffeffff\n";

	put("root/proc/self/status", without);
	out = diagnose(&f, NULL);
	CHECK(has(out, "could not load /tmp/dummy.ko: operation not permitted: ") &&
	      has(out, "CAP_SYS_MODULE") && !has(out, "modules_disabled") &&
	      has(out, "(EPERM: Operation not permitted)\n"),
	      "EPERM without CAP_SYS_MODULE: says so");

	put("root/proc/self/status", with_cap);
	put("root/proc/sys/kernel/modules_disabled", "1\n");
	out = diagnose(&f, NULL);
	CHECK(has(out, "operation not permitted: module loading is disabled "
		       "(/proc/sys/kernel/modules_disabled is 1; only a reboot "
		       "enables it again) (EPERM"),
	      "EPERM with modules_disabled: says so");

	put("root/proc/sys/kernel/modules_disabled", "0\n");
	put("root/sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
	out = diagnose(&f, NULL);
	CHECK(has(out, "operation not permitted: the kernel is locked down "
		       "(integrity) and refuses unsigned modules; this module is "
		       "not signed (EPERM"),
	      "EPERM under lockdown, unsigned module");

	f.signed_module = true;
	f.modified = true;
	out = diagnose(&f, NULL);
	CHECK(has(out, "locked down (integrity) and refuses unsigned modules; a "
		       "module insmod had to change (forced or renamed) has no "
		       "valid signature (EPERM"),
	      "EPERM under lockdown, module changed by insmod");

	/* Signed and untouched: lockdown is not why; nothing else tells. */
	f.modified = false;
	out = diagnose(&f, NULL);
	CHECK(has(out, diagnose_errno_text(EPERM)),
	      "EPERM, locked down but signed: the general explanation");

	/* The kernel's own lockdown line decides even without the file. */
	put("root/sys/kernel/security/lockdown", "[none] integrity confidentiality\n");
	f.signed_module = false;
	{
		struct kmsg_watch w;

		fake_log(&w, 1,
			 "5,1,1,-;Lockdown: insmod: unsigned module loading is "
			 "restricted; see man kernel_lockdown.7\n",
			 (const char *)NULL);
		out = diagnose(&f, &w);
	}
	CHECK(has(out, "the kernel is locked down and refuses unsigned modules") &&
	      has(out, "insmod: kernel: Lockdown: insmod: unsigned module "
		       "loading is restricted"),
	      "EPERM: the kernel's Lockdown line is shown and explained");

	put("root/proc/cmdline", "quiet module_blacklist=foo,dummy,bar root=/dev/sda1\n");
	out = diagnose(&f, NULL);
	CHECK(has(out, "operation not permitted: module 'dummy' is blacklisted on "
		       "the kernel command line (module_blacklist=)"),
	      "EPERM: blacklisted on the command line");
	put("root/proc/cmdline", "quiet module_blacklist=foo,dummyx xmodule_blacklist=dummy\n");
	out = diagnose(&f, NULL);
	CHECK(!has(out, "blacklisted on") && has(out, diagnose_errno_text(EPERM)),
	      "EPERM: a similar name is not a blacklisting");
	drop("root/proc/cmdline");
	drop("root/sys/kernel/security/lockdown");
	drop("root/proc/sys/kernel/modules_disabled");
}

static void test_report_signatures(void)
{
	struct load_failure f = failure(EKEYREJECTED);
	const char *out;

	f.signed_module = true;
	f.modified = true;
	out = diagnose(&f, NULL);
	CHECK(has(out, "could not load /tmp/dummy.ko: the kernel requires a valid "
		       "signature, and a module modified by insmod (forced or "
		       "renamed) has no valid signature (EKEYREJECTED: Key was "
		       "rejected by service)\n"),
	      "EKEYREJECTED after insmod changed the module");

	f.modified = false;
	f.forced_modversion = true;
	out = diagnose(&f, NULL);
	CHECK(has(out, "module modified by insmod (forced or renamed)"),
	      "EKEYREJECTED when forced");

	f.forced_vermagic = f.forced_modversion = false;
	out = diagnose(&f, NULL);
	CHECK(has(out, "the module's signature did not verify"),
	      "EKEYREJECTED, signed: did not verify");

	f.signed_module = false;
	put("root/sys/module/module/parameters/sig_enforce", "Y\n");
	out = diagnose(&f, NULL);
	CHECK(has(out, "the kernel requires signed modules (module.sig_enforce is "
		       "on) and this module is not signed"),
	      "EKEYREJECTED, unsigned, sig_enforce on");
	drop("root/sys/module/module/parameters/sig_enforce");

	f.err = EBADMSG;
	out = diagnose(&f, NULL);
	CHECK(has(out, "signature is malformed") && has(out, "(EBADMSG: Bad message)"),
	      "EBADMSG");
	f.err = ENOKEY;
	out = diagnose(&f, NULL);
	CHECK(has(out, "(ENOKEY: Required key not available)"), "ENOKEY");
}

static void test_report_many_lines(void)
{
	struct load_failure f = failure(ENOENT);
	struct kmsg_watch w;
	int sv[2], i;
	const char *out;
	char rec[128];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0)
		die("socketpair");
	for (i = 0; i < 30; i++) {
		int n = snprintf(rec, sizeof rec,
				 "3,%d,1,-;dummy: Unknown symbol sym%02d (err -2)\n",
				 i, i);

		if (write(sv[1], rec, (size_t)n) != n)
			die("write");
	}
	close(sv[1]);
	w.fd = sv[0];
	out = diagnose(&f, &w);
	CHECK(has(out, "kernel: dummy: Unknown symbol sym19 ") &&
	      !has(out, "kernel: dummy: Unknown symbol sym20 ") &&
	      has(out, "insmod: kernel: ... 10 more lines (see dmesg)\n"),
	      "at most 20 kernel lines, then how many more");
	CHECK(has(out, "insmod: sym00, sym01, sym02, sym03, sym04, sym05 and 14 more: "
		       "no module of this kernel provides them\n") &&
	      has(out, "insmod: ... and 10 more missing symbols (see dmesg)\n"),
	      "at most 20 symbols explained, in one line, then how many more");
	CHECK(count_lines(out) == 1 + 20 + 1 + 1 + 1, "many lines: 24 lines in all");
}

static void test_watch(void)
{
	struct kmsg_watch w;

	kmsg_watch_start(&w);
	CHECK(w.fd >= -1, "watch: started (or inert without /dev/kmsg)");
	if (w.fd >= 0)
		CHECK((fcntl(w.fd, F_GETFL) & O_NONBLOCK) &&
		      (fcntl(w.fd, F_GETFD) & FD_CLOEXEC),
		      "watch: non-blocking, close-on-exec");
	kmsg_watch_stop(&w);
	CHECK(w.fd == -1, "watch: stopped");
	kmsg_watch_stop(&w);
	CHECK(w.fd == -1, "watch: stopping twice is harmless");
}

int main(void)
{
	snprintf(top, sizeof top, "%s/insmod-diagnose-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(top))
		die("mkdtemp");
	/* The real capabilities must not decide the EPERM tests. */
	put("root/proc/self/status", "CapEff:\t000001ffffffffff\n");
	log_setup(LOG_TO_TERMINAL, 0, false);

	test_errno_texts();
	test_parse_record();
	test_concerns();
	test_unknown_symbol();
	test_providers();
	test_report_no_log();
	test_report_unknown_symbols();
	test_report_versions();
	test_report_eperm();
	test_report_signatures();
	test_report_many_lines();
	test_watch();

	remove_tree(top);
	return CHECK_DONE();
}
