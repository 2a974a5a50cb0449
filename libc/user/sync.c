// SPDX-License-Identifier: BSD-2-Clause
/*
 * Mutexes, condition variables and semaphores of an EL0 process, over
 * the kernel's futexes (kernel/kmode/futex.c), with the kernel's calls
 * and error numbers (libc/user/include/vireo/mutex.h, sem.h), so that
 * libc's pthread and semaphore files serve both builds.
 *
 * A mutex word is 0 (free), 1 (locked) or 2 (locked, and someone may
 * wait): lock takes 0->1 without the kernel; under contention it sets 2
 * and sleeps while the word stays 2; unlock wakes one sleeper only when
 * the word was 2.  The owner's tid beside it serves the recursive and
 * error-checking types and unlock's EPERM.  Where a waiter counts
 * itself before looking and a waker changes the word before looking at
 * the count, both are sequentially consistent, so that one of them sees
 * the other (the kernel re-reads the word under its lock besides).
 *
 * A PRIO_INHERIT mutex's word is instead its owner's tid, with
 * FUTEX_PI_WAITED set by whoever is about to sleep: the kernel reads the
 * owner from the word and boosts it while the sleeper waits
 * (futex_wait_pi).  A thread that slept takes the word back with the bit
 * set (others may still sleep), so its unlock wakes the next.  A condition variable is a
 * sequence word that each signal bumps: a waiter sleeps while it still
 * holds the value it saw before releasing the mutex, so a signal given
 * after that release is never lost.  A semaphore's count is its word.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>
#include <vireo/mutex.h>
#include <vireo/sem.h>
#include <vireo/thread.h>
#include <generated/syscalls.h>
#include "user_thread.h"

static int cas(int *w, int old, int new)
{
	__atomic_compare_exchange_n(w, &old, new, false, __ATOMIC_ACQUIRE,
				    __ATOMIC_RELAXED);
	return old;
}

/* cancel_point: pthread_cancel() may end the wait with -ECANCELED. */
static int futex_wait(void *w, int val, uint64_t deadline_ns,
		      bool cancel_point)
{
	return (int)sys_futex_wait((uintptr_t)w, val, deadline_ns,
				   cancel_point);
}

static void futex_wake(void *w, int n)
{
	sys_futex_wake((uintptr_t)w, n);
}

void kmutex_init(struct kmutex *m, bool recursive)
{
	*m = (struct kmutex)KMUTEX_INIT(*m, recursive);
}

int kmutex_init_attr(struct kmutex *m, const struct kmutex_attr *a)
{
	if ((unsigned int)a->type > KMUTEX_RECURSIVE ||
	    (unsigned int)a->protocol > KMUTEX_PRIO_PROTECT ||
	    (a->protocol == KMUTEX_PRIO_PROTECT &&
	     (a->ceiling < 1 || a->ceiling > 255)))
		return -EINVAL;
	*m = (struct kmutex){ .type = (uint8_t)a->type,
			      .protocol = (uint8_t)a->protocol,
			      .ceiling = (uint8_t)a->ceiling,
			      .robust = a->robust };
	return 0;
}

int kmutex_destroy(struct kmutex *m)
{
	return __atomic_load_n(&m->word, __ATOMIC_RELAXED) ? -EBUSY : 0;
}

bool kmutex_held(const struct kmutex *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) ==
	       thread_self_tid();
}

/*
 * Priority ceilings: a thread that holds PRIO_PROTECT mutexes runs at
 * the highest of their ceilings and of its own priority, which it had
 * when it took the first (changes to it meanwhile wait until it lets
 * the last go).  A caller whose own priority is above the ceiling
 * violates the protocol: EINVAL, before it waits.
 */
static int pp_check(const struct kmutex *m, int me)
{
	struct uthread *t = uthread_self();
	int r;

	if (m->protocol != KMUTEX_PRIO_PROTECT)
		return 0;
	if (!t->pp_held &&
	    (r = (int)sys_sched_get(me, &t->pp_policy, &t->pp_prio)))
		return r;
	return t->pp_prio > m->ceiling ? -EINVAL : 0;
}

/* The priority the calling thread's held ceilings give it. */
static void pp_apply(struct uthread *t)
{
	int prio = t->pp_prio;

	for (struct kmutex *h = t->pp_held; h; h = h->next_pp)
		if (h->ceiling > prio)
			prio = h->ceiling;
	sys_sched_set(t->tid, t->pp_policy, prio);
}

