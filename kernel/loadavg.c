// SPDX-License-Identifier: BSD-2-Clause
/*
 * Load averages over 1, 5 and 15 minutes: the number of runnable threads
 * (ready or running, the idle threads not counted), exponentially decayed
 * in continuous time.  The system is tickless, so instead of sampling on
 * a periodic tick the count is integrated over time: every block and
 * wake-up adds count * elapsed counter ticks to an area (a multiply and
 * an add), and the averages are brought up to date ("folded") only when
 * read and, on a change, at most once a second.  Over a fold's interval
 * dt with a mean of n runnable threads,
 *     avg = n + (avg - n) * e^(-dt / T),
 * exact for a constant n and, with dt at most about a second against T
 * of a minute or more, within a fraction of a percent otherwise.  The
 * kernel uses no floating point, so values are 32.32 fixed point and
 * e^-x is computed as 2^(-x / ln 2): a shift, and a quartic for the
 * fraction (within 0.3 %, far below what a load figure shows).  The
 * scheduler lock protects the state (the scheduler calls in with it
 * held).
 */
#include <stdint.h>
#include <vireo/arch.h>
#include <vireo/clock.h>
#include <vireo/compiler.h>
#include <vireo/panic.h>
#include <vireo/thread.h>
#include "kernel_priv.h"

#define FIX_ONE (1ULL << 32)

/* The three averages: their periods, and 2^64 / (period * ln 2), which
 * turns an interval in ns into its exponent of 2 (32.32) with one
 * multiplication. */
static const struct {
	uint64_t period_ns;
	uint64_t exp2_mult;
} averages[3] = {
	{ 60 * NSEC_PER_SEC, 443550436 },
	{ 300 * NSEC_PER_SEC, 88710087 },
	{ 900 * NSEC_PER_SEC, 29570029 },
};

static int nr_runnable;
static uint64_t avg[3];		/* 32.32 fixed point */
static uint64_t area;		/* sum of nr_runnable * ticks since last_fold */
static uint64_t last_fold;	/* counter ticks of the last fold */
static uint64_t last_change;	/* counter ticks area runs up to */

/* 2^-f for f in [0, 1), both 32.32 fixed point: the Taylor series of
 * e^(-f ln 2) to the quartic term. */
static uint64_t exp2_neg_frac(uint64_t f)
{
	const uint64_t c1 = 2977044472ULL;	/* ln 2 * 2^32 */
	const uint64_t c2 = 1031764991ULL;	/* (ln 2)^2 / 2 * 2^32 */
	const uint64_t c3 = 238388332ULL;	/* (ln 2)^3 / 6 * 2^32 */
	const uint64_t c4 = 41309550ULL;	/* (ln 2)^4 / 24 * 2^32 */
	uint64_t f2 = (f * f) >> 32, f3 = (f2 * f) >> 32, f4 = (f3 * f) >> 32;

	return FIX_ONE - ((c1 * f) >> 32) + ((c2 * f2) >> 32) -
	       ((c3 * f3) >> 32) + ((c4 * f4) >> 32);
}

/* e^(-dt/period) = 2^-y of average i, as 32.32 fixed point; dt is capped
 * where the result is 0 anyway (e^-40), which keeps y in range. */
static uint64_t decay(uint64_t dt_ns, int i)
{
	uint64_t y;

	if (dt_ns >= 40 * averages[i].period_ns)
		return 0;
	y = (uint64_t)(((unsigned __int128)dt_ns * averages[i].exp2_mult) >> 32);
	return exp2_neg_frac(y & (FIX_ONE - 1)) >> (y >> 32);
}

/* Folds an interval of dt_ticks in which the runnable count averaged
 * area / dt_ticks into the three averages. */
static void fold(uint64_t dt_ticks, uint64_t area_ticks)
{
	uint64_t dt = clock_ticks_to_ns(dt_ticks), n;

	if (!dt_ticks)
		return;
	n = (uint64_t)(((unsigned __int128)area_ticks << 32) / dt_ticks);
	for (int i = 0; i < 3; i++) {
		uint64_t d = decay(dt, i);
		/* avg = n + (avg - n) * d, kept in unsigned arithmetic */
		if (avg[i] >= n)
			avg[i] = n + (uint64_t)(((unsigned __int128)(avg[i] - n) * d) >> 32);
		else
			avg[i] = n - (uint64_t)(((unsigned __int128)(n - avg[i]) * d) >> 32);
	}
}

/* The area's interval is folded with its mean, and the time since the
 * last change, when the count was constant, on its own: so a long quiet
 * spell before a read is exact. */
static __attribute__((noinline)) void fold_up_to(uint64_t now)
{
	fold(last_change - last_fold, area);
	fold(now - last_change, (uint64_t)nr_runnable * (now - last_change));
	area = 0;
	last_fold = last_change = now;
}

/* The area up to now; the averages too when a second has gone by (or
 * always).  Inline: every block and wake-up comes here. */
static inline void update_locked(bool always)
{
	uint64_t now = arch_counter_read();

	if (always || now - last_fold >= arch_counter_freq()) {	/* a second */
		fold_up_to(now);
		return;
	}
	area += (uint64_t)nr_runnable * (now - last_change);
	last_change = now;
}

void loadavg_account_locked(struct thread *t, int delta)
{
	kassert(sched_lock_held());
	if (t->base_prio == SCHED_PRIO_IDLE)
		return;		/* the idle threads are not load */
	update_locked(false);
	nr_runnable += delta;
}

int loadavg_get(unsigned int hundredths[3])
{
	irqflags_t f = sched_lock_acquire();
	int n;

	update_locked(true);
	for (int i = 0; i < 3; i++)
		hundredths[i] = (unsigned int)((avg[i] * 100 + FIX_ONE / 2) >> 32);
	n = nr_runnable;
	sched_lock_release(f);
	return n;
}
