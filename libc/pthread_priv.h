/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to libc's pthread, semaphore, message-queue and timer files:
 * the per-thread libc data (cleanup stack, thread-specific values), the
 * exit hook that unwinds it, conversion of POSIX absolute timeouts into
 * monotonic kernel deadlines, and SIGEV_THREAD notification threads.
 */
#pragma once

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define PTHREAD_RD_HELD_MAX 8

/* Kept in struct thread's libc_data; allocated on first use. */
struct pthread_data {
	struct __pthread_cleanup *cleanup;	/* innermost first */
	struct {
		const void *value;
		unsigned int generation;	/* of the key when set */
	} tsd[PTHREAD_KEYS_MAX];
	/* pthread_rwlock.c: the read locks this thread holds (a thread
	 * rarely holds many rwlocks at once); count 0 is a free slot. */
	struct {
		pthread_rwlock_t *rw;
		int count;
	} rd_held[PTHREAD_RD_HELD_MAX];
};

/* The calling thread's data, allocated if needed (NULL: out of memory).
 * Also installs the exit hook the first time. */
struct pthread_data *pthread_data_get(void);
struct kmutex;
/* Runs the caller's pending signal handlers (or its death) with m, an
 * internal lock it holds, let go meanwhile; m is held again after. */
void pthread_deliver_unlocked(struct kmutex *m);
/* Installs the exit hook if not yet done (idempotent). */
void pthread_exit_hook_install(void);
/* pthread_tsd.c: runs the destructors of pd's values (POSIX 2.9.x,
 * up to PTHREAD_DESTRUCTOR_ITERATIONS rounds). */
void pthread_tsd_run_destructors(struct pthread_data *pd);

/* The kernel's clock_deadline_ns() with an error number: 0 or EINVAL. */
int pthread_deadline(clockid_t clock, const struct timespec *abstime,
		     uint64_t *deadline_ns);

/* sched.c: <sched.h> policies and priorities against the kernel's
 * (SCHED_OTHER is POLICY_OTHER at SCHED_PRIO_OTHER, reported as 0). */
int sched_policy_to_kernel(int policy, int *kpolicy);	/* 0 or EINVAL */
void sched_from_kernel(int kpolicy, int kprio, int *policy, int *prio);
bool sched_prio_valid(int policy, int prio);

/*
 * sigev_thread.c: a SIGEV_THREAD notification's thread.  wait() blocks
 * in the kernel until the next event: 0 runs the function (once: then
 * the thread ends), -EINTR waits again, anything else ends the thread.
 * Returns 0 or an error number (EAGAIN, EINVAL: bad attributes).
 */
struct sigev_thread {
	long (*wait)(const struct sigev_thread *st);
	long id;			/* the timer or descriptor */
	unsigned int seq;		/* mq_notify: the registration */
	bool once;
	const char *name;
	void (*fn)(union sigval);	/* the event's */
	union sigval value;
};

int sigev_thread_start(const struct sigevent *ev, const struct sigev_thread *st);
