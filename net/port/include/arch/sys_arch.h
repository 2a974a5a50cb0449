/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lwIP's operating-system types on Vireo's kernel objects (net/sys_arch.c):
 * semaphores and mailboxes are wait queues under the scheduler lock,
 * mutexes are kernel mutexes, threads are kernel threads.
 */
#pragma once

#include <stdbool.h>
#include <vireo/mutex.h>
#include <vireo/spinlock.h>
#include <vireo/wait.h>

struct thread;

typedef struct sys_sem {
	int count;		/* scheduler lock */
	bool valid;
	struct wait_queue wq;
} sys_sem_t;

typedef struct sys_mutex {
	struct kmutex m;
	bool valid;
} sys_mutex_t;

typedef struct sys_mbox {
	void **msgs;		/* ring of size entries; scheduler lock */
	unsigned int size, head, count;
	bool valid;
	struct wait_queue not_empty, not_full;
} sys_mbox_t;

typedef struct thread *sys_thread_t;
typedef irqflags_t sys_prot_t;

#define sys_sem_valid(s)	((s)->valid)
#define sys_sem_set_invalid(s)	((s)->valid = false)
#define sys_mutex_valid(m)	((m)->valid)
#define sys_mutex_set_invalid(m) ((m)->valid = false)
#define sys_mbox_valid(mb)	((mb)->valid)
#define sys_mbox_set_invalid(mb) ((mb)->valid = false)

/* Messages waiting in mb (the socket layer's readiness test).  Any
 * thread. */
unsigned int sys_mbox_pending(sys_mbox_t *mb);
