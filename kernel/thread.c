// SPDX-License-Identifier: BSD-2-Clause
/*
 * Thread life cycle: creation inside a task with its own guarded stack
 * and TLS block, exit with a value, join and detach, reclamation by the
 * idle thread, cancellation, sleeping, and the snapshot used by ps.
 *
 * Memory: a thread's struct and its TLS block are one allocation
 * (thread_alloc()); an allocated stack is [guard page][usable stack], page
 * aligned; the guard page is made inaccessible so an overflow faults
 * (reported by thread_stack_overflow()) instead of corrupting the heap.
 * A canary word at the bottom of the usable stack is checked at every
 * switch (kernel/sched.c), for stacks without a guard.  With
 * CONFIG_STACK_WATERMARK stacks are zeroed at creation (a cache-line
 * zeroing instruction per 64 bytes) so that the deepest use can be
 * measured later.
 *
 * A thread's struct lives on all_threads (and in the tid hash) from
 * creation until it is freed: an ended joinable thread stays there as a
 * ZOMBIE, with its stack, until joined, so its tid is never reused (tids
 * only grow) while it can be joined.  Its joiner frees it: by the time
 * any other thread sees it exited under the scheduler lock, its last
 * switch has finished (the lock is handed over across it).  An ended
 * detached thread cannot free the stack it runs on; it goes on the
 * zombies list, which the next thread creation, join or detach and the
 * idle thread empty (so a busy system holds at most the threads that
 * ended since its last creation).  A thread leaves all_threads, under
 * the lock, before it is freed outside it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/clock.h>
#include <vireo/cpu.h>
#include <vireo/klog.h>
#include <vireo/mte.h>
#include <vireo/mm.h>
#include <vireo/mmu.h>
#include <vireo/mutex.h>
#include <vireo/panic.h>
#include <vireo/signal.h>
#include <vireo/thread.h>
#include <vireo/wait.h>
#include "kernel_priv.h"

#define STACK_MIN 2048
/* tid -> thread, chained by tid_next (tids are sequential, so tid modulo
 * a power of two spreads them evenly). */
#define TID_BUCKETS 64

void _init_tls(void *tls);
extern char __tls_size[], __tls_align[], __arm64_tls_tcb_offset[];
extern char boot_stack[], boot_stack_top[];	/* arch head.S */

/* Guarded by the scheduler lock. */
static struct list_node all_threads = LIST_INIT(all_threads);
static struct thread *tid_hash[TID_BUCKETS];
static struct list_node zombies = LIST_INIT(zombies);	/* by sched_node */
static int next_tid = 2;	/* 0: boot idle, 1: the init task */
static int nr_threads;
static void (*exit_hook)(void);

static struct thread **tid_bucket(int tid)
{
	return &tid_hash[(unsigned int)tid % TID_BUCKETS];
}

/* Makes t (its tid set) findable: on all_threads and in the hash. */
static void thread_link_locked(struct thread *t)
{
	struct thread **b = tid_bucket(t->tid);

	list_add_tail(&all_threads, &t->all_node);
	t->tid_next = *b;
	*b = t;
	nr_threads++;
}

/* tid 0: the next free one. */
static void thread_register_locked(struct thread *t, int tid)
{
	t->tid = tid ? tid : next_tid++;
	thread_link_locked(t);
}

/* Takes t off all_threads and the hash: nobody finds it any more, and
 * whoever did this frees it (free_thread(), without the lock). */
static void thread_unregister_locked(struct thread *t)
{
	struct thread **p = tid_bucket(t->tid);

	while (*p != t)
		p = &(*p)->tid_next;
	*p = t->tid_next;
	list_del(&t->all_node);
}

/* What every CPU's idle thread is: least urgent, bound to c and
 * running there now, never joined. */
static void init_idle_fields(struct thread *t, struct cpu *c)
{
	t->prio = t->base_prio = SCHED_PRIO_IDLE;
	t->policy = POLICY_FIFO;
	t->state = THREAD_RUNNING;
	t->cpu = c->id;
	t->affinity = 1u << c->id;
	t->fpu_cpu = -1;
	t->detached = true;
	list_init(&t->sched_node);
	list_init(&t->sig_queue);
	list_init(&t->held_kmutexes);
	c->current = c->idle = t;
}

