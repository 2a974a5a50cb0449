// SPDX-License-Identifier: BSD-2-Clause
/*
 * Wait queues in priority order.  The scheduler lock protects the queues
 * and the waiting threads' state; a timed wait arms the thread's own
 * timeout timer, which wakes it with -ETIMEDOUT.
 */
#include <errno.h>
#include <vireo/panic.h>
#include <vireo/thread.h>
#include <vireo/wait.h>
#include "kernel_priv.h"

static void wait_timeout(struct ktimer *kt)
{
	sched_wake_locked(container_of(kt, struct thread, timeout), -ETIMEDOUT);
}

/* Behind every waiter of equal or higher priority: FIFO among equals. */
static void enqueue_by_prio(struct wait_queue *wq, struct thread *t)
{
	struct list_node *n;

	list_for_each(n, &wq->waiters) {
		struct thread *w = list_entry(n, struct thread, sched_node);
		if (w->prio < t->prio)
			break;
	}
	list_insert(&t->sched_node, n->prev, n);
}

int wait_block_locked(struct wait_queue *wq, uint64_t deadline_ns)
{
	struct thread *cur = thread_current();

	kassert(!in_interrupt());
	cur->state = THREAD_BLOCKED;
	cur->waiting_on = wq;
	enqueue_by_prio(wq, cur);
	if (deadline_ns != WAIT_FOREVER)
		ktimer_arm_locked(&cur->timeout, deadline_ns, wait_timeout);
	sched_block_locked();
	return cur->wait_result;
}

bool wait_wake_one_locked(struct wait_queue *wq, int result)
{
	struct list_node *n = list_first(&wq->waiters);

	if (!n)
		return false;
	sched_wake_locked(list_entry(n, struct thread, sched_node), result);
	return true;
}

int wait_wake_all_locked(struct wait_queue *wq, int result)
{
	int n = 0;

	while (wait_wake_one_locked(wq, result))
		n++;
	return n;
}

/*
 * Interruptible wait.  The checks on entry and the wake-ups by
 * signal_send_*() and thread_cancel() both run under the scheduler lock,
 * so a signal sent between the caller's last look and the block is not
 * lost: either it is seen here, or the sender finds the thread blocked
 * with intr_wait set and wakes it.
 */
int wait_block_intr_locked(struct wait_queue *wq, uint64_t deadline_ns)
{
	struct thread *cur = thread_current();
	int r;

	kassert(sched_lock_held());
	/* The wrapper's signal_deliver() reports the handlers run from here
	 * on, wherever they ran (also at an interrupt's exit before it). */
	cur->sig_ran = 0;
	if (cur->cancel_pending && cur->cancel_state == THREAD_CANCEL_ENABLE &&
	    !cur->exiting)
		return -ECANCELED;
	if (thread_has_work_locked(cur, false))
		return -EINTR;
	cur->intr_wait = true;
	r = wait_block_locked(wq, deadline_ns);
	cur->intr_wait = false;
	return r;
}

int wait_while_intr(struct wait_queue *wq, spinlock_t *lock,
		    bool (*busy)(void *arg), void *arg)
{
	irqflags_t f = sched_lock_acquire();
	bool block;
	int r = 0;

	spin_lock(lock);
	block = busy(arg);
	spin_unlock(lock);
	if (block)
		r = wait_block_intr_locked(wq, WAIT_FOREVER);
	sched_lock_release(f);
	return r;
}

void wait_wake_all(struct wait_queue *wq)
{
	irqflags_t f = sched_lock_acquire();

	wait_wake_all_locked(wq, 0);
	sched_lock_release(f);
}