static void pp_remove(struct kmutex *m)
{
	struct uthread *t = uthread_self();
	struct kmutex **p;

	for (p = &t->pp_held; *p; p = &(*p)->next_pp)
		if (*p == m) {
			*p = m->next_pp;
			pp_apply(t);
			return;
		}
}

/* The word is ours: record it, and say how the robust state left it. */
static int owned(struct kmutex *m, int me)
{
	m->owner = me;
	m->depth = 1;
	if (m->protocol == KMUTEX_PRIO_PROTECT) {
		struct uthread *t = uthread_self();

		m->next_pp = t->pp_held;
		t->pp_held = m;
		pp_apply(t);
	}
	if (m->robust) {
		uthread_robust_push(m);
		if (m->state == KMUTEX_OWNER_DEAD)
			return -EOWNERDEAD;
	}
	return 0;
}

/* lock() of a PRIO_INHERIT mutex (see the top). */
static int lock_pi(struct kmutex *m, int me, uint64_t deadline_ns, bool try)
{
	const int waited = (int)FUTEX_PI_WAITED;
	int w, r;

	if (cas(&m->word, 0, me) == 0)
		return owned(m, me);
	if (try)
		return -EBUSY;
	for (;;) {
		w = __atomic_load_n(&m->word, __ATOMIC_RELAXED);
		if (w == 0) {
			if (cas(&m->word, 0, me | waited) == 0)
				return owned(m, me);
			continue;
		}
		if (!(w & waited) && cas(&m->word, w, w | waited) != w)
			continue;
		r = (int)sys_futex_wait_pi((uintptr_t)&m->word, w | waited,
					   deadline_ns);
		if (r == -ETIMEDOUT || r == -ENOMEM)
			return r;
		if (m->state == KMUTEX_NOT_RECOVERABLE)
			return -ENOTRECOVERABLE;
	}
}

/* A sleep a signal interrupts goes on (the handler has run on the way
 * back to EL0): a lock never ends with EINTR. */
static int lock(struct kmutex *m, uint64_t deadline_ns, bool try)
{
	int me = thread_self_tid(), r, c;

	if (m->state == KMUTEX_NOT_RECOVERABLE)
		return -ENOTRECOVERABLE;
	if (__atomic_load_n(&m->owner, __ATOMIC_RELAXED) == me &&
	    (r = kmutex_relock_owner(m->type, &m->depth, try)) <= 0)
		return r;
	if ((r = pp_check(m, me)))
		return r;
	if (m->protocol == KMUTEX_PRIO_INHERIT)
		return lock_pi(m, me, deadline_ns, try);
	c = cas(&m->word, 0, 1);
	if (c == 0)
		return owned(m, me);
	if (try)
		return -EBUSY;
	/* Contended: mark the word waited on and sleep while it is. */
	while ((c = __atomic_exchange_n(&m->word, 2, __ATOMIC_ACQUIRE))) {
		r = futex_wait(&m->word, 2, deadline_ns, false);
		if (r == -ETIMEDOUT)
			return r;
		if (m->state == KMUTEX_NOT_RECOVERABLE)
			return -ENOTRECOVERABLE;
	}
	return owned(m, me);
}

int kmutex_lock(struct kmutex *m)
{
	return lock(m, WAIT_FOREVER, false);
}

int kmutex_timedlock(struct kmutex *m, uint64_t deadline_ns)
{
	return lock(m, deadline_ns, false);
}

int kmutex_lock_sig(struct kmutex *m, uint64_t deadline_ns)
{
	return lock(m, deadline_ns, false);
}

int kmutex_trylock(struct kmutex *m)
{
	return lock(m, 0, true);
}

/* Gives the word up (whatever the depth) and wakes a sleeper. */
static void release(struct kmutex *m)
{
	int w;

	if (m->robust)
		uthread_robust_remove(m);
	m->depth = 0;
	__atomic_store_n(&m->owner, 0, __ATOMIC_RELAXED);
	w = __atomic_exchange_n(&m->word, 0, __ATOMIC_RELEASE);
	if (m->protocol == KMUTEX_PRIO_INHERIT ? (w & (int)FUTEX_PI_WAITED)
					       : w == 2)
		futex_wake(&m->word, 1);
	if (m->protocol == KMUTEX_PRIO_PROTECT)
		pp_remove(m);	/* after the wake: a waiter may outrank us */
}

int kmutex_unlock(struct kmutex *m)
{
	if (!kmutex_held(m))
		return -EPERM;
	if (--m->depth)
		return 0;
	/* An owner-dead mutex unlocked without pthread_mutex_consistent()
	 * can never be used again; its sleepers learn it now. */
	if (m->state == KMUTEX_OWNER_DEAD) {
		m->state = KMUTEX_NOT_RECOVERABLE;
		release(m);
		futex_wake(&m->word, INT_MAX);
		return 0;
	}
	release(m);
	return 0;
}

