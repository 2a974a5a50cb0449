// SPDX-License-Identifier: BSD-2-Clause
/*
 * Barriers: a mutex, a condition variable and a cycle number.  The last
 * thread to arrive starts a new cycle, wakes the others and is the one
 * that gets PTHREAD_BARRIER_SERIAL_THREAD; waiters leave when the cycle
 * number changes, so spurious wake-ups and an immediate reuse of the
 * barrier are both harmless.  Not a cancellation point (POSIX).
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <vireo/mutex.h>
#include "pthread_priv.h"

static struct kmutex *lk(pthread_barrier_t *b)
{
	return (struct kmutex *)&b->lock;
}

int pthread_barrierattr_init(pthread_barrierattr_t *a)
{
	a->pshared = PTHREAD_PROCESS_PRIVATE;
	a->initialized = 1;
	return 0;
}

int pthread_barrierattr_destroy(pthread_barrierattr_t *a)
{
	if (!a->initialized)
		return EINVAL;
	a->initialized = 0;
	return 0;
}

int pthread_barrierattr_setpshared(pthread_barrierattr_t *a, int pshared)
{
	if (!a->initialized)
		return EINVAL;
	if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED)
		return EINVAL;
	a->pshared = pshared;
	return 0;
}

int pthread_barrierattr_getpshared(const pthread_barrierattr_t *a, int *pshared)
{
	if (!a->initialized)
		return EINVAL;
	*pshared = a->pshared;
	return 0;
}

int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *a,
			 unsigned int count)
{
	if (count == 0 || (a && !a->initialized))
		return EINVAL;
	memset(b, 0, sizeof(*b));
	b->count = count;
	return 0;
}

int pthread_barrier_destroy(pthread_barrier_t *b)
{
	int r = 0;

	kmutex_lock(lk(b));
	if (b->arrived)
		r = EBUSY;
	else
		b->count = 0;
	kmutex_unlock(lk(b));
	return r;
}

int pthread_barrier_wait(pthread_barrier_t *b)
{
	unsigned long cycle;
	int r = 0;

	kmutex_lock(lk(b));
	if (b->count == 0) {
		kmutex_unlock(lk(b));
		return EINVAL;
	}
	cycle = b->cycle;
	if (++b->arrived == b->count) {
		b->arrived = 0;
		b->cycle++;
		kcond_broadcast((struct kcond *)&b->cv);
		r = PTHREAD_BARRIER_SERIAL_THREAD;
	} else {
		/* A signal's handlers run, then the wait goes on (POSIX). */
		while (cycle == b->cycle)
			if (kcond_wait((struct kcond *)&b->cv, lk(b), WAIT_FOREVER,
				       WAIT_SIGNALS) == -EINTR)
				pthread_deliver_unlocked(lk(b));
	}
	kmutex_unlock(lk(b));
	return r;
}
