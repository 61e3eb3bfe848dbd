/* A tiny test harness: every CHECK prints one PASS: or FAIL: line, which
 * tests/run-all.sh counts. */
#ifndef INSMOD_TEST_CHECK_H
#define INSMOD_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond, ...)                                             \
	do {                                                         \
		int ok_ = !!(cond);	/* evaluated once */         \
		printf(ok_ ? "PASS: " : "FAIL: ");                   \
		printf(__VA_ARGS__);                                 \
		printf("%s\n", ok_ ? "" : "  [" #cond "]");         \
		if (!ok_)                                            \
			check_failures++;                            \
	} while (0)

#define CHECK_STR(got, want, ...)                                        \
	do {                                                             \
		const char *g_ = (got), *w_ = (want);                    \
		int ok_ = g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_;    \
		printf(ok_ ? "PASS: " : "FAIL: ");                       \
		printf(__VA_ARGS__);                                     \
		if (!ok_)                                                \
			printf("  [got \"%s\", want \"%s\"]",           \
			       g_ ? g_ : "(null)", w_ ? w_ : "(null)");  \
		printf("\n");                                            \
		if (!ok_)                                                \
			check_failures++;                                \
	} while (0)

#define CHECK_DONE() (check_failures ? 1 : 0)

#endif
