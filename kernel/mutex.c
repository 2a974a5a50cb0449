// SPDX-License-Identifier: BSD-2-Clause
/*
 * Kernel sleeping mutexes with the POSIX types, priority inheritance,
 * priority ceilings and robustness.  Unlock hands ownership straight to
 * the most urgent waiter, so a lower-priority thread cannot barge in.
 *
 * Priorities: a thread's effective priority is the highest of its base
 * priority, the ceilings of the PRIO_PROTECT mutexes it holds and the
 * most urgent waiter of each PRIO_INHERIT mutex it holds.  It is
 * recomputed from that rule (never undone step by step) whenever a
 * waiter arrives or leaves or a mutex changes hands, so releasing
 * mutexes in any order leaves the right priority.  When an owner's
 * priority changes while it waits on another PI mutex, the change goes
 * on to that mutex's owner, and so on along the chain.
 *
 * Owned PI, PP and robust mutexes are kept on one list (tracked_mutexes)
 * so that the rule above and a thread's exit can find what a thread
 * holds.  The scheduler lock protects every field of every kmutex and
 * that list, except for the owner word of a plain mutex (below).
 *
 * Fast path: a plain mutex (no protocol, not robust, not the kernel's
 * own) is locked and unlocked without the scheduler lock when nobody
 * waits, with one atomic compare-and-swap on its owner word, as
 * futex-based libraries do.  The word is the owner's address with bit 0
 * (MUTEX_WAITED) set while threads wait.  A waiter sets that bit, under
 * the scheduler lock, before it queues; so the owner's fast unlock (a
 * swap from exactly its own address to 0) fails and takes the slow path,
 * which hands the mutex to the waiter under the lock.  Under the lock a
 * free word is taken with a compare-and-swap too, since a fast locker
 * may take it at any moment; a taken word changes only under the lock
 * (the owner's fast unlock aside).  Other mutexes never take the fast
 * path, so their word changes only under the lock.
 */
#include <errno.h>
#include <vireo/compiler.h>
#include <vireo/cpu.h>
#include <vireo/klog.h>
#include <vireo/mutex.h>
#include <vireo/panic.h>
#include <vireo/signal.h>
#include <vireo/thread.h>
#include "kernel_priv.h"

/* Owner of a non-robust PI/PP mutex whose owner exited holding it: the
 * mutex stays locked (POSIX leaves that undefined) without a pointer to
 * freed memory. */
#define OWNER_GONE ((struct thread *)2)
/* Bit 0 of the owner word: threads wait (see the top). */
#define MUTEX_WAITED 1UL	/* the bit kmutex_owner() masks */
/* Longest chain of PI mutexes followed; also stops a deadlock cycle. */
#define PI_CHAIN_MAX 32

static struct list_node tracked_mutexes = LIST_INIT(tracked_mutexes);

static bool is_tracked(const struct kmutex *m)
{
	return m->protocol != KMUTEX_PRIO_NONE || m->robust;
}

/* Whether m may be taken and released without the scheduler lock. */
static bool is_plain(const struct kmutex *m)
{
	return !is_tracked(m) && !m->internal;
}

static uintptr_t word(const struct kmutex *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_RELAXED);
}

/* Sets the owner word (to a thread, or 0), keeping MUTEX_WAITED while
 * threads still wait.  Lock held; the word is taken (not free). */
static void set_owner_locked(struct kmutex *m, struct thread *t)
{
	uintptr_t w = (uintptr_t)t;

	if (w && !list_empty(&m->wq.waiters))
		w |= MUTEX_WAITED;
	__atomic_store_n(&m->owner, w, __ATOMIC_RELEASE);
}

/* A waiter that gave up was the last: the owner may unlock fast again.
 * With MUTEX_WAITED set nothing else changes the word (see the top). */
static void unmark_waited_locked(struct kmutex *m)
{
	uintptr_t w = word(m);

	if ((w & MUTEX_WAITED) && list_empty(&m->wq.waiters))
		__atomic_store_n(&m->owner, w & ~MUTEX_WAITED, __ATOMIC_RELAXED);
}

/* Marks a taken m waited on before the caller queues on it: false when
 * it was released meanwhile (by a fast unlock). */
