// SPDX-License-Identifier: BSD-2-Clause
/*
 * Kernel counting semaphores over wait queues.  A post hands the unit
 * directly to the most urgent waiter (the count is not incremented), so a
 * lower-priority thread cannot take it in between.  The scheduler lock
 * protects the count and the queue, so a post from an interrupt handler
 * is as safe as one from a thread.
 */
#include <errno.h>
#include <limits.h>
#include <vireo/sem.h>
#include <vireo/thread.h>

void ksem_init(struct ksem *s, int count)
{
	s->count = count;
	wait_queue_init_kind(&s->wq, WAIT_SEM);
}

static int sem_wait(struct ksem *s, uint64_t deadline_ns, bool intr)
{
	irqflags_t f = sched_lock_acquire();
	int r = 0;

	if (s->count > 0)
		s->count--;
	else if (intr)
		r = wait_block_intr_locked(&s->wq, deadline_ns);
	else
		r = wait_block_locked(&s->wq, deadline_ns);
	sched_lock_release(f);
	return r;
}

int ksem_wait_intr(struct ksem *s, uint64_t deadline_ns)
{
	return sem_wait(s, deadline_ns, true);
}

void ksem_wait(struct ksem *s)
{
	sem_wait(s, WAIT_FOREVER, false);
}

bool ksem_has_waiters(struct ksem *s)
{
	irqflags_t f = sched_lock_acquire();
	bool r = !list_empty(&s->wq.waiters);

	sched_lock_release(f);
	return r;
}

int ksem_trywait(struct ksem *s)
{
	irqflags_t f = sched_lock_acquire();
	int r = -EAGAIN;

	if (s->count > 0) {
		s->count--;
		r = 0;
	}
	sched_lock_release(f);
	return r;
}

int ksem_post_locked(struct ksem *s)
{
	if (wait_wake_one_locked(&s->wq, 0))
		return 0;
	if (s->count == INT_MAX)
		return -EOVERFLOW;
	s->count++;
	return 0;
}

int ksem_post(struct ksem *s)
{
	irqflags_t f = sched_lock_acquire();
	int r = ksem_post_locked(s);

	sched_lock_release(f);
	return r;
}

int ksem_value(struct ksem *s)
{
	return READ_ONCE(s->count);
}
