// SPDX-License-Identifier: BSD-2-Clause
/*
 * pthread spin locks.  A thread that finds the lock taken yields after a
 * short spin: on one CPU the holder can only release it if it gets to
 * run, and with fixed priorities a higher-priority spinner would
 * otherwise never let a lower-priority holder run, so after the spin the
 * waiter sleeps a tick-sized moment instead of merely yielding to its
 * equals.  The owner is recorded to report EDEADLK on a relock.
 */
#include <errno.h>
#include <pthread.h>
#include <vireo/clock.h>
#include <vireo/thread.h>

#define SPIN_TRIES 100

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

int pthread_spin_trylock(pthread_spinlock_t *s)
{
	if (!try_take(s))
		return EBUSY;
	s->owner = pthread_self();
	return 0;
}

int pthread_spin_lock(pthread_spinlock_t *s)
{
	int tries = 0;

	if (__atomic_load_n(&s->lock, __ATOMIC_RELAXED) &&
	    s->owner == pthread_self())
		return EDEADLK;
	while (!try_take(s)) {
		if (++tries < SPIN_TRIES) {
			thread_yield();
		} else {
			/* Let lower-priority threads (the holder) run. */
			clock_sleep_until(false, clock_monotonic_ns() + 1000);
			tries = 0;
		}
	}
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
