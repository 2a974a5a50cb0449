// SPDX-License-Identifier: BSD-2-Clause
/*
 * Thread life cycle: creation with its own stack and TLS block, exit,
 * reclamation by the idle thread, sleeping, and the snapshot used by ps.
 * Stacks are filled with a pattern at creation so that the deepest use
 * can be measured later.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/clock.h>
#include <vireo/cpu.h>
#include <vireo/panic.h>
#include <vireo/thread.h>
#include <vireo/wait.h>
#include "kernel_priv.h"

#define STACK_FILL 0xa5
#define STACK_MIN 2048

void _init_tls(void *tls);
extern char __tls_size[], __tls_align[], __arm64_tls_tcb_offset[];
extern char boot_stack[], boot_stack_top[];	/* arch head.S */

/* Guarded by the scheduler lock. */
static struct list_node all_threads = LIST_INIT(all_threads);
static struct list_node zombies = LIST_INIT(zombies);
static int next_tid;
static int nr_threads;

static void thread_register_locked(struct thread *t)
{
	t->tid = next_tid++;
	list_add_tail(&all_threads, &t->all_node);
	nr_threads++;
}

void thread_init_idle(struct cpu *c)
{
	static struct thread idle0;
	struct thread *t = &idle0;
	irqflags_t f;

	strcpy(t->name, "idle");
	t->prio = t->base_prio = SCHED_PRIO_IDLE;
	t->policy = POLICY_FIFO;
	t->state = THREAD_RUNNING;
	t->cpu = c->id;
	t->stack = boot_stack;
	t->stack_size = boot_stack_top - boot_stack;
	list_init(&t->sched_node);
	c->current = c->idle = t;
	f = sched_lock_acquire();
	thread_register_locked(t);
	sched_lock_release(f);
}

static void *alloc_tls(void)
{
	size_t align = MAX((size_t)__tls_align, 16);
	size_t size = ALIGN_UP((size_t)__tls_size, align);
	void *tls = aligned_alloc(align, size ? size : align);

	if (tls)
		_init_tls(tls);
	return tls;
}

int thread_create(struct thread **out, const char *name, int prio, int policy,
		  size_t stack_size, void (*entry)(void *), void *arg)
{
	struct thread *t;
	irqflags_t f;

	if (prio < SCHED_PRIO_MIN || prio > SCHED_PRIO_MAX ||
	    (policy != POLICY_FIFO && policy != POLICY_RR) || !entry)
		return -EINVAL;
	if (stack_size == 0)
		stack_size = CONFIG_DEFAULT_STACKSIZE;
	stack_size = ALIGN_UP(MAX(stack_size, STACK_MIN), 16);
	if (READ_ONCE(nr_threads) >= CONFIG_MAX_THREADS)
		return -EAGAIN;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->stack = aligned_alloc(16, stack_size);
	t->tls = alloc_tls();
	if (!t->stack || !t->tls)
		goto err_free;
	memset(t->stack, STACK_FILL, stack_size);
	t->stack_size = stack_size;
	strncpy(t->name, name ? name : "thread", sizeof(t->name) - 1);
	t->prio = t->base_prio = prio;
	t->policy = policy;
	t->entry = entry;
	t->arg = arg;
	list_init(&t->sched_node);
	arch_context_init(&t->ctx, (char *)t->stack + stack_size,
			  (uintptr_t)t->tls - (uintptr_t)__arm64_tls_tcb_offset);

	f = sched_lock_acquire();
	thread_register_locked(t);
	if (out)
		*out = t;
	sched_make_ready_locked(t);
	sched_lock_release(f);
	return 0;

err_free:
	free(t->tls);
	free(t->stack);
	free(t);
	return -ENOMEM;
}

__noreturn void thread_exit(void)
{
	struct thread *t = thread_current();

	sched_lock_acquire();	/* never released by this thread */
	arch_thread_release(t);
	t->state = THREAD_ZOMBIE;
	list_del(&t->all_node);
	list_add_tail(&zombies, &t->all_node);
	nr_threads--;
	sched_block_locked();
	panic("zombie thread %s ran again", t->name);
}

/* Idle thread: frees the memory of threads that have switched away for
 * the last time. */
void thread_reap_zombies(void)
{
	for (;;) {
		irqflags_t f = sched_lock_acquire();
		struct list_node *n = list_first(&zombies);
		if (n)
			list_del(n);
		sched_lock_release(f);
		if (!n)
			return;
		struct thread *t = list_entry(n, struct thread, all_node);
		free(t->stack);
		free(t->tls);
		free(t);
	}
}

static void sleep_timeout(struct ktimer *kt)
{
	sched_wake_locked(container_of(kt, struct thread, timeout), -ETIMEDOUT);
}

int thread_sleep_until(uint64_t deadline_ns)
{
	struct thread *cur = thread_current();
	irqflags_t f;
	int r;

	if (deadline_ns <= clock_monotonic_ns())
		return 0;
	f = sched_lock_acquire();
	cur->state = THREAD_BLOCKED;
	cur->waiting_on = NULL;
	ktimer_arm_locked(&cur->timeout, deadline_ns, sleep_timeout);
	sched_block_locked();
	r = cur->wait_result;
	sched_lock_release(f);
	return r == -ETIMEDOUT ? 0 : r;
}

int thread_sleep_ns(uint64_t ns)
{
	return thread_sleep_until(clock_monotonic_ns() + ns);
}

/* Deepest stack use so far: the stack grows down from the top, so the
 * untouched fill pattern remains at the bottom. */
static size_t stack_used(const struct thread *t)
{
	const uint64_t *p = t->stack;
	const uint64_t fill = 0x0101010101010101UL * STACK_FILL;
	size_t i = 0, n = t->stack_size / 8;

	if (!p || t->stack == boot_stack)
		return 0;	/* the boot stack was not filled */
	while (i < n && p[i] == fill)
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
		}
		count++;
	}
	sched_lock_release(f);
	return count;
}

const char *thread_state_name(int state)
{
	static const char *const names[] = {
		[THREAD_READY] = "READY", [THREAD_RUNNING] = "RUN",
		[THREAD_BLOCKED] = "WAIT", [THREAD_ZOMBIE] = "ZOMBIE",
	};
	return state >= 0 && state < (int)ARRAY_SIZE(names) ? names[state] : "?";
}
