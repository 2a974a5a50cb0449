// SPDX-License-Identifier: BSD-2-Clause
/*
 * The scheduler: 256 priority-ordered ready queues with a bitmap, a
 * running thread per CPU that is never on a ready queue, and one
 * scheduler lock (sched_spin) over all of it, on every CPU: the queues,
 * every thread's scheduling fields, each CPU's current/need_resched/
 * kick_prio, the kernel timers and the signal state.  What does not
 * take it: an uncontended semaphore or plain mutex operation (an atomic
 * on the object's word; kernel/sem.c, kernel/mutex.c say how a waiter
 * marks the word under the lock so that no wake-up is lost), and the
 * interrupt exit's look at need_resched and at pending signals (both
 * set under the lock by a CPU that then sends this one an SGI).
 *
 * A context switch happens with sched_spin held and IRQs masked; the lock
 * is handed to the next thread, which releases it where it resumes (in
 * its own earlier switch, or in sched_thread_entry() when new).  That
 * handover is also what makes migration safe: a thread switched out on
 * one CPU is put on a ready queue (or a wait queue, or the zombie list)
 * before its registers are saved, but no other CPU can look at those
 * queues until this CPU releases the lock, after arch_context_switch()
 * has stored the context (and arch_thread_switch() its FP/SIMD
 * registers).  The release store and the next owner's acquire order the
 * saved context before its reload elsewhere.
 *
 * SMP: the N most urgent ready threads run on the N CPUs.  A CPU picks
 * the most urgent ready thread its affinity allows, else its own idle
 * thread (idle threads are never queued).  A thread made ready goes to
 * the allowed CPU running the least urgent thread; when that CPU is
 * another one, it is kicked: need_resched and a reschedule SGI, whose
 * interrupt exit switches.  kick_prio remembers what a CPU was kicked
 * for until it switches, so a burst of wake-ups spreads over CPUs.
 *
 * Preemption: making a more urgent thread ready never switches inside
 * the locked section that did it: it only sets need_resched.  The switch
 * happens when the lock is released (sched_lock_release()), at the
 * interrupt exit, or at sched_unlock() when pre-emption was locked.  So
 * a caller that walks a list under the lock (a task's threads, a wait
 * queue) and wakes threads as it goes is never switched away in the
 * middle, where a woken, more urgent thread could change that list (or
 * free the walker's task).  Only a thread that blocks itself
 * (sched_block_locked()) switches with the lock held by its caller, and
 * sched_walk_begin()/end() make that a checked error inside a walk.
 * A pre-empted thread goes back to the head of its queue, a thread that
 * yields or uses up its SCHED_RR slice to the tail (POSIX 2.8.4).
 *
 * sched_lock() on SMP: it keeps the calling thread on its CPU (no
 * pre-emption, no migration) until sched_unlock(); the other CPUs go on
 * scheduling.  It is not mutual exclusion between CPUs: use a lock.
 *
 * Per switch: one pick (the pick decides and is switched to); the
 * SCHED_RR/OTHER slice timer runs only while a thread of the running
 * one's priority is ready (armed at the switch, or when such a thread
 * is made ready, for the slice begun at the switch-in); the load
 * average only adds to an integral (kernel/loadavg.c); placement looks
 * at online CPUs only.
 */
#include <errno.h>
#include <string.h>
#include <vireo/clock.h>
#include <vireo/compiler.h>
#include <vireo/cpu.h>
#include <vireo/irq.h>
#include <vireo/mutex.h>
#include <vireo/panic.h>
#include <vireo/signal.h>
#include <vireo/thread.h>
#include <vireo/wait.h>
#include "kernel_priv.h"

struct cpu cpus[CONFIG_SMP_NCPUS];
int cpus_online = 1;

/* The SGI that asks a CPU to look at need_resched and pending signals at
 * its interrupt exit. */
#define SGI_RESCHED 1

spinlock_t sched_spin = SPINLOCK_INIT;	/* <vireo/thread.h>: sched_lock_held() */
static struct list_node ready[256];
static uint64_t ready_bitmap[4];
static uint32_t online_mask = 1;	/* bit n: CPU n is online */