void thread_init_idle(struct cpu *c)
{
	static struct thread idle0;
	struct thread *t = &idle0;
	irqflags_t f;

	strcpy(t->name, "idle");
	t->stack = boot_stack;
	t->stack_size = boot_stack_top - boot_stack;
	init_idle_fields(t, c);
	f = sched_lock_acquire();
	thread_link_locked(t);		/* tid 0 */
	task_attach_locked(task_kernel(), t);
	sched_lock_release(f);
}

static struct thread *thread_alloc(void);
static int alloc_stack(struct thread *t, size_t size, size_t guard);
static void free_stack(struct thread *t);
static void setup_stack(struct thread *t);

int thread_init_idle_secondary(struct cpu *c)
{
	struct thread *t = thread_alloc();
	irqflags_t f;

	if (!t)
		return -ENOMEM;
	snprintf(t->name, sizeof(t->name), "idle%d", c->id);
	/* As large as the boot CPU's: interrupts run on it too. */
	if (alloc_stack(t, boot_stack_top - boot_stack, 0) < 0) {
		free(t);
		return -ENOMEM;
	}
	setup_stack(t);
	t->run_start_ns = clock_monotonic_ns();
	init_idle_fields(t, c);
	c->boot_sp = (uintptr_t)t->stack + t->stack_size;
	f = sched_lock_acquire();
	thread_register_locked(t, 0);
	task_attach_locked(task_kernel(), t);
	sched_lock_release(f);
	return 0;
}

/* A zeroed struct thread with its TLS block set up after it: one
 * allocation, freed with the struct. */
static struct thread *thread_alloc(void)
{
	size_t align = MAX((size_t)__tls_align, 16);
	size_t tls_at = ALIGN_UP(sizeof(struct thread), align);
	struct thread *t = kaligned_alloc(align, tls_at + (size_t)__tls_size);

	if (!t)
		return NULL;
	memset(t, 0, sizeof(*t));
	t->tls = (char *)t + tls_at;
	_init_tls(t->tls);
	wait_queue_init_kind(&t->join_wq, WAIT_JOIN);
	return t;
}

/* Page-aligned [guard][stack] (guard as thread_attr.guard_size);
 * without page-table memory for the guard the canary alone protects the
 * stack (logged once). */
static int alloc_stack(struct thread *t, size_t size, size_t guard)
{
	static bool warned;
	size_t total;

	if (guard == THREAD_GUARD_NONE)
		guard = 0;
	else if (!guard)
		guard = THREAD_GUARD_SIZE;
	if (!align_up_checked(size, PAGE_SIZE, &size) ||
	    !align_up_checked(guard, PAGE_SIZE, &guard) ||
	    __builtin_add_overflow(size, guard, &total))
		return -ENOMEM;		/* more than there can ever be */
	t->stack_alloc = kaligned_alloc(PAGE_SIZE, total);
	if (!t->stack_alloc)
		return -ENOMEM;
	t->stack = (char *)t->stack_alloc + guard;
	t->stack_size = size;
	t->guard_lo = (uintptr_t)t->stack;
	if (!guard)
		return 0;
	if (arch_stack_guard((uintptr_t)t->stack_alloc, guard, true) == 0) {
		t->guard_lo = (uintptr_t)t->stack_alloc;
	} else {
		if (!warned)
			pr_warn("thread: no guard page for %s's stack\n", t->name);
		warned = true;
	}
	return 0;
}

/* t->stack may carry an MTE tag (thread_new), guard_lo never does. */
size_t thread_guard_size(const struct thread *t)
{
	return t->stack_alloc ? (uintptr_t)mte_untag(t->stack) - t->guard_lo : 0;
}

