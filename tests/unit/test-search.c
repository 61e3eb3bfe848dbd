/* Unit tests for the module search (src/load/search.c): each mechanism is
 * checked on a directory tree built under a temporary directory. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "helpers.h"
#include "log.h"
#include "search.h"

#define REL "6.1.0-test"

static char top[256];	/* the mkdtemp directory */
static char base[512];	/* the current case's directory */
static int case_no;

static char got[PATH_MAX * 2];	/* last result's path, or "" */
static bool got_searched;
static const char *errtext = "";	/* what the last search logged */

/* A fresh directory for one case; unsets the environment variables. */
static void new_case(void)
{
	snprintf(base, sizeof(base), "%s/c%d", top, ++case_no);
	if (mkdir(base, 0755) != 0)
		die(base);
	unsetenv("MODPATH");
	unsetenv("MODULECONF");
	unsetenv("MODULECONFIG");
}

static const char *at(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* base + "/" + the formatted relative path (a rotating static buffer). */
static const char *at(const char *fmt, ...)
{
	static char bufs[8][PATH_MAX];
	static int next;
	char *buf = bufs[next++ % 8];
	size_t n;
	va_list ap;

	n = (size_t)snprintf(buf, PATH_MAX, "%s/", base);
	va_start(ap, fmt);
	vsnprintf(buf + n, PATH_MAX - n, fmt, ap);
	va_end(ap);
	return buf;
}

/* Creates a file (and its parent directories) with the given contents. */
static void put(const char *path, const char *contents)
{
	put_file(NULL, path, contents, true);
}

static void touch(const char *path)
{
	put(path, "module\n");
}

/* Runs module_search with stderr captured into errtext. */
static int search(const char *arg, const char *release, const char *root)
{
	struct search_result res;
	int rc;

	capture_begin();
	rc = module_search(arg, release, root, &res);
	errtext = capture_end();

	snprintf(got, sizeof(got), "%s", rc == 0 && res.path ? res.path : "");
	got_searched = rc == 0 && res.searched;
	if (rc == 0)
		search_result_release(&res);
	else if (res.path)
		printf("FAIL: a failed search left a path\n");
	return rc;
}

/* ---- the cases ---- */

static void test_explicit_paths(void)
{
	new_case();
	put(at("lib/modules/" REL "/foo.ko"), "x");

	CHECK(search("./foo.ko", REL, base) == 0 && !got_searched,
	      "./foo.ko is a path, not searched");
	CHECK_STR(got, "./foo.ko", "./foo.ko taken as given");

	CHECK(search("/no/such/dir/foo", REL, base) == 0 && !got_searched,
	      "an argument with '/' and no extension is still a path");
	CHECK_STR(got, "/no/such/dir/foo", "absolute path taken as given");

	CHECK(search("foo.ko", REL, base) == 0 && !got_searched,
	      "foo.ko (extension, no '/') is a path relative to the cwd");
	CHECK_STR(got, "foo.ko", "foo.ko not searched even though one exists");

	static const char *const exts[] = {
		"m.ko.gz", "m.ko.xz", "m.ko.zst", "m.o", "m.o.gz",
	};
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		CHECK(search(exts[i], REL, base) == 0 && !got_searched &&
		      strcmp(got, exts[i]) == 0,
		      "%s is taken as a path", exts[i]);
	}

	CHECK(search("", REL, base) == -EINVAL, "empty argument: -EINVAL");
}