irqflags_t sched_lock_acquire(void)
{
	return spin_lock_irqsave(&sched_spin);
}

static void maybe_switch_locked(bool rotate);
static bool switch_wanted_locked(const struct cpu *c);

/* A switch that wake-ups under the lock left pending on this CPU is
 * taken here, where the caller is done with whatever it walked.  When
 * it cannot be taken now (an interrupt handler, pre-emption locked, or
 * IRQs masked by the caller's caller) need_resched stays set for the
 * interrupt exit or sched_unlock(); with IRQs masked, and a switch due,
 * an interrupt to ourselves makes sure one comes as soon as they are
 * unmasked (never otherwise: on the interrupt exit path that would be
 * one nested interrupt after another). */
void sched_lock_release(irqflags_t flags)
{
	struct cpu *c = this_cpu();

	if (c->need_resched && !in_interrupt() && !c->current->preempt_off) {
		if (!arch_irq_flags_masked(flags)) {
			c->need_resched = false;
			maybe_switch_locked(c->slice_expired);
			c->slice_expired = false;
		} else if (switch_wanted_locked(c)) {
			irq_send_sgi(SGI_RESCHED, 1u << c->id);
		}
	}
	spin_unlock_irqrestore(&sched_spin, flags);
}

void sched_walk_begin(void)
{
	kassert(sched_lock_held());
	this_cpu()->walkers++;
}

void sched_walk_end(void)
{
	kassert(this_cpu()->walkers > 0);
	this_cpu()->walkers--;
}

static void rq_add(struct thread *t, bool at_head)
{
	if (at_head)
		list_add_head(&ready[t->prio], &t->sched_node);
	else
		list_add_tail(&ready[t->prio], &t->sched_node);
	ready_bitmap[t->prio / 64] |= 1UL << (t->prio % 64);
}

/* Inline: the switch's own work. */
static inline __attribute__((always_inline)) void rq_del(struct thread *t)
{
	list_del(&t->sched_node);
	if (list_empty(&ready[t->prio]))
		ready_bitmap[t->prio / 64] &= ~(1UL << (t->prio % 64));
}

static bool allowed(const struct thread *t, const struct cpu *c)
{
	return t->affinity & (1u << c->id);
}

/* The most urgent ready thread c may run, or NULL. */
static struct thread *pick_locked(const struct cpu *c)
{
	for (int w = 3; w >= 0; w--) {
		for (uint64_t bits = ready_bitmap[w]; bits; ) {
			int bit = 63 - __builtin_clzl(bits);
			struct list_node *n;
			list_for_each(n, &ready[w * 64 + bit]) {
				struct thread *t = list_entry(n, struct thread, sched_node);
				if (allowed(t, c))
					return t;
			}
			bits &= ~(1UL << bit);
		}
	}
	return NULL;
}

/* Priority of the thread c would pick, or -1. */
static int top_prio_for(const struct cpu *c)
{
	const struct thread *t = pick_locked(c);

	return t ? t->prio : -1;
}