static void free_stack(struct thread *t)
{
	size_t guard = thread_guard_size(t);

	if (!t->stack_alloc)
		return;		/* caller-supplied or the boot stack */
	if (guard)
		arch_stack_guard(t->guard_lo, guard, false);
	if (mte_ptr_tag(t->stack))	/* a stale pointer into it faults */
		mte_tag_clear(t->stack, t->stack_size);
	free(t->stack_alloc);
	t->stack_alloc = NULL;
}

static int check_attr(const struct thread_attr *a, struct thread *cur,
		      int *prio, int *policy)
{
	*prio = a->prio ? a->prio : cur->base_prio;
	*policy = a->policy ? a->policy : cur->policy;
	if (sched_policy_check(*policy, prio))
		return -EINVAL;
	if (a->stack_addr && (a->stack_size < STACK_MIN ||
	    (uintptr_t)a->stack_addr + a->stack_size < (uintptr_t)a->stack_addr))
		return -EINVAL;
	if (READ_ONCE(nr_threads) >= CONFIG_MAX_THREADS)
		return -EAGAIN;
	return 0;
}

static void setup_stack(struct thread *t)
{
	if (IS_ENABLED(CONFIG_STACK_WATERMARK))
		memset(t->stack, 0, t->stack_size);
	*(uint64_t *)t->stack = THREAD_STACK_CANARY;
}

int thread_new(struct thread **out, struct task *task, const struct thread_attr *a,
	       void (*entry)(void *), void *arg, void *(*start)(void *), int tid)
{
	struct thread *cur = thread_current(), *t;
	size_t size = a->stack_size ? a->stack_size : CONFIG_DEFAULT_STACKSIZE;
	int prio, policy, err;
	irqflags_t f;

	err = check_attr(a, cur, &prio, &policy);
	if (err)
		return err;
	thread_reap_zombies();	/* what ended since: its memory first */
	/* A kill of the creator before t is linked would lose t and its
	 * stack (kernel memory, not its task's): it waits until then. */
	cur->objs_in_hand++;
	t = thread_alloc();
	if (!t) {
		err = -ENOMEM;
		goto out;
	}
	strncpy(t->name, a->name ? a->name : "thread", sizeof(t->name) - 1);
	if (a->stack_addr) {
		/* A caller's stack from a tagged malloc() keeps its tag, so
		 * SP has it and the thread's stack accesses are checked. */
		uintptr_t lo = ALIGN_UP((uintptr_t)a->stack_addr, 16);
		t->stack = (void *)lo;
		t->stack_size = ALIGN_DOWN((uintptr_t)a->stack_addr + a->stack_size - lo, 16);
		t->guard_lo = lo;
		err = 0;
	} else {
		err = alloc_stack(t, MAX(size, STACK_MIN), a->guard_size);
		/* A tag of its own: SP carries it, so a pointer to a local
		 * that strays out of this stack, or a heap pointer that
		 * strays into it, faults (MTE; nothing without it). */
		if (!err)
			t->stack = mte_tag_new(t->stack, t->stack_size, 0);
	}
	if (err)
		goto err_free;
	setup_stack(t);
	t->prio = t->base_prio = prio;
	t->policy = policy;
	t->affinity = a->affinity ? a->affinity : cur->affinity;
	t->el0 = a->el0;
	if (t->affinity == cur->affinity && cur == cpus[cur->cpu].idle)
		t->affinity = ~0u;	/* not pinned like the creator */
	t->fpu_cpu = -1;
	t->entry = entry;
	t->arg = arg;
	t->start = start;
	t->detached = a->detached;
	t->sig_mask = cur->sig_mask;
	list_init(&t->sched_node);
	list_init(&t->sig_queue);
	list_init(&t->held_kmutexes);
	t->kernel_tp = (uintptr_t)t->tls - (uintptr_t)__arm64_tls_tcb_offset;
	arch_context_init(&t->ctx, (char *)t->stack + t->stack_size,
			  t->kernel_tp);

	f = sched_lock_acquire();
	if (task->exiting) {
		sched_lock_release(f);
		err = -EAGAIN;
		goto err_free;
	}
	thread_register_locked(t, tid);
	task_attach_locked(task, t);
	if (out)
		*out = t;
	tid = t->tid;	/* t may end and be freed once ready */
	sched_make_ready_locked(t);
	sched_lock_release(f);
	signal_hold_drop(&cur->objs_in_hand);
	return tid;

err_free:
	free_stack(t);
	free(t);
out:
	signal_hold_drop(&cur->objs_in_hand);
	return err;
}

