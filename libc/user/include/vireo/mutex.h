/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The EL0 C library's <vireo/mutex.h>: the kernel header's mutex and
 * condition-variable calls, done in the process over futexes
 * (libc/user/sync.c), so that libc's pthread files build unchanged for
 * both sides.  Only contention enters the kernel.
 *
 * Priority ceilings (PRIO_PROTECT) work in the process: the owner runs
 * at the highest ceiling it holds.  Priority inheritance (PRIO_INHERIT)
 * keeps the owner's tid in the word, so that the kernel boosts the
 * owner while others wait (futex_wait_pi).  Robust mutexes
 * work between the threads of a process: one that ends holding them
 * (pthread_exit, return, cancellation) passes each on as EOWNERDEAD.
 * All-zero memory is a valid normal mutex and condition variable.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct kmutex {
	int word;		/* 0 free, 1 locked, 2 locked and waited on:
				 * the futex (PRIO_INHERIT: the owner's tid
				 * and FUTEX_PI_WAITED) */
	int owner;		/* tid of the owner, 0: none */
	unsigned int depth;	/* recursive lock count */
	uint8_t type;
	uint8_t protocol;
	uint8_t ceiling;
	bool robust;
	uint8_t state;
	struct kmutex *next_held;	/* robust: the owner's list */
	struct kmutex *next_pp;		/* PRIO_PROTECT: the owner's list */
};

#define KMUTEX_INIT(name, rec) \
	{ .type = (rec) ? KMUTEX_RECURSIVE : KMUTEX_ERRORCHECK }

struct kcond {
	unsigned int seq;	/* bumped by each signal: the futex */
	unsigned int waiters;
	int clock;
	bool clock_set;		/* zero storage means CLOCK_REALTIME */
};

/* thread.c, in the ending thread: the robust mutexes on its list (held)
 * become owner-dead and free. */
void kmutex_release_held(struct kmutex *held);

#include <vireo/mutex_api.h>
