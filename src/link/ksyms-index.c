/* An index of a large kernel symbol file, kept between runs, so that a
 * dry run or probe reads the few lines its module's imports need instead
 * of the whole file (Debian's kallsyms and Module.symvers are 3.4 MB;
 * reading and scanning them was over half of a small module's dry run).
 *
 * Only for tables of up to KSYMS_INDEX_MAX_NAMES wanted names (most
 * modules): each name costs a few pread() calls, and for a module that
 * imports hundreds, reading the whole file is quicker.
 *
 * The index maps the hash of the name each line is kept for
 * (ksyms_line_key: what the line's parser looks up) to the line's offset.
 * The lines it names go through the same parser as a full read, so what
 * the table holds is the same: a name whose hash matches brings a few
 * lines the parser then turns away, and a line the index leaves out is one
 * the parser would have turned away too.  The file-wide fact a full read
 * notes on lines it skips (whether any __ksymtab_ entry is listed) is in
 * the header.
 *
 * One file per symbol file, CACHE/ksyms-HASH.idx (HASH of the file's
 * absolute path, as given), for a regular file of at least
 * KSYMS_INDEX_MIN_FILE bytes in kallsyms or Module.symvers format; CACHE
 * is $INSMOD_CACHE_DIR (empty: no index), else $XDG_CACHE_HOME/insmod,
 * else ~/.cache/insmod (when that directory is the user's own).  It records the file's identity (device, inode,
 * size, modification and change times to the nanosecond) and is used only
 * while all of them match; written after a full read, to a temporary name
 * then renamed.  Not for a file changed in the last KSYMS_INDEX_SETTLED
 * seconds: file systems keep times coarser than a nanosecond (a clock
 * tick; a second or two on some), and a file rewritten at the same size
 * within the tick its index recorded would look unchanged; once its
 * change time is that far behind the clock, any later change sets a later
 * one, which no one can set back.  It is read like any
 * input: owned by the user, not writable by others, every count and
 * offset checked, pread() only; anything wrong and the file is read whole
 * as before, and the index written again.  Native byte order: a cache of
 * this machine. */
#include "ksyms-int.h"
#include "log.h"
#include "readall.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define INDEX_MAGIC "insmodKI"
#define INDEX_VERSION 2u	/* 2: the bucket hash is 64-bit FNV-1a, cut to 32 */
/* Lines one name may bring (a static function's name repeats in
 * kallsyms, a hash collision adds a few): more means a damaged index. */
#define INDEX_MAX_BUCKET 4096u
#define INDEX_MAX_LINE 4096u

struct index_header {
	char magic[8];
	uint32_t version, format, have_ksymtab, nbuckets, nentries, reserved;
	uint64_t dev, ino, size;
	int64_t mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
};

/* FNV-1a over N bytes, from H: fixed here, whatever the table's own hash
 * becomes (an index's buckets depend on it). */
#define FNV_START 14695981039346656037ull
static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
	return h;
}

static uint32_t key_hash(const char *s, size_t n)
{
	return (uint32_t)fnv1a(FNV_START, s, n);
}

/* Whether the directory at PATH belongs to the user insmod runs as.  Not
 * so for a HOME that sudo kept: root's index there would be a file the
 * user could neither use nor remove. */
static bool owned_by_me(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid();
}

/* The cache directory in DIR; *MINE when insmod chose it (and may create
 * it), not INSMOD_CACHE_DIR.  False when there is none. */
static bool cache_dir(char *dir, size_t cap, bool *mine)
{
	const char *env = getenv("INSMOD_CACHE_DIR"), *base;
	int n;

	*mine = !env;
	if (env)
		n = snprintf(dir, cap, "%s", env);
	else if ((base = getenv("XDG_CACHE_HOME")) && base[0] == '/' && owned_by_me(base))
		n = snprintf(dir, cap, "%s/insmod", base);
	else if ((base = getenv("HOME")) && base[0] == '/' && owned_by_me(base))
		n = snprintf(dir, cap, "%s/.cache/insmod", base);
	else
		return false;
	return n > 0 && (size_t)n < cap && dir[0] == '/';
}

/* The index's path for the symbol file at FILE, or false when there is
 * no cache.  Named after the file's absolute path, so that a file
 * replaced at the same place (a kernel rebuilt) replaces its index rather
 * than leave one more behind. */