static bool mark_waited_locked(struct kmutex *m)
{
	uintptr_t w = word(m);

	while (w) {
		if (w & MUTEX_WAITED ||
		    __atomic_compare_exchange_n(&m->owner, &w, w | MUTEX_WAITED, true,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return true;
	}
	return false;
}

/* Zero storage (PTHREAD_MUTEX_INITIALIZER) gets its lists on first use. */
static void setup_locked(struct kmutex *m)
{
	if (!m->wq.waiters.next) {
		wait_queue_init_kind(&m->wq, WAIT_MUTEX);
		list_init(&m->tracked);
	}
}

static struct thread *top_waiter(const struct kmutex *m)
{
	struct list_node *n = list_first(&m->wq.waiters);

	return n ? list_entry(n, struct thread, sched_node) : NULL;
}

int kmutex_boost_prio_locked(struct thread *t)
{
	struct list_node *n;
	int prio = 0;

	list_for_each(n, &tracked_mutexes) {
		struct kmutex *m = list_entry(n, struct kmutex, tracked);
		struct thread *w;

		if (kmutex_owner(m) != t)
			continue;
		if (m->protocol == KMUTEX_PRIO_PROTECT)
			prio = MAX(prio, m->ceiling);
		else if (m->protocol == KMUTEX_PRIO_INHERIT && (w = top_waiter(m)))
			prio = MAX(prio, w->prio);
	}
	return prio;
}

/* The tracked mutex t is blocked on, if any. */
static struct kmutex *blocked_on(struct thread *t)
{
	struct list_node *n;

	if (t->state != THREAD_BLOCKED || !t->waiting_on)
		return NULL;
	list_for_each(n, &tracked_mutexes) {
		struct kmutex *m = list_entry(n, struct kmutex, tracked);
		if (&m->wq == t->waiting_on)
			return m;
	}
	return NULL;
}

/*
 * Recomputes t's priority (at least floor: the priority of a thread about
 * to wait on a mutex t holds) and carries a change down the PI chain.
 */
static void propagate_locked(struct thread *t, int floor)
{
	for (int i = 0; i < PI_CHAIN_MAX && t && t != OWNER_GONE; i++) {
		int prio = MAX(MAX((int)t->base_prio, floor),
			       kmutex_boost_prio_locked(t));
		struct kmutex *m;

		if (prio == t->prio)
			return;
		sched_set_effective_prio_locked(t, prio);
		m = blocked_on(t);
		if (!m || m->protocol != KMUTEX_PRIO_INHERIT)
			return;
		t = kmutex_owner(m);
	}
}

/* Ownership changes only in take_locked() and drop_owner_locked() (and
 * the fast paths, for plain mutexes), which keep the owner's count of
 * internal locks (thread->kmutex_held).  A free m is taken with a
 * compare-and-swap, with or without the lock: false when another
 * thread won. */
static bool claim(struct kmutex *m, struct thread *t)
{
	uintptr_t free = 0;

	return __atomic_compare_exchange_n(&m->owner, &free, (uintptr_t)t, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* Bookkeeping of a new owner t, its word already set. */
static int take_locked(struct kmutex *m, struct thread *t)
{
	m->depth = 1;
	if (m->internal) {
		t->kmutex_held++;
		list_add_tail(&t->held_kmutexes, &m->tracked);
	}
	if (is_tracked(m)) {
		list_add_tail(&tracked_mutexes, &m->tracked);
		if (m->protocol != KMUTEX_PRIO_NONE)
			propagate_locked(t, 0);
	}
	return m->state == KMUTEX_OWNER_DEAD ? -EOWNERDEAD : 0;
}

/* Forgets the owner's bookkeeping; the word stays the caller's to set. */
static void drop_owner_locked(struct kmutex *m)
{
	struct thread *t = kmutex_owner(m);

	if (m->internal && t && t != OWNER_GONE) {
		kassert(t->kmutex_held > 0);
		t->kmutex_held--;
		list_del(&m->tracked);
		list_init(&m->tracked);
	}
	m->depth = 0;
}

/* Gives m to its most urgent waiter, or frees it. */
static void hand_over_locked(struct kmutex *m)
{
	struct thread *next = top_waiter(m);
	int r;

	drop_owner_locked(m);
	if (!next) {
		set_owner_locked(m, NULL);
		return;
	}
	list_del(&next->sched_node);
	next->waiting_on = NULL;
	/* Owner first: next is its owner when it runs. */
	set_owner_locked(m, next);
	r = take_locked(m, next);
	sched_wake_locked(next, r);
}

/* Full release by the owner (or for a dead owner). */
static void release_locked(struct kmutex *m)
{
	struct thread *prev = kmutex_owner(m);

	list_del(&m->tracked);
	if (m->state == KMUTEX_OWNER_DEAD && prev == thread_current()) {
		/* Unlocked without pthread_mutex_consistent(). */
		m->state = KMUTEX_NOT_RECOVERABLE;
		drop_owner_locked(m);
		wait_wake_all_locked(&m->wq, -ENOTRECOVERABLE);
		set_owner_locked(m, NULL);
	} else {
		hand_over_locked(m);
	}
	/* Drop the boost first so that the wake above cannot be delayed by
	 * a stale priority (the switch happens at sched_unlock()). */
	if (m->protocol != KMUTEX_PRIO_NONE && prev != OWNER_GONE)
		propagate_locked(prev, 0);
}

static int lock_locked(struct kmutex *m, uint64_t deadline_ns, bool try,
		       enum wait_intr intr)
{
	struct thread *cur = thread_current();
	int r;

	setup_locked(m);
	if (m->state == KMUTEX_NOT_RECOVERABLE)
		return -ENOTRECOVERABLE;
	if (m->protocol == KMUTEX_PRIO_PROTECT && cur->base_prio > m->ceiling)
		return -EINVAL;
	if (kmutex_owner(m) == cur &&
	    (r = kmutex_relock_owner(m->type, &m->depth, try)) <= 0)
		return r;
	for (;;) {
		if (!kmutex_owner(m)) {
			if (claim(m, cur))
				return take_locked(m, cur);
		} else if (try) {
			return -EBUSY;
		} else if (mark_waited_locked(m)) {
			break;
		}
	}

	/* Boost the chain before blocking: the lock is held throughout, so
	 * the owner sees the waiter and the boost together. */
	if (m->protocol == KMUTEX_PRIO_INHERIT)
		propagate_locked(kmutex_owner(m), cur->prio);
	r = wait_block_kind_locked(&m->wq, deadline_ns, intr);
	if (r == 0 || r == -EOWNERDEAD || r == -ENOTRECOVERABLE)
		return r;
	/* Timed out or interrupted: no longer a waiter, so the owner may
	 * drop (and unlock fast, if it was the last). */
	unmark_waited_locked(m);
	if (m->protocol == KMUTEX_PRIO_INHERIT)
		propagate_locked(kmutex_owner(m), 0);
	return r;
}

static int unlock_locked(struct kmutex *m)
{
	setup_locked(m);
	if (kmutex_owner(m) != thread_current())
		return -EPERM;
	if (m->depth > 1) {
		m->depth--;
		return 0;
	}
	release_locked(m);
	return 0;
}

void kmutex_init(struct kmutex *m, bool recursive)
{
	struct kmutex_attr a = {
		.type = recursive ? KMUTEX_RECURSIVE : KMUTEX_ERRORCHECK,
	};

	kmutex_init_attr(m, &a);
	m->internal = true;
}

int kmutex_init_attr(struct kmutex *m, const struct kmutex_attr *a)
{
	if (a->type < KMUTEX_NORMAL || a->type > KMUTEX_RECURSIVE ||
	    a->protocol < KMUTEX_PRIO_NONE || a->protocol > KMUTEX_PRIO_PROTECT)
		return -EINVAL;
	if (a->protocol == KMUTEX_PRIO_PROTECT &&
	    (a->ceiling < SCHED_PRIO_MIN || a->ceiling > SCHED_PRIO_MAX))
		return -EINVAL;
	*m = (struct kmutex){
		.type = a->type,
		.protocol = a->protocol,
		.ceiling = a->protocol == KMUTEX_PRIO_PROTECT ? a->ceiling : 0,
		.robust = a->robust,
	};
	wait_queue_init_kind(&m->wq, WAIT_MUTEX);
	list_init(&m->tracked);
	return 0;
}

bool kmutex_held(const struct kmutex *m)
{
	return kmutex_owner(m) == thread_current();
}

int kmutex_destroy(struct kmutex *m)
{
	irqflags_t f = sched_lock_acquire();
	int r = 0;

	setup_locked(m);
	if (word(m) || !list_empty(&m->wq.waiters))
		r = -EBUSY;
	sched_lock_release(f);
	return r;
}

/* The fast path (see the top): takes a free plain mutex. */
static bool lock_fast(struct kmutex *m, struct thread *cur)
{
	if (!is_plain(m) || !claim(m, cur))
		return false;
	m->depth = 1;
	return true;
}

static int timedlock(struct kmutex *m, uint64_t deadline_ns,
		     enum wait_intr intr)
{
	irqflags_t f;
	int r;

	kassert(!in_interrupt());
	if (lock_fast(m, thread_current()))
		return 0;
	thread_stack_reserve_check();
	f = sched_lock_acquire();
	r = lock_locked(m, deadline_ns, false, intr);
	sched_lock_release(f);
	return r;
}

int kmutex_timedlock(struct kmutex *m, uint64_t deadline_ns)
{
	return timedlock(m, deadline_ns, WAIT_UNINTR);
}

/* Out of line, so that the fast path of kmutex_lock_sig() (and of its
 * callers, which then only tail-call it) builds no larger frame. */
static __attribute__((noinline)) int lock_sig_slow(struct kmutex *m,
						   uint64_t deadline_ns)
{
	int r;

	kassert(!m->internal);	/* the kernel's own waits are not */
	while ((r = timedlock(m, deadline_ns, WAIT_SIGNALS)) == -EINTR)
		signal_deliver();
	return r;
}

int kmutex_lock_sig(struct kmutex *m, uint64_t deadline_ns)
{
	if (lock_fast(m, thread_current()))
		return 0;
	return lock_sig_slow(m, deadline_ns);
}

int kmutex_lock(struct kmutex *m)
{
	return kmutex_timedlock(m, WAIT_FOREVER);
}

int kmutex_trylock(struct kmutex *m)
{
	irqflags_t f;
	int r;

	if (lock_fast(m, thread_current()))
		return 0;
	f = sched_lock_acquire();
	r = lock_locked(m, 0, true, WAIT_UNINTR);

	sched_lock_release(f);
	return r;
}

/* Pre-emption stays off until the lock is dropped, so that both a woken
 * waiter and our own lowered priority are weighed once, at the end.
 * Dropping the last internal lock lets held-off asynchronous work in:
 * an interrupt is requested so that its exit path delivers it (the
 * system is tickless, none might come soon otherwise). */
static __attribute__((noinline)) int unlock_slow(struct kmutex *m,
						 struct thread *cur)
{
	irqflags_t f;
	int r;

	sched_lock();
	f = sched_lock_acquire();
	r = unlock_locked(m);
	if (m->internal && !cur->kmutex_held && !cur->files_borrowed &&
	    !cur->objs_in_hand && thread_has_work_locked(cur, true))
		sched_request_delivery_locked();
	sched_lock_release(f);
	sched_unlock();
	return r;
}

int kmutex_unlock(struct kmutex *m)
{
	struct thread *cur = thread_current();
	uintptr_t mine = (uintptr_t)cur;

	/* Fast path: a plain mutex the caller holds once, nobody waiting
	 * (the exchange checks the owner word). */
	if (is_plain(m) && m->depth <= 1 &&
	    __atomic_compare_exchange_n(&m->owner, &mine, 0, false,
					__ATOMIC_RELEASE, __ATOMIC_RELAXED))
		return 0;
	return unlock_slow(m, cur);
}

int kmutex_consistent(struct kmutex *m)
{
	irqflags_t f = sched_lock_acquire();
	int r = -EINVAL;

	setup_locked(m);
	if (m->robust && m->state == KMUTEX_OWNER_DEAD &&
	    kmutex_owner(m) == thread_current()) {
		m->state = KMUTEX_CONSISTENT;
		r = 0;
	}
	sched_lock_release(f);
	return r;
}

int kmutex_set_ceiling(struct kmutex *m, int ceiling, int *old)
{
	int r;

	if (ceiling < SCHED_PRIO_MIN || ceiling > SCHED_PRIO_MAX)
		return -EINVAL;
	r = kmutex_lock(m);
	if (r && r != -EOWNERDEAD)
		return r;
	if (old)
		*old = m->ceiling;
	m->ceiling = ceiling;
	kmutex_unlock(m);
	return 0;
}

int kmutex_release_locked(struct kmutex *m, unsigned int *depth)
{
	setup_locked(m);
	if (kmutex_owner(m) != thread_current())
		return -EPERM;
	*depth = m->depth;
	release_locked(m);
	return 0;
}

int kmutex_reacquire_locked(struct kmutex *m, unsigned int depth)
{
	int r = lock_locked(m, WAIT_FOREVER, false, WAIT_UNINTR);

	if (r == 0 || r == -EOWNERDEAD)
		m->depth = depth;
	return r;
}

/* Proxies (<vireo/mutex.h>): owned only through the calls below, never
 * locked; their owner is a thread the user word names. */
void kmutex_proxy_drop_locked(struct kmutex *m)
{
	struct thread *prev = kmutex_owner(m);

	if (!prev)
		return;
	list_del(&m->tracked);	/* self-linked after: a second is harmless */
	drop_owner_locked(m);
	set_owner_locked(m, NULL);
	if (prev != OWNER_GONE)
		propagate_locked(prev, 0);
}

int kmutex_proxy_wait_locked(struct kmutex *m, struct thread *owner,
			     uint64_t deadline_ns, enum wait_intr intr)
{
	struct thread *cur = thread_current();
	int r;

	setup_locked(m);
	if (kmutex_owner(m) != owner) {
		kmutex_proxy_drop_locked(m);
		if (owner) {
			set_owner_locked(m, owner);
			take_locked(m, owner);
		}
	}
	if (owner)
		propagate_locked(owner, cur->prio);
	r = wait_block_kind_locked(&m->wq, deadline_ns, intr);
	if (r && kmutex_owner(m))	/* gone from the queue: a boost less */
		propagate_locked(kmutex_owner(m), 0);
	return r;
}

bool kmutex_proxy_wake_locked(struct kmutex *m)
{
	struct thread *prev = kmutex_owner(m), *next;

	setup_locked(m);
	next = top_waiter(m);
	if (prev)
		list_del(&m->tracked);
	hand_over_locked(m);
	if (prev && prev != OWNER_GONE && prev != next)
		propagate_locked(prev, 0);
	return next != NULL;
}

static struct kmutex *first_held(struct thread *t)
{
	struct list_node *n;

	list_for_each(n, &tracked_mutexes) {
		struct kmutex *m = list_entry(n, struct kmutex, tracked);
		if (kmutex_owner(m) == t)
			return m;
	}
	return NULL;
}

/*
 * t ends where it stands (a fault, a stack overflow): the internal
 * mutexes it holds go to their next waiter, so the rest of the system
 * goes on (what they protect may be half-updated; a log line says which
 * lock).  Called by t itself.
 */
void kmutex_thread_abandon(struct thread *t)
{
	irqflags_t f;

	sched_lock();
	f = sched_lock_acquire();
	sched_walk_begin();
	while (!list_empty(&t->held_kmutexes)) {
		struct kmutex *m = list_entry(list_first(&t->held_kmutexes),
					      struct kmutex, tracked);
		pr_warn("thread %s (tid %d) ended holding kernel lock %p: released\n",
			t->name, t->tid, (void *)m);
		hand_over_locked(m);
	}
	sched_walk_end();
	sched_lock_release(f);
	sched_unlock();
}

void kmutex_thread_exit(struct thread *t)
{
	struct kmutex *m;
	irqflags_t f;

	sched_lock();
	f = sched_lock_acquire();
	sched_walk_begin();
	while ((m = first_held(t))) {
		if (m->robust) {
			m->state = KMUTEX_OWNER_DEAD;
			list_del(&m->tracked);
			hand_over_locked(m);
		} else {
			list_del(&m->tracked);
			drop_owner_locked(m);
			set_owner_locked(m, OWNER_GONE);
		}
	}
	sched_walk_end();
	sched_lock_release(f);
	sched_unlock();
}
