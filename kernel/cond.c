// SPDX-License-Identifier: BSD-2-Clause
/*
 * Condition variables over wait queues.  The scheduler lock protects the
 * queue and is held from the release of the mutex until the waiter is on
 * the queue, which is what makes "unlock and wait" atomic: a signal sent
 * by the thread that gets the mutex always finds the waiter queued.
 */
#include <errno.h>
#include <time.h>
#include <vireo/cpu.h>
#include <vireo/mutex.h>
#include <vireo/panic.h>
#include <vireo/thread.h>

static void setup_locked(struct kcond *c)
{
	if (!c->wq.waiters.next)
		wait_queue_init_kind(&c->wq, WAIT_COND);
}

void kcond_init(struct kcond *c, int clock)
{
	wait_queue_init_kind(&c->wq, WAIT_COND);
	c->clock = clock;
	c->clock_set = true;
}

int kcond_clock(const struct kcond *c)
{
	return c->clock_set ? c->clock : (int)CLOCK_REALTIME;
}

int kcond_destroy(struct kcond *c)
{
	irqflags_t f = sched_lock_acquire();
	int r;

	setup_locked(c);
	r = list_empty(&c->wq.waiters) ? 0 : -EBUSY;
	sched_lock_release(f);
	return r;
}

int kcond_wait(struct kcond *c, struct kmutex *m, uint64_t deadline_ns,
	       enum wait_intr intr)
{
	struct thread *cur = thread_current();
	unsigned int depth;
	irqflags_t f;
	int r, r2;

	kassert(!in_interrupt());
	f = sched_lock_acquire();
	setup_locked(c);
	/* No pre-emption between the release (which may wake a more urgent
	 * thread) and queueing ourselves; the block below switches anyway. */
	cur->preempt_off++;
	r = kmutex_release_locked(m, &depth);
	cur->preempt_off--;
	if (r) {
		sched_lock_release(f);
		return r;
	}
	r = wait_block_kind_locked(&c->wq, deadline_ns, intr);
	r2 = kmutex_reacquire_locked(m, depth);
	sched_lock_release(f);
	return r2 ? r2 : r;
}

void kcond_signal(struct kcond *c)
{
	irqflags_t f = sched_lock_acquire();

	setup_locked(c);
	wait_wake_one_locked(&c->wq, 0);
	sched_lock_release(f);
}

void kcond_broadcast(struct kcond *c)
{
	irqflags_t f = sched_lock_acquire();

	setup_locked(c);
	wait_wake_all_locked(&c->wq, 0);
	sched_lock_release(f);
}
