// SPDX-License-Identifier: BSD-2-Clause
/*
 * pthread mutexes and their attributes.  A pthread_mutex_t is the
 * storage of a kernel mutex (kernel/mutex.c), which implements the
 * types, the PRIO_INHERIT/PRIO_PROTECT protocols and robustness; this
 * file validates arguments and turns -errno into POSIX error numbers.
 * The pshared attribute is accepted and has no effect: every thread of
 * the flat build shares one address space.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <vireo/mutex.h>
#include <vireo/thread.h>
#include "pthread_priv.h"

_Static_assert(sizeof(pthread_mutex_t) >= sizeof(struct kmutex),
	       "pthread_mutex_t too small for struct kmutex");
_Static_assert(_Alignof(pthread_mutex_t) >= _Alignof(struct kmutex),
	       "pthread_mutex_t under-aligned");

static struct kmutex *km(pthread_mutex_t *m)
{
	return (struct kmutex *)m;
}

int pthread_mutexattr_init(pthread_mutexattr_t *a)
{
	memset(a, 0, sizeof(*a));
	a->type = PTHREAD_MUTEX_DEFAULT;
	a->protocol = PTHREAD_PRIO_NONE;
	a->prioceiling = SCHED_PRIO_MAX;
	a->robust = PTHREAD_MUTEX_STALLED;
	a->pshared = PTHREAD_PROCESS_PRIVATE;
	a->initialized = 1;
	return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *a)
{
	if (!a->initialized)
		return EINVAL;
	a->initialized = 0;
	return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type)
{
	if (!a->initialized)
		return EINVAL;
	if (type < PTHREAD_MUTEX_NORMAL || type > PTHREAD_MUTEX_RECURSIVE)
		return EINVAL;
	a->type = type;
	return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *a, int *type)
{
	if (!a->initialized)
		return EINVAL;
	*type = a->type;
	return 0;
}

int pthread_mutexattr_setprotocol(pthread_mutexattr_t *a, int protocol)
{
	if (!a->initialized)
		return EINVAL;
	if (protocol < PTHREAD_PRIO_NONE || protocol > PTHREAD_PRIO_PROTECT)
		return ENOTSUP;
	a->protocol = protocol;
	return 0;
}

int pthread_mutexattr_getprotocol(const pthread_mutexattr_t *a, int *protocol)
{
	if (!a->initialized)
		return EINVAL;
	*protocol = a->protocol;
	return 0;
}

int pthread_mutexattr_setprioceiling(pthread_mutexattr_t *a, int ceiling)
{
	if (!a->initialized)
		return EINVAL;
	if (ceiling < SCHED_PRIO_MIN || ceiling > SCHED_PRIO_MAX)
		return EINVAL;
	a->prioceiling = ceiling;
	return 0;
}

int pthread_mutexattr_getprioceiling(const pthread_mutexattr_t *a, int *ceiling)
{
	if (!a->initialized)
		return EINVAL;
	*ceiling = a->prioceiling;
	return 0;
}

int pthread_mutexattr_setrobust(pthread_mutexattr_t *a, int robust)
{
	if (!a->initialized)
		return EINVAL;
	if (robust != PTHREAD_MUTEX_STALLED && robust != PTHREAD_MUTEX_ROBUST)
		return EINVAL;
	a->robust = robust;
	return 0;
}

int pthread_mutexattr_getrobust(const pthread_mutexattr_t *a, int *robust)
{
	if (!a->initialized)
		return EINVAL;
	*robust = a->robust;
	return 0;
}

int pthread_mutexattr_setpshared(pthread_mutexattr_t *a, int pshared)
{
	if (!a->initialized)
		return EINVAL;
	if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED)
		return EINVAL;
	a->pshared = pshared;
	return 0;
}

int pthread_mutexattr_getpshared(const pthread_mutexattr_t *a, int *pshared)
{
	if (!a->initialized)
		return EINVAL;
	*pshared = a->pshared;
	return 0;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
	struct kmutex_attr ka = { .type = KMUTEX_NORMAL };

	if (a) {
		if (!a->initialized)
			return EINVAL;
		ka.type = a->type;
		ka.protocol = a->protocol;
		ka.ceiling = a->prioceiling;
		ka.robust = a->robust == PTHREAD_MUTEX_ROBUST;
		if (ka.robust)	/* owner death is noticed by the exit hook */
			pthread_exit_hook_install();
	}
	return -kmutex_init_attr(km(m), &ka);
}

int pthread_mutex_destroy(pthread_mutex_t *m)
{
	return -kmutex_destroy(km(m));
}

/* A signal's handlers run inside, then the wait goes on (POSIX: no
 * EINTR). */
int pthread_mutex_lock(pthread_mutex_t *m)
{
	return -kmutex_lock_sig(km(m), WAIT_FOREVER);
}

/* POSIX: EBUSY whenever the mutex is held, by the caller too (the
 * kernel says EDEADLK for an error-checking one the caller owns). */
int pthread_mutex_trylock(pthread_mutex_t *m)
{
	int r = kmutex_trylock(km(m));

	return r == -EDEADLK ? EBUSY : -r;
}

/* POSIX: abstime need not be valid when the lock is free. */
int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clock,
			    const struct timespec *abstime)
{
	uint64_t deadline;
	int r = kmutex_trylock(km(m));

	if (r != -EBUSY)
		return -r;
	r = pthread_deadline(clock, abstime, &deadline);
	if (r)
		return r;
	return -kmutex_lock_sig(km(m), deadline);
}

int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime)
{
	return pthread_mutex_clocklock(m, CLOCK_REALTIME, abstime);
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	return -kmutex_unlock(km(m));
}

int pthread_mutex_consistent(pthread_mutex_t *m)
{
	return -kmutex_consistent(km(m));
}

int pthread_mutex_getprioceiling(const pthread_mutex_t *m, int *ceiling)
{
	const struct kmutex *k = (const struct kmutex *)m;

	if (k->protocol != KMUTEX_PRIO_PROTECT)
		return EINVAL;
	*ceiling = k->ceiling;
	return 0;
}

int pthread_mutex_setprioceiling(pthread_mutex_t *m, int ceiling, int *old)
{
	if (km(m)->protocol != KMUTEX_PRIO_PROTECT)
		return EINVAL;
	return -kmutex_set_ceiling(km(m), ceiling, old);
}
