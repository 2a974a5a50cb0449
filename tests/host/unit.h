/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A minimal unit-test harness for host tests of portable code.
 * Each test file defines test functions with TEST(), lists them in
 * UNIT_MAIN(), and the binary prints "N passed, N failed" and exits
 * non-zero when any expectation failed.  The macros are EXPECT*, not
 * CHECK*, because the kernel sources under test use <vireo/panic.h>'s
 * CHECK.
 */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit_case {
	const char *name;
	void (*fn)(void);
};

extern int unit_failed_checks;

#define TEST(name) static void name(void)

/* A failed EXPECT reports the location and marks the current case failed. */
#define EXPECT(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: EXPECT failed: %s\n",         \
				__FILE__, __LINE__, #cond);                  \
			unit_failed_checks++;                                \
		}                                                            \
	} while (0)

#define EXPECT_EQ(a, b)                                                       \
	do {                                                                 \
		long long _a = (long long)(a), _b = (long long)(b);          \
		if (_a != _b) {                                              \
			fprintf(stderr, "%s:%d: EXPECT_EQ failed: %s == %s "  \
				"(%lld != %lld)\n", __FILE__, __LINE__, #a,  \
				#b, _a, _b);                                 \
			unit_failed_checks++;                                \
		}                                                            \
	} while (0)

#define EXPECT_STR(a, b)                                                      \
	do {                                                                 \
		const char *_a = (a), *_b = (b);                             \
		if (!_a || !_b || strcmp(_a, _b) != 0) {                     \
			fprintf(stderr, "%s:%d: EXPECT_STR failed: \"%s\" "   \
				"!= \"%s\"\n", __FILE__, __LINE__,           \
				_a ? _a : "(null)", _b ? _b : "(null)");     \
			unit_failed_checks++;                                \
		}                                                            \
	} while (0)

#define UNIT_CASE(fn) { #fn, fn }

/* Runs every case, prints one line per case and the closing tally. */
#define UNIT_MAIN(...)                                                       \
	int unit_failed_checks;                                              \
	int main(int argc, char **argv)                                      \
	{                                                                    \
		static const struct unit_case cases[] = { __VA_ARGS__ };     \
		int passed = 0, failed = 0;                                  \
		(void)argc; (void)argv;                                      \
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) { \
			int before = unit_failed_checks;                     \
			cases[i].fn();                                       \
			int ok = unit_failed_checks == before;               \
			printf("%s: %s\n", ok ? "PASS" : "FAIL", cases[i].name); \
			ok ? passed++ : failed++;                            \
		}                                                            \
		printf("%d passed, %d failed\n", passed, failed);            \
		return failed ? 1 : 0;                                       \
	}
