/* Fuzz target 5: every kernel symbol file format (ksyms.c): /proc/kallsyms
 * and System.map, the old /proc/ksyms, Module.symvers, each recognised by
 * content, and the merging of several files into one table.
 *
 * Input: one flags byte (bit 1: the rest holds two files separated by the
 * line "--8<--"; bit 2: the filtered read takes pieces of 1 to 32 bytes,
 * the flags byte's top five bits plus one, instead of 256 KiB; bit 0: the
 * filtered read gets each file through a pipe, which cannot be mapped, as
 * /proc/kallsyms cannot), then the file contents.  Each file is put in a
 * memfd and read through ksyms_load_file() by its /proc/self/fd path.
 *
 * Every input is read twice: whole, and filtered to wanted names (a fixed
 * list and names taken from the input) as the linker reads it, with its
 * prefilter and fast line paths, piece by piece, keeping nothing of the
 * files.  For each wanted name, both tables must say the same: flags,
 * address, CRC, owner and namespace.  When the files are not read through
 * pipes, the filtered read also writes their index (ksyms-index.c: the
 * fuzz build indexes files of any size, however new), and a third read,
 * filtered, goes through it: it too must say what the whole read says.
 * The index directory is emptied before each input.
 *
 * ksyms.c reads a regular file into a heap buffer of exactly its size (it
 * maps nothing), so the sanitizer sees a parser reading one byte past the
 * end of a file. */
#include "fuzz-common.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>

#include "ksyms.h"

#define SPLIT "\n--8<--\n"
#define MAX_TOKENS 16

static int memfds[2];
static char paths[2][64], index_dir[PATH_MAX];

