// SPDX-License-Identifier: BSD-2-Clause
/*
 * Kernel counting semaphores over wait queues.  A post hands the unit
 * directly to the most urgent waiter (the count is not incremented), so a
 * lower-priority thread cannot take it in between.
 *
 * The count is one atomic word, so that a wait that finds a unit and a
 * post that finds nobody waiting take no lock (as futex-based libraries
 * do): count >= 0 is the number of units and nobody waits; SEM_WAITED
 * (-1) means no units and threads on the wait queue.  Only a thread
 * holding the scheduler lock moves the word to or from SEM_WAITED, and
 * the queue is under that lock too, so a post that sees SEM_WAITED finds
 * the waiters once it holds the lock.  A waiter sets SEM_WAITED before
 * it queues, so no post in between can miss it.  Posting from an
 * interrupt handler is as safe as from a thread.
 */
#include <errno.h>
#include <limits.h>
#include <vireo/compiler.h>
#include <vireo/sem.h>
#include <vireo/thread.h>

#define SEM_WAITED (-1)

void ksem_init(struct ksem *s, int count)
{
	s->count = count;
	wait_queue_init_kind(&s->wq, WAIT_SEM);
}

/* Takes a unit if there is one: 0, or -EAGAIN. */
static int take_unit(struct ksem *s)
{
	int v = __atomic_load_n(&s->count, __ATOMIC_RELAXED);

	while (v > 0) {
		if (__atomic_compare_exchange_n(&s->count, &v, v - 1, true,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return 0;
	}
	return -EAGAIN;
}

/* No unit: marks the semaphore waited on and reports true, or takes a
 * unit that a post added meanwhile and reports false.  Lock held. */
static bool mark_waited_locked(struct ksem *s)
{
	int v = __atomic_load_n(&s->count, __ATOMIC_RELAXED);

	for (;;) {
		if (v > 0) {
			if (__atomic_compare_exchange_n(&s->count, &v, v - 1, true,
							__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
				return false;
		} else if (v == SEM_WAITED ||
			   __atomic_compare_exchange_n(&s->count, &v, SEM_WAITED, true,
						       __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
			return true;
		}
	}
}

static int sem_wait(struct ksem *s, uint64_t deadline_ns, bool intr)
{
	irqflags_t f;
	int r = 0;

	if (take_unit(s) == 0)
		return 0;
	f = sched_lock_acquire();
	if (mark_waited_locked(s)) {
		if (intr)
			r = wait_block_intr_locked(&s->wq, deadline_ns);
		else
			r = wait_block_locked(&s->wq, deadline_ns);
		/* Timed out or interrupted as the last waiter: no longer
		 * waited on (a post meanwhile found nobody and counted). */
		if (r && list_empty(&s->wq.waiters) && s->count == SEM_WAITED)
			__atomic_store_n(&s->count, 0, __ATOMIC_RELAXED);
	}
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
	return take_unit(s);
}

/* SEM_WAITED seen: the unit goes to the most urgent waiter; the last one
 * woken leaves the semaphore at 0 units, unwaited.  With the queue empty
 * (its waiters timed out and have not run yet) the unit is counted. */
static void post_waited_locked(struct ksem *s)
{
	if (!wait_wake_one_locked(&s->wq, 0))
		__atomic_store_n(&s->count, 1, __ATOMIC_RELEASE);
	else if (list_empty(&s->wq.waiters))
		__atomic_store_n(&s->count, 0, __ATOMIC_RELAXED);
}

/* Adds a unit unless the word is SEM_WAITED: 0, -EOVERFLOW, or -EAGAIN
 * when it is waited on.  Lock-free; concurrent adds and takes only move
 * a non-negative count. */
static int add_unit(struct ksem *s)
{
	int v = __atomic_load_n(&s->count, __ATOMIC_RELAXED);

	for (;;) {
		if (v == INT_MAX)
			return -EOVERFLOW;
		if (v < 0)
			return -EAGAIN;
		if (__atomic_compare_exchange_n(&s->count, &v, v + 1, true,
						__ATOMIC_RELEASE, __ATOMIC_RELAXED))
			return 0;
	}
}

/* With the scheduler lock held, nobody else can move the word to or
 * from SEM_WAITED, so one look decides. */
int ksem_post_locked(struct ksem *s)
{
	if (__atomic_load_n(&s->count, __ATOMIC_RELAXED) == SEM_WAITED) {
		post_waited_locked(s);
		return 0;
	}
	return add_unit(s);
}

/* What ksem_post()'s one exchange did not settle (a word waited on, at
 * INT_MAX, or moved meanwhile): a unit added, or handed to a waiter
 * under the lock; again when the last waiter left before the lock was
 * taken. */
static __attribute__((noinline)) int post_slow(struct ksem *s)
{
	for (;;) {
		int r = add_unit(s);
		irqflags_t f;
		bool waited;

		if (r != -EAGAIN)
			return r;
		f = sched_lock_acquire();
		waited = s->count == SEM_WAITED;
		if (waited)
			post_waited_locked(s);
		sched_lock_release(f);
		if (waited)
			return 0;
	}
}

/* Nobody waiting and room for a unit, as nearly always: one exchange,
 * and no frame for the rest. */
int ksem_post(struct ksem *s)
{
	int v = __atomic_load_n(&s->count, __ATOMIC_RELAXED);

	if (likely(v >= 0 && v < INT_MAX) &&
	    __atomic_compare_exchange_n(&s->count, &v, v + 1, false,
					__ATOMIC_RELEASE, __ATOMIC_RELAXED))
		return 0;
	return post_slow(s);
}

int ksem_value(struct ksem *s)
{
	int v = READ_ONCE(s->count);

	return v < 0 ? 0 : v;	/* waited on: no units */
}
