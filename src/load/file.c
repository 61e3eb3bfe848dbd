/* Opening, mapping and decompressing module files.  The formats are the
 * kernel's own (gzip, xz, zstd), recognised by their magic bytes, never by
 * the file name; the work is done by zlib, liblzma and libzstd. */
#include "file.h"
#include "dlib.h"
#include "log.h"
#include "readall.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef HAVE_LZMA
#include <lzma.h>
#endif
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

/* No module comes near this; a file that inflates past it is hostile.
 * (The fuzz build lowers it, so that a bomb costs milliseconds.) */
#ifndef MAX_UNPACKED_SIZE
#define MAX_UNPACKED_SIZE ((size_t)1 << 30)
#endif

static const struct {
	enum compression comp;
	const char *name;
	size_t magic_len;
	const uint8_t magic[6];
} formats[] = {
	{ COMP_ZSTD, "zstd", 4, { 0x28, 0xb5, 0x2f, 0xfd } },
	{ COMP_XZ, "xz", 6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 } },
	{ COMP_GZIP, "gzip", 2, { 0x1f, 0x8b } },
};

enum compression compression_by_magic(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (n >= formats[i].magic_len &&
		    memcmp(p, formats[i].magic, formats[i].magic_len) == 0)
			return formats[i].comp;
	return COMP_NONE;
}

const char *compression_name(enum compression c)
{
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (formats[i].comp == c)
			return formats[i].name;
	return "none";
}

enum compression kernel_compression(const char *sysfs_root)
{
	char buf[16];

	if (!read_first_line(sysfs_root, "/sys/module/compression", buf, sizeof(buf)))
		return COMP_NONE;
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (strcmp(buf, formats[i].name) == 0)
			return formats[i].comp;
	return COMP_NONE;
}

/* A growing output buffer for the streaming decoders. */
struct outbuf {
	uint8_t *data;
	size_t len, cap;
};

#if defined(HAVE_ZLIB) || defined(HAVE_LZMA) || defined(HAVE_ZSTD)

static int outbuf_grow(struct outbuf *o, const char *path)
{
	size_t cap = o->cap ? o->cap * 2 : (size_t)1 << 20;
	uint8_t *p;

	if (o->cap >= MAX_UNPACKED_SIZE) {
		log_error("%s: decompresses to more than %zu MiB; refusing it",
			  path, MAX_UNPACKED_SIZE >> 20);
		return -EFBIG;
	}
	if (cap > MAX_UNPACKED_SIZE)
		cap = MAX_UNPACKED_SIZE;
	p = realloc(o->data, cap);
	if (!p)
		return -ENOMEM;
	o->data = p;
	o->cap = cap;
	return 0;
}

/* The decoders grow their buffer from 1 MiB, doubling; a module of 19 MB
 * then takes five moves and a page fault per 4 KiB written.  When the
 * file declares its decompressed size, the buffer is that size from the
 * start, its pages entered at once (enter_pages).  The size is a guess
 * from an untrusted file: one past MAX_UNPACKED_SIZE, or more than
 * DECLARED_MAX_RATIO times the compressed size (modules compress 4 to 6
 * times), is ignored, and data that runs past the guess still grows the
 * buffer, up to the same limit. */
#define DECLARED_MAX_RATIO 64

static uint64_t plausible(uint64_t declared, size_t in_size)
{
	return declared > MAX_UNPACKED_SIZE || declared / DECLARED_MAX_RATIO > in_size ? 0 : declared;
}

static void outbuf_start(struct outbuf *o, uint64_t declared, size_t in_size)
{
	size_t cap;

	if (plausible(declared, in_size) == 0)
		return;
	/* a page to spare: a decoder that fills the buffer exactly may want
	 * one more call, with room, to report the end */
	cap = (size_t)declared + 4096;
	if (cap > MAX_UNPACKED_SIZE)
		cap = MAX_UNPACKED_SIZE;
	o->data = malloc(cap);
	if (!o->data)
		return;
	enter_pages(o->data, cap);
	o->cap = cap;
}