static bool index_path(const char *file, char *out, size_t cap, bool make_dir)
{
	char dir[PATH_MAX], cwd[PATH_MAX];
	uint64_t h = FNV_START;
	bool mine;
	int n;

	if (!cache_dir(dir, sizeof(dir), &mine))
		return false;
	if (file[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd)))
			return false;
		h = fnv1a(fnv1a(h, cwd, strlen(cwd)), "/", 1);
	}
	h = fnv1a(h, file, strlen(file));
	if (make_dir && mine && mkdir(dir, 0700) < 0 && errno == ENOENT) {
		/* ~/.cache itself may be missing */
		char *slash = strrchr(dir, '/');

		*slash = '\0';
		mkdir(dir, 0700);
		*slash = '/';
		mkdir(dir, 0700);
	}
	n = snprintf(out, cap, "%s/ksyms-%016llx.idx", dir, (unsigned long long)h);
	return n > 0 && (size_t)n < cap;
}

static void identity(struct index_header *h, const struct stat *st)
{
	h->dev = (uint64_t)st->st_dev;
	h->ino = (uint64_t)st->st_ino;
	h->size = (uint64_t)st->st_size;
	h->mtime_sec = (int64_t)st->st_mtim.tv_sec;
	h->mtime_nsec = (int64_t)st->st_mtim.tv_nsec;
	h->ctime_sec = (int64_t)st->st_ctim.tv_sec;
	h->ctime_nsec = (int64_t)st->st_ctim.tv_nsec;
}

/* Whether the index of header H was made from the file of status ST. */
static bool describes(const struct index_header *h, const struct stat *st)
{
	struct index_header now;

	identity(&now, st);
	return h->dev == now.dev && h->ino == now.ino && h->size == now.size &&
	       h->mtime_sec == now.mtime_sec && h->mtime_nsec == now.mtime_nsec &&
	       h->ctime_sec == now.ctime_sec && h->ctime_nsec == now.ctime_nsec;
}

static bool read_at(int fd, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

/* ---- reading ---- */

/* An open index that belongs to the user and describes the file FILE
 * of status ST, its header in *H; or -1. */
static int open_index(const char *file, const struct stat *st, struct index_header *h)
{
	struct stat ist;
	char path[PATH_MAX];
	int fd;

	if (!index_path(file, path, sizeof(path), false))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, &ist) < 0 || !S_ISREG(ist.st_mode) || ist.st_uid != geteuid() ||
	    (ist.st_mode & 022) || !read_at(fd, h, sizeof(*h), 0) ||
	    memcmp(h->magic, INDEX_MAGIC, 8) != 0 || h->version != INDEX_VERSION ||
	    (h->format != KSYMS_KALLSYMS && h->format != KSYMS_SYMVERS) || !describes(h, st) ||
	    h->nbuckets == 0 || (h->nbuckets & (h->nbuckets - 1)) || h->nbuckets > (1u << 24) ||
	    h->nentries > h->size ||
	    (uint64_t)ist.st_size != sizeof(*h) + 4 * ((uint64_t)h->nbuckets + 1 + h->nentries)) {
		close(fd);
		return -1;
	}
	return fd;
}

struct offsets {
	uint32_t *v;
	size_t n, cap;
};

/* Appends the offsets of the lines kept for name: false when the index
 * contradicts itself. */
static bool add_lines_of(int ifd, const struct index_header *h, const char *name, size_t len,
			 struct offsets *o)
{
	uint32_t b = key_hash(name, len) & (h->nbuckets - 1), range[2];
	size_t n;

