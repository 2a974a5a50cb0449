// SPDX-License-Identifier: BSD-2-Clause
/*
 * Futexes (kernel/syscalls.tbl): the two calls a process's threads build
 * their mutexes, condition variables, semaphores and joins on.  A lock
 * lives in a user word; only contention enters the kernel.
 * futex_wait(addr, val, deadline) blocks while the word at addr still
 * holds val; futex_wake(addr, n) wakes up to n threads of the caller's
 * task waiting on addr, the most urgent first.
 *
 * No wake-up is lost: the waiter reads the word and blocks under the
 * scheduler lock, which the waker takes after changing the word, so the
 * waker either finds the waiter blocked or the waiter finds the new
 * value (-EAGAIN).  Reading user memory under a spinlock is safe because
 * it cannot sleep: memory is mapped eagerly, and the unprivileged load
 * turns a word that is not mapped into -EFAULT (copy_from_user_locked();
 * the region check, which sleeps, is not needed for one word).
 *
 * Waiters sit in one of FUTEX_BUCKETS wait queues, hashed by (task,
 * address), in priority order; each marks its address in
 * thread->futex_addr, which the waker compares, with the task, while it
 * walks the bucket under the scheduler lock.  A futex is private to its
 * task: there is no shared memory between processes.
 *
 * A priority-inheritance futex (futex_wait_pi) has its owner's tid in
 * the word.  Its waiters queue on a proxy kmutex (struct futex_pi, one
 * per word while anyone is in the call) whose owner is that thread, so
 * the kernel's own inheritance boosts it, along chains too; a wake hands
 * the proxy to the most urgent waiter.  The proxy lives while threads
 * are in futex_wait_pi for the word (users), and is freed by the last.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <vireo/mm.h>
#include <vireo/mutex.h>
#include <vireo/task.h>
#include <vireo/thread.h>
#include <vireo/uaccess.h>
#include <vireo/vmspace.h>
#include <vireo/wait.h>

#define FUTEX_BUCKETS 16	/* a power of two: few processes, few waiters */

static struct wait_queue buckets[FUTEX_BUCKETS];	/* scheduler lock */
static bool buckets_ready;				/* scheduler lock */

struct futex_pi {
	struct list_node node;		/* pi_words */
	const struct task *task;
	uintptr_t addr;
	unsigned int users;		/* threads in futex_wait_pi for it */
	struct kmutex proxy;
};
static struct list_node pi_words = LIST_INIT(pi_words);	/* scheduler lock */

static struct futex_pi *pi_find_locked(const struct task *task, uintptr_t addr)
{
	struct list_node *n;

	list_for_each(n, &pi_words) {
		struct futex_pi *p = list_entry(n, struct futex_pi, node);

		if (p->task == task && p->addr == addr)
			return p;
	}
	return NULL;
}

static struct wait_queue *bucket_locked(const struct task *task,
					uintptr_t addr)
{
	uint64_t h = ((uintptr_t)task ^ (addr >> 2)) * 0x9e3779b97f4a7c15ULL;

	if (!buckets_ready) {
		for (int i = 0; i < FUTEX_BUCKETS; i++)
			wait_queue_init(&buckets[i]);
		buckets_ready = true;
	}
	return &buckets[h >> 60];	/* the top log2(FUTEX_BUCKETS) bits */
}

/* A word of the caller's space: -ENOSYS without one, -EINVAL when not
 * aligned, -EFAULT outside the user window.  A wake only compares the
 * address; a wait reads the word, which says whether it is mapped. */
static int check_word(uintptr_t addr)
{
	if (!task_vmspace(task_current()))
		return -ENOSYS;
	if (addr & 3)
		return -EINVAL;
	return user_window_has(addr, sizeof(int)) ? 0 : -EFAULT;
}

long futex_wait_call(uintptr_t addr, int val, uint64_t deadline_ns,
		     int cancel_point)
{
	struct thread *t = thread_current();
	irqflags_t f;
	int word, r = check_word(addr);

	if (r)
		return r;
	f = sched_lock_acquire();
	r = copy_from_user_locked(&word, (uaddr_t){ addr }, sizeof(word));
	if (!r && word != val)
		r = -EAGAIN;
	if (!r) {
		t->futex_addr = addr;
		struct wait_queue *wq = bucket_locked(t->task, addr);

		/* A lock's wait is no cancellation point; a cancelled
		 * thread must not spin in it on -ECANCELED. */
		r = cancel_point ? wait_block_intr_locked(wq, deadline_ns) :
				   wait_block_sig_locked(wq, deadline_ns);
		t->futex_addr = 0;
	}
	sched_lock_release(f);
	return r;
}

long futex_wait_pi_call(uintptr_t addr, int val, uint64_t deadline_ns)
{
	struct task *me = task_current();
	struct futex_pi *p, *spare = NULL, *gone = NULL;
	struct thread *owner;
	irqflags_t f;
	int word, r = check_word(addr);

	if (r)
		return r;
again:
	f = sched_lock_acquire();
	r = copy_from_user_locked(&word, (uaddr_t){ addr }, sizeof(word));
	if (!r && word != val)
		r = -EAGAIN;
	if (!r) {
		p = pi_find_locked(me, addr);
		if (!p && !spare) {
			/* The first sleeper makes the proxy, with memory
			 * it cannot allocate under the scheduler lock. */
			sched_lock_release(f);
			if (!(spare = kcalloc(1, sizeof(*spare))))
				return -ENOMEM;
			goto again;
		}
		if (!p) {
			p = spare;
			spare = NULL;
			*p = (struct futex_pi){ .task = me, .addr = addr };
			kmutex_init_attr(&p->proxy, &(struct kmutex_attr){
				.type = KMUTEX_NORMAL,
				.protocol = KMUTEX_PRIO_INHERIT });
			list_add_tail(&pi_words, &p->node);
		}
		p->users++;
		owner = thread_lookup_locked((int)((unsigned int)val &
						   FUTEX_PI_TID));
		if (owner && (owner->task != me || owner->exited))
			owner = NULL;
		r = kmutex_proxy_wait_locked(&p->proxy, owner, deadline_ns,
					     WAIT_SIGNALS);
		if (--p->users == 0) {
			kmutex_proxy_drop_locked(&p->proxy);
			list_del(&p->node);
			gone = p;
		}
	}
	sched_lock_release(f);
	free(spare);
	free(gone);
	return r;
}

long futex_wake_call(uintptr_t addr, int n)
{
	struct task *me = task_current();
	struct list_node *node, *next;
	struct wait_queue *wq;
	struct futex_pi *p;
	irqflags_t f;
	int woken = 0, r = check_word(addr);

	if (r)
		return r;
	f = sched_lock_acquire();
	if (n > 0 && (p = pi_find_locked(me, addr))) {
		woken = kmutex_proxy_wake_locked(&p->proxy);
		sched_lock_release(f);
		return woken;
	}
	wq = bucket_locked(me, addr);
	sched_walk_begin();
	list_for_each_safe(node, next, &wq->waiters) {
		struct thread *w = list_entry(node, struct thread, sched_node);

		if (woken >= n)
			break;
		if (w->task == me && w->futex_addr == addr) {
			sched_wake_locked(w, 0);	/* unlinks it */
			woken++;
		}
	}
	sched_walk_end();
	sched_lock_release(f);
	return woken;
}