#endif

/* Each library's functions, bound on first use (dlib.h), or linked in.  The pointer
 * types come from the library's own header, so a call is checked as a
 * direct one would be. */
#ifdef HAVE_ZLIB
static struct {
	__typeof__(inflateInit2_) *init;
	__typeof__(inflate) *inflate;
	__typeof__(inflateEnd) *end;
} zlib;

static int bind_zlib(const char *path)
{
	static const char *const names[] = { "inflateInit2_", "inflate", "inflateEnd" };
	static int state;
	void *f[3] = { DLIB_LINKED(inflateInit2_), DLIB_LINKED(inflate), DLIB_LINKED(inflateEnd) };
	int r = dlib_load(&state, "libz.so.1", names, 3, f, path, "gzip");

	if (r == 0 && !zlib.init) {
		zlib.init = (__typeof__(zlib.init))f[0];
		zlib.inflate = (__typeof__(zlib.inflate))f[1];
		zlib.end = (__typeof__(zlib.end))f[2];
	}
	return r;
}

/* ISIZE, a gzip member's last four bytes: its size modulo 2^32 (RFC
 * 1952).  A module is one member, far under 4 GiB. */
static uint64_t gzip_declared_size(const uint8_t *in, size_t n)
{
	if (n < 18)
		return 0;
	return (uint64_t)in[n - 4] | (uint64_t)in[n - 3] << 8 |
	       (uint64_t)in[n - 2] << 16 | (uint64_t)in[n - 1] << 24;
}

static int inflate_gzip(const char *path, const uint8_t *in, size_t n, struct outbuf *o)
{
	z_stream z;
	int zr = Z_OK, r = bind_zlib(path);

	if (r)
		return r;
	memset(&z, 0, sizeof(z));
	/* inflateInit2(), which is a macro for this: 32 accepts the gzip header */
	if (zlib.init(&z, 15 + 32, ZLIB_VERSION, (int)sizeof(z)) != Z_OK)
		return -ENOMEM;
	outbuf_start(o, gzip_declared_size(in, n), n);
	z.next_in = (Bytef *)(uintptr_t)in;
	while (zr != Z_STREAM_END) {
		size_t chunk;

		if (o->len == o->cap && (r = outbuf_grow(o, path)))
			break;
		/* zlib counts in uInt: feed it in pieces that fit. */
		chunk = o->cap - o->len;
		if (chunk > UINT32_MAX)
			chunk = UINT32_MAX;
		if (z.avail_in == 0) {
			size_t left = n - (size_t)((const uint8_t *)z.next_in - in);
			z.avail_in = left > UINT32_MAX ? UINT32_MAX : (uInt)left;
		}
		z.next_out = o->data + o->len;
		z.avail_out = (uInt)chunk;
		zr = zlib.inflate(&z, Z_NO_FLUSH);
		o->len += chunk - z.avail_out;
		if (zr == Z_BUF_ERROR && z.avail_in == 0) {
			log_error("%s: gzip data is truncated", path);
			r = -EINVAL;
			break;
		}
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
			log_error("%s: gzip data is corrupt (%s)", path, z.msg ? z.msg : "inflate failed");
			r = -EINVAL;
			break;
		}
	}
	zlib.end(&z);
	return r;
}
#endif

#ifdef HAVE_LZMA
static struct {
	__typeof__(lzma_stream_decoder) *decoder;
	__typeof__(lzma_code) *code;
	__typeof__(lzma_end) *end;
	__typeof__(lzma_stream_footer_decode) *footer;
} xz;

