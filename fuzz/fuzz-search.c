/* Fuzz target 4: the configuration file and MODPATH parser of the module
 * search (search.c), through module_search() itself.
 *
 * Input: one flags byte (bits 0-1: how the configuration file is found:
 * 0 $MODULECONF, 1 $MODULECONFIG, 2 ROOT/etc/modules.conf, 3
 * ROOT/etc/conf.modules), then three lines: the module argument, the
 * kernel release, and $MODPATH ("-" leaves it unset); the rest of the
 * input is the configuration file, held in a memfd that every one of the
 * four names leads to.
 *
 * ROOT is a small fixed tree made once per process (module files,
 * modules.dep, a directory symlink loop, a dangling symlink).  The binary
 * is linked with copies of search.o, search-conf.o and suggest.o whose
 * opendir(), glob(), fopen(), stat() and lstat() calls go to the fuzz_
 * functions here (fuzz.mk): paths and glob patterns outside ROOT (or with
 * a ".." component, or relative) find nothing, so that a fuzzed path line
 * that globs from "/" neither globs nor reads this machine's file system:
 * what an input does is the same on every machine (and see fuzz_glob for
 * the patterns).
 * check_sandbox() stops the target at start-up if one of those calls
 * escapes, as glob() did once search-conf.c was split from search.c.
 * The parser sees every input unchanged. */
#include "fuzz-common.h"

#include <dirent.h>
#include <glob.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "search.h"

#define REL "6.1.0-56-amd64"

DIR *fuzz_opendir(const char *name);
int fuzz_glob(const char *pattern, int flags, int (*errfunc)(const char *, int), glob_t *g);
FILE *fuzz_fopen(const char *path, const char *mode);
int fuzz_stat(const char *path, struct stat *st);
int fuzz_lstat(const char *path, struct stat *st);

static char base[PATH_MAX], roots[3][PATH_MAX], conf_path[64];
static int conf_fd;

/* Calls that reached the sandbox, per function: check_sandbox() wants
 * each of them seen. */
enum { S_OPENDIR, S_GLOB, S_FOPEN, S_STAT, S_LSTAT, N_SANDBOXED };
static const char *const sandboxed_name[N_SANDBOXED] = {
	"opendir", "glob", "fopen", "stat", "lstat",
};
static unsigned long sandbox_calls[N_SANDBOXED];

/* Inside the private tree, with no way out through "..". */
static bool allowed(const char *path)
{
	size_t n = strlen(base);

	return strncmp(path, base, n) == 0 && (path[n] == '/' || path[n] == '\0') &&
	       !strstr(path, "/..");
}

/* Counts a call to the sandboxed function WHICH; whether PATH may be
 * looked at (errno ENOENT when not). */
static bool let_through(int which, const char *path)
{
	sandbox_calls[which]++;
	if (allowed(path) || (which == S_FOPEN && strcmp(path, conf_path) == 0))
		return true;
	errno = ENOENT;
	return false;
}

DIR *fuzz_opendir(const char *name)
{
	return let_through(S_OPENDIR, name) ? opendir(name) : NULL;
}

/* Patterns are held to the tree too: no component may start with a dot or
 * a backslash (".?" and an escaped ".." match ".."), and at most three components may
 * hold wildcards (the tree has a directory symlink loop, through which
 * "* / * / * / ..." would multiply without end). */
int fuzz_glob(const char *pattern, int flags, int (*errfunc)(const char *, int), glob_t *g)
{
	int wild = 0;

	sandbox_calls[S_GLOB]++;
	if (!allowed(pattern) || strstr(pattern, "/.") || strstr(pattern, "/\\"))
		return GLOB_NOMATCH;
	for (const char *c = pattern; c; c = strchr(c + 1, '/')) {
		size_t n = strcspn(c + 1, "/");

		if (memchr(c + 1, '*', n) || memchr(c + 1, '?', n) || memchr(c + 1, '[', n))
			wild++;
	}
	if (wild > 3)
		return GLOB_NOMATCH;
	return glob(pattern, flags, errfunc, g);
}

/* The configuration file is read through its memfd's /proc name too. */
FILE *fuzz_fopen(const char *path, const char *mode)
{
	return let_through(S_FOPEN, path) ? fopen(path, mode) : NULL;
}

int fuzz_stat(const char *path, struct stat *st)
{
	return let_through(S_STAT, path) ? stat(path, st) : -1;
}

int fuzz_lstat(const char *path, struct stat *st)
{
	return let_through(S_LSTAT, path) ? lstat(path, st) : -1;
}

static void put(const char *root, const char *rel, const char *text)
{
	char path[PATH_MAX], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static void link_at(const char *root, const char *rel, const char *target)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (symlink(target, path) < 0) {
		perror(path);
		exit(1);
	}
}

static void remove_tree(void)
{
	char cmd[PATH_MAX + 16];

	if (!base[0] || strncmp(base, "/", 1) != 0 || !strstr(base, "insmod-fuzz-search."))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz-search: could not remove %s\n", base);
}

/* One search that makes each sandboxed call at least once (the
 * configuration file read and globbed, a directory's modules.dep read and
 * walked, a name looked for): a call that never reached its fuzz_
 * function went to the real one, from an object fuzz.mk does not
 * sandbox.  lstat() is left out: the walk calls it only where readdir()
 * gives no file type, which tmpfs and ext4 always give. */
