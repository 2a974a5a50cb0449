/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * POSIX per-process timers (timer_create() and friends) in the kernel
 * (kernel/posix_timer.c).  A timer belongs to the task that created it;
 * expirations run from the timer interrupt (a ktimer callback with the
 * scheduler lock held) and only queue a signal, count an overrun, or
 * wake the thread waiting in posix_timer_notify_wait() (SIGEV_THREAD),
 * so that the interrupt's work stays bounded.  Times are in ns.
 *
 * Thread context and scheduler lock not held, unless noted.  Every call
 * taking an id returns -EINVAL for an id the calling task does not own.
 */
#pragma once

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct task;

#ifndef DELAYTIMER_MAX
#define DELAYTIMER_MAX INT_MAX	/* overrun counts saturate here */
#endif

/*
 * timer_create(): clock is CLOCK_REALTIME or CLOCK_MONOTONIC; ev NULL
 * means SIGEV_SIGNAL with SIGALRM and the timer id as value.  For
 * SIGEV_THREAD expirations are counted for posix_timer_notify_wait():
 * the caller (libc's timer_create()) starts the thread that runs the
 * function.  0 and *id, or -EINVAL, -EAGAIN (no memory), -ENOTSUP
 * (clock).
 */
int posix_timer_create(clockid_t clock, const struct sigevent *ev, timer_t *id);
/* Disarms and frees the timer; a signal it queued stays pending.  0. */
int posix_timer_delete(timer_t id);
/*
 * Arms the timer for value_ns from now (relative) or at value_ns on its
 * clock (abs: an absolute CLOCK_REALTIME time follows clock changes),
 * then every interval_ns (0: one-shot).  value_ns 0 disarms.  Returns
 * the previous remaining time and interval in *old_value and *old_interval
 * (either may be NULL).  0.
 */
int posix_timer_settime(timer_t id, bool abs, uint64_t value_ns,
			uint64_t interval_ns, uint64_t *old_value,
			uint64_t *old_interval);
/* Remaining time (0: disarmed) and interval.  0. */
int posix_timer_gettime(timer_t id, uint64_t *value, uint64_t *interval);
/* Overruns counted for the last delivered expiration, at most
 * DELAYTIMER_MAX.  >= 0 or -EINVAL. */
int posix_timer_getoverrun(timer_t id);
/*
 * For the thread of a SIGEV_THREAD timer (system call timer_wait): waits
 * for the next expiration and returns its overrun count (the ones that
 * came together with it, which timer_getoverrun() then reports too);
 * -EINVAL when the timer is deleted (meanwhile, or before the call) or
 * not SIGEV_THREAD; -EINTR on a deliverable signal or a kill.
 */
int posix_timer_notify_wait(timer_t id);

/* The system call timer_settime (kernel/posix_timer_calls.c): flags 0
 * or TIMER_ABSTIME, else -EINVAL. */
long posix_timer_settime_call(timer_t id, int flags, uint64_t value_ns,
			      uint64_t interval_ns, uint64_t *old_value,
			      uint64_t *old_interval);

/*
 * For kernel/signal.c: the signal timer `id` of task t queued was taken
 * (delivered to a handler, accepted by sigwait*, or discarded).  Ends
 * the timer's "signal pending" period: until then further expirations
 * only count overruns (POSIX allows one queued signal per timer), and
 * makes those overruns what timer_getoverrun() returns.  Nothing when
 * the timer was deleted meanwhile.  Scheduler lock held; any context.
 */
void posix_timer_signal_taken_locked(struct task *t, timer_t id);
/*
 * For kernel/task.c: deletes every timer of task t.  Called once the
 * task's other threads have ended (so none waits on a timer), before t
 * is freed.  Thread context.
 */
void posix_timer_task_exit(struct task *t);