static void test_default_dirs(void)
{
	new_case();
	touch(at("lib/modules/boot/foo.ko"));
	touch(at("lib/modules/" REL "/foo.ko"));
	touch(at("lib/modules/6.1/foo.ko"));
	touch(at("lib/modules/6.1/only61.ko"));

	CHECK(search("foo", REL, base) == 0 && got_searched,
	      "bare name found, searched=true");
	CHECK_STR(got, at("lib/modules/boot/foo.ko"),
		  "boot comes before RELEASE and MAJOR.MINOR");

	remove(at("lib/modules/boot/foo.ko"));
	search("foo", REL, base);
	CHECK_STR(got, at("lib/modules/" REL "/foo.ko"),
		  "RELEASE comes before MAJOR.MINOR");

	remove(at("lib/modules/" REL "/foo.ko"));
	search("foo", REL, base);
	CHECK_STR(got, at("lib/modules/6.1/foo.ko"),
		  "MAJOR.MINOR (6.1 from " REL ") is searched");

	/* A trailing slash on root does not double the '/'. */
	char root_slash[PATH_MAX];

	snprintf(root_slash, sizeof(root_slash), "%s/", base);
	search("only61", REL, root_slash);
	CHECK_STR(got, at("lib/modules/6.1/only61.ko"),
		  "root with a trailing '/'");

	CHECK(search("only61", "", base) == -ENOENT,
	      "empty release: no RELEASE or MAJOR.MINOR directories");
}

static void test_candidate_order(void)
{
	static const char *const order[] = {
		"foo.ko", "foo.ko.zst", "foo.ko.xz", "foo.ko.gz", "foo.o",
		"foo.o.gz",
	};

	new_case();
	for (size_t i = 0; i < 6; i++)
		touch(at("lib/modules/" REL "/kernel/%s", order[i]));
	for (size_t i = 0; i < 6; i++) {
		search("foo", REL, base);
		CHECK_STR(got, at("lib/modules/" REL "/kernel/%s", order[i]),
			  "candidate %zu is %s", i + 1, order[i]);
		remove(at("lib/modules/" REL "/kernel/%s", order[i]));
	}
	CHECK(search("foo", REL, base) == -ENOENT,
	      "none left: not found");

	/* Each candidate is tried in every directory before the next. */
	new_case();
	touch(at("lib/modules/boot/bar.ko.xz"));
	touch(at("lib/modules/6.1/deep/bar.ko"));
	search("bar", REL, base);
	CHECK_STR(got, at("lib/modules/6.1/deep/bar.ko"),
		  "bar.ko in the last directory beats bar.ko.xz in the first");

	/* A name that merely contains a dot is not a module extension. */
	touch(at("lib/modules/" REL "/x.y.ko"));
	search("x.y", REL, base);
	CHECK_STR(got, at("lib/modules/" REL "/x.y.ko"),
		  "x.y (dot but no module extension) is searched for");
}

static void test_walk_order(void)
{
	new_case();
	touch(at("lib/modules/" REL "/extra/foo.ko"));
	touch(at("lib/modules/" REL "/kernel/drivers/net/foo.ko"));
	search("foo", REL, base);
	CHECK_STR(got, at("lib/modules/" REL "/kernel/drivers/net/foo.ko"),
		  "kernel/ is walked before extra/ (which sorts first)");

	touch(at("lib/modules/" REL "/kernel/a/bar.ko"));
	touch(at("lib/modules/" REL "/kernel/b/bar.ko"));
	touch(at("lib/modules/" REL "/kernel/0/zzz/bar.ko"));
	search("bar", REL, base);
	CHECK_STR(got, at("lib/modules/" REL "/kernel/0/zzz/bar.ko"),
		  "subdirectories walked depth first in alphabetical order");

	touch(at("lib/modules/" REL "/baz.ko"));
	touch(at("lib/modules/" REL "/kernel/baz.ko"));
	search("baz", REL, base);
	CHECK_STR(got, at("lib/modules/" REL "/baz.ko"),
		  "DIR/NAME directly before the walk");

	/* Directory symlinks are not followed: no loops, and a module
	 * reachable only through one is not found by the walk. */
	new_case();
	touch(at("real/q.ko"));
	mkdirs(at("lib/modules/" REL "/kernel"));
	if (symlink(at("real"), at("lib/modules/" REL "/kernel/aaa")) != 0 ||
	    symlink(at("lib/modules/" REL),
		    at("lib/modules/" REL "/kernel/loop")) != 0)
		die("symlink");
	CHECK(search("q", REL, base) == -ENOENT,
	      "directory symlinks are not followed (and the loop ends)");
	touch(at("lib/modules/" REL "/kernel/zzz/q.ko"));
	search("q", REL, base);
	CHECK_STR(got, at("lib/modules/" REL "/kernel/zzz/q.ko"),
		  "walk past a symlink loop finds the real file");

	/* A symlink to a regular file is a module file. */
	touch(at("real/r.ko"));
	mkdirs(at("lib/modules/" REL "/kernel/m"));
	if (symlink(at("real/r.ko"), at("lib/modules/" REL "/kernel/m/r.ko")) != 0)
		die("symlink");
	search("r", REL, base);
	CHECK_STR(got, at("lib/modules/" REL "/kernel/m/r.ko"),
		  "a symlink to a regular file matches");

	/* A directory named like a module is not a module. */
	mkdirs(at("lib/modules/" REL "/kernel/d/dirmod.ko"));
	CHECK(search("dirmod", REL, base) == -ENOENT,
	      "a directory called dirmod.ko is not a module");
	if (symlink(at("real"), at("lib/modules/" REL "/kernel/m/dl.ko")) != 0)
		die("symlink");
	CHECK(search("dl", REL, base) == -ENOENT,
	      "a symlink called dl.ko to a directory is not a module");
}

