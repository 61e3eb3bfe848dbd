/* The shared name distance behind every "did you mean". */
#include "check.h"
#include "util.h"

#include <string.h>

static size_t dist(const char *a, const char *b, size_t limit)
{
	return name_distance(a, strlen(a), b, strlen(b), limit);
}

int main(void)
{
	char longer[NAME_DISTANCE_MAX + 2];

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
