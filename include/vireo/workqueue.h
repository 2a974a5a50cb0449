/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel work queues: deferred work run in thread context.  Two queues,
 * each served by one kernel thread (SCHED_FIFO):
 *   HPWORK  priority CONFIG_WORKQUEUE_HP_PRIO (default 224): short work
 *           that finishes what an interrupt handler started;
 *   LPWORK  priority CONFIG_WORKQUEUE_LP_PRIO (default 50): housekeeping
 *           that may take long and must not delay applications.
 * Items of one queue run one at a time in the order they became due.
 *
 * What runs where: work_queue() and work_cancel() may be called from
 * thread context and from interrupt handlers (they take the scheduler
 * lock); a ktimer callback, which already holds that lock, uses
 * work_queue_locked().  The item's function runs in its queue's thread,
 * where it may
 * block (mutexes, semaphores, sleeping) — but a long block delays every
 * item behind it.  A delayed item waits on a ktimer, then moves to its
 * queue from the timer interrupt.
 *
 * The caller owns struct work (static or embedded, zero-filled or
 * work_init()); it must stay valid until the function has started.  The
 * function may queue its own item again, and may free it.  The worker
 * takes an item (idle again) before its function starts, so a run may be
 * under way when the item is queued anew: a last run that frees what
 * the item lives in is queued with a function of its own, never decided
 * by a flag the function reads (a run already taken would read it too).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vireo/ktimer.h>
#include <vireo/list.h>

enum { HPWORK = 0, LPWORK = 1 };

typedef void (*work_fn)(void *arg);

struct work {
	struct list_node node;	/* in its queue while due (scheduler lock) */
	struct ktimer timer;	/* delay before it is due */
	work_fn fn;
	void *arg;
	uint8_t queue;		/* HPWORK or LPWORK */
	uint8_t state;		/* WORK_IDLE/DELAYED/QUEUED, workqueue.c */
};

/* Makes w an idle item (same as zero-filling it). */
void work_init(struct work *w);
/*
 * Runs fn(arg) in queue's thread after delay_ns (0: as soon as the
 * thread gets the CPU).  An item still pending is moved: it then runs
 * once, with the new fn, arg and delay.  Any context.
 * 0, or -EINVAL (unknown queue or NULL fn).
 */
int work_queue(int queue, struct work *w, work_fn fn, void *arg,
	       uint64_t delay_ns);
/* The same with the scheduler lock held (ktimer callbacks). */
int work_queue_locked(int queue, struct work *w, work_fn fn, void *arg,
		      uint64_t delay_ns);
/*
 * Removes a pending item.  0 when it was pending (fn will not run for
 * that queueing); -ENOENT when it was not (idle, or its function has
 * already started: work_cancel() does not wait for it).  Any context.
 */
int work_cancel(struct work *w);
/* Whether w is queued or delayed.  Any context. */
bool work_pending(const struct work *w);
/* Boot: starts the two queue threads.  Thread context, after
 * sched_init(); items queued before run once their thread starts. */
void workqueue_init(void);
