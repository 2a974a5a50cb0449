// SPDX-License-Identifier: BSD-2-Clause
/*
 * The scheduler: 256 priority-ordered ready queues with a bitmap, a
 * running thread per CPU that is never on a ready queue, and one
 * scheduler lock (sched_spin) over all of it.
 *
 * A context switch happens with sched_spin held and IRQs masked; the lock
 * is handed to the next thread, which releases it where it resumes (in
 * its own earlier switch, or in sched_thread_entry() when new).
 *
 * Preemption: making a more urgent thread ready switches at once from
 * thread context, or sets need_resched when in an interrupt handler (or
 * while pre-emption is locked); the interrupt exit path then switches.
 * A pre-empted thread goes back to the head of its queue, a thread that
 * yields or uses up its SCHED_RR slice to the tail (POSIX 2.8.4).
 */
#include <errno.h>
#include <string.h>
#include <vireo/clock.h>
#include <vireo/compiler.h>
#include <vireo/cpu.h>
#include <vireo/mutex.h>
#include <vireo/panic.h>
#include <vireo/thread.h>
#include <vireo/wait.h>
#include "kernel_priv.h"

struct cpu cpus[CONFIG_SMP_NCPUS];
int cpus_online = 1;

static spinlock_t sched_spin = SPINLOCK_INIT;
static struct list_node ready[256];
static uint64_t ready_bitmap[4];

irqflags_t sched_lock_acquire(void)
{
	return spin_lock_irqsave(&sched_spin);
}

void sched_lock_release(irqflags_t flags)
{
	spin_unlock_irqrestore(&sched_spin, flags);
}

bool sched_lock_held(void)
{
	return spin_is_locked(&sched_spin);
}

struct thread *thread_current(void)
{
	return this_cpu()->current;
}

static void rq_add(struct thread *t, bool at_head)
{
	if (at_head)
		list_add_head(&ready[t->prio], &t->sched_node);
	else
		list_add_tail(&ready[t->prio], &t->sched_node);
	ready_bitmap[t->prio / 64] |= 1UL << (t->prio % 64);
}

static void rq_del(struct thread *t)
{
	list_del(&t->sched_node);
	if (list_empty(&ready[t->prio]))
		ready_bitmap[t->prio / 64] &= ~(1UL << (t->prio % 64));
}

/* Highest ready priority, or -1 when nothing is ready. */
static int rq_top_prio(void)
{
	for (int i = 3; i >= 0; i--)
		if (ready_bitmap[i])
			return i * 64 + 63 - __builtin_clzl(ready_bitmap[i]);
	return -1;
}

void sched_rq_requeue_locked(struct thread *t, int new_prio)
{
	if (t->state == THREAD_READY) {
		rq_del(t);
		t->prio = new_prio;
		rq_add(t, false);
	} else {
		t->prio = new_prio;
	}
}

/* The running SCHED_RR thread's slice ended (timer interrupt, lock
 * held).  It rotates behind an equal-priority ready thread at the
 * interrupt exit; with none ready it starts a new slice at once, so that
 * one made ready later gets the CPU at that slice's end. */
static void slice_expired(struct ktimer *kt)
{
	struct cpu *c = container_of(kt, struct cpu, slice_timer);

	if (c->current->policy != POLICY_RR)
		return;		/* became SCHED_FIFO meanwhile */
	ktimer_arm_locked(kt, clock_monotonic_ns() +
			  CONFIG_RR_INTERVAL_MS * NSEC_PER_MSEC, slice_expired);
	if (rq_top_prio() >= c->current->prio) {
		c->slice_expired = true;
		c->need_resched = true;
	}
}

static void nudge(struct ktimer *kt)
{
	/* Nothing to do: the interrupt's exit path delivers. */
}

void sched_request_delivery_locked(void)
{
	ktimer_arm_locked(&this_cpu()->nudge_timer, clock_monotonic_ns(), nudge);
}