	if (!read_at(ifd, range, sizeof(range), sizeof(*h) + 4 * (uint64_t)b) ||
	    range[0] > range[1] || range[1] > h->nentries || range[1] - range[0] > INDEX_MAX_BUCKET)
		return false;
	n = range[1] - range[0];
	if (o->n + n > o->cap) {
		size_t cap = (o->n + n) * 2;
		uint32_t *v = realloc(o->v, cap * sizeof(*v));

		if (!v)
			return false;
		o->v = v;
		o->cap = cap;
	}
	if (n && !read_at(ifd, o->v + o->n, n * 4, sizeof(*h) + 4 * ((uint64_t)h->nbuckets + 1 + range[0])))
		return false;
	for (size_t i = 0; i < n; i++)
		if (o->v[o->n + i] >= h->size)
			return false;
	o->n += n;
	return true;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts the offsets and drops repeats (names that share a bucket). */
static void sort_unique(struct offsets *o)
{
	size_t n = 0;

	if (o->n == 0)
		return;	/* (o->v may be NULL, which qsort may not be given) */
	qsort(o->v, o->n, sizeof(*o->v), cmp_u32);
	for (size_t i = 0; i < o->n; i++)
		if (n == 0 || o->v[i] != o->v[n - 1])
			o->v[n++] = o->v[i];
	o->n = n;
}

/* Reads the line at OFF of the file of SIZE bytes to the end of *b (of
 * *cap bytes, *used in use), newline included: a short read first, as
 * lines are short, then up to INDEX_MAX_LINE.  False when it cannot (the
 * index is written only for files whose lines are all shorter). */
static bool read_line_at(int fd, uint64_t size, uint32_t off, char **b, size_t *cap, size_t *used)
{
	for (size_t want = 256;; want = INDEX_MAX_LINE) {
		size_t n = size - off < want ? (size_t)(size - off) : want;
		char *nl;

		if (*used + n > *cap) {
			size_t c = (*used + n) * 2;
			char *nb = realloc(*b, c);

			if (!nb)
				return false;
			*b = nb;
			*cap = c;
		}
		if (!read_at(fd, *b + *used, n, off))
			return false;
		nl = memchr(*b + *used, '\n', n);
		if (nl || off + n == size) {
			*used = nl ? (size_t)(nl - *b) + 1 : *used + n;
			return true;
		}
		if (want == INDEX_MAX_LINE)
			return false;
	}
}

/* The lines at the offsets, one after another in *buf. */
static bool read_lines(int fd, uint64_t size, const struct offsets *o, char **buf, size_t *len)
{
	size_t cap = o->n * 128 + 1, used = 0;
	char *b = malloc(cap);

	for (size_t i = 0; b && i < o->n; i++) {
		if (!read_line_at(fd, size, o->v[i], &b, &cap, &used)) {
			free(b);
			return false;
		}
	}
	*buf = b;
	*len = used;
	return b != NULL;
}

/* The lines the wanted names need, read: 0, or KSYMS_INDEX_NONE /
 * KSYMS_INDEX_UNUSABLE with nothing read. */
static int lines_for_wanted(const struct ksym_table *t, const char *file, int fd,
			    const struct stat *st, enum ksym_format *format,
			    bool *have_ksymtab, char **lines, size_t *len, size_t *nlines)
{
	struct index_header h;
	struct offsets o = { NULL, 0, 0 };
	int ifd = open_index(file, st, &h), r = KSYMS_INDEX_UNUSABLE;

	if (ifd < 0)
		return KSYMS_INDEX_NONE;
	for (size_t i = 0; i < t->nsyms; i++)
		if (!add_lines_of(ifd, &h, t->syms[i].name, t->syms[i].name_len, &o))
			goto out;
	sort_unique(&o);
	*lines = NULL;
	*len = 0;
	if (o.n && !read_lines(fd, h.size, &o, lines, len))
		goto out;
	*format = (enum ksym_format)h.format;
	*have_ksymtab = h.have_ksymtab != 0;
	*nlines = o.n;
	r = 0;
out:
	free(o.v);
	close(ifd);
	return r;
}

int ksyms_index_read(struct ksym_table *t, struct ksym_file *f, int fd, const struct stat *st)
{
	enum ksym_format format;
	bool have_ksymtab;
	char *lines;
	size_t len, n;
	int r = lines_for_wanted(t, f->path, fd, st, &format, &have_ksymtab, &lines, &len, &n);

	if (r)
		return r;
	log_verbose("%s: %zu lines read through its index", f->path, n);
	f->format = format;
	r = ksyms_start_format(t, f);
	if (have_ksymtab)
		t->have_ksymtab = true;
	if (!r && len)
		r = ksyms_parse_range(t, format, lines, lines + len);
	if (!r && len)
		r = ksyms_keep_strings(t, lines, lines + len);
	free(lines);
	return r;
}

/* ---- writing ---- */

struct built_index {
	struct index_header h;
	uint32_t *buckets;	/* nbuckets + 1 starts into entries */
	uint32_t *entries;	/* line offsets, bucket by bucket, in file order */
};

/* Counts the lines of [p, end): a bound on the entries. */
static size_t count_lines(const char *p, const char *end)
{
	size_t n = 1;

	for (const char *nl; (nl = memchr(p, '\n', (size_t)(end - p))) != NULL; p = nl + 1)
		n++;
	return n;
}

/* Each kept line's bucket and offset, in file order, and the size of
 * each bucket (in buckets[1..]).  False when a line is too long to be
 * read back through the index. */
static bool scan_lines(struct built_index *b, enum ksym_format format, const char *data,
		       size_t size, uint32_t *bucket_of)
{
	const char *end = data + size, *key, *next;
	uint32_t mask = b->h.nbuckets - 1, n = 0;
	size_t len;
	bool ksymtab;

	for (const char *p = data; p < end; p = next) {
		bool kept = ksyms_line_key(format, p, end, &key, &len, &ksymtab, &next);

		if (next <= p || (size_t)(next - p) >= INDEX_MAX_LINE)
			return false;
		b->h.have_ksymtab |= ksymtab;
		if (!kept)
			continue;
		bucket_of[n] = key_hash(key, len) & mask;
		b->entries[n++] = (uint32_t)(p - data);
		b->buckets[bucket_of[n - 1] + 1]++;
	}
	b->h.nentries = n;
	return true;
}

/* The offsets put bucket by bucket, each bucket's in file order (a
 * stable counting sort); buckets[] becomes their starts. */
static bool sort_by_bucket(struct built_index *b, const uint32_t *bucket_of)
{
	uint32_t nb = b->h.nbuckets, n = b->h.nentries;
	uint32_t *sorted = malloc((n ? n : 1) * sizeof(uint32_t)), *at = calloc(nb, sizeof(uint32_t));

	if (!sorted || !at) {
		free(sorted);
		free(at);
		return false;
	}
	for (uint32_t i = 0; i < nb; i++)
		b->buckets[i + 1] += b->buckets[i];
	for (uint32_t i = 0; i < n; i++)
		sorted[b->buckets[bucket_of[i]] + at[bucket_of[i]]++] = b->entries[i];
	free(at);
	free(b->entries);
	b->entries = sorted;
	return true;
}

/* The index of the file's SIZE bytes at DATA, in format FORMAT. */
static bool build(struct built_index *b, enum ksym_format format, const char *data, size_t size)
{
	size_t lines = count_lines(data, data + size), nb = 1024;
	uint32_t *bucket_of;
	bool ok;

	while (nb < lines)
		nb *= 2;
	b->h.nbuckets = (uint32_t)nb;
	b->buckets = calloc(nb + 1, sizeof(uint32_t));
	b->entries = malloc(lines * sizeof(uint32_t));
	bucket_of = malloc(lines * sizeof(uint32_t));
	ok = b->buckets && b->entries && bucket_of && scan_lines(b, format, data, size, bucket_of) &&
	     sort_by_bucket(b, bucket_of);
	free(bucket_of);
	return ok;
}

/* Writes the index beside nothing else in the cache: a temporary name,
 * then renamed over PATH. */
static void save(const struct built_index *b, const char *path)
{
	char tmp[PATH_MAX + 16];
	int fd;
	bool ok;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp))
		return;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		log_verbose("%s: cannot write the symbol file's index: %s", tmp, strerror(errno));
		return;
	}
	ok = write_all(fd, &b->h, sizeof(b->h)) == 0 &&
	     write_all(fd, b->buckets, ((size_t)b->h.nbuckets + 1) * 4) == 0 &&
	     write_all(fd, b->entries, (size_t)b->h.nentries * 4) == 0;
	if (close(fd) < 0)
		ok = false;
	if (!ok || rename(tmp, path) < 0) {
		log_verbose("%s: cannot write the symbol file's index", path);
		unlink(tmp);
	}
}