int thread_create(struct thread **out, const char *name, int prio, int policy,
		  size_t stack_size, void (*entry)(void *), void *arg)
{
	struct thread_attr a = {
		.name = name, .prio = prio, .policy = policy,
		.stack_size = stack_size, .detached = true,
	};

	if (prio < SCHED_PRIO_MIN || !entry)
		return -EINVAL;
	int r = thread_new(out, task_kernel(), &a, entry, arg, NULL, 0);

	return r < 0 ? r : 0;
}

static void run_start(void *arg)
{
	thread_exit_value(thread_current()->start(arg));
}

int thread_spawn(const struct thread_attr *attr, void *(*start)(void *),
		 void *arg)
{
	static const struct thread_attr defaults;

	if (!start)
		return -EINVAL;
	return thread_new(NULL, task_current(), attr ? attr : &defaults,
			  run_start, arg, start, 0);
}

/* All of an ended thread, taken off the lists already (no lock held:
 * freeing the stack changes page tables).  The caller may be a thread
 * being killed: it locks pre-emption before it takes t off the lists,
 * so that its death waits until all is freed (sched_unlock() then lets
 * it in) instead of losing t halfway. */
static void free_thread(struct thread *t)
{
	kassert(thread_current()->preempt_off > 0);
	free_stack(t);
	free(t);
}

/* An ended thread nobody will join: freed now by a thread that is not
 * running on its stack (joinable zombies are off every list). */
static void zombie_orphaned_locked(struct thread *t)
{
	list_add_tail(&zombies, &t->sched_node);
}

__noreturn void thread_die(void *value)
{
	struct thread *t = thread_current();
	struct task *task = t->task;
	irqflags_t f;
	bool last;

	t->exiting = true;
	/* However it ends (returned, killed, faulted): the PI, PP and robust
	 * mutexes it owns are given up, so that none keeps a pointer to it. */
	kmutex_thread_exit(t);
	f = sched_lock_acquire();
	last = task_detach_locked(t);
	sched_lock_release(f);
	if (last)
		task_finish(task);	/* may block: closes files */

	sched_lock_acquire();	/* never released by this thread */
	if (last)
		task_zombie_locked(task);	/* the parent can reap it only
						 * after this thread is gone */
	arch_thread_release(t);
	signal_thread_release_locked(t);
	t->exit_value = value;
	t->exited = true;
	t->state = THREAD_ZOMBIE;
	nr_threads--;
	if (t->detached)
		zombie_orphaned_locked(t);	/* for its stack's sake */
	else
		list_init(&t->sched_node);	/* for the joiner */
	wait_wake_all_locked(&t->join_wq, 0);
	sched_block_locked();
	panic("zombie thread %s ran again", t->name);
}

__noreturn void thread_exit_value(void *value)
{
	struct thread *t = thread_current();

	if (!t->exiting) {
		t->exiting = true;	/* no signal delivery from here on */
		t->exit_value = value;
		if (exit_hook && t->task != task_kernel())
			exit_hook();
	}
	thread_die(value);
}

__noreturn void thread_exit(void)
{
	thread_exit_value(NULL);
}

void thread_set_exit_hook(void (*hook)(void))
{
	exit_hook = hook;
}

/* Frees the detached threads that have switched away for the last time
 * (the idle thread, thread creation, join and detach call it).  The
 * first look is without the lock: a thread that becomes a zombie just
 * after it is freed by the next call, or by the idle thread. */