static int bind_xz(const char *path)
{
	static const char *const names[] = {
		"lzma_stream_decoder", "lzma_code", "lzma_end", "lzma_stream_footer_decode",
	};
	static int state;
	void *f[4] = {
		DLIB_LINKED(lzma_stream_decoder), DLIB_LINKED(lzma_code), DLIB_LINKED(lzma_end),
		DLIB_LINKED(lzma_stream_footer_decode),
	};
	int r = dlib_load(&state, "liblzma.so.5", names, 4, f, path, "xz");

	if (r == 0 && !xz.decoder) {
		xz.decoder = (__typeof__(xz.decoder))f[0];
		xz.code = (__typeof__(xz.code))f[1];
		xz.end = (__typeof__(xz.end))f[2];
		xz.footer = (__typeof__(xz.footer))f[3];
	}
	return r;
}

/* One of the index's multibyte integers: 7 bits a byte, low bits first,
 * at most 9 bytes, no needless zero byte at the end. */
static bool xz_index_integer(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	*v = 0;
	for (int i = 0; i < 9 && *p < end; i++) {
		uint8_t b = *(*p)++;

		*v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			return i == 0 || b != 0;
	}
	return false;
}

/* The decompressed size the last stream's index records, or 0.  The
 * footer (decoded by liblzma) says where the index starts; the index is
 * an indicator byte 0, the number of blocks, then each block's unpadded
 * and decompressed sizes (xz file format, section 4).  Read here rather
 * than by liblzma's index decoder, which would add 8 KiB to the static
 * build for a number that is only a guess (its CRC is not checked).  A
 * module is one stream. */
static uint64_t xz_declared_size(const uint8_t *in, size_t n)
{
	lzma_stream_flags flags;
	const uint8_t *p, *end;
	uint64_t blocks, unpadded, size, total = 0;

	if (n < 2 * LZMA_STREAM_HEADER_SIZE ||
	    xz.footer(&flags, in + n - LZMA_STREAM_HEADER_SIZE) != LZMA_OK ||
	    flags.backward_size > n - 2 * LZMA_STREAM_HEADER_SIZE)
		return 0;
	end = in + n - LZMA_STREAM_HEADER_SIZE;
	p = end - flags.backward_size;
	if (p == end || *p++ != 0 || !xz_index_integer(&p, end, &blocks))
		return 0;
	for (uint64_t i = 0; i < blocks; i++) {
		if (!xz_index_integer(&p, end, &unpadded) || !xz_index_integer(&p, end, &size) ||
		    size > MAX_UNPACKED_SIZE - total)
			return 0;
		total += size;
	}
	return total;
}

/* liblzma's allocations.  The dictionary (8 MiB at xz's default level)
 * is written as the data is decoded, up to the decompressed size: that
 * much of it (*OPAQUE, the plausible declared size; 0 when unknown) gets
 * its pages entered at once, as the output buffer does.  The whole of it
 * would cost a 17 KB module 8 MiB of memory and 500 page faults. */
static void *xz_alloc(void *opaque, size_t nmemb, size_t size)
{
	uint64_t declared = *(const uint64_t *)opaque;
	size_t bytes = nmemb * size;
	void *p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		return NULL;
	p = malloc(bytes != 0 ? bytes : 1);
	if (p)
		enter_pages(p, declared < bytes ? (size_t)declared : bytes);
	return p;
}

static void xz_free(void *opaque, void *p)
{
	(void)opaque;
	free(p);
}