static void send_resched_ipi(const struct cpu *c)
{
	irq_send_sgi(SGI_RESCHED, 1u << c->id);
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
 * interrupt exit (whose switch arms the timer again if the next thread
 * has company); with none ready it starts a new slice at once, and the
 * timer waits until one is made ready (slice_share_locked()). */
static void slice_expired(struct ktimer *kt)
{
	struct cpu *c = container_of(kt, struct cpu, slice_timer);

	c->slice_start_ns = clock_monotonic_ns();
	if (!sched_policy_sliced(c->current->policy))
		return;		/* became SCHED_FIFO meanwhile */
	if (top_prio_for(c) >= c->current->prio) {
		c->slice_expired = true;
		c->need_resched = true;
		if (c != this_cpu())	/* any CPU runs the timers */
			send_resched_ipi(c);
	}
}

/* A thread of c's running thread's priority is ready to run on c: if
 * they take turns (SCHED_RR, SCHED_OTHER), the running one's slice,
 * begun at its switch-in or its last slice's end, now has a timer.
 * Without company no timer runs: a lone thread's slices end unseen. */
static bool takes_turns(const struct cpu *c)
{
	return c->current != c->idle && sched_policy_sliced(c->current->policy);
}

static void slice_arm_locked(struct cpu *c)
{
	ktimer_arm_locked(&c->slice_timer,
			  c->slice_start_ns + CONFIG_RR_INTERVAL_MS * NSEC_PER_MSEC,
			  slice_expired);
}

static void slice_share_locked(struct cpu *c)
{
	if (!c->slice_timer.armed && takes_turns(c))
		slice_arm_locked(c);
}

static bool prio_ready(int prio)
{
	return ready_bitmap[prio / 64] & (1UL << (prio % 64));
}

/* An SGI to ourselves: taken as soon as IRQs are unmasked, and its exit
 * path delivers. */
void sched_request_delivery_locked(void)
{
	send_resched_ipi(this_cpu());
}

void sched_kick_thread_locked(struct thread *t)
{
	if (t->state != THREAD_RUNNING)
		return;
	if (t->cpu != this_cpu()->id)
		send_resched_ipi(&cpus[t->cpu]);
	else if (!in_interrupt())
		/* It signalled itself (kill, raise, SIGPIPE, an mq_notify
		 * its mq_send caused): the handler runs before the call
		 * returns, at this interrupt's exit or, while it holds
		 * kernel state, at the release of its last hold. */
		sched_request_delivery_locked();
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

/* Switches to next, the most urgent ready thread c may run (pick_locked()),
 * or to the idle thread when NULL.  The current thread has already been
 * queued, blocked or ended by the caller. */
static void switch_locked(struct cpu *c, struct thread *next)
{
	struct thread *prev = c->current;
	uint64_t now;

	/* A list walker under the scheduler lock must not lose the CPU
	 * in the middle of its walk (see the rule at the top). */
	kassert(c->walkers == 0);
	if (next)
		rq_del(next);
	else
		next = c->idle;
	c->need_resched = false;
	c->slice_expired = false;
	c->kick_prio = 0;
	next->state = THREAD_RUNNING;
	next->cpu = c->id;
	if (next == prev)
		return;

	now = clock_monotonic_ns();
	prev->cpu_ns += now - prev->run_start_ns;
	next->run_start_ns = now;
	c->slice_start_ns = now;
	c->current = next;
	/* A slice timer only while an equal-priority thread is ready (it
	 * may be one c cannot run: then the timer finds nothing to do). */
	if (prio_ready(next->prio) && takes_turns(c))
		slice_arm_locked(c);
	else if (c->slice_timer.armed)
		ktimer_cancel_locked(&c->slice_timer);
	check_stack(next);
	/* Signal, kill or asynchronous cancellation pending: an interrupt
	 * at once, whose exit delivers even if next resumes in thread
	 * context. */
	if (thread_has_work_locked(next, true))
		send_resched_ipi(c);
	arch_thread_switch(prev, next);
	arch_context_switch(&prev->ctx, &next->ctx);
	/* prev runs again here, on whichever CPU switched back to it. */
}

/* How urgent c's work is: its current thread, or what it was kicked for
 * and has not switched to yet. */
static int cpu_prio(const struct cpu *c)
{
	return MAX((int)c->current->prio, (int)c->kick_prio);
}

/* c should run a thread of priority prio instead of its current one. */
static void preempt_cpu_locked(struct cpu *c, int prio)
{
	if (prio > c->kick_prio)
		c->kick_prio = prio;
	c->need_resched = true;
	if (c != this_cpu())
		send_resched_ipi(c);
}

/* t is ready: preempt the CPU of m (online, allowed, not empty) doing the
 * least urgent work if t outranks it (this CPU on ties, then the lowest
 * number). */
static __attribute__((noinline)) void place_among_locked(struct thread *t, uint32_t m)
{
	struct cpu *self = this_cpu(), *best = NULL;
	int best_prio = 256;

	for (; m; m &= m - 1) {
		struct cpu *c = &cpus[__builtin_ctz(m)];
		if (c->current->prio == t->prio)
			slice_share_locked(c);
		int p = cpu_prio(c);
		if (p < best_prio || (p == best_prio && c == self)) {
			best = c;
			best_prio = p;
		}
	}
	if (t->prio > best_prio)
		preempt_cpu_locked(best, t->prio);	/* this CPU: at the release */
}

/* The CPUs t may go to, this one left out when skip_self (t was running
 * here); with none (one CPU, a yield) nothing is looked at. */
static inline void place_locked(struct thread *t, bool skip_self)
{
	uint32_t m = online_mask & t->affinity;

	if (skip_self)
		m &= ~(1u << this_cpu()->id);
	if (m)
		place_among_locked(t, m);
}

/* Whether c's current thread should give way now (maybe_switch_locked()
 * would switch, rotate being whether its slice ran out). */
static bool switch_wanted_locked(const struct cpu *c)
{
	const struct thread *cur = c->current;
	int top = top_prio_for(c);

	return cur->state == THREAD_RUNNING &&
	       (!allowed(cur, c) || top > cur->prio ||
		(c->slice_expired && top == cur->prio));
}

/* Current thread gives way to a ready thread of higher priority, or of
 * equal priority when it yields or its slice ran out, or to anything
 * when its affinity no longer allows this CPU. */
static void maybe_switch_locked(bool rotate)
{
	struct cpu *c = this_cpu();
	struct thread *cur = c->current, *next = pick_locked(c);
	int top = next ? next->prio : -1;
	bool at_head;

	/* Whatever this CPU was kicked for is decided now.  A kick whose
	 * thread another CPU took meanwhile must not linger: it would make
	 * this CPU look busy to place_locked() and strand later wake-ups. */
	c->kick_prio = 0;
	if (cur->state != THREAD_RUNNING)
		return;
	if (!allowed(cur, c) || top > cur->prio)
		at_head = true;
	else if (rotate && top == cur->prio)
		at_head = false;
	else
		return;
	/* next stays the pick: cur goes behind it or is less urgent. */
	cur->state = THREAD_READY;
	if (cur != c->idle) {
		rq_add(cur, at_head);
		/* Another CPU may have room for it: kicked now, it cannot
		 * take it before we release the lock after the switch. */
		place_locked(cur, true);
	}
	switch_locked(c, next);
}

static void preempt_check_locked(struct cpu *c)
{
	if (top_prio_for(c) <= c->current->prio && allowed(c->current, c))
		return;
	preempt_cpu_locked(c, top_prio_for(c));
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
		place_locked(t, false);
		break;
	case THREAD_BLOCKED:
		t->prio = prio;
		if (t->waiting_on)
			wq_reinsert(t->waiting_on, t);
		break;
	case THREAD_RUNNING:
		t->prio = prio;
		/* Dropping below a ready thread: give way now, or at the
		 * interrupt exit / sched_unlock() when we cannot switch here
		 * (or t runs on another CPU). */
		preempt_check_locked(&cpus[t->cpu]);
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
	if (t->timeout.armed)	/* a timed wait */
		ktimer_cancel_locked(&t->timeout);
	if (t->waiting_on) {
		list_del(&t->sched_node);
		t->waiting_on = NULL;
	}
	t->wait_result = result;
	t->state = THREAD_READY;
	loadavg_account_locked(t, +1);
	rq_add(t, false);
	place_locked(t, false);
}

void sched_make_ready_locked(struct thread *t)
{
	t->state = THREAD_READY;
	loadavg_account_locked(t, +1);
	rq_add(t, false);
	place_locked(t, false);
}

void sched_block_locked(void)
{
	struct thread *cur = thread_current();

	kassert(!in_interrupt());
	kassert(cur->state == THREAD_BLOCKED || cur->state == THREAD_ZOMBIE);
	loadavg_account_locked(cur, -1);
	switch_locked(this_cpu(), pick_locked(this_cpu()));
}

void sched_irq_exit(void)
{
	struct cpu *c = this_cpu();
	irqflags_t f;

	if (!READ_ONCE(c->need_resched) || c->current->preempt_off)
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

/* The last unlock also lets in a death (kill, fatal signal) held off
 * meanwhile (thread_holds_kernel_state()): an interrupt to ourselves,
 * whose exit delivers.  The look is lock-free as at the interrupt exit:
 * the exit that held the death off came before it on this CPU. */
void sched_unlock(void)
{
	struct thread *cur = thread_current();
	bool deliver;

	kassert(cur->preempt_off > 0);
	if (--cur->preempt_off)
		return;
	deliver = !thread_holds_kernel_state(cur) && thread_has_work_locked(cur, true);
	if (this_cpu()->need_resched || deliver) {
		irqflags_t f = sched_lock_acquire();
		if (deliver)
			sched_request_delivery_locked();
		if (this_cpu()->need_resched)
			maybe_switch_locked(this_cpu()->slice_expired);
		sched_lock_release(f);
	}
}

int sched_policy_check(int policy, int *prio)
{
	if (policy == POLICY_OTHER) {
		*prio = SCHED_PRIO_OTHER;
		return 0;
	}
	if (*prio < SCHED_PRIO_MIN || *prio > SCHED_PRIO_MAX ||
	    (policy != POLICY_FIFO && policy != POLICY_RR))
		return -EINVAL;
	return 0;
}

bool sched_policy_sliced(int policy)
{
	return policy == POLICY_RR || policy == POLICY_OTHER;
}

int thread_set_sched(int tid, int policy, int prio)
{
	irqflags_t f;
	struct thread *t;

	if (sched_policy_check(policy, &prio))
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

/* Nothing to do in the handler: need_resched was set by the sender, and
 * the interrupt exit switches and delivers signals. */
static void resched_irq(uint32_t intid, void *arg)
{
}

void sched_cpu_irq_init(void)
{
	if (this_cpu()->id == 0)
		irq_attach(SGI_RESCHED, resched_irq, NULL, "resched");
	irq_enable(SGI_RESCHED);	/* banked: this CPU's */
}

void sched_cpu_online(struct cpu *c)
{
	irqflags_t f = sched_lock_acquire();

	c->idle_ns = 0;
	cpus_online++;
	__atomic_store_n(&online_mask, online_mask | 1u << c->id, __ATOMIC_RELEASE);
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	sched_lock_release(f);
}

int thread_set_affinity(int tid, uint32_t mask)
{
	uint32_t online;
	struct thread *t;
	irqflags_t f;

	f = sched_lock_acquire();
	online = online_mask;
	t = tid ? thread_lookup_locked(tid) : thread_current();
	if (!t || t->exited) {
		sched_lock_release(f);
		return -ESRCH;
	}
	if (!(mask & online) || t == cpus[t->cpu].idle) {
		sched_lock_release(f);
		return -EINVAL;
	}
	t->affinity = mask;
	if (t->state == THREAD_READY)
		place_locked(t, false);
	else if (t->state == THREAD_RUNNING && !allowed(t, &cpus[t->cpu]))
		preempt_check_locked(&cpus[t->cpu]);
	sched_lock_release(f);
	return 0;
}

int thread_get_affinity(int tid, uint32_t *mask)
{
	irqflags_t f = sched_lock_acquire();
	struct thread *t = tid ? thread_lookup_locked(tid) : thread_current();
	int r = t && !t->exited ? 0 : -ESRCH;

	if (!r)
		*mask = t->affinity;
	sched_lock_release(f);
	return r;
}

uint32_t sched_online_mask(void)
{
	return __atomic_load_n(&online_mask, __ATOMIC_ACQUIRE);
}

__noreturn void sched_idle_loop(void)
{
	struct cpu *c = this_cpu();

	for (;;) {
		thread_reap_zombies();
		arch_irq_disable();
		c->idle_since_ns = clock_monotonic_ns();
		if (!READ_ONCE(c->need_resched))
			arch_wait_for_interrupt();
		c->idle_ns += clock_monotonic_ns() - c->idle_since_ns;
		c->idle_since_ns = 0;
		arch_irq_enable();	/* the pending IRQ is taken here */
	}
}
