/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel sleeping mutexes, optionally recursive.  Thread context only.
 */
#pragma once

#include <stdbool.h>
#include <vireo/wait.h>

struct thread;

struct kmutex {
	struct thread *owner;
	unsigned int depth;
	bool recursive;
	struct wait_queue wq;
};

#define KMUTEX_INIT(name, rec) { NULL, 0, (rec), WAIT_QUEUE_INIT((name).wq) }

void kmutex_init(struct kmutex *m, bool recursive);
/* 0, or -EDEADLK when a non-recursive owner locks again. */
int kmutex_lock(struct kmutex *m);
/* 0 or -EBUSY. */
int kmutex_trylock(struct kmutex *m);
/* 0 or -EPERM when the caller is not the owner. */
int kmutex_unlock(struct kmutex *m);