static void check_sandbox(void)
{
	static const char conf_fmt[] = "path=%s/r0/m?ds\n";
	char conf[PATH_MAX + sizeof(conf_fmt)];
	struct search_result res;
	int n = snprintf(conf, sizeof(conf), conf_fmt, base);

	fuzz_memfd_set(conf_fd, conf, (size_t)n);
	setenv("MODULECONF", conf_path, 1);
	unsetenv("MODULECONFIG");
	unsetenv("MODPATH");
	if (module_search("no-such-module", REL, roots[0], &res) == 0)
		search_result_release(&res);
	for (int i = 0; i < N_SANDBOXED; i++) {
		if (i == S_LSTAT || sandbox_calls[i])
			continue;
		fprintf(stderr, "fuzz-search: the search's %s() calls do not reach fuzz_%s(): "
			"its object is missing from FUZZ_SANDBOX_search in fuzz/fuzz.mk\n",
			sandboxed_name[i], sandboxed_name[i]);
		exit(1);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	const char *m = roots[0];

	(void)argc;
	(void)argv;
	fuzz_log_setup();
	snprintf(base, sizeof(base), "%s/insmod-fuzz-search.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(base)) {
		perror("fuzz-search: mkdtemp");
		exit(1);
	}
	atexit(remove_tree);
	conf_fd = fuzz_memfd("modules.conf", conf_path, sizeof(conf_path));
	for (int i = 0; i < 3; i++) {
		snprintf(roots[i], sizeof(roots[i]), "%s/r%d", base, i);
		mkdir(roots[i], 0755);
	}
	put(m, "lib/modules/" REL "/kernel/drivers/net/dummy.ko", "x");
	put(m, "lib/modules/" REL "/kernel/fs/ext4/ext4.ko.xz", "x");
	put(m, "lib/modules/" REL "/kernel/drivers/misc/a_b.ko.zst", "x");
	put(m, "lib/modules/" REL "/extra/my-mod.ko", "x");
	put(m, "lib/modules/" REL "/updates/dkms/my_mod.ko.gz", "x");
	put(m, "lib/modules/" REL "/modules.dep",
	    "kernel/drivers/net/dummy.ko:\n"
	    "kernel/fs/ext4/ext4.ko.xz: kernel/lib/crc16.ko.xz\n"
	    "\tcontinued.ko\n"
	    "# comment\n"
	    "kernel/missing/gone.ko:\n"
	    "/absolute/elsewhere/abs.ko:\n");
	put(m, "lib/modules/6.1/old.o", "x");
	put(m, "lib/modules/boot/bootmod.ko", "x");
	put(m, "mods/a-b.ko", "x");
	put(m, "mods/sub/deep/er/x.o.gz", "x");
	put(m, "mods/sub/dummy.ko", "x");
	mkdir(strcat(strcpy((char[PATH_MAX]){ 0 }, m), "/mods/dir.ko"), 0755);
	link_at(m, "lib/modules/" REL "/kernel/loop", ".");
	link_at(m, "lib/modules/" REL "/kernel/dangling.ko", "nowhere.ko");
	link_at(m, "mods/link.ko", "a-b.ko");
	/* the same tree under roots 1 and 2, which hold the configuration
	 * file under its two default names */
	link_at(roots[1], "lib", "../r0/lib");
	link_at(roots[1], "mods", "../r0/mods");
	link_at(roots[2], "lib", "../r0/lib");
	link_at(roots[2], "mods", "../r0/mods");
	mkdir(strcat(strcpy((char[PATH_MAX]){ 0 }, roots[1]), "/etc"), 0755);
	mkdir(strcat(strcpy((char[PATH_MAX]){ 0 }, roots[2]), "/etc"), 0755);
	link_at(roots[1], "etc/modules.conf", conf_path);
	link_at(roots[2], "etc/conf.modules", conf_path);
	check_sandbox();
	return 0;
}

/* The next line of [*p, end) as a NUL-terminated copy (a NUL byte ends
 * it early, as in an environment string or argv). */
static char *take_line(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t len = (size_t)((nl ? nl : end) - *p);
	char *s = fuzz_copy(*p, strnlen((const char *)*p, len), 1);

	*p = nl ? nl + 1 : end;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data + 1, *end = data + size;
	struct search_result res;
	const char *root = roots[0];
	char *arg, *release, *modpath;
	int how, r;

	if (size < 1)
		return 0;
	how = data[0] & 3;
	arg = take_line(&p, end);
	release = take_line(&p, end);
	modpath = take_line(&p, end);
	fuzz_memfd_set(conf_fd, p, (size_t)(end - p));

	unsetenv("MODULECONF");
	unsetenv("MODULECONFIG");
	if (how == 0)
		setenv("MODULECONF", conf_path, 1);
	else if (how == 1)
		setenv("MODULECONFIG", conf_path, 1);
	else
		root = roots[how - 1];
	if (strcmp(modpath, "-") == 0)
		unsetenv("MODPATH");
	else
		setenv("MODPATH", modpath, 1);

	r = module_search(arg, release, root, &res);
	if (r == 0) {
		struct stat st;

		FUZZ_ASSERT(res.path && *res.path);
		if (res.searched)
			FUZZ_ASSERT(stat(res.path, &st) == 0 && S_ISREG(st.st_mode));
		else
			FUZZ_ASSERT(strcmp(res.path, arg) == 0);
		search_result_release(&res);
	} else {
		FUZZ_ASSERT(r == -ENOENT || r == -EINVAL);
		FUZZ_ASSERT(res.path == NULL);
	}
	free(arg);
	free(release);
	free(modpath);
	return 0;
}
