/* The shared name distance behind every "did you mean", and the
 * exact-size read of a regular file (readall.h). */
#include "check.h"
#include "readall.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static size_t dist(const char *a, const char *b, size_t limit)
{
	return name_distance(a, strlen(a), b, strlen(b), limit);
}

/* A file of SIZE bytes of a pattern, read back whole: a buffer past
 * 256 KiB and 2 MiB has its pages entered before the read (readall.c),
 * which must leave every byte where pread() put it. */
static bool reads_back(size_t size)
{
	FILE *f = tmpfile();
	uint8_t *want = malloc(size), *got = NULL;
	bool same;

	if (!f || !want)
		return false;
	for (size_t i = 0; i < size; i++)
		want[i] = (uint8_t)(i * 2654435761u >> 13);
	same = fwrite(want, 1, size, f) == size && fflush(f) == 0 &&
	       read_regular_whole(fileno(f), size, &got) == 0 && memcmp(want, got, size) == 0;
	free(got);
	free(want);
	fclose(f);
	return same;
}

static void test_read_whole(void)
{
	FILE *f = tmpfile();
	uint8_t *got = NULL;

	CHECK(reads_back(100), "a small file reads back whole");
	CHECK(reads_back((3u << 20) + 123), "a 3 MiB file (pages entered first) reads back whole");
	CHECK(f && fwrite("abc", 1, 3, f) == 3 && fflush(f) == 0 &&
	      read_regular_whole(fileno(f), 4, &got) == -ESTALE && !got,
	      "a file shorter than its expected size is -ESTALE, nothing kept");
	CHECK(f && read_regular_whole(fileno(f), 2, &got) == -ESTALE && !got,
	      "a file longer than its expected size is -ESTALE, nothing kept");
	if (f)
		fclose(f);
}

int main(void)
{
	char longer[NAME_DISTANCE_MAX + 2];

	test_read_whole();

	CHECK(dist("e1000e", "e1000e", 3) == 0, "a name is at distance 0 from itself");
	CHECK(dist("snd-hda", "snd_hda", 3) == 0, "'-' and '_' are alike");
	CHECK(dist("dumym", "dummy", 3) == 1, "swapped neighbours count one edit");
	CHECK(dist("lvl", "level", 3) == 2, "insertions count one each");
	CHECK(dist("xfs", "ext4", 1) == 2, "beyond the limit: limit + 1");
	CHECK(dist("a", "abcdefgh", 2) == 3, "lengths further apart than the limit: limit + 1");
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	CHECK(dist(longer, longer, 5) == 6, "a name longer than NAME_DISTANCE_MAX is never near");
	return CHECK_DONE();
}