static void test_modules_dep(void)
{
	new_case();
	touch(at("lib/modules/" REL "/kernel/a/foo.ko"));
	touch(at("lib/modules/" REL "/updates/foo.ko"));
	put(at("lib/modules/" REL "/modules.dep"),
	    "kernel/x/other.ko:\n"
	    "updates/foo.ko: kernel/x/other.ko\n");
	search("foo", REL, base);
	CHECK_STR(got, at("lib/modules/" REL "/updates/foo.ko"),
		  "modules.dep used rather than the walk (kernel/ first)");
	CHECK(got_searched, "found through modules.dep: searched=true");

	touch(at("lib/modules/" REL "/bar.ko"));
	touch(at("lib/modules/" REL "/kernel/z/bar.ko"));
	put(at("lib/modules/" REL "/modules.dep"),
	    "kernel/z/bar.ko:\n");
	search("bar", REL, base);
	CHECK_STR(got, at("lib/modules/" REL "/kernel/z/bar.ko"),
		  "modules.dep before DIR/NAME");

	/* Absolute paths (older depmod). */
	touch(at("elsewhere/abs.ko"));
	{
		char line[PATH_MAX + 16];

		snprintf(line, sizeof(line), "%s:\n", at("elsewhere/abs.ko"));
		put(at("lib/modules/" REL "/modules.dep"), line);
	}
	search("abs", REL, base);
	CHECK_STR(got, at("elsewhere/abs.ko"),
		  "absolute path in modules.dep");

	/* A stale entry falls back to the walk. */
	touch(at("lib/modules/" REL "/kernel/real/stale.ko"));
	put(at("lib/modules/" REL "/modules.dep"),
	    "kernel/gone/stale.ko:\n");
	search("stale", REL, base);
	CHECK_STR(got, at("lib/modules/" REL "/kernel/real/stale.ko"),
		  "modules.dep naming a missing file: walk instead");

	/* A module missing from modules.dep is still found by the walk. */
	touch(at("lib/modules/" REL "/extra/notdep.ko"));
	search("notdep", REL, base);
	CHECK_STR(got, at("lib/modules/" REL "/extra/notdep.ko"),
		  "module not in modules.dep: found by the walk");

	/* '-'/'_' through modules.dep, and compressed entries. */
	touch(at("lib/modules/" REL "/kernel/sound/snd-hda-intel.ko.xz"));
	touch(at("lib/modules/" REL "/aaa/snd_hda_intel.ko.xz"));
	put(at("lib/modules/" REL "/modules.dep"),
	    "kernel/sound/snd-hda-intel.ko.xz: kernel/sound/snd.ko.xz\n");
	search("snd_hda_intel", REL, base);
	CHECK_STR(got, at("lib/modules/" REL "/kernel/sound/snd-hda-intel.ko.xz"),
		  "modules.dep entry matched with '_' for '-'");
}

