/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to the EL0 C library: a thread's descriptor.  It lies at the
 * top of the thread's stack mapping, under its TLS block; the first word
 * of the TCB (where TPIDR_EL0 points) leads back to it.  The main
 * thread's lies in the start-up stack (start.c).
 */
#pragma once

#include <stddef.h>
#include <vireo/mutex.h>
#include <vireo/thread.h>

enum uthread_state {
	UTHREAD_JOINABLE,
	UTHREAD_DETACHED,	/* it unmaps its own stack as it ends */
	UTHREAD_EXITING,	/* joinable and ending: the joiner unmaps */
};

struct uthread {
	int tid;
	int state;			/* enum uthread_state, atomic */
	void *map;			/* the stack mapping, NULL: none */
	size_t map_len;
	void *guard;			/* a reservation under it: a guard
					 * of other than one page (its size
					 * attr.guard_size); or NULL */
	void *(*start)(void *);
	void *arg;
	void *libc_data;		/* thread_libc_data() */
	struct kmutex *robust;		/* robust mutexes held */
	struct kmutex *pp_held;		/* PRIO_PROTECT mutexes held */
	int pp_policy, pp_prio;		/* its own, while it holds them */
	struct thread_attr attr;	/* as created (thread_get_attr) */
	int cancel_state, cancel_type;	/* PTHREAD_CANCEL_* */
	bool cancel_pending;
	char name[THREAD_NAME_MAX];
	struct uthread *next;		/* all threads, under threads_lock */
};

/* The calling thread's descriptor. */
static inline struct uthread *uthread_self(void)
{
	struct uthread **tcb;

	__asm__("mrs %0, tpidr_el0" : "=r"(tcb));
	return *tcb;
}

/* start.c: the main thread's descriptor and TLS are set up in the
 * start-up stack by uthread_init_main(), before anything else runs. */
void uthread_init_main(struct uthread *main, void *tls_block);
/* Bytes of the TCB plus TLS block, and their alignment. */
size_t uthread_tls_size(void);
size_t uthread_tls_align(void);

void uthread_robust_push(struct kmutex *m);
void uthread_robust_remove(struct kmutex *m);