/* The canary at the bottom of next's stack: a thread whose stack has
 * no guard page (caller-supplied) or that jumped over it is caught here,
 * before it runs again.  Its task is killed when it resumes (SIGSEGV,
 * via its kill flag); the report names it. */
static void check_stack(struct thread *next)
{
	const uint64_t *bottom = next->stack;

	if (!next->stack_alloc && next->guard_lo == 0)
		return;		/* the boot stack */
	if (likely(*bottom == THREAD_STACK_CANARY) || next->exiting)
		return;
	if (next->task == task_kernel())
		panic("stack overflow in thread %s (tid %d)", next->name, next->tid);
	next->stack_smashed = true;
}

/* Picks the most urgent ready thread and switches to it.  The current
 * thread has already been queued, blocked or ended by the caller. */
static void switch_locked(void)
{
	struct cpu *c = this_cpu();
	struct thread *prev = c->current, *next;
	int top = rq_top_prio();
	uint64_t now;

	kassert(top >= 0);	/* the idle thread is always ready */
	next = list_entry(ready[top].next, struct thread, sched_node);
	rq_del(next);
	c->need_resched = false;
	c->slice_expired = false;
	next->state = THREAD_RUNNING;
	next->cpu = c->id;
	if (next == prev)
		return;

	now = clock_monotonic_ns();
	prev->cpu_ns += now - prev->run_start_ns;
	next->run_start_ns = now;
	if (next->policy == POLICY_RR && next != c->idle)
		ktimer_arm_locked(&c->slice_timer,
				  now + CONFIG_RR_INTERVAL_MS * NSEC_PER_MSEC,
				  slice_expired);
	else
		ktimer_cancel_locked(&c->slice_timer);
	check_stack(next);
	if (thread_has_work_locked(next, true))
		ktimer_arm_locked(&c->nudge_timer, now, nudge);
	c->current = next;
	task_switch_in(next);
	arch_thread_switch_out(prev);
	arch_thread_switch_in(next);
	arch_context_switch(&prev->ctx, &next->ctx);
	/* prev runs again here, on whichever CPU switched back to it. */
}

/* Current thread gives way to a ready thread of higher priority, or of
 * equal priority when it yields or its slice ran out. */
static void maybe_switch_locked(bool rotate)
{
	struct thread *cur = thread_current();
	int top = rq_top_prio();

	if (cur->state != THREAD_RUNNING)
		return;
	if (top > cur->prio) {
		cur->state = THREAD_READY;
		rq_add(cur, true);
		switch_locked();
	} else if (rotate && top == cur->prio) {
		cur->state = THREAD_READY;
		rq_add(cur, false);
		switch_locked();
	}
}

static void preempt_check_locked(void)
{
	struct cpu *c = this_cpu();

	if (rq_top_prio() <= c->current->prio)
		return;
	if (in_interrupt() || c->current->preempt_off || !c->online)
		c->need_resched = true;
	else
		maybe_switch_locked(false);
}

/* Behind every waiter of equal or higher priority (as wait.c queues). */
static void wq_reinsert(struct wait_queue *wq, struct thread *t)
{
	struct list_node *n;

	list_del(&t->sched_node);
	list_for_each(n, &wq->waiters) {
		if (list_entry(n, struct thread, sched_node)->prio < t->prio)
			break;
	}
	list_insert(&t->sched_node, n->prev, n);
}

void sched_set_effective_prio_locked(struct thread *t, int prio)
{
	kassert(sched_lock_held());
	if (prio == t->prio)
		return;
	switch (t->state) {
	case THREAD_READY:
		sched_rq_requeue_locked(t, prio);
		preempt_check_locked();
		break;
	case THREAD_BLOCKED:
		t->prio = prio;
		if (t->waiting_on)
			wq_reinsert(t->waiting_on, t);
		break;
	case THREAD_RUNNING:
		t->prio = prio;
		/* Dropping below a ready thread: give way now, or at the
		 * interrupt exit / sched_unlock() when we cannot switch here. */
		preempt_check_locked();
		break;
	default:
		t->prio = prio;
		break;
	}
}

