/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The EL0 C library's <vireo/thread.h>: the thread calls libc's pthread
 * files are written against (the kernel's header names the same calls),
 * done in the process over thread_create, thread_join and futexes
 * (libc/user/thread.c).  A thread is a block at the top of its stack
 * mapping: its descriptor, then its TLS, then the stack below.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vireo/compiler.h>
#include <vireo/sched_policy.h>

#define THREAD_NAME_MAX 24	/* with the NUL, as the kernel's */
#define THREAD_GUARD_SIZE 4096
#define THREAD_GUARD_NONE SIZE_MAX

struct thread_attr {
	const char *name;	/* unused at EL0 */
	int prio;		/* 0: the caller's */
	int policy;		/* 0: the caller's */
	size_t stack_size;	/* 0: USER_THREAD_STACK */
	void *stack_addr;	/* the caller's stack (no guard), or NULL */
	size_t guard_size;	/* the kernel's, one page (MAP_STACK) */
	bool detached;
	uint32_t affinity;	/* 0: the caller's */
};

static inline size_t thread_guard_of(size_t guardsize)
{
	return guardsize ? guardsize : THREAD_GUARD_NONE;
}

/* As the kernel's (include/vireo/thread.h): a tid or -errno. */
int thread_spawn(const struct thread_attr *attr, void *(*start)(void *),
		 void *arg);
__noreturn void thread_exit_value(void *value);
int thread_join(int tid, void **value);
int thread_detach(int tid);
bool thread_exists(int tid);
int thread_self_tid(void);
/* The attributes a thread was created with (pthread_getattr_np). */
int thread_get_attr(int tid, struct thread_attr *attr);
int thread_set_name(int tid, const char *name);
int thread_get_name(int tid, char *buf, size_t len);
void thread_set_exit_hook(void (*hook)(void));
void **thread_libc_data(void);
void thread_yield(void);

/* Cancellation at EL0 (libc/user/thread.c): deferred, acted on at
 * cancellation points (thread_testcancel(); the kernel ends a blocked
 * thread's wait at one with -ECANCELED), or asynchronous, by SIGCANCEL. */
int thread_cancel(int tid);
int thread_set_cancel_state(int state, int *old);
int thread_set_cancel_type(int type, int *old);
void thread_testcancel(void);

/* The CPUs online (bit n: CPU n). */
uint32_t sched_online_mask(void);