static void test_dash_underscore(void)
{
	new_case();
	touch(at("lib/modules/" REL "/kernel/sound/snd_hda_intel.ko"));
	search("snd-hda-intel", REL, base);
	CHECK_STR(got, at("lib/modules/" REL "/kernel/sound/snd_hda_intel.ko"),
		  "snd-hda-intel finds snd_hda_intel.ko (walk)");

	touch(at("lib/modules/" REL "/kernel/net/e1000-e.ko"));
	search("e1000_e", REL, base);
	CHECK_STR(got, at("lib/modules/" REL "/kernel/net/e1000-e.ko"),
		  "e1000_e finds e1000-e.ko (walk)");

	touch(at("lib/modules/" REL "/kernel/mixed/a_b-c.ko"));
	search("a-b_c", REL, base);
	CHECK_STR(got, at("lib/modules/" REL "/kernel/mixed/a_b-c.ko"),
		  "a-b_c finds a_b-c.ko (mixed spelling)");

	touch(at("lib/modules/boot/top_level.ko"));
	search("top-level", REL, base);
	CHECK_STR(got, at("lib/modules/boot/top_level.ko"),
		  "top-level finds boot/top_level.ko");
	touch(at("lib/modules/boot/other-top.ko"));
	search("other_top", REL, base);
	CHECK_STR(got, at("lib/modules/boot/other-top.ko"),
		  "other_top finds boot/other-top.ko");

	CHECK(search("snd-hda-intelx", REL, base) == -ENOENT,
	      "equivalence does not make a prefix match");
}

static void test_modpath(void)
{
	char mp[PATH_MAX * 3];

	new_case();
	touch(at("lib/modules/" REL "/foo.ko"));
	touch(at("lib/modules/" REL "/onlydefault.ko"));
	touch(at("mp/" REL "/foo.ko"));
	touch(at("mp2/second.ko"));
	touch(at("mp2/" REL "/second.ko"));
	touch(at("100%%d/pct.ko"));
	snprintf(mp, sizeof(mp), "%s:%s::%s", at("mp/%%s"), at("mp2"),
		 at("100%%d"));
	setenv("MODPATH", mp, 1);

	search("foo", REL, base);
	CHECK_STR(got, at("mp/" REL "/foo.ko"),
		  "MODPATH element with %%s replaced by the release");
	CHECK(search("onlydefault", REL, base) == -ENOENT,
	      "MODPATH replaces the default directories");
	search("second", REL, base);
	CHECK_STR(got, at("mp2/second.ko"),
		  "second MODPATH element; DIR/NAME before the walk");
	search("pct", REL, base);
	CHECK_STR(got, at("100%%d/pct.ko"),
		  "'%%' other than %%s is literal in MODPATH");

	snprintf(mp, sizeof(mp), "%s/", at("mp2"));
	setenv("MODPATH", mp, 1);
	search("second", REL, base);
	CHECK_STR(got, at("mp2/second.ko"),
		  "trailing '/' in a MODPATH element");

	setenv("MODPATH", "", 1);
	search("onlydefault", REL, base);
	CHECK_STR(got, at("lib/modules/" REL "/onlydefault.ko"),
		  "empty MODPATH means the defaults");
	unsetenv("MODPATH");
}

