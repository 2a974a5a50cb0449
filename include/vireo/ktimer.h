/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One-shot kernel timers (watchdogs) on the monotonic clock, kept in
 * deadline order; the clock-event device is programmed for the earliest
 * one (tickless).  Callbacks run from the timer interrupt with the
 * scheduler lock held: they must be short and must not block; they may
 * wake threads, queue work (<vireo/workqueue.h>) and re-arm timers,
 * their own included.
 *
 * A zero-filled struct ktimer is a valid disarmed timer.  The callback
 * gets the timer itself: embed it and use container_of(), or read
 * t->arg, the value given to ktimer_start().
 *
 * Two sets of calls: the *_locked ones need the scheduler lock
 * (sched_lock_acquire(), <vireo/thread.h>), the others take it
 * themselves and may be called from thread context or an interrupt
 * handler, but not from a ktimer callback (which holds the lock: it uses
 * the *_locked calls).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vireo/list.h>

struct ktimer;
typedef void (*ktimer_fn)(struct ktimer *t);

struct ktimer {
	struct list_node node;		/* in the deadline-ordered list */
	struct list_node rt_node;	/* in the realtime list, if rt */
	uint64_t deadline_ns;		/* monotonic */
	uint64_t rt_deadline_ns;	/* realtime, when rt */
	ktimer_fn fn;
	void *arg;			/* for the callback; see ktimer_start() */
	bool armed;
	bool rt;			/* follows CLOCK_REALTIME changes */
};

/* Arms (or re-arms) t to call fn at deadline_ns (monotonic). */
void ktimer_arm_locked(struct ktimer *t, uint64_t deadline_ns, ktimer_fn fn);
/*
 * Arms t to call fn when CLOCK_REALTIME reaches rt_deadline_ns; unlike a
 * monotonic timer it is re-evaluated whenever the real-time clock is
 * set (POSIX absolute CLOCK_REALTIME sleeps and timers).
 */
void ktimer_arm_realtime_locked(struct ktimer *t, uint64_t rt_deadline_ns,
				ktimer_fn fn);
/* Disarms t; harmless when it is not armed. */
void ktimer_cancel_locked(struct ktimer *t);
/* Nanoseconds until t fires (0 when due or disarmed). */
uint64_t ktimer_remaining_ns_locked(const struct ktimer *t);
/* The real-time clock was set: re-arms every realtime timer. */
void ktimer_realtime_changed_locked(void);

/*
 * Driver API (thread or interrupt context): calls fn(t) from the timer interrupt after
 * delay_ns, with t->arg = arg.  Restarting an armed timer moves it.
 */
void ktimer_start(struct ktimer *t, uint64_t delay_ns, ktimer_fn fn, void *arg);
/* Disarms t (thread or interrupt context).  Returns true if it was armed (so fn will not run for this
 * arming); false if it was not armed or its callback already started. */
bool ktimer_cancel(struct ktimer *t);

/* Timer interrupt: runs expired callbacks, reprograms the device. */
void ktimer_expire_from_irq(void);