void thread_reap_zombies(void)
{
	if (READ_ONCE(zombies.next) == &zombies)
		return;
	for (;;) {
		irqflags_t f;
		struct list_node *n;
		struct thread *t;

		sched_lock();
		f = sched_lock_acquire();
		n = list_first(&zombies);
		t = n ? list_entry(n, struct thread, sched_node) : NULL;
		if (t) {
			list_del(n);
			thread_unregister_locked(t);
		}
		sched_lock_release(f);
		if (t)
			free_thread(t);
		sched_unlock();
		if (!t)
			return;
	}
}

void thread_release_task_locked(struct task *task)
{
	struct list_node *n;

	list_for_each(n, &all_threads) {
		struct thread *t = list_entry(n, struct thread, all_node);
		if (t->task != task)
			continue;
		t->task = NULL;
		if (t->exited && !t->detached)
			zombie_orphaned_locked(t);	/* nobody can join it now */
		t->detached = true;
	}
}

struct thread *thread_lookup_locked(int tid)
{
	struct thread *t = *tid_bucket(tid);

	while (t && t->tid != tid)
		t = t->tid_next;
	return t;
}

/* An ended or living thread of the caller's task (joinable ones too). */
static struct thread *lookup_in_task_locked(int tid)
{
	struct thread *t = thread_lookup_locked(tid);

	return t && t->task == task_current() ? t : NULL;
}

bool thread_exists(int tid)
{
	irqflags_t f = sched_lock_acquire();
	struct thread *t = thread_lookup_locked(tid);
	bool r = t && !(t->exited && t->detached);

	sched_lock_release(f);
	return r;
}

int thread_self_tid(void)
{
	return thread_current()->tid;
}

int thread_join(int tid, void **value)
{
	struct thread *cur = thread_current(), *t;
	irqflags_t f = sched_lock_acquire();
	int r = 0;

	t = lookup_in_task_locked(tid);
	if (!t)
		r = -ESRCH;
	else if (t == cur)
		r = -EDEADLK;
	else if (t->detached || t->joined)
		r = -EINVAL;
	if (r)
		goto out;
	t->joined = true;	/* one joiner: it frees t */
	while (!t->exited) {
		r = wait_block_intr_locked(&t->join_wq, WAIT_FOREVER);
		/* Not joined after all: cancelled, or an EL0 caller whose
		 * handlers run on its way out (its library joins again). */
		if (r == -ECANCELED || (r == -EINTR && cur->el0)) {
			t->joined = false;
			goto out;
		}
		if (r == -EINTR) {
			/* Handlers run; the join goes on (POSIX: no EINTR). */
			sched_lock_release(f);
			signal_deliver();
			f = sched_lock_acquire();
		}
	}
	if (value)
		*value = t->exit_value;
	thread_unregister_locked(t);
	cur->preempt_off++;	/* sched_lock(), under the lock: see free_thread() */
	sched_lock_release(f);
	free_thread(t);
	sched_unlock();
	thread_reap_zombies();
	return 0;
out:
	sched_lock_release(f);
	return r;
}

int thread_detach(int tid)
{
	irqflags_t f = sched_lock_acquire();
	struct thread *t = lookup_in_task_locked(tid);
	int r = 0;

	if (!t)
		r = -ESRCH;
	else if (t->detached || t->joined)
		r = -EINVAL;
	else {
		t->detached = true;
		if (t->exited)
			zombie_orphaned_locked(t);
	}
	sched_lock_release(f);
	thread_reap_zombies();
	return r;
}

int thread_set_name(int tid, const char *name)
{
	irqflags_t f = sched_lock_acquire();
	struct thread *t = thread_lookup_locked(tid);

	if (t) {
		memset(t->name, 0, sizeof(t->name));
		strncpy(t->name, name, sizeof(t->name) - 1);
	}
	sched_lock_release(f);
	return t ? 0 : -ESRCH;
}

int thread_get_name(int tid, char *buf, size_t len)
{
	irqflags_t f = sched_lock_acquire();
	struct thread *t = thread_lookup_locked(tid);
	int r = 0;

	if (!t)
		r = -ESRCH;
	else if (strlen(t->name) >= len)
		r = -ERANGE;
	else
		strcpy(buf, t->name);
	sched_lock_release(f);
	return r;
}