static void test_config(void)
{
	char conf[PATH_MAX * 3];

	new_case();
	touch(at("lib/modules/boot/foo.ko"));
	touch(at("lib/modules/" REL "/onlydefault.ko"));
	touch(at("conf1/misc/foo.ko"));
	touch(at("conf2/foo.ko.gz"));
	touch(at("conf2/c2.ko"));

	snprintf(conf, sizeof(conf),
		 "# a comment\n"
		 "\n"
		 "alias eth0 e1000\n"
		 "options e1000 debug=1\n"
		 "path[misc]=%s\n", at("conf1"));
	put(at("my.conf"), conf);
	setenv("MODULECONF", at("my.conf"), 1);
	search("foo", REL, base);
	CHECK_STR(got, at("conf1/misc/foo.ko"),
		  "MODULECONF path[misc]= replaces the defaults");
	CHECK(search("onlydefault", REL, base) == -ENOENT,
	      "defaults dropped by a path line");
	CHECK(strstr(errtext, "warning") == NULL,
	      "alias/options/comments ignored silently");

	/* MODPATH is dropped too. */
	setenv("MODPATH", at("lib/modules/" REL), 1);
	CHECK(search("onlydefault", REL, base) == -ENOENT,
	      "a path line drops MODPATH's directories");
	unsetenv("MODPATH");

	/* keep before the first path line. */
	snprintf(conf, sizeof(conf),
		 "keep\n"
		 "path[misc] = %s   # trailing comment\n"
		 "path = %s\n", at("conf1"), at("conf2"));
	put(at("my.conf"), conf);
	search("foo", REL, base);
	CHECK_STR(got, at("lib/modules/boot/foo.ko"),
		  "keep: the defaults stay, and come first");
	search("onlydefault", REL, base);
	CHECK_STR(got, at("lib/modules/" REL "/onlydefault.ko"),
		  "keep: default directory still searched");
	search("c2", REL, base);
	CHECK_STR(got, at("conf2/c2.ko"),
		  "path= (no tag) with spaces around '=' added");

	/* keep after the first path line has no effect. */
	snprintf(conf, sizeof(conf),
		 "path=%s\nkeep\npath[x]=%s\n", at("conf2"), at("conf1"));
	put(at("my.conf"), conf);
	CHECK(search("onlydefault", REL, base) == -ENOENT,
	      "keep after a path line does not keep");
	search("foo", REL, base);
	CHECK_STR(got, at("conf1/misc/foo.ko"),
		  "foo.ko in a later path beats foo.ko.gz in an earlier one");

	/* A file without path lines leaves the list alone. */
	put(at("my.conf"), "alias foo bar\n");
	search("foo", REL, base);
	CHECK_STR(got, at("lib/modules/boot/foo.ko"),
		  "no path lines: defaults kept");

	/* %s, `uname -r`, globs and continuation lines. */
	new_case();
	touch(at("v/" REL "/k1.ko"));
	touch(at("u/" REL "/k2.ko"));
	touch(at("g/one/k3.ko"));
	touch(at("g/two/k4.ko"));
	touch(at("cont/k5.ko"));
	snprintf(conf, sizeof(conf),
		 "path[a]=%s\n"
		 "path[b]=%s\n"
		 "path[c]=%s\n"
		 "path[d]=\\\n%s\n"
		 "path[e]=`rm -rf /`\n"
		 "path[f\n",
		 at("v/%%s"), at("u/`uname -r`"), at("g/*"), at("cont"));
	put(at("my.conf"), conf);
	setenv("MODULECONF", at("my.conf"), 1);
	search("k1", REL, base);
	CHECK_STR(got, at("v/" REL "/k1.ko"), "%%s in a path line");
	search("k2", REL, base);
	CHECK_STR(got, at("u/" REL "/k2.ko"), "`uname -r` in a path line");
	search("k4", REL, base);
	CHECK_STR(got, at("g/two/k4.ko"), "glob in a path line");
	search("k5", REL, base);
	CHECK_STR(got, at("cont/k5.ko"), "backslash continuation");
	CHECK(strstr(errtext, "command substitution is not supported"),
	      "other backquotes refused with a warning");
	CHECK(strstr(errtext, "malformed"), "malformed path line warned");

	/* MODULECONFIG (what the original code read), and MODULECONF wins. */
	new_case();
	touch(at("a/m.ko"));
	touch(at("b/m.ko"));
	snprintf(conf, sizeof(conf), "path=%s\n", at("a"));
	put(at("a.conf"), conf);
	snprintf(conf, sizeof(conf), "path=%s\n", at("b"));
	put(at("b.conf"), conf);
	setenv("MODULECONFIG", at("b.conf"), 1);
	search("m", REL, base);
	CHECK_STR(got, at("b/m.ko"), "MODULECONFIG is read");
	setenv("MODULECONF", at("a.conf"), 1);
	search("m", REL, base);
	CHECK_STR(got, at("a/m.ko"), "MODULECONF beats MODULECONFIG");

	/* An explicitly named file that does not exist: defaults. */
	touch(at("lib/modules/" REL "/m.ko"));
	setenv("MODULECONF", at("missing.conf"), 1);
	unsetenv("MODULECONFIG");
	search("m", REL, base);
	CHECK_STR(got, at("lib/modules/" REL "/m.ko"),
		  "missing MODULECONF file: defaults, no failure");
	CHECK(strstr(errtext, "warning") == NULL,
	      "missing configuration file is not a warning");

	/* An unreadable file (a directory here: root can read anything). */
	mkdirs(at("dir.conf"));
	setenv("MODULECONF", at("dir.conf"), 1);
	CHECK(search("m", REL, base) == 0 &&
	      strcmp(got, at("lib/modules/" REL "/m.ko")) == 0,
	      "unreadable configuration file: search goes on");
	CHECK(strstr(errtext, "warning") && strstr(errtext, "dir.conf"),
	      "unreadable configuration file: warning names it");
	unsetenv("MODULECONF");
}

