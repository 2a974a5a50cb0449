// SPDX-License-Identifier: BSD-2-Clause
/*
 * Kernel sleeping mutexes, optionally recursive.  Unlock hands ownership
 * straight to the most urgent waiter.
 */
#include <errno.h>
#include <vireo/mutex.h>
#include <vireo/panic.h>
#include <vireo/thread.h>

void kmutex_init(struct kmutex *m, bool recursive)
{
	m->owner = NULL;
	m->depth = 0;
	m->recursive = recursive;
	wait_queue_init(&m->wq);
}

int kmutex_lock(struct kmutex *m)
{
	struct thread *cur = thread_current();
	irqflags_t f = sched_lock_acquire();
	int r = 0;

	if (!m->owner) {
		m->owner = cur;
		m->depth = 1;
	} else if (m->owner == cur) {
		if (m->recursive)
			m->depth++;
		else
			r = -EDEADLK;
	} else {
		/* The unlocker sets owner and depth for us before waking us. */
		r = wait_block_locked(&m->wq, WAIT_FOREVER);
	}
	sched_lock_release(f);
	return r;
}

int kmutex_trylock(struct kmutex *m)
{
	struct thread *cur = thread_current();
	irqflags_t f = sched_lock_acquire();
	int r = 0;

	if (!m->owner) {
		m->owner = cur;
		m->depth = 1;
	} else if (m->owner == cur && m->recursive) {
		m->depth++;
	} else {
		r = -EBUSY;
	}
	sched_lock_release(f);
	return r;
}

int kmutex_unlock(struct kmutex *m)
{
	irqflags_t f = sched_lock_acquire();
	int r = 0;

	if (m->owner != thread_current()) {
		r = -EPERM;
	} else if (--m->depth == 0) {
		struct list_node *n = list_first(&m->wq.waiters);
		m->owner = n ? list_entry(n, struct thread, sched_node) : NULL;
		if (n) {
			m->depth = 1;
			sched_wake_locked(m->owner, 0);
		}
	}
	sched_lock_release(f);
	return r;
}
