// SPDX-License-Identifier: BSD-2-Clause
/*
 * pthread spin locks.  A thread that finds the lock taken waits in three
 * stages, each for a reason:
 *
 * 1. With more than one CPU online it spins on the lock word with plain
 *    loads (and the `yield` hint), a bounded number of times: a holder
 *    running on another CPU usually releases within a few hundred
 *    instructions, and polling with loads keeps the cache line shared
 *    instead of bouncing it with a store per try, and takes no kernel
 *    lock.  With one CPU the holder cannot run while we spin: skipped.
 * 2. Then it yields (thread_yield(), which takes the scheduler lock),
 *    letting a holder of equal priority on this CPU run.
 * 3. After repeated yields it sleeps a moment: with fixed priorities a
 *    more urgent waiter that only yields never lets a less urgent holder
 *    on its CPU run (on one CPU, or when both are pinned to the same
 *    CPU), so the waiter must block for the holder to get the CPU.  The
 *    moment is long enough for a short critical section to end: a sleep
 *    that ends at once would pre-empt the holder again before it could
 *    release the lock.
 *
 * The owner is recorded to report EDEADLK on a relock and EPERM on an
 * unlock by another thread.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <vireo/clock.h>
#include <vireo/compiler.h>
#include <vireo/thread.h>

#define SPIN_READS 256		/* stage 1: polls of the lock word per round */
#define SPIN_YIELDS 16		/* stage 2: yields before a sleep */
#define SPIN_SLEEP_NS 50000	/* stage 3: a less urgent holder's turn */

int pthread_spin_init(pthread_spinlock_t *s, int pshared)
{
	if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED)
		return EINVAL;
	s->lock = 0;
	s->owner = 0;
	return 0;
}

int pthread_spin_destroy(pthread_spinlock_t *s)
{
	return s->lock ? EBUSY : 0;
}

static bool try_take(pthread_spinlock_t *s)
{
	return __atomic_exchange_n(&s->lock, 1, __ATOMIC_ACQUIRE) == 0;
}

static bool taken(pthread_spinlock_t *s)
{
	return __atomic_load_n(&s->lock, __ATOMIC_RELAXED) != 0;
}

int pthread_spin_trylock(pthread_spinlock_t *s)
{
	if (!try_take(s))
		return EBUSY;
	s->owner = pthread_self();
	return 0;
}

/* Stage 1: true when the lock looked free within SPIN_READS polls. */
static bool spin_until_free(pthread_spinlock_t *s)
{
	for (int i = 0; i < SPIN_READS; i++) {
		if (!taken(s))
			return true;
		__asm__ volatile("yield" ::: "memory");
	}
	return false;
}

int pthread_spin_lock(pthread_spinlock_t *s)
{
	bool smp;
	int yields = 0;

	if (taken(s) && s->owner == pthread_self())
		return EDEADLK;
	if (try_take(s))
		goto out;
	smp = IS_ENABLED(CONFIG_SMP) &&
	      __builtin_popcount(sched_online_mask()) > 1;
	do {
		if (smp && spin_until_free(s))
			continue;	/* free now: try to take it */
		if (++yields < SPIN_YIELDS) {
			thread_yield();
		} else {
			/* Let less urgent threads (the holder) run. */
			clock_sleep_until(false, clock_monotonic_ns() + SPIN_SLEEP_NS);
			yields = 0;
		}
	} while (!try_take(s));
out:
	s->owner = pthread_self();
	return 0;
}

int pthread_spin_unlock(pthread_spinlock_t *s)
{
	if (!s->lock || s->owner != pthread_self())
		return EPERM;
	s->owner = 0;
	__atomic_store_n(&s->lock, 0, __ATOMIC_RELEASE);
	return 0;
}