int kmutex_consistent(struct kmutex *m)
{
	if (!m->robust || m->state != KMUTEX_OWNER_DEAD || !kmutex_held(m))
		return -EINVAL;
	m->state = KMUTEX_CONSISTENT;
	return 0;
}

int kmutex_set_ceiling(struct kmutex *m, int ceiling, int *old)
{
	int r;

	if (ceiling < 1 || ceiling > 255)
		return -EINVAL;
	r = kmutex_lock(m);
	if (r && r != -EOWNERDEAD)
		return r;
	if (old)
		*old = m->ceiling;
	m->ceiling = (uint8_t)ceiling;
	kmutex_unlock(m);
	return 0;
}

void kmutex_release_held(struct kmutex *held)
{
	struct kmutex *m, *next;

	for (m = held; m; m = next) {
		next = m->next_held;
		m->state = KMUTEX_OWNER_DEAD;
		release(m);
	}
}

void kcond_init(struct kcond *c, int clock)
{
	*c = (struct kcond){ .clock = clock, .clock_set = true };
}

int kcond_destroy(struct kcond *c)
{
	return __atomic_load_n(&c->waiters, __ATOMIC_RELAXED) ? -EBUSY : 0;
}

int kcond_clock(const struct kcond *c)
{
	return c->clock_set ? c->clock : (int)CLOCK_REALTIME;
}

int kcond_wait(struct kcond *c, struct kmutex *m, uint64_t deadline_ns,
	       enum wait_intr intr)
{
	unsigned int depth = m->depth;
	int seq, r, relock;

	if (!kmutex_held(m))
		return -EPERM;
	seq = (int)__atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
	__atomic_fetch_add(&c->waiters, 1, __ATOMIC_SEQ_CST);
	release(m);
	do
		r = futex_wait(&c->seq, seq, deadline_ns, true);
	while (r == -EINTR && intr == WAIT_UNINTR &&
	       (int)__atomic_load_n(&c->seq, __ATOMIC_ACQUIRE) == seq);
	__atomic_fetch_sub(&c->waiters, 1, __ATOMIC_RELAXED);
	relock = lock(m, WAIT_FOREVER, false);
	m->depth = depth;
	if (relock)
		return relock;
	return r == -EAGAIN ? 0 : r;	/* EAGAIN: signalled before the sleep */
}

static void cond_wake(struct kcond *c, int n)
{
	__atomic_fetch_add(&c->seq, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&c->waiters, __ATOMIC_SEQ_CST))
		futex_wake(&c->seq, n);
}

void kcond_signal(struct kcond *c)
{
	cond_wake(c, 1);
}

void kcond_broadcast(struct kcond *c)
{
	cond_wake(c, INT_MAX);
}

void ksem_init(struct ksem *s, int count)
{
	*s = (struct ksem){ .count = count };
}

int ksem_trywait(struct ksem *s)
{
	int c = __atomic_load_n(&s->count, __ATOMIC_RELAXED);

	while (c > 0)
		if (__atomic_compare_exchange_n(&s->count, &c, c - 1, false,
						__ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return 0;
	return -EAGAIN;
}

int ksem_wait_intr(struct ksem *s, uint64_t deadline_ns)
{
	int r = 0;

	__atomic_fetch_add(&s->waiters, 1, __ATOMIC_SEQ_CST);
	while (ksem_trywait(s)) {
		r = futex_wait(&s->count, 0, deadline_ns, true);
		if (r == -ETIMEDOUT || r == -EINTR || r == -ECANCELED)
			break;
		r = 0;
	}
	__atomic_fetch_sub(&s->waiters, 1, __ATOMIC_RELAXED);
	return r;
}

bool ksem_has_waiters(struct ksem *s)
{
	return __atomic_load_n(&s->waiters, __ATOMIC_RELAXED) != 0;
}

int ksem_post(struct ksem *s)
{
	int c = __atomic_load_n(&s->count, __ATOMIC_RELAXED);

	do
		if (c == INT_MAX)
			return -EOVERFLOW;
	while (!__atomic_compare_exchange_n(&s->count, &c, c + 1, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	if (__atomic_load_n(&s->waiters, __ATOMIC_SEQ_CST))
		futex_wake(&s->count, 1);
	return 0;
}

int ksem_value(struct ksem *s)
{
	return __atomic_load_n(&s->count, __ATOMIC_RELAXED);
}
