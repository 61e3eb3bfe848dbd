/* Fuzz target: decompression of a compressed module (gzip, xz, zstd), as
 * module_file_read() does it, through the libraries opened with dlopen.
 * Byte 0 chooses the format (0 gzip, 1 xz, 2 zstd, by its value modulo
 * 3); the rest is the compressed file.  The fuzz build caps the output at
 * 4 MiB (fuzz.mk), so that a bomb is refused in milliseconds.
 *
 * Checked: the result is either an error (buffer NULL) or a buffer of at
 * most the cap, every byte of which can be read. */
#include "fuzz-common.h"

#include "file.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_log_setup();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum compression formats[3] = { COMP_GZIP, COMP_XZ, COMP_ZSTD };
	uint8_t *out = NULL;
	size_t out_size = 0, sum = 0;
	int r;

	if (size < 1)
		return 0;
	r = decompress(formats[data[0] % 3], "fuzz.ko.z", data + 1, size - 1, &out, &out_size);
	FUZZ_ASSERT(r <= 0);
	if (r) {
		FUZZ_ASSERT(out == NULL);
		return 0;
	}
	FUZZ_ASSERT(out_size <= ((size_t)4 << 20));
	for (size_t i = 0; i < out_size; i++)	/* every byte is there (ASan) */
		sum += out[i];
	(void)sum;
	free(out);
	return 0;
}
