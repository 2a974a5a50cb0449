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

enum kmutex_type {
	KMUTEX_NORMAL = 0,	/* values of PTHREAD_MUTEX_* */
	KMUTEX_ERRORCHECK = 1,
	KMUTEX_RECURSIVE = 2,
};

enum kmutex_protocol {
	KMUTEX_PRIO_NONE = 0,	/* values of PTHREAD_PRIO_* */
	KMUTEX_PRIO_INHERIT = 1,
	KMUTEX_PRIO_PROTECT = 2,
};

enum kmutex_state {
	KMUTEX_CONSISTENT = 0,
	KMUTEX_OWNER_DEAD,	/* robust: owner died, not yet made consistent */
	KMUTEX_NOT_RECOVERABLE,
};

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

struct kmutex_attr {
	int type;
	int protocol;
	int ceiling;
	bool robust;
};

/*
 * A recursive or error-checking mutex without a protocol, for the
 * kernel's and libc's own locks.  While a thread owns one, nothing is
 * delivered to it at interrupt exit (no asynchronous signal handler,
 * cancellation or task kill could then leave the lock held forever):
 * see thread->kmutex_held.  Application mutexes (kmutex_init_attr(),
 * zeroed memory) do not hold delivery off, as POSIX requires.
 */
void kmutex_init(struct kmutex *m, bool recursive);

/* The owning thread or NULL; a snapshot, exact only for the owner itself
 * (the question "do I hold it?"). */
static inline struct thread *kmutex_owner(const struct kmutex *m)
{
	return (struct thread *)(__atomic_load_n(&m->owner, __ATOMIC_RELAXED) &
				 ~(uintptr_t)1);
}
/* 0 or -EINVAL (bad type, protocol or ceiling). */
int kmutex_init_attr(struct kmutex *m, const struct kmutex_attr *attr);
/* 0 or -EBUSY when locked or waited on. */
int kmutex_destroy(struct kmutex *m);

/*
 * Lock; the timed form gives up at the monotonic deadline_ns.  Returns 0,
 * -EDEADLK (error-checking relock; a normal mutex deadlocks as POSIX
 * says, until the deadline), -EAGAIN (recursion count), -EINVAL (ceiling
 * below the caller's priority), -ETIMEDOUT, -EOWNERDEAD (robust: the lock
 * is held but the previous owner died), -ENOTRECOVERABLE.  Never -EINTR.
 */
int kmutex_lock(struct kmutex *m);
int kmutex_timedlock(struct kmutex *m, uint64_t deadline_ns);
/* kmutex_timedlock() for an application mutex (not internal) whose wait
 * a deliverable signal or a kill interrupts: the handlers run (or the
 * thread dies) and the wait goes on, to the same deadline
 * (pthread_mutex_lock never fails with EINTR). */
int kmutex_lock_sig(struct kmutex *m, uint64_t deadline_ns);
/* As kmutex_lock() but -EBUSY instead of blocking. */
int kmutex_trylock(struct kmutex *m);
/* 0 or -EPERM when the caller is not the owner. */
int kmutex_unlock(struct kmutex *m);
/* Robust: marks an EOWNERDEAD mutex consistent; 0 or -EINVAL. */
int kmutex_consistent(struct kmutex *m);
/* Changes the priority ceiling (locking the mutex meanwhile). */
int kmutex_set_ceiling(struct kmutex *m, int ceiling, int *old);

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

void kcond_init(struct kcond *c, int clock);
/* 0 or -EBUSY when threads wait. */
int kcond_destroy(struct kcond *c);
/*
 * Atomically releases m and waits for a signal or the monotonic deadline,
 * then locks m again (also on error).  intr (<vireo/wait.h>): whether a
 * signal (WAIT_SIGNALS, WAIT_INTR) or a cancellation (WAIT_INTR) ends the
 * wait (-EINTR, -ECANCELED).  Returns 0, -EPERM (m not owned by the
 * caller), -ETIMEDOUT, -EINTR, -ECANCELED, or -EOWNERDEAD from the relock.
 */
int kcond_wait(struct kcond *c, struct kmutex *m, uint64_t deadline_ns,
	       enum wait_intr intr);
void kcond_signal(struct kcond *c);
void kcond_broadcast(struct kcond *c);
int kcond_clock(const struct kcond *c);
