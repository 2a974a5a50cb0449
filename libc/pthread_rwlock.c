// SPDX-License-Identifier: BSD-2-Clause
/*
 * Reader-writer locks from a mutex and two condition variables.  Writers
 * are preferred: a new reader waits while a writer waits, so a stream of
 * readers cannot starve a writer.  A thread that already holds read
 * locks may take another one even then (recursive read locks, which
 * POSIX allows), tracked with a per-thread count in the thread's libc
 * data; without that it would deadlock behind the waiting writer.
 * These calls are not cancellation points and never return EINTR, so
 * the internal waits are uninterruptible.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <vireo/mutex.h>
#include <vireo/thread.h>
#include "pthread_priv.h"

static struct kmutex *lk(pthread_rwlock_t *rw)
{
	return (struct kmutex *)&rw->lock;
}

/* A signal ends the wait only to run its handlers (with the rwlock's
 * own lock let go); the caller then looks again and waits on: POSIX
 * rwlock waits do not fail with EINTR. */
static int wait_on(pthread_cond_t *cv, pthread_rwlock_t *rw, uint64_t deadline)
{
	int r = kcond_wait((struct kcond *)cv, lk(rw), deadline, WAIT_SIGNALS);

	if (r == -EINTR) {
		pthread_deliver_unlocked(lk(rw));
		r = 0;
	}
	return r;
}

/* The count of read locks the calling thread holds on rw, from its
 * libc data (per thread, freed with it); with create, a free slot for rw
 * when it holds none (NULL: out of memory or slots).  Not a
 * thread-specific data key: libc's statics are shared by every task of
 * the flat build while keys are per task, so a key made once by the
 * first task was no key in the next (its unlocks failed with EPERM). */
static int *rd_count(pthread_rwlock_t *rw, bool create)
{
	struct pthread_data *pd = create ? pthread_data_get() : *thread_libc_data();
	int free_slot = -1;

	if (!pd)
		return NULL;
	for (int i = 0; i < PTHREAD_RD_HELD_MAX; i++) {
		if (pd->rd_held[i].rw == rw && pd->rd_held[i].count > 0)
			return &pd->rd_held[i].count;
		if (free_slot < 0 && pd->rd_held[i].count == 0)
			free_slot = i;
	}
	if (!create || free_slot < 0)
		return NULL;
	pd->rd_held[free_slot].rw = rw;
	return &pd->rd_held[free_slot].count;
}

int pthread_rwlockattr_init(pthread_rwlockattr_t *a)
{
	a->pshared = PTHREAD_PROCESS_PRIVATE;
	a->initialized = 1;
	return 0;
}

int pthread_rwlockattr_destroy(pthread_rwlockattr_t *a)
{
	if (!a->initialized)
		return EINVAL;
	a->initialized = 0;
	return 0;
}

int pthread_rwlockattr_setpshared(pthread_rwlockattr_t *a, int pshared)
{
	if (!a->initialized)
		return EINVAL;
	if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED)
		return EINVAL;
	a->pshared = pshared;
	return 0;
}

int pthread_rwlockattr_getpshared(const pthread_rwlockattr_t *a, int *pshared)
{
	if (!a->initialized)
		return EINVAL;
	*pshared = a->pshared;
	return 0;
}

int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *a)
{
	if (a && !a->initialized)
		return EINVAL;
	memset(rw, 0, sizeof(*rw));
	return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *rw)
{
	int r = 0;

	kmutex_lock(lk(rw));
	if (rw->readers || rw->writer || rw->writers_waiting)
		r = EBUSY;
	kmutex_unlock(lk(rw));
	return r;
}