/* Removes the indexes of the input before. */
static void empty_index_dir(void)
{
	DIR *d = opendir(index_dir);
	struct dirent *e;

	if (!d)
		abort();
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

static void remove_index_dir(void)
{
	empty_index_dir();
	rmdir(index_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	fuzz_log_setup();
	snprintf(index_dir, sizeof(index_dir), "%s/insmod-fuzz-ksyms.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(index_dir)) {
		perror("fuzz-ksyms: mkdtemp");
		exit(1);
	}
	atexit(remove_index_dir);
	setenv("INSMOD_CACHE_DIR", index_dir, 1);
	memfds[0] = fuzz_memfd("ksyms-a", paths[0], sizeof(paths[0]));
	memfds[1] = fuzz_memfd("ksyms-b", paths[1], sizeof(paths[1]));
	return 0;
}

static const char *const fixed_names[] = {
	"module_layout", "printk", "_printk", "jiffies", "__fentry__", "memcpy",
	"phys_base", "dummy_fn", "init_uts_ns", "snd_card_new",
};

/* Does p point into one of the files read (or a wanted name)? */
static bool from_input(const struct ksym_table *t, const char *p, size_t n,
		       char tokens[][64], size_t ntok)
{
	for (size_t i = 0; i < t->nfiles; i++) {
		const char *m = t->files[i].map;

		if (m && p >= m && p <= m + t->files[i].size && n <= (size_t)(m + t->files[i].size - p))
			return true;
	}
	for (const struct ksym_arena *a = t->arena; a; a = a->next)
		if (p >= a->data && p <= a->data + a->used && n <= (size_t)(a->data + a->used - p))
			return true;
	for (size_t i = 0; i < sizeof(fixed_names) / sizeof(fixed_names[0]); i++)
		if (p == fixed_names[i] && n == strlen(p))
			return true;
	for (size_t i = 0; i < ntok; i++)
		if (p == tokens[i] && n == strlen(p))
			return true;
	return false;
}

/* Up to MAX_TOKENS names to look up: the third field of lines, and the
 * second, as the formats put names there. */
static size_t pick_tokens(const uint8_t *p, size_t size, char tokens[][64])
{
	size_t n = 0, field = 0, start = 0;

	for (size_t i = 0; i <= size && n < MAX_TOKENS; i++) {
		bool sep = i == size || p[i] == ' ' || p[i] == '\t' || p[i] == '\n';

		if (!sep)
			continue;
		if (i > start && (field == 1 || field == 2) && i - start < 64) {
			memcpy(tokens[n], p + start, i - start);
			tokens[n][i - start] = '\0';
			if (strlen(tokens[n]))
				n++;
			if (n && n < MAX_TOKENS && !strncmp(tokens[n - 1], "__ksymtab_", 10) &&
			    tokens[n - 1][10]) {
				strcpy(tokens[n], tokens[n - 1] + 10);
				n++;
			}
		}
		field = i < size && p[i] == '\n' ? 0 : field + 1;
		start = i + 1;
	}
	return n;
}

/* Loads the memfds into t, filtered to the wanted names or not. */
static int load(struct ksym_table *t, bool filter, char files[][64], size_t nfiles,
		char tokens[][64], size_t ntok, size_t piece_size)
{
	int r = 0;

	ksyms_init(t);
	t->piece_size = piece_size;
	if (filter) {
		for (size_t i = 0; i < sizeof(fixed_names) / sizeof(fixed_names[0]) && !r; i++)
			r = ksyms_want(t, fixed_names[i]);
		for (size_t i = 0; i < ntok && !r; i++)
			r = ksyms_want(t, tokens[i]);
		FUZZ_ASSERT(r == 0);
		ksyms_filter(t);
	}
	for (size_t i = 0; i < nfiles && !r; i++)
		r = ksyms_load_file(t, files[i]);
	FUZZ_ASSERT(r == 0 || r == -EINVAL);
	ksyms_finish(t);
	return r;
}

static void check_table(const struct ksym_table *t, char tokens[][64], size_t ntok)
{
	FUZZ_ASSERT(t->nsyms <= t->cap && (t->nbuckets & (t->nbuckets - 1)) == 0);
	FUZZ_ASSERT(t->nbuckets == 0 || t->nsyms * 2 <= t->nbuckets);
	for (size_t i = 0; i < t->nsyms; i++) {
		const struct ksym *k = &t->syms[i];

		FUZZ_ASSERT(k->name_len > 0);
		FUZZ_ASSERT(from_input(t, k->name, k->name_len, tokens, ntok));
		FUZZ_ASSERT(ksyms_lookup_n(t, k->name, k->name_len) == k);
		if (k->ns)
			FUZZ_ASSERT(from_input(t, k->ns, k->ns_len, tokens, ntok));
		if (k->owner)
			FUZZ_ASSERT(from_input(t, k->owner, k->owner_len, tokens, ntok));
		FUZZ_ASSERT(!memchr(k->name, '\n', k->name_len));
	}
	for (size_t i = 0; i < ntok; i++) {
		const struct ksym *k = ksyms_lookup(t, tokens[i]);

		if (k)
			FUZZ_ASSERT(k->name_len == strlen(tokens[i]) &&
				    memcmp(k->name, tokens[i], k->name_len) == 0);
	}
	if (t->addresses_hidden)
		FUZZ_ASSERT(t->have_addresses && !t->nonzero_address);
}

static bool same_text(const char *a, uint32_t alen, const char *b, uint32_t blen)
{
	if (!a || !b)
		return !a && !b;
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* What the filtered table (the linker's, with its fast paths) says about a
 * wanted name must be what reading every line says. */
static void compare(const struct ksym_table *all, const struct ksym_table *some, const char *name)
{
	const struct ksym *a = ksyms_lookup(all, name), *b = ksyms_lookup(some, name);
	const uint32_t mask = ~(uint32_t)KSYM_EXPORTED;

	FUZZ_ASSERT(b);
	if (!a) {
		FUZZ_ASSERT((b->flags & mask) == 0);
		return;
	}
	FUZZ_ASSERT((a->flags & mask) == (b->flags & mask));
	if (a->flags & KSYM_HAS_ADDR)
		FUZZ_ASSERT(a->addr == b->addr);
	if (a->flags & KSYM_HAS_CRC)
		FUZZ_ASSERT(a->crc == b->crc);
	FUZZ_ASSERT(same_text(a->owner, a->owner_len, b->owner, b->owner_len));
	FUZZ_ASSERT(same_text(a->ns, a->ns_len, b->ns, b->ns_len));
}

/* Pipes holding what the memfds hold, for a read that cannot map; false
 * when a file does not fit in a pipe (then the memfds are read). */
static bool through_pipes(size_t nfiles, char path[][64], int *fd)
{
	for (size_t i = 0; i < nfiles; i++) {
		char buf[65536];
		ssize_t n = pread(memfds[i], buf, sizeof(buf), 0);
		int ends[2];
		bool ok;

		if (n < 0 || n == (ssize_t)sizeof(buf) || pipe2(ends, O_CLOEXEC | O_NONBLOCK) < 0)
			ok = false;
		else {
			ok = write(ends[1], buf, (size_t)n) == n;
			close(ends[1]);
			fd[i] = ends[0];
			snprintf(path[i], 64, "/proc/self/fd/%d", ends[0]);
		}
		if (!ok) {
			while (i-- > 0)
				close(fd[i]);
			return false;
		}
	}
	return true;
}

/* The filtered table SOME against the whole one, ALL (name by name when
 * the files were read without error: LOADED). */
static void check_filtered(const struct ksym_table *all, const struct ksym_table *some,
			   char tokens[][64], size_t ntok, bool loaded)
{
	check_table(all, tokens, ntok);
	check_table(some, tokens, ntok);
	for (size_t i = 0; loaded && i < sizeof(fixed_names) / sizeof(fixed_names[0]); i++)
		compare(all, some, fixed_names[i]);
	for (size_t i = 0; loaded && i < ntok; i++)
		compare(all, some, tokens[i]);
	/* a filtered table keeps nothing of its files once read */
	for (size_t i = 0; i < some->nfiles; i++)
		FUZZ_ASSERT(!some->files[i].map);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char tokens[MAX_TOKENS][64];
	struct ksym_table all, some;
	const uint8_t *body, *split = NULL;
	size_t blen, ntok, nfiles = 1, piece;
	char pipe_paths[2][64];
	int ra, rs, pipe_fds[2];
	bool indexed = false;

	if (size < 1)
		return 0;
	body = data + 1;
	blen = size - 1;
	piece = data[0] & 4 ? 1u + (data[0] >> 3) : KSYMS_PIECE_SIZE;
	if (data[0] & 2)
		split = memmem(body, blen, SPLIT, strlen(SPLIT));
	if (split) {
		fuzz_memfd_set(memfds[0], body, (size_t)(split - body) + 1);
		fuzz_memfd_set(memfds[1], split + strlen(SPLIT),
			       blen - (size_t)(split - body) - strlen(SPLIT));
		nfiles = 2;
	} else {
		fuzz_memfd_set(memfds[0], body, blen);
	}
	ntok = pick_tokens(body, blen, tokens);

	empty_index_dir();
	ra = load(&all, false, paths, nfiles, tokens, ntok, piece);
	if ((data[0] & 1) && through_pipes(nfiles, pipe_paths, pipe_fds)) {
		rs = load(&some, true, pipe_paths, nfiles, tokens, ntok, piece);
		for (size_t i = 0; i < nfiles; i++)
			close(pipe_fds[i]);
	} else {
		rs = load(&some, true, paths, nfiles, tokens, ntok, piece);
		indexed = true;
	}
	FUZZ_ASSERT(ra == rs);
	check_filtered(&all, &some, tokens, ntok, ra == 0);
	if (indexed) {
		struct ksym_table through_index;

		FUZZ_ASSERT(load(&through_index, true, paths, nfiles, tokens, ntok, piece) == ra);
		check_filtered(&all, &through_index, tokens, ntok, ra == 0);
		ksyms_release(&through_index);
	}
	ksyms_release(&all);
	ksyms_release(&some);
	return 0;
}
