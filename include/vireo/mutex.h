/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel sleeping mutexes and condition variables: the objects behind
 * pthread_mutex_t and pthread_cond_t, and the kernel's own locks.
 *
 * A mutex has a type (normal, error-checking, recursive), a protocol
 * (none, priority inheritance, priority ceiling) and may be robust.  All
 * state is protected by the scheduler lock, but a plain mutex (no
 * protocol, not robust) is taken and released without it while nobody
 * waits.  All-zero memory is a valid
 * normal mutex (and a valid condition variable): the wait queue is set up
 * on first use, which is what PTHREAD_MUTEX_INITIALIZER relies on.
 * Thread context only.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vireo/list.h>
#include <vireo/wait.h>

struct thread;

struct kmutex {
	uintptr_t owner;		/* the owning thread, bit 0 set while
					 * threads wait; changed atomically
					 * (kernel/mutex.c) */
	struct wait_queue wq;		/* waiters.next == NULL: not set up yet */
	struct list_node tracked;	/* owned PI/PP/robust: on mutex.c's list;
					 * owned internal: owner->held_kmutexes */
	unsigned int depth;		/* recursive lock count */
	uint8_t type;
	uint8_t protocol;
	uint8_t ceiling;		/* PTHREAD_PRIO_PROTECT priority */
	bool robust;
	uint8_t state;
	bool internal;			/* the kernel's or libc's own lock
					 * (kmutex_init, KMUTEX_INIT): counted in
					 * thread->kmutex_held while owned */
};

#define KMUTEX_INIT(name, rec) { \
	.wq = WAIT_QUEUE_INIT_KIND((name).wq, WAIT_MUTEX), \
	.tracked = LIST_INIT((name).tracked), \
	.type = (rec) ? KMUTEX_RECURSIVE : KMUTEX_ERRORCHECK, \
	.internal = true }

/* The owning thread or NULL; a snapshot, exact only for the owner itself
 * (the question "do I hold it?"). */
static inline struct thread *kmutex_owner(const struct kmutex *m)
{
	return (struct thread *)(__atomic_load_n(&m->owner, __ATOMIC_RELAXED) &
				 ~(uintptr_t)1);
}
/*
 * Thread exit (thread_die(), in the exiting thread, however it ends):
 * robust mutexes it holds pass to their next waiter with EOWNERDEAD (or
 * become free and owner-dead); other PI/PP mutexes stay locked for ever,
 * as POSIX leaves them, but no longer point at the dead thread.
 */
void kmutex_thread_exit(struct thread *t);
/* The calling thread t ends without returning from where it is (a
 * fault): every internal mutex it holds is handed to its next waiter. */
void kmutex_thread_abandon(struct thread *t);
/* Highest priority t must run at because of the mutexes it holds (PI
 * waiters, PP ceilings), or 0.  Scheduler lock held.  For the scheduler
 * when it changes a thread's base priority. */
int kmutex_boost_prio_locked(struct thread *t);

/*
 * Priority inheritance for a lock kept in user memory (the PI futexes of
 * kernel/kmode/futex.c): a PRIO_INHERIT kmutex, the proxy, stands for
 * it while threads wait.  Scheduler lock held, thread context.
 * - kmutex_proxy_wait_locked(): the caller waits on proxy with owner
 *   (the thread the user word names; NULL: none known) made proxy's
 *   owner and boosted along the chain; the wait's result.
 * - kmutex_proxy_wake_locked(): the user lock was let go: the most
 *   urgent waiter is woken with 0 and becomes proxy's owner (what the
 *   others boost), the old owner loses its boost.  Whether one was woken.
 * - kmutex_proxy_drop_locked(): nobody waits any more: proxy owns
 *   nothing and boosts nobody (before it is freed).
 */
int kmutex_proxy_wait_locked(struct kmutex *proxy, struct thread *owner,
			     uint64_t deadline_ns, enum wait_intr intr);
bool kmutex_proxy_wake_locked(struct kmutex *proxy);
void kmutex_proxy_drop_locked(struct kmutex *proxy);

/* For kernel/cond.c, scheduler lock held: full release whatever the depth
 * (returned through *depth), and re-acquisition restoring it. */
int kmutex_release_locked(struct kmutex *m, unsigned int *depth);
int kmutex_reacquire_locked(struct kmutex *m, unsigned int depth);

/*
 * Condition variables.  The clock (CLOCK_REALTIME or CLOCK_MONOTONIC of
 * <time.h>) is what pthread_cond_timedwait's deadline is measured on;
 * the caller converts it to a monotonic deadline.
 */
struct kcond {
	struct wait_queue wq;	/* waiters.next == NULL: not set up yet */
	int clock;
	bool clock_set;		/* zero storage means CLOCK_REALTIME */
};

#include <vireo/mutex_api.h>
