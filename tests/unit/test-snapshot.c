/* Unit tests for the ksymoops snapshots (src/load/snapshot.c), on copies of
 * /proc/kallsyms and /proc/modules under a temporary directory: the pair is
 * written with the right names and contents, nothing planted in the
 * directory is followed, no temporary file survives a failure, and a
 * missing directory means silence. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "helpers.h"
#include "log.h"
#include "snapshot.h"

/* 2024-03-05 06:07:08 UTC */
#define WHEN ((time_t)1709618828)
#define STAMP "20240305060708"

static char top[256];
static char proc_root[PATH_MAX];
static char *big;		/* a kallsyms larger than the copy buffer */

static const char *at(const char *rel)
{
	static char bufs[4][PATH_MAX];
	static int next;
	char *buf = bufs[next++ % 4];

	snprintf(buf, PATH_MAX, "%s/%s", top, rel);
	return buf;
}

static void put(const char *rel, const char *text)
{
	put_file(top, rel, text, false);
}

/* The whole of TOP/REL, or NULL; malloc'ed. */
static char *slurp(const char *rel)
{
	FILE *fp = fopen(at(rel), "r");
	char *buf;
	long n;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, fp) != (size_t)n)
		die(rel);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static bool same(const char *rel, const char *want)
{
	char *got = slurp(rel);
	bool ok = got && strcmp(got, want) == 0;

	free(got);
	return ok;
}

static bool is_regular(const char *rel)
{
	struct stat st;

	return lstat(at(rel), &st) == 0 && S_ISREG(st.st_mode);
}

static bool exists(const char *rel)
{
	struct stat st;

	return lstat(at(rel), &st) == 0;
}

