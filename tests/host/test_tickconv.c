// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of <vireo/tickconv.h>: ns to counter ticks by one multiply
 * against the exact rounded-up division, for the frequencies of QEMU
 * (62.5 MHz, 1 GHz) and of common boards (19.2, 24, 25, 54 MHz, 2 and 2.5 GHz):
 * never below the exact count (a timer must not fire early), exact where
 * the factor is, at most one tick over elsewhere.
 */
#include <stdbool.h>
#include <stdint.h>
#include <vireo/tickconv.h>
#include "unit.h"

static uint64_t exact_ticks(uint64_t freq, uint64_t ns)
{
	unsigned __int128 t = (unsigned __int128)ns * freq;

	return (uint64_t)((t + TICKCONV_NS_PER_SEC - 1) / TICKCONV_NS_PER_SEC);
}

/* A spread of ns values: small, around multiples of a tick, large. */
static uint64_t sample_ns(unsigned int i)
{
	static uint64_t x = 88172645463325252ULL;

	if (i < 200)
		return i;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return i % 2 ? x >> (i % 40) : x >> 8;	/* up to 2^56 ns: 2 years */
}

static void check_freq(uint64_t freq, bool exact)
{
	struct tickconv c = tickconv_init(freq);

	for (unsigned int i = 0; i < 20000; i++) {
		uint64_t ns = sample_ns(i), want = exact_ticks(freq, ns);
		uint64_t got = tickconv_ticks(&c, ns);
		EXPECT(got >= want);
		EXPECT(got <= want + (exact ? 0 : 1));
		if (got < want || got > want + !exact) {
			fprintf(stderr, "freq %llu ns %llu: %llu, want %llu\n",
				(unsigned long long)freq, (unsigned long long)ns,
				(unsigned long long)got, (unsigned long long)want);
			return;
		}
	}
}

TEST(qemu_62_5_mhz_exact)
{
	check_freq(62500000, true);
	struct tickconv c = tickconv_init(62500000);
	EXPECT_EQ(tickconv_ticks(&c, 0), 0);
	EXPECT_EQ(tickconv_ticks(&c, 1), 1);
	EXPECT_EQ(tickconv_ticks(&c, 16), 1);
	EXPECT_EQ(tickconv_ticks(&c, 17), 2);
	EXPECT_EQ(tickconv_ticks(&c, 1000000000), 62500000);
}

TEST(one_ghz_and_above)
{
	check_freq(1000000000, true);
	check_freq(2000000000, true);
	check_freq(2500000000ULL, false);
}

TEST(board_frequencies_never_early)
{
	check_freq(19200000, false);
	check_freq(24000000, false);
	check_freq(25000000, false);
	check_freq(54000000, false);
	check_freq(1, false);
}

UNIT_MAIN(UNIT_CASE(qemu_62_5_mhz_exact), UNIT_CASE(one_ghz_and_above),
	  UNIT_CASE(board_frequencies_never_early))