int thread_get_attr(int tid, struct thread_attr *attr)
{
	irqflags_t f = sched_lock_acquire();
	struct thread *t = thread_lookup_locked(tid);

	if (t)
		*attr = (struct thread_attr){ .prio = t->base_prio,
					      .policy = t->policy,
					      .stack_size = t->stack_size,
					      .stack_addr = t->stack,
					      .guard_size = thread_guard_size(t),
					      .detached = t->detached,
					      .affinity = t->affinity };
	sched_lock_release(f);
	return t ? 0 : -ESRCH;
}

int thread_get_sched(int tid, int *policy, int *prio)
{
	irqflags_t f = sched_lock_acquire();
	struct thread *t = thread_lookup_locked(tid);

	if (t && !t->exited) {
		*policy = t->policy;
		*prio = t->prio;	/* effective: see <vireo/thread.h> */
	}
	sched_lock_release(f);
	return t && !t->exited ? 0 : -ESRCH;
}

/* ---- cancellation ---- */

void thread_testcancel(void)
{
	struct thread *t = thread_current();

	if (t->cancel_pending && t->cancel_state == THREAD_CANCEL_ENABLE &&
	    !t->exiting)
		thread_exit_value(THREAD_CANCELED);
}

long thread_testcancel_call(void)
{
	struct thread *t = thread_current();

	if (!t->el0) {
		thread_testcancel();
		return 0;
	}
	return t->cancel_pending && t->cancel_state == THREAD_CANCEL_ENABLE ?
	       -ECANCELED : 0;
}

int thread_cancel(int tid)
{
	irqflags_t f = sched_lock_acquire();
	struct thread *t = thread_lookup_locked(tid);
	bool self = t == thread_current();

	if (!t || t->exited || t->task != task_current()) {
		sched_lock_release(f);
		return -ESRCH;
	}
	t->cancel_pending = true;
	sched_kick_thread_locked(t);
	if (t->cancel_state == THREAD_CANCEL_ENABLE && t->state == THREAD_BLOCKED &&
	    t->intr_wait && t->intr_cancel)
		sched_wake_locked(t, -ECANCELED);
	sched_lock_release(f);
	/* An asynchronous self-cancel acts at once. */
	if (self && thread_current()->cancel_type == THREAD_CANCEL_ASYNCHRONOUS)
		thread_testcancel();
	return 0;
}

/* Sets one of the caller's cancellation settings (value already checked);
 * with the type asynchronous, a pending request acts at once. */
static int set_cancel_setting(uint8_t *setting, int value, int *old)
{
	if (old)
		*old = *setting;
	*setting = (uint8_t)value;
	if (thread_current()->cancel_type == THREAD_CANCEL_ASYNCHRONOUS)
		thread_testcancel();
	return 0;
}

int thread_set_cancel_state(int state, int *old)
{
	if (state != THREAD_CANCEL_ENABLE && state != THREAD_CANCEL_DISABLE)
		return -EINVAL;
	return set_cancel_setting(&thread_current()->cancel_state, state, old);
}

int thread_set_cancel_type(int type, int *old)
{
	if (type != THREAD_CANCEL_DEFERRED && type != THREAD_CANCEL_ASYNCHRONOUS)
		return -EINVAL;
	return set_cancel_setting(&thread_current()->cancel_type, type, old);
}

/* ---- CPU time ---- */

uint64_t thread_cpu_ns_locked(struct thread *t)
{
	uint64_t ns = t->cpu_ns;

	if (t->state == THREAD_RUNNING)
		ns += clock_monotonic_ns() - t->run_start_ns;
	return ns;
}

uint64_t thread_cpu_ns(struct thread *t)
{
	irqflags_t f = sched_lock_acquire();
	uint64_t ns = thread_cpu_ns_locked(t);

	sched_lock_release(f);
	return ns;
}

