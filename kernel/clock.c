// SPDX-License-Identifier: BSD-2-Clause
/*
 * Monotonic and real time from the architecture counter, and the
 * interruptible sleep under nanosleep() and clock_nanosleep().
 * Conversions are one multiply each, by fixed-point factors fixed at
 * boot: counter to ns by ns per tick in 32.32, ns to ticks (every timer
 * arm) as <vireo/tickconv.h> says, rounded up so a timer never fires
 * early.
 */
#include <errno.h>
#include <vireo/arch.h>
#include <vireo/clock.h>
#include <vireo/ktimer.h>
#include <vireo/list.h>
#include <vireo/thread.h>
#include <vireo/tickconv.h>
#include <vireo/wait.h>

static uint64_t counter_freq;
static uint64_t counter_at_boot;
static uint64_t ns_mult;		/* ns per tick, 32.32 fixed point */
static struct tickconv ns_to_ticks;
static int64_t realtime_offset_ns;	/* realtime = monotonic + offset */

void clock_init(void)
{
	counter_freq = arch_counter_freq();
	if (!counter_freq)
		counter_freq = 62500000;	/* CNTFRQ unset by firmware */
	ns_mult = (uint64_t)(((unsigned __int128)NSEC_PER_SEC << 32) / counter_freq);
	ns_to_ticks = tickconv_init(counter_freq);
	counter_at_boot = arch_counter_read();
}

uint64_t clock_ticks_to_ns(uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * ns_mult) >> 32);
}

uint64_t clock_ns_to_ticks(uint64_t ns)
{
	return counter_at_boot + tickconv_ticks(&ns_to_ticks, ns);
}

uint64_t clock_monotonic_ns(void)
{
	return clock_ticks_to_ns(arch_counter_read() - counter_at_boot);
}

int64_t clock_realtime_offset_ns(void)
{
	return READ_ONCE(realtime_offset_ns);
}

uint64_t clock_realtime_ns(void)
{
	return clock_monotonic_ns() + clock_realtime_offset_ns();
}

void clock_set_realtime_ns(uint64_t ns)
{
	/* Under the lock so that timer expiry never sees a half-moved set
	 * of realtime timers against the new offset. */
	irqflags_t f = sched_lock_acquire();

	WRITE_ONCE(realtime_offset_ns, (int64_t)(ns - clock_monotonic_ns()));
	ktimer_realtime_changed_locked();
	sched_lock_release(f);
}

uint64_t clock_resolution_ns(void)
{
	return (NSEC_PER_SEC + counter_freq - 1) / counter_freq;
}

/* A sleeping thread waits alone on its own queue; its own timer (not the
 * thread's timeout) ends the wait so that it can follow the real-time
 * clock. */
struct sleeper {
	struct wait_queue wq;
	struct ktimer timer;
};

static void sleeper_expired(struct ktimer *kt)
{
	struct sleeper *s = container_of(kt, struct sleeper, timer);

	wait_wake_all_locked(&s->wq, -ETIMEDOUT);
}

int clock_sleep_until(bool realtime, uint64_t deadline_ns)
{
	struct sleeper s = { 0 };
	irqflags_t f;
	int ret;

	wait_queue_init_kind(&s.wq, WAIT_SLEEP);
	f = sched_lock_acquire();
	if ((realtime ? clock_realtime_ns() : clock_monotonic_ns()) >= deadline_ns) {
		sched_lock_release(f);
		return 0;	/* already due: the caller's own checks suffice */
	}
	if (realtime)
		ktimer_arm_realtime_locked(&s.timer, deadline_ns, sleeper_expired);
	else
		ktimer_arm_locked(&s.timer, deadline_ns, sleeper_expired);
	ret = wait_block_intr_locked(&s.wq, WAIT_FOREVER);
	ktimer_cancel_locked(&s.timer);
	sched_lock_release(f);
	return ret == -ETIMEDOUT ? 0 : ret;
}
