/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Wait queues: threads blocked on an event, in priority order (FIFO
 * among equals).  All calls need the scheduler lock.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vireo/list.h>

#define WAIT_FOREVER UINT64_MAX

struct wait_queue {
	struct list_node waiters;
};

#define WAIT_QUEUE_INIT(name) { LIST_INIT((name).waiters) }

static inline void wait_queue_init(struct wait_queue *wq)
{
	list_init(&wq->waiters);
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
 * As wait_block_intr_locked(), but not a cancellation point: only a
 * deliverable signal, a kill or an asynchronous cancellation ends the
 * wait (-EINTR), so that the caller runs the handlers and waits again
 * (pthread_mutex_lock, rwlocks, barriers: POSIX has the handler run and
 * the wait resume).
 */
int wait_block_sig_locked(struct wait_queue *wq, uint64_t deadline_ns);

/* How a wait may be ended early (kcond_wait, kmutex_lock_sig). */
enum wait_intr {
	WAIT_UNINTR,		/* wait_block_locked() */
	WAIT_SIGNALS,		/* wait_block_sig_locked() */
	WAIT_INTR,		/* wait_block_intr_locked() */
};
/* The wait of kind intr. */
int wait_block_kind_locked(struct wait_queue *wq, uint64_t deadline_ns,
			   enum wait_intr intr);