static int rdlock(pthread_rwlock_t *rw, bool try, uint64_t deadline)
{
	int *held = rd_count(rw, true);
	int r = 0;

	if (!held)
		return EAGAIN;	/* too many rwlocks read-held at once */
	kmutex_lock(lk(rw));
	if (rw->writer == pthread_self() && !try) {
		r = EDEADLK;
		goto out;
	}
	/* Writer preference, except for a thread already reading. */
	while (rw->writer || (rw->writers_waiting && *held == 0)) {
		if (try) {
			r = EBUSY;
			goto out;
		}
		r = -wait_on(&rw->readers_cv, rw, deadline);
		if (r)
			goto out;
	}
	rw->readers++;
	++*held;
out:
	kmutex_unlock(lk(rw));
	return r;
}

static int wrlock(pthread_rwlock_t *rw, bool try, uint64_t deadline)
{
	int *held = rd_count(rw, false);
	int r = 0;

	kmutex_lock(lk(rw));
	if (rw->writer == pthread_self() || (held && *held)) {
		r = EDEADLK;
		goto out;
	}
	rw->writers_waiting++;
	while (rw->writer || rw->readers) {
		if (try) {
			r = EBUSY;
			break;
		}
		r = -wait_on(&rw->writers_cv, rw, deadline);
		if (r)
			break;
	}
	rw->writers_waiting--;
	if (!r)
		rw->writer = pthread_self();
	else if (!rw->writers_waiting && !rw->writer)
		kcond_broadcast((struct kcond *)&rw->readers_cv);
out:
	kmutex_unlock(lk(rw));
	return r;
}

static int deadline_of(clockid_t clock, const struct timespec *ts,
		       uint64_t *deadline)
{
	return pthread_deadline(clock, ts, deadline);
}

int pthread_rwlock_rdlock(pthread_rwlock_t *rw)
{
	return rdlock(rw, false, WAIT_FOREVER);
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw)
{
	return rdlock(rw, true, 0);
}

int pthread_rwlock_clockrdlock(pthread_rwlock_t *rw, clockid_t clock,
			       const struct timespec *abstime)
{
	uint64_t deadline;
	int r = rdlock(rw, true, 0);

	if (r != EBUSY)
		return r;
	r = deadline_of(clock, abstime, &deadline);
	return r ? r : rdlock(rw, false, deadline);
}

int pthread_rwlock_timedrdlock(pthread_rwlock_t *rw,
			       const struct timespec *abstime)
{
	return pthread_rwlock_clockrdlock(rw, CLOCK_REALTIME, abstime);
}

int pthread_rwlock_wrlock(pthread_rwlock_t *rw)
{
	return wrlock(rw, false, WAIT_FOREVER);
}

int pthread_rwlock_trywrlock(pthread_rwlock_t *rw)
{
	return wrlock(rw, true, 0);
}

int pthread_rwlock_clockwrlock(pthread_rwlock_t *rw, clockid_t clock,
			       const struct timespec *abstime)
{
	uint64_t deadline;
	int r = wrlock(rw, true, 0);

	if (r != EBUSY)
		return r;
	r = deadline_of(clock, abstime, &deadline);
	return r ? r : wrlock(rw, false, deadline);
}

int pthread_rwlock_timedwrlock(pthread_rwlock_t *rw,
			       const struct timespec *abstime)
{
	return pthread_rwlock_clockwrlock(rw, CLOCK_REALTIME, abstime);
}

int pthread_rwlock_unlock(pthread_rwlock_t *rw)
{
	int *held = rd_count(rw, false);
	int r = 0;

	kmutex_lock(lk(rw));
	if (rw->writer == pthread_self()) {
		rw->writer = 0;
	} else if (held && *held > 0 && rw->readers > 0) {
		rw->readers--;
		--*held;
	} else {
		r = EPERM;
		goto out;
	}
	/* Waiting writers first; readers when none waits. */
	if (rw->writers_waiting) {
		if (!rw->readers)
			kcond_signal((struct kcond *)&rw->writers_cv);
	} else {
		kcond_broadcast((struct kcond *)&rw->readers_cv);
	}
out:
	kmutex_unlock(lk(rw));
	return r;
}
