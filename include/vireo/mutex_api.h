/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The mutex and condition-variable calls, with their types and errors:
 * one list for the kernel's implementation (kernel/mutex.c, kernel/cond.c;
 * <vireo/mutex.h>) and the EL0 C library's over futexes (libc/user/
 * sync.c; its <vireo/mutex.h>).  Each includes this after defining
 * struct kmutex and struct kcond, so libc's pthread files build against
 * either.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <vireo/wait.h>

struct kmutex;
struct kcond;

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

/* The word of a priority-inheritance futex (kernel/kmode/futex.c, the
 * EL0 library's PRIO_INHERIT mutexes): the owner's tid, and whether
 * threads may wait. */
#define FUTEX_PI_TID	0x7fffffffu
#define FUTEX_PI_WAITED	0x80000000u

struct kmutex_attr {
	int type;
	int protocol;
	int ceiling;
	bool robust;
};

/* How a lock by its owner goes on (recursion, error checking, a normal
 * mutex's deadlock): 0 (the depth counted), an error, or 1: wait as for
 * any other owner.  try: a trylock (a normal mutex then fails EBUSY). */
static inline int kmutex_relock_owner(uint8_t type, unsigned int *depth,
				      bool try)
{
	if (type == KMUTEX_RECURSIVE) {
		if (*depth == UINT32_MAX)
			return -EAGAIN;
		++*depth;
		return 0;
	}
	if (type == KMUTEX_ERRORCHECK)
		return -EDEADLK;
	return try ? -EBUSY : 1;	/* normal: deadlock, as POSIX says */
}

/*
 * A recursive or error-checking mutex without a protocol, for the
 * kernel's and libc's own locks.  While a thread owns one, nothing is
 * delivered to it at interrupt exit (no asynchronous signal handler,
 * cancellation or task kill could then leave the lock held forever):
 * see thread->kmutex_held.  Application mutexes (kmutex_init_attr(),
 * zeroed memory) do not hold delivery off, as POSIX requires.
 */
void kmutex_init(struct kmutex *m, bool recursive);

/* Whether the calling thread owns m. */
bool kmutex_held(const struct kmutex *m);
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
