/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ns to counter ticks by one multiply (kernel/clock.c, every timer arm):
 * ticks per ns as a 64.64 fixed-point factor fixed once for the counter's
 * frequency, the fraction rounded up so a deadline never comes early.
 * Exact when the frequency divides 10^9 evenly or is a multiple of it
 * (QEMU's 62.5 MHz, 1 GHz); otherwise at most one tick late.  Portable:
 * tested on the host (tests/host/test_tickconv.c).
 */
#pragma once

#include <stdint.h>

#define TICKCONV_NS_PER_SEC 1000000000ULL

struct tickconv {
	uint64_t whole;		/* ticks per ns: the integer part */
	uint64_t frac;		/* and the fraction, 0.64, rounded up */
};

static inline struct tickconv tickconv_init(uint64_t freq_hz)
{
	unsigned __int128 rem = freq_hz % TICKCONV_NS_PER_SEC;

	return (struct tickconv){
		.whole = freq_hz / TICKCONV_NS_PER_SEC,
		.frac = (uint64_t)(((rem << 64) + TICKCONV_NS_PER_SEC - 1) /
				   TICKCONV_NS_PER_SEC),
	};
}

/* ceil(ns * freq / 10^9), or one more when the factor is inexact. */
static inline uint64_t tickconv_ticks(const struct tickconv *c, uint64_t ns)
{
	unsigned __int128 f = (unsigned __int128)ns * c->frac;

	return ns * c->whole + (uint64_t)(f >> 64) + ((uint64_t)f != 0);
}
