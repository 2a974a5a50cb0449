/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One-shot kernel timers on the monotonic clock, kept in deadline order;
 * the clock-event device is programmed for the earliest one (tickless).
 * All functions need the scheduler lock (sched_lock_acquire()); callbacks
 * run from the timer interrupt with that lock held and must not block.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vireo/list.h>

struct ktimer;
typedef void (*ktimer_fn)(struct ktimer *t);

struct ktimer {
	struct list_node node;
	uint64_t deadline_ns;
	ktimer_fn fn;
	bool armed;
};

/* Arms (or re-arms) t to call fn at deadline_ns (monotonic). */
void ktimer_arm_locked(struct ktimer *t, uint64_t deadline_ns, ktimer_fn fn);
/* Disarms t; harmless when it is not armed. */
void ktimer_cancel_locked(struct ktimer *t);
/* Timer interrupt: runs expired callbacks, reprograms the device. */
void ktimer_expire_from_irq(void);
