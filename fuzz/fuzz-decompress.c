/* Fuzz target: decompression of a compressed module (gzip, xz, zstd), as
 * module_file_read() does it, through the libraries opened with dlopen.
 * Byte 0 chooses the format (0 gzip, 1 xz, 2 zstd, by its value modulo
 * 3); the rest is the compressed file.  The fuzz build caps the output at
 * 4 MiB (fuzz.mk), so that a bomb is refused in milliseconds.
 *
 * The same bytes are then read as a module file is (module_file_open()
 * and module_file_read() on an in-memory file, the format told by its
 * magic bytes, as insmod tells it) and the image handed to elf_parse(),
 * as main() does next.
 *
 * Checked: the result is either an error (buffer NULL) or a buffer of at
 * most the cap, every byte of which can be read; the file's format is the
 * one its magic names, and a file with no magic is its own image.  When
 * the magic names the format of byte 0, the file's reading is the only
 * decompression (the same call: doing it twice doubled the cost). */
#include "fuzz-common.h"

#include "elf.h"
#include "file.h"

#define CAP ((size_t)4 << 20)	/* MAX_UNPACKED_SIZE in fuzz.mk */

static int memfd = -1;
static char memfd_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_log_setup();
	memfd = fuzz_memfd("fuzz-decompress", memfd_path, sizeof(memfd_path));
	return 0;
}

/* Every byte of [p, p+n) is there (ASan). */
static void touch(const uint8_t *p, size_t n)
{
	volatile size_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += p[i];
	(void)sum;
}

/* Reads data[0..n) as the module file and checks what module_file_read()
 * made of it; the caller releases f with module_file_close(). */
static void read_as_module(struct module_file *f, const uint8_t *data, size_t n)
{
	struct elf_file elf;
	int r;

	fuzz_memfd_set(memfd, data, n);
	FUZZ_ASSERT(module_file_open(f, memfd_path) == 0);
	r = module_file_read(f);
	FUZZ_ASSERT(r <= 0);
	if (r)
		return;
	FUZZ_ASSERT(f->comp == compression_by_magic(data, n));
	FUZZ_ASSERT(f->map_size == n && memcmp(f->map, data, n) == 0);
	if (f->comp == COMP_NONE)
		FUZZ_ASSERT(f->image == f->map && f->size == n);
	FUZZ_ASSERT(f->size <= (f->comp == COMP_NONE ? n : CAP));
	touch(f->image, f->size);
	if (elf_parse(&elf, memfd_path, f->image, f->size) == 0)
		elf_release(&elf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum compression formats[3] = { COMP_GZIP, COMP_XZ, COMP_ZSTD };
	struct module_file f;
	uint8_t *out = NULL;
	size_t out_size = 0;
	int r;

	if (size < 1)
		return 0;
	read_as_module(&f, data + 1, size - 1);
	if (compression_by_magic(data + 1, size - 1) == formats[data[0] % 3]) {
		/* decompressed there already, the same way: not twice */
		module_file_close(&f);
		return 0;
	}
	r = decompress(formats[data[0] % 3], "fuzz.ko.z", data + 1, size - 1, &out, &out_size);
	FUZZ_ASSERT(r <= 0);
	if (r)
		FUZZ_ASSERT(out == NULL);
	FUZZ_ASSERT(r || out_size <= CAP);
	if (!r)
		touch(out, out_size);
	free(out);
	module_file_close(&f);
	return 0;
}
