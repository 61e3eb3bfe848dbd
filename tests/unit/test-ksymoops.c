/* Unit tests for the _V field of the ksymoops symbols (src/ksymoops.c):
 * the kernel's KERNEL_VERSION(a, b, c), which clamps the sublevel c to
 * 255 (Linux 4.9.256 and later stable releases went past it). */
#include "check.h"
#include "ksymoops.h"

int main(void)
{
	CHECK(ksymoops_version("6.1.0-57-amd64") == (6 << 16 | 1 << 8 | 0), "6.1.0-57-amd64");
	CHECK(ksymoops_version("2.4.20") == (2 << 16 | 4 << 8 | 20), "2.4.20");
	CHECK(ksymoops_version("5.10") == (5 << 16 | 10 << 8), "5.10 (no sublevel)");
	CHECK(ksymoops_version("4.9.337") == (4 << 16 | 9 << 8 | 255),
	      "4.9.337: sublevel clamped to 255, as KERNEL_VERSION does (not -1)");
	CHECK(ksymoops_version("4.14.256-foo") == (4 << 16 | 14 << 8 | 255), "4.14.256-foo: clamped");
	CHECK(ksymoops_version("256.1.0") == -1, "256.1.0: a major that does not fit is -1");
	CHECK(ksymoops_version(NULL) == -1, "no release: -1");
	CHECK(ksymoops_version("linux") == -1, "not a release: -1");
	return CHECK_DONE();
}