void sched_wake_locked(struct thread *t, int result)
{
	if (t->state != THREAD_BLOCKED)
		return;
	ktimer_cancel_locked(&t->timeout);
	if (t->waiting_on) {
		list_del(&t->sched_node);
		t->waiting_on = NULL;
	}
	t->wait_result = result;
	t->state = THREAD_READY;
	loadavg_account_locked(t, +1);
	rq_add(t, false);
	preempt_check_locked();
}

void sched_make_ready_locked(struct thread *t)
{
	t->state = THREAD_READY;
	loadavg_account_locked(t, +1);
	rq_add(t, false);
	preempt_check_locked();
}

void sched_block_locked(void)
{
	struct thread *cur = thread_current();

	kassert(!in_interrupt());
	kassert(cur->state == THREAD_BLOCKED || cur->state == THREAD_ZOMBIE);
	loadavg_account_locked(cur, -1);
	switch_locked();
}

void sched_irq_exit(void)
{
	struct cpu *c = this_cpu();
	irqflags_t f;

	if (!c->need_resched || c->current->preempt_off)
		return;
	f = sched_lock_acquire();
	c->need_resched = false;
	maybe_switch_locked(c->slice_expired);
	c->slice_expired = false;
	sched_lock_release(f);
}

void thread_yield(void)
{
	irqflags_t f = sched_lock_acquire();

	maybe_switch_locked(true);
	sched_lock_release(f);
}

void sched_lock(void)
{
	thread_current()->preempt_off++;
}

void sched_unlock(void)
{
	struct thread *cur = thread_current();

	kassert(cur->preempt_off > 0);
	if (--cur->preempt_off == 0 && this_cpu()->need_resched) {
		irqflags_t f = sched_lock_acquire();
		maybe_switch_locked(this_cpu()->slice_expired);
		sched_lock_release(f);
	}
}

int thread_set_sched(int tid, int policy, int prio)
{
	irqflags_t f;
	struct thread *t;

	if (prio < SCHED_PRIO_MIN || prio > SCHED_PRIO_MAX ||
	    (policy != POLICY_FIFO && policy != POLICY_RR))
		return -EINVAL;
	f = sched_lock_acquire();
	t = thread_lookup_locked(tid);
	if (!t || t->exited) {
		sched_lock_release(f);
		return -ESRCH;
	}
	t->policy = policy;
	t->base_prio = prio;
	/* A PI or PP boost above the new base priority stays. */
	sched_set_effective_prio_locked(t, MAX(prio, kmutex_boost_prio_locked(t)));
	sched_lock_release(f);
	return 0;
}

int thread_set_priority(struct thread *t, int prio)
{
	irqflags_t f;

	if (prio < SCHED_PRIO_MIN || prio > SCHED_PRIO_MAX)
		return -EINVAL;
	f = sched_lock_acquire();
	t->base_prio = prio;
	sched_set_effective_prio_locked(t, MAX(prio, kmutex_boost_prio_locked(t)));
	sched_lock_release(f);
	return 0;
}

/* First C code of a new thread: still holding the lock handed over by
 * the switch that started it. */
__noreturn void sched_thread_entry(void)
{
	struct thread *t = thread_current();

	spin_unlock(&sched_spin);
	arch_irq_enable();
	t->entry(t->arg);
	thread_exit();
}

void sched_init(void)
{
	for (int i = 0; i < 256; i++)
		list_init(&ready[i]);
	task_init();
	thread_init_idle(&cpus[0]);
	cpus[0].online = true;
}

__noreturn void sched_idle_loop(void)
{
	struct cpu *c = this_cpu();

	for (;;) {
		thread_reap_zombies();
		uint64_t t0 = clock_monotonic_ns();
		arch_irq_disable();
		if (!c->need_resched)
			arch_wait_for_interrupt();
		arch_irq_enable();	/* the pending IRQ is taken here */
		c->idle_ns += clock_monotonic_ns() - t0;
	}
}