static int inflate_xz(const char *path, const uint8_t *in, size_t n, struct outbuf *o)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret lr = LZMA_OK;
	uint64_t declared;
	lzma_allocator allocator = { xz_alloc, xz_free, &declared };
	int r = bind_xz(path);

	if (r)
		return r;
	declared = plausible(xz_declared_size(in, n), n);
	s.allocator = &allocator;
	if (xz.decoder(&s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
		return -ENOMEM;
	outbuf_start(o, declared, n);
	s.next_in = in;
	s.avail_in = n;
	while (lr != LZMA_STREAM_END) {
		if (o->len == o->cap && (r = outbuf_grow(o, path)))
			break;
		s.next_out = o->data + o->len;
		s.avail_out = o->cap - o->len;
		lr = xz.code(&s, LZMA_FINISH);
		o->len = o->cap - s.avail_out;
		if (lr != LZMA_OK && lr != LZMA_STREAM_END) {
			log_error("%s: xz data is corrupt or truncated (liblzma error %d)", path, (int)lr);
			r = -EINVAL;
			break;
		}
	}
	xz.end(&s);
	return r;
}
#endif

#ifdef HAVE_ZSTD
static struct {
	__typeof__(ZSTD_createDStream) *create;
	__typeof__(ZSTD_initDStream) *init;
	__typeof__(ZSTD_decompressStream) *decompress;
	__typeof__(ZSTD_isError) *is_error;
	__typeof__(ZSTD_getErrorName) *error_name;
	__typeof__(ZSTD_freeDStream) *free;
	__typeof__(ZSTD_getFrameContentSize) *content_size;
} zstd;

static int bind_zstd(const char *path)
{
	static const char *const names[] = {
		"ZSTD_createDStream", "ZSTD_initDStream", "ZSTD_decompressStream",
		"ZSTD_isError", "ZSTD_getErrorName", "ZSTD_freeDStream",
		"ZSTD_getFrameContentSize",
	};
	static int state;
	void *f[7] = {
		DLIB_LINKED(ZSTD_createDStream), DLIB_LINKED(ZSTD_initDStream),
		DLIB_LINKED(ZSTD_decompressStream), DLIB_LINKED(ZSTD_isError),
		DLIB_LINKED(ZSTD_getErrorName), DLIB_LINKED(ZSTD_freeDStream),
		DLIB_LINKED(ZSTD_getFrameContentSize),
	};
	int r = dlib_load(&state, "libzstd.so.1", names, 7, f, path, "zstd");

	if (r == 0 && !zstd.create) {
		zstd.create = (__typeof__(zstd.create))f[0];
		zstd.init = (__typeof__(zstd.init))f[1];
		zstd.decompress = (__typeof__(zstd.decompress))f[2];
		zstd.is_error = (__typeof__(zstd.is_error))f[3];
		zstd.error_name = (__typeof__(zstd.error_name))f[4];
		zstd.free = (__typeof__(zstd.free))f[5];
		zstd.content_size = (__typeof__(zstd.content_size))f[6];
	}
	return r;
}

static int inflate_zstd(const char *path, const uint8_t *in, size_t n, struct outbuf *o)
{
	ZSTD_DStream *z;
	ZSTD_inBuffer ib = { in, n, 0 };
	size_t zr = 1;
	int r = bind_zstd(path);

	if (r)
		return r;
	z = zstd.create();
	if (!z)
		return -ENOMEM;
	zstd.init(z);
	/* the first frame's; the unknown and error values are over the limit */
	outbuf_start(o, zstd.content_size(in, n), n);
	while (zr != 0) {
		ZSTD_outBuffer ob;

		if (o->len == o->cap && (r = outbuf_grow(o, path)))
			break;
		ob.dst = o->data;
		ob.size = o->cap;
		ob.pos = o->len;
		zr = zstd.decompress(z, &ob, &ib);
		o->len = ob.pos;
		if (zstd.is_error(zr)) {
			log_error("%s: zstd data is corrupt (%s)", path, zstd.error_name(zr));
			r = -EINVAL;
			break;
		}
		if (zr != 0 && ib.pos == ib.size && ob.pos < ob.size) {
			log_error("%s: zstd data is truncated", path);
			r = -EINVAL;
			break;
		}
	}
	zstd.free(z);
	return r;
}
#endif

int decompress(enum compression c, const char *path, const uint8_t *data,
	       size_t n, uint8_t **out, size_t *out_size)
{
	struct outbuf o = { NULL, 0, 0 };
	int r = -ENOTSUP;

	switch (c) {
#ifdef HAVE_ZLIB
	case COMP_GZIP: r = inflate_gzip(path, data, n, &o); break;
#endif
#ifdef HAVE_LZMA
	case COMP_XZ: r = inflate_xz(path, data, n, &o); break;
#endif
#ifdef HAVE_ZSTD
	case COMP_ZSTD: r = inflate_zstd(path, data, n, &o); break;
#endif
	default:
		(void)data;	/* used only by the decoders built in */
		(void)n;
		log_error("%s: %s-compressed, but this insmod was built without %s support",
			  path, compression_name(c), compression_name(c));
		break;
	}
	if (r) {
		free(o.data);
		return r;
	}
	*out = o.data;
	*out_size = o.len;
	return 0;
}

/* The file's bytes, read once into memory (readall.h): what is checked is
 * what is linked and loaded, whatever happens to the file meanwhile.  A
 * file that changes size while it is read is refused. */
static int read_file(struct module_file *f)
{
	uint8_t *buf;
	int r;

	if (f->st.st_size == 0) {
		log_error("%s: file is empty", f->path);
		return -ENOEXEC;
	}
	if ((uint64_t)f->st.st_size > SIZE_MAX / 2) {
		log_error("%s: file is too large", f->path);
		return -EFBIG;
	}
	f->map_size = (size_t)f->st.st_size;
	r = read_regular_whole(f->fd, f->map_size, &buf);
	if (r == -ENOMEM)
		log_error("%s: out of memory reading %zu bytes", f->path, f->map_size);
	else if (r == -ESTALE)
		log_error("%s: the file changed size while it was read; not used", f->path);
	else if (r)
		log_error("%s: cannot read module: %s", f->path, strerror(-r));
	if (r) {
		f->map_size = 0;
		return r;
	}
	f->map = buf;
	return 0;
}

int module_file_open(struct module_file *f, const char *path)
{
	int r;

	memset(f, 0, sizeof(*f));
	f->path = path;
	/* O_NONBLOCK: a named pipe given as the module would otherwise wait
	 * for a writer forever before the type check below refuses it */
	f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (f->fd < 0) {
		r = -errno;
		log_error("%s: cannot open module: %s", path, strerror(errno));
		return r;
	}
	if (fstat(f->fd, &f->st) < 0) {
		r = -errno;
		log_error("%s: cannot stat module: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(f->st.st_mode)) {
		log_error("%s: is a directory, not a module file", path);
		r = -EISDIR;
		goto fail;
	}
	if (!S_ISREG(f->st.st_mode)) {
		log_error("%s: not a regular file (%s)", path,
			  S_ISFIFO(f->st.st_mode) ? "a named pipe" : S_ISCHR(f->st.st_mode) ? "a character device"
			  : S_ISBLK(f->st.st_mode) ? "a block device" : S_ISSOCK(f->st.st_mode) ? "a socket" : "other");
		r = -EINVAL;
		goto fail;
	}
	/* Only regular files get here, and they ignore O_NONBLOCK: clearing
	 * it cost every load two system calls.  Kept for anything else. */
	if (!S_ISREG(f->st.st_mode) && fcntl(f->fd, F_SETFL, fcntl(f->fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		r = -errno;
		log_error("%s: %s", path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	close(f->fd);
	f->fd = -1;
	return r;
}

/* Separate from opening so that the caller can take its lock and check
 * ownership on the descriptor first. */
int module_file_read(struct module_file *f)
{
	int r = read_file(f);

	if (r)
		return r;
	f->comp = compression_by_magic(f->map, f->map_size);
	if (f->comp == COMP_NONE) {
		f->image = f->map;
		f->size = f->map_size;
		return 0;
	}
	r = decompress(f->comp, f->path, f->map, f->map_size, &f->unpacked, &f->unpacked_size);
	if (r)
		return r;
	f->image = f->unpacked;
	f->size = f->unpacked_size;
	return 0;
}

void module_file_unmap(struct module_file *f)
{
	free(f->unpacked);
	free((void *)(uintptr_t)f->map);
	f->unpacked = NULL;
	f->map = f->image = NULL;
	f->unpacked_size = f->map_size = f->size = 0;
}

void module_file_close(struct module_file *f)
{
	module_file_unmap(f);
	if (f->fd >= 0)
		close(f->fd);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}
