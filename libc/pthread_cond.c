// SPDX-License-Identifier: BSD-2-Clause
/*
 * pthread condition variables over kernel/cond.c.  The waits are
 * cancellation points: the mutex is locked again before the cleanup
 * handlers run (POSIX).  They never fail with EINTR: a signal ends the
 * wait, its handler runs, and the call returns 0 as a spurious wakeup,
 * which callers must tolerate anyway.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <vireo/mutex.h>
#include <vireo/signal.h>
#include <vireo/thread.h>
#include "pthread_priv.h"

_Static_assert(sizeof(pthread_cond_t) >= sizeof(struct kcond),
	       "pthread_cond_t too small for struct kcond");

static struct kcond *kc(pthread_cond_t *c)
{
	return (struct kcond *)c;
}

int pthread_condattr_init(pthread_condattr_t *a)
{
	memset(a, 0, sizeof(*a));
	a->clock = CLOCK_REALTIME;
	a->pshared = PTHREAD_PROCESS_PRIVATE;
	a->initialized = 1;
	return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *a)
{
	if (!a->initialized)
		return EINVAL;
	a->initialized = 0;
	return 0;
}

int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clock)
{
	if (!a->initialized)
		return EINVAL;
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return EINVAL;
	a->clock = clock;
	return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *a, clockid_t *clock)
{
	if (!a->initialized)
		return EINVAL;
	*clock = a->clock;
	return 0;
}

int pthread_condattr_setpshared(pthread_condattr_t *a, int pshared)
{
	if (!a->initialized)
		return EINVAL;
	if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED)
		return EINVAL;
	a->pshared = pshared;
	return 0;
}

int pthread_condattr_getpshared(const pthread_condattr_t *a, int *pshared)
{
	if (!a->initialized)
		return EINVAL;
	*pshared = a->pshared;
	return 0;
}

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a)
{
	if (a && !a->initialized)
		return EINVAL;
	memset(c, 0, sizeof(*c));
	kcond_init(kc(c), a ? a->clock : (int)CLOCK_REALTIME);
	return 0;
}

int pthread_cond_destroy(pthread_cond_t *c)
{
	return -kcond_destroy(kc(c));
}

static int cond_wait(pthread_cond_t *c, pthread_mutex_t *m, uint64_t deadline)
{
	int r = kcond_wait(kc(c), (struct kmutex *)m, deadline, WAIT_INTR);

	if (r == -EINTR) {
		signal_deliver();
		return 0;
	}
	if (r == -ECANCELED) {
		thread_testcancel();	/* mutex held again, as POSIX needs */
		return 0;
	}
	return -r;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	return cond_wait(c, m, WAIT_FOREVER);
}

int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m,
			   clockid_t clock, const struct timespec *abstime)
{
	uint64_t deadline;
	int r = pthread_deadline(clock, abstime, &deadline);

	return r ? r : cond_wait(c, m, deadline);
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
			   const struct timespec *abstime)
{
	return pthread_cond_clockwait(c, m, kcond_clock(kc(c)), abstime);
}

int pthread_cond_signal(pthread_cond_t *c)
{
	kcond_signal(kc(c));
	return 0;
}

int pthread_cond_broadcast(pthread_cond_t *c)
{
	kcond_broadcast(kc(c));
	return 0;
}