/* Entries in TOP/REL other than . and .. */
static int entries(const char *rel)
{
	DIR *d = opendir(at(rel));
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static int take(const char *rel_dir, const char *root, const char **logged)
{
	int r;

	capture_begin();
	r = snapshot_take_at(at(rel_dir), root, WHEN);
	*logged = capture_end();
	return r;
}

/* ---- the tests ---------------------------------------------------------- */

static const char modules[] =
	"dummy 16384 0 - Live 0xffffffffc0200000 (OE)\n";

static void test_pair(void)
{
	const char *logged;
	int r;
	struct stat st;

	mkdir(at("pair"), 0755);
	r = take("pair", proc_root, &logged);
	CHECK(r == 0, "pair: written");
	CHECK(logged[0] == '\0', "pair: nothing said");
	CHECK(is_regular("pair/" STAMP ".ksyms") &&
	      same("pair/" STAMP ".ksyms", big),
	      "pair: " STAMP ".ksyms holds /proc/kallsyms (larger than one buffer)");
	CHECK(is_regular("pair/" STAMP ".modules") &&
	      same("pair/" STAMP ".modules", modules),
	      "pair: " STAMP ".modules holds /proc/modules");
	CHECK(entries("pair") == 2, "pair: no other file (no temporary left)");
	CHECK(lstat(at("pair/" STAMP ".ksyms"), &st) == 0 &&
	      (st.st_mode & 077) == 0,
	      "pair: readable by the owner only (real addresses)");

	/* The same second again: the pair is replaced, not duplicated. */
	put("proc/proc/modules", "other 4096 0 - Live 0x0\n");
	r = take("pair", proc_root, &logged);
	CHECK(r == 0 && same("pair/" STAMP ".modules", "other 4096 0 - Live 0x0\n") &&
	      entries("pair") == 2,
	      "pair: a second snapshot in the same second replaces the first");
	put("proc/proc/modules", modules);
}

static void test_planted_links(void)
{
	const char *logged;
	int r;

	mkdir(at("links"), 0755);
	put("victim", "precious\n");
	if (symlink(at("victim"), at("links/" STAMP ".ksyms")) != 0 ||
	    symlink(at("nothing-here"), at("links/" STAMP ".modules")) != 0)
		die("symlink");
	r = take("links", proc_root, &logged);
	CHECK(r == 0, "links: snapshot written");
	CHECK(same("victim", "precious\n"),
	      "links: the file a planted link points to is untouched");
	CHECK(!exists("nothing-here"),
	      "links: a dangling planted link's target is not created");
	CHECK(is_regular("links/" STAMP ".ksyms") &&
	      same("links/" STAMP ".ksyms", big),
	      "links: the link was replaced by the snapshot itself");
	CHECK(is_regular("links/" STAMP ".modules") &&
	      same("links/" STAMP ".modules", modules),
	      "links: the dangling link too");
	CHECK(entries("links") == 2, "links: nothing else left");
}

static void test_directory_is_link(void)
{
	const char *logged;
	int r;

	mkdir(at("real"), 0755);
	if (symlink(at("real"), at("linkdir")) != 0)
		die("symlink");
	r = take("linkdir", proc_root, &logged);
	CHECK(r == -ELOOP,
	      "directory is a link: refused");
	CHECK(entries("real") == 0, "directory is a link: nothing written there");
	CHECK(count_lines(logged) == 1 && strstr(logged, "symbolic link"),
	      "directory is a link: one warning");
}

static void test_missing_directory(void)
{
	const char *logged;
	int r;

	r = take("absent", proc_root, &logged);
	CHECK(r == 1, "missing directory: nothing done");
	CHECK(logged[0] == '\0', "missing directory: nothing said");
	CHECK(!exists("absent"), "missing directory: not created");

	put("plainfile", "x\n");
	r = take("plainfile", proc_root, &logged);
	CHECK(r == 1 && logged[0] == '\0',
	      "a file where the directory should be: silently nothing");

	capture_begin();
	snapshot_take(at("absent"), proc_root);
	logged = capture_end();
	CHECK(logged[0] == '\0' && !exists("absent"),
	      "snapshot_take, missing directory: silence");
}

static void test_failures(void)
{
	const char *logged;
	int r;
	char root2[PATH_MAX];

	/* No kallsyms to copy: one warning, and neither file (a .modules
	 * without its .ksyms is no snapshot), no temporary file left. */
	mkdir(at("nosrc"), 0755);
	mkdir(at("proc2"), 0755);
	mkdir(at("proc2/proc"), 0755);
	put("proc2/proc/modules", modules);
	snprintf(root2, sizeof root2, "%s/proc2", top);
	r = take("nosrc", root2, &logged);
	CHECK(r == -ENOENT,
	      "missing /proc/kallsyms: an error");
	CHECK(count_lines(logged) == 1 && strstr(logged, "warning: ") &&
	      strstr(logged, "/proc/kallsyms"),
	      "missing /proc/kallsyms: one warning naming it");
	CHECK(entries("nosrc") == 0,
	      "missing /proc/kallsyms: neither file written (both or neither), no temporary");

	/* The same with /proc/modules missing: no .ksyms alone either. */
	mkdir(at("nomod"), 0755);
	mkdir(at("proc3"), 0755);
	mkdir(at("proc3/proc"), 0755);
	put("proc3/proc/kallsyms", "ffffffff81000000 T _text\n");
	snprintf(root2, sizeof root2, "%s/proc3", top);
	r = take("nomod", root2, &logged);
	CHECK(r == -ENOENT && count_lines(logged) == 1 && strstr(logged, "/proc/modules"),
	      "missing /proc/modules: an error, one warning naming it");
	CHECK(entries("nomod") == 0,
	      "missing /proc/modules: no .ksyms without its .modules, no temporary");

	/* The second rename fails (a directory has its name): the first
	 * file, already in place, is taken back. */
	mkdir(at("half"), 0755);
	mkdir(at("half/" STAMP ".modules"), 0755);
	r = take("half", proc_root, &logged);
	CHECK(r < 0 && count_lines(logged) == 1, "second rename fails: an error, one warning");
	CHECK(!exists("half/" STAMP ".ksyms") && entries("half") == 1,
	      "second rename fails: the .ksyms is removed again, no temporary");

	/* A directory where the snapshot goes: the rename fails, the
	 * temporary file is removed, one warning. */
	mkdir(at("blocked"), 0755);
	mkdir(at("blocked/" STAMP ".ksyms"), 0755);
	mkdir(at("blocked/" STAMP ".modules"), 0755);
	r = take("blocked", proc_root, &logged);
	CHECK(r < 0, "blocked names: an error");
	CHECK(count_lines(logged) == 1 && strstr(logged, "rename"),
	      "blocked names: one warning for both files");
	CHECK(entries("blocked") == 2, "blocked names: no temporary file left");
}

/* The manual asks for a directory owned by root with mode 755 or 700:
 * one that others can write to (or own) is warned about and not used. */
static void test_unsafe_directory(void)
{
	const char *logged;
	int r;

	mkdir(at("open"), 0755);
	chmod(at("open"), 0777);
	r = take("open", proc_root, &logged);
	CHECK(r == -EPERM && count_lines(logged) == 1 && strstr(logged, "warning: ") &&
	      strstr(logged, "writable"), "world-writable directory: one warning, an error");
	CHECK(entries("open") == 0, "world-writable directory: nothing written");

	mkdir(at("group"), 0775);
	chmod(at("group"), 0775);
	r = take("group", proc_root, &logged);
	CHECK(r == -EPERM && entries("group") == 0, "group-writable directory: not used");

	mkdir(at("users"), 0755);
	if (geteuid() != 0 || chown(at("users"), 1000, 1000) != 0) {
		printf("SKIP: a directory owned by another user (needs root)\n");
		return;
	}
	r = take("users", proc_root, &logged);
	CHECK(r == -EPERM && count_lines(logged) == 1 && strstr(logged, "owned"),
	      "directory owned by uid 1000: one warning, an error");
	CHECK(entries("users") == 0, "directory owned by uid 1000: nothing written");
}

static void test_now(void)
{
	DIR *d;
	struct dirent *e;
	int pairs = 0, others = 0;

	mkdir(at("now"), 0755);
	snapshot_take(at("now"), proc_root);
	d = opendir(at("now"));
	if (!d)
		die("opendir");
	while ((e = readdir(d)) != NULL) {
		size_t n = strspn(e->d_name, "0123456789");

		if (e->d_name[0] == '.')
			continue;
		if (n == 14 && (strcmp(e->d_name + n, ".ksyms") == 0 ||
				strcmp(e->d_name + n, ".modules") == 0))
			pairs++;
		else
			others++;
	}
	closedir(d);
	CHECK(pairs == 2 && others == 0,
	      "snapshot_take: a pair named YYYYMMDDhhmmss.ksyms/.modules");
}

int main(void)
{
	size_t i, len = 0, cap = 300000;

	snprintf(top, sizeof top, "%s/insmod-snapshot-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(top))
		die("mkdtemp");
	setenv("TZ", "UTC", 1);
	tzset();
	log_setup(LOG_TO_TERMINAL, 0, false);

	big = malloc(cap + 64);
	if (!big)
		die("malloc");
	big[0] = '\0';
	for (i = 0; len < cap; i++)
		len += (size_t)sprintf(big + len, "ffffffff%08zx t sym_%zu\n",
				       i * 16, i);
	mkdir(at("proc"), 0755);
	mkdir(at("proc/proc"), 0755);
	put("proc/proc/kallsyms", big);
	put("proc/proc/modules", modules);
	snprintf(proc_root, sizeof proc_root, "%s/proc", top);

	test_pair();
	test_planted_links();
	test_directory_is_link();
	test_missing_directory();
	test_failures();
	test_unsafe_directory();
	test_now();

	free(big);
	remove_tree(top);
	return CHECK_DONE();
}