/* Has the file of ST been left alone long enough to be indexed? */
static bool settled(const struct stat *st)
{
	struct timespec now;

	if (clock_gettime(CLOCK_REALTIME, &now) < 0)
		return false;
	return now.tv_sec - st->st_ctim.tv_sec >= KSYMS_INDEX_SETTLED &&
	       now.tv_sec - st->st_mtim.tv_sec >= KSYMS_INDEX_SETTLED;
}

void ksyms_index_write(const struct ksym_file *f, int fd, const struct stat *before)
{
	enum ksym_format format = f->format;
	size_t size = (size_t)before->st_size;
	struct built_index b;
	struct stat after;
	char path[PATH_MAX];
	uint8_t *data;

	if ((format != KSYMS_KALLSYMS && format != KSYMS_SYMVERS) || size < KSYMS_INDEX_MIN_FILE ||
	    size > UINT32_MAX)
		return;
	if (!settled(before)) {
		log_verbose("%s: changed in the last %d seconds; not indexed yet", f->path, KSYMS_INDEX_SETTLED);
		return;
	}
	if (!index_path(f->path, path, sizeof(path), true) || read_regular_whole(fd, size, &data) != 0)
		return;
	memset(&b, 0, sizeof(b));
	memcpy(b.h.magic, INDEX_MAGIC, 8);
	b.h.version = INDEX_VERSION;
	b.h.format = (uint32_t)format;
	identity(&b.h, before);
	/* the file as it was when opened, through both reads, or no index */
	if (build(&b, format, (const char *)data, size) && fstat(fd, &after) == 0 && describes(&b.h, &after))
		save(&b, path);
	free(b.buckets);
	free(b.entries);
	free(data);
}
