// SPDX-License-Identifier: BSD-2-Clause
/*
 * osperf: interrupt latency, measured inside the kernel.  A kernel timer
 * is armed for a deadline; its callback, run from the timer interrupt,
 * reads the counter as its first action, and wakes the measuring thread,
 * which reads the counter as soon as it runs again.  Both are compared
 * with the counter value the timer was programmed for, so a figure is
 * the time from the deadline to the callback (interrupt entry, GIC
 * acknowledge, timer driver, kernel-timer list) and to the woken thread
 * (plus the wake-up and the switch at interrupt exit).
 *
 * This file uses the kernel's own timer and wait-queue interfaces (the
 * flat build links applications with the kernel) and is compiled with
 * -mgeneral-regs-only like kernel code, because its callback runs in
 * interrupt context, where FP/SIMD registers must not be touched.
 */
#include <vireo/clock.h>
#include <vireo/ktimer.h>
#include <vireo/thread.h>
#include <vireo/wait.h>
#include "osperf.h"

/* Protected by the scheduler lock, like the timer and queue within. */
static struct irqlat {
	struct ktimer timer;
	struct wait_queue wq;
	uint64_t fired;		/* counter at the callback's entry */
} st = { .wq = WAIT_QUEUE_INIT(st.wq) };

/* Interrupt context, scheduler lock held (ktimer.h). */
static void on_deadline(struct ktimer *t)
{
	st.fired = counter_read();
	wait_wake_one_locked(&st.wq, 0);
}

/* 100 us ahead, plus an offset that wanders over 16 us from one run to
 * the next, so the deadlines do not lock onto one phase of anything
 * periodic in the emulator. */
static uint64_t next_deadline_ns(unsigned int i)
{
	return clock_monotonic_ns() + 100 * NSEC_PER_USEC + (i * 7919u) % 16000u;
}

unsigned int irqlat_run(uint64_t *handler, uint64_t *thread, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		irqflags_t f = sched_lock_acquire();
		uint64_t deadline_ns = next_deadline_ns(i);
		uint64_t deadline = clock_ns_to_ticks(deadline_ns);

		ktimer_arm_locked(&st.timer, deadline_ns, on_deadline);
		int err = wait_block_locked(&st.wq, WAIT_FOREVER);
		uint64_t woke = counter_read();
		sched_lock_release(f);
		if (err)
			break;
		handler[i] = st.fired - deadline;
		thread[i] = woke - deadline;
	}
	return i;
}