static void test_etc_files(void)
{
	char conf[PATH_MAX * 2];

	new_case();
	touch(at("lib/modules/" REL "/foo.ko"));
	touch(at("old/foo.ko"));
	touch(at("new/foo.ko"));
	snprintf(conf, sizeof(conf), "path[misc]=%s\n", at("old"));
	put(at("etc/conf.modules"), conf);
	search("foo", REL, base);
	CHECK_STR(got, at("old/foo.ko"), "ROOT/etc/conf.modules is read");
	CHECK(strstr(errtext, "deprecated") != NULL,
	      "conf.modules: deprecation warning");

	snprintf(conf, sizeof(conf), "path[misc]=%s\n", at("new"));
	put(at("etc/modules.conf"), conf);
	search("foo", REL, base);
	CHECK_STR(got, at("new/foo.ko"),
		  "ROOT/etc/modules.conf preferred over conf.modules");
	CHECK(strstr(errtext, "deprecated") == NULL,
	      "modules.conf: no deprecation warning");
}

static void test_not_found(void)
{
	new_case();
	mkdirs(at("lib/modules/" REL "/kernel"));
	touch(at("lib/modules/" REL "/kernel/nosuch.txt"));
	CHECK(search("nosuch", REL, base) == -ENOENT, "not found: -ENOENT");
	CHECK(strstr(errtext, "nosuch: no module by that name found") != NULL,
	      "not found: error message names the module");
	CHECK(strstr(errtext, at("lib/modules/" REL)) != NULL,
	      "not found (verbose): the directories searched are listed");
	CHECK(got[0] == '\0', "not found: no path");

	/* Nothing at all under root. */
	new_case();
	CHECK(search("x", REL, base) == -ENOENT,
	      "no module directories at all: -ENOENT");
}

int main(void)
{
	snprintf(top, sizeof(top), "%s/test-search.XXXXXX",
		 getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") :
		 "/tmp");
	if (!mkdtemp(top))
		die("mkdtemp");
	log_setup(LOG_TO_TERMINAL, 1, false);

	test_explicit_paths();
	test_default_dirs();
	test_candidate_order();
	test_walk_order();
	test_modules_dep();
	test_dash_underscore();
	test_modpath();
	test_config();
	test_etc_files();
	test_not_found();

	remove_tree(top);
	return CHECK_DONE();
}
