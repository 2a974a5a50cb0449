// SPDX-License-Identifier: BSD-2-Clause
/*
 * Monotonic and real time from the architecture counter.  Conversions use
 * a 32.32 fixed-point multiplier so the hot path (counter to ns) is one
 * multiply; ns to ticks rounds up so a timer never fires early.
 */
#include <vireo/arch.h>
#include <vireo/clock.h>

static uint64_t counter_freq;
static uint64_t counter_at_boot;
static uint64_t ns_mult;		/* ns per tick, 32.32 fixed point */
static int64_t realtime_offset_ns;	/* realtime = monotonic + offset */

void clock_init(void)
{
	counter_freq = arch_counter_freq();
	if (!counter_freq)
		counter_freq = 62500000;	/* CNTFRQ unset by firmware */
	ns_mult = (uint64_t)(((unsigned __int128)NSEC_PER_SEC << 32) / counter_freq);
	counter_at_boot = arch_counter_read();
}

uint64_t clock_ticks_to_ns(uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * ns_mult) >> 32);
}

uint64_t clock_ns_to_ticks(uint64_t ns)
{
	unsigned __int128 t = (unsigned __int128)ns * counter_freq;

	return counter_at_boot + (uint64_t)((t + NSEC_PER_SEC - 1) / NSEC_PER_SEC);
}

uint64_t clock_monotonic_ns(void)
{
	return clock_ticks_to_ns(arch_counter_read() - counter_at_boot);
}

uint64_t clock_realtime_ns(void)
{
	return clock_monotonic_ns() + READ_ONCE(realtime_offset_ns);
}

void clock_set_realtime_ns(uint64_t ns)
{
	WRITE_ONCE(realtime_offset_ns, (int64_t)(ns - clock_monotonic_ns()));
}

uint64_t clock_resolution_ns(void)
{
	return (NSEC_PER_SEC + counter_freq - 1) / counter_freq;
}