int thread_cpu_ns_by_tid(int tid, uint64_t *ns)
{
	irqflags_t f = sched_lock_acquire();
	struct thread *t = thread_lookup_locked(tid);

	if (t) {
		*ns = t->cpu_ns;
		if (t->state == THREAD_RUNNING)
			*ns += clock_monotonic_ns() - t->run_start_ns;
	}
	sched_lock_release(f);
	return t ? 0 : -ESRCH;
}

/* ---- stack overflow ---- */

__noreturn void thread_fault_exit(int sig)
{
	struct thread *t = thread_current();

	t->fault_sig = sig;
	if (t->task == task_kernel())
		panic("fault in kernel thread %s", t->name);
	/* Where it stood is abandoned: give back what it held there. */
	kmutex_thread_abandon(t);
	t->preempt_off = 0;
	t->files_borrowed = 0;	/* those references are lost (kernel/signal.c) */
	t->objs_in_hand = 0;	/* and so are those objects */
	task_exit_signaled(sig);
}

/* Deepest stack that code holding a spinlock, a kernel mutex or in an
 * interrupt handler may need below the point of the check. */
#define STACK_RESERVE 2048

/* Less than STACK_RESERVE is left to t: it ends unless it is already
 * inside (IRQs masked: too late, and not here) or ending, or is not an
 * application thread on a stack of its own.  Out of line, so that the
 * check every spin_lock_irqsave() makes builds no larger frame. */
static __attribute__((noinline)) void stack_short(struct thread *t)
{
	if (arch_irqs_disabled())
		return;
	/* Not again while it ends (its report takes locks too). */
	if (!t->stack_alloc || !t->task || t->task == task_kernel() ||
	    in_interrupt() || t->exiting || t->fault_sig)
		return;
	thread_stack_overflow();
}

/*
 * The safe point for a stack overflow: an application thread that is
 * about to mask IRQs or take a kernel mutex with less than
 * STACK_RESERVE left ends now, holding nothing, instead of overflowing
 * where its death would leave a lock held (kernel/signal.c).
 */
void thread_stack_reserve_check(void)
{
	struct thread *t = thread_current();

	if (t && arch_frame_address() - (uintptr_t)t->stack < STACK_RESERVE)
		stack_short(t);
}

__noreturn void thread_stack_overflow(void)
{
	struct thread *t = thread_current();

	t->fault_sig = SIGSEGV;
	pr_err("stack overflow in thread %s (tid %d)\n", t->name, t->tid);
	thread_fault_exit(SIGSEGV);
}

/* Deepest stack use so far: the stack grows down from the top, so the
 * untouched fill pattern remains at the bottom (above the canary). */
static size_t stack_used(const struct thread *t)
{
	/* Untagged: a caller's stack may be freed (retagged) already, and
	 * this look is the kernel's, not the thread's (<vireo/mte.h>). */
	const uint64_t *p = mte_untag(t->stack);
	size_t i = 1, n = t->stack_size / 8;

	if (!IS_ENABLED(CONFIG_STACK_WATERMARK) || !p || t->stack == boot_stack)
		return 0;	/* the boot stack was not zeroed */
	while (i < n && p[i] == 0)
		i++;
	return (n - i) * 8;
}

int thread_snapshot(struct thread_info *out, int max)
{
	struct list_node *n;
	int count = 0;
	irqflags_t f = sched_lock_acquire();

	list_for_each(n, &all_threads) {
		struct thread *t = list_entry(n, struct thread, all_node);
		if (count < max) {
			struct thread_info *ti = &out[count];
			ti->tid = t->tid;
			ti->prio = t->prio;
			ti->policy = t->policy;
			ti->state = t->state;
			ti->cpu = t->cpu;
			ti->stack_size = t->stack_size;
			ti->cpu_ns = t->cpu_ns;
			if (t->state == THREAD_RUNNING)
				ti->cpu_ns += clock_monotonic_ns() - t->run_start_ns;
			memcpy(ti->name, t->name, sizeof(ti->name));
			ti->stack_used = stack_used(t);
			ti->pid = t->task ? task_pid(t->task) : 0;
		}
		count++;
	}
	sched_lock_release(f);
	return count;
}

