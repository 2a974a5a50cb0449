/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Wait queues: threads blocked on an event, in priority order (FIFO
 * among equals).  All calls need the scheduler lock.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vireo/list.h>
#include <vireo/spinlock.h>

#define WAIT_FOREVER UINT64_MAX

/*
 * What a queue belongs to, so that a debugger (tools/gdb/vireo.py) can
 * name what a blocked thread waits on: the object holding the queue is
 * found from the kind (a struct ksem around a WAIT_SEM queue, ...).  The
 * kernel never branches on it.
 */
enum wait_kind {
	WAIT_OTHER,		/* a kernel-internal queue */
	WAIT_SEM,		/* struct ksem .wq */
	WAIT_MUTEX,		/* struct kmutex .wq */
	WAIT_COND,		/* struct kcond .wq */
	WAIT_MQ_RECEIVE,	/* struct kmq .not_empty.wq */
	WAIT_MQ_SEND,		/* struct kmq .not_full.wq */
	WAIT_SLEEP,		/* struct sleeper .wq (clock.c) */
	WAIT_JOIN,		/* a thread's join_wq */
	WAIT_CHILD,		/* struct task .child_wq (waitpid) */
	WAIT_SIGNAL,		/* sigwait, sigsuspend */
	WAIT_IO,		/* a device, pipe or poll queue */
};

struct wait_queue {
	struct list_node waiters;
	enum wait_kind kind;	/* set at initialisation */
};

#define WAIT_QUEUE_INIT_KIND(name, k) { LIST_INIT((name).waiters), (k) }
#define WAIT_QUEUE_INIT(name) WAIT_QUEUE_INIT_KIND(name, WAIT_OTHER)

static inline void wait_queue_init_kind(struct wait_queue *wq,
					enum wait_kind kind)
{
	list_init(&wq->waiters);
	wq->kind = kind;
}

static inline void wait_queue_init(struct wait_queue *wq)
{
	wait_queue_init_kind(wq, WAIT_OTHER);
}

/*
 * Blocks the current thread on wq until woken or until the monotonic
 * deadline_ns (WAIT_FOREVER for none).  Drops the lock while blocked and
 * holds it again on return.  Returns the waker's result, or -ETIMEDOUT.
 */
int wait_block_locked(struct wait_queue *wq, uint64_t deadline_ns);
/* Wakes the most urgent waiter with result; false if none waited. */
bool wait_wake_one_locked(struct wait_queue *wq, int result);
/* Wakes every waiter with result; returns how many. */
int wait_wake_all_locked(struct wait_queue *wq, int result);

/*
 * As wait_block_locked(), but a signal that becomes deliverable to the
 * thread ends the wait with -EINTR, and a pending enabled deferred
 * cancellation with -ECANCELED (checked on entry too).  For the blocking
 * POSIX calls; kernel-internal waits stay uninterruptible.
 */
int wait_block_intr_locked(struct wait_queue *wq, uint64_t deadline_ns);

/*
 * For drivers whose state an interrupt handler changes under an IRQ-safe
 * spinlock: blocks on wq, interruptibly, while busy(arg) holds.  busy()
 * runs with the scheduler lock and then lock held (that order), so the
 * handler, which needs the scheduler lock to wake wq, cannot slip its
 * wake-up between the check and the block.  Returns 0 when woken or not
 * busy (the caller looks again), -EINTR or -ECANCELED.  Thread context;
 * the caller holds neither lock.
 */
int wait_while_intr(struct wait_queue *wq, spinlock_t *lock,
		    bool (*busy)(void *arg), void *arg);
/* wait_wake_all_locked(wq, 0) taking the scheduler lock itself.  Any
 * context that holds no driver spinlock (the scheduler lock is outer). */
void wait_wake_all(struct wait_queue *wq);

/*
 * As wait_block_intr_locked(), but not a cancellation point: only a
 * deliverable signal, a kill or an asynchronous cancellation ends the
 * wait (-EINTR), so that the caller runs the handlers and waits again
 * (pthread_mutex_lock, rwlocks, barriers: POSIX has the handler run and
 * the wait resume).
 */
int wait_block_sig_locked(struct wait_queue *wq, uint64_t deadline_ns);

/* How a wait may be ended early (kcond_wait, kmutex_lock_sig's waits). */
enum wait_intr {
	WAIT_UNINTR,		/* wait_block_locked() */
	WAIT_SIGNALS,		/* wait_block_sig_locked() */
	WAIT_INTR,		/* wait_block_intr_locked() */
};
/* The wait of kind intr. */
int wait_block_kind_locked(struct wait_queue *wq, uint64_t deadline_ns,
			   enum wait_intr intr);
