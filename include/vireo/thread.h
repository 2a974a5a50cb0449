/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Threads and the scheduler.  Priorities run from 0 (idle) to 255, a
 * larger number being more urgent (as POSIX).  The ready thread with the
 * highest priority runs; SCHED_FIFO threads run until they block or
 * yield, SCHED_RR threads also rotate every CONFIG_RR_INTERVAL_MS among
 * equals.
 *
 * Locking: one scheduler lock (sched_lock_acquire/release, an IRQ-safe
 * spinlock) protects every thread's state, the ready queues, all wait
 * queues and the kernel timers.  Functions named *_locked need it held.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vireo/arch.h>
#include <vireo/ktimer.h>
#include <vireo/list.h>

#define SCHED_PRIO_MIN 1
#define SCHED_PRIO_MAX 255
#define SCHED_PRIO_IDLE 0
#define SCHED_PRIO_DEFAULT 100

enum thread_state {
	THREAD_READY,
	THREAD_RUNNING,
	THREAD_BLOCKED,
	THREAD_ZOMBIE,
};

enum sched_policy_kind {
	POLICY_FIFO = 1,	/* values of SCHED_FIFO/SCHED_RR in <sched.h> */
	POLICY_RR = 2,
};

struct wait_queue;

struct thread {
	struct arch_context ctx;	/* first: arch/arm64/switch.S */
	struct arch_fpu_state fpu;
	struct list_node sched_node;	/* ready queue or a wait queue */
	struct list_node all_node;	/* all_threads, for ps */
	struct wait_queue *waiting_on;
	struct ktimer timeout;
	int wait_result;
	int tid;
	uint8_t prio;
	uint8_t base_prio;
	uint8_t policy;
	uint8_t state;
	int cpu;			/* CPU it runs or last ran on */
	unsigned int preempt_off;	/* sched_lock() nesting */
	char name[24];
	void *stack;
	size_t stack_size;
	void *tls;
	void (*entry)(void *arg);
	void *arg;
	uint64_t cpu_ns;		/* run time, updated at switch-out */
	uint64_t run_start_ns;
	bool detached;
};

/*
 * Creates a ready thread running entry(arg).  Thread context.
 * Returns 0 and *out, or -EINVAL (priority/policy), -ENOMEM, -EAGAIN
 * (CONFIG_MAX_THREADS reached).
 */
int thread_create(struct thread **out, const char *name, int prio, int policy,
		  size_t stack_size, void (*entry)(void *), void *arg);
/* Ends the calling thread; its memory is reclaimed by the idle thread. */
__noreturn void thread_exit(void);
struct thread *thread_current(void);
void thread_yield(void);
/* Sleeps until the monotonic deadline; 0 or -EINTR. Thread context. */
int thread_sleep_until(uint64_t deadline_ns);
int thread_sleep_ns(uint64_t ns);
/* Changes priority (base and effective); thread context. */
int thread_set_priority(struct thread *t, int prio);

/* Pre-emption control for kernel use: nests; the last unlock switches if
 * a more urgent thread became ready meanwhile. */
void sched_lock(void);
void sched_unlock(void);

/* The scheduler lock. */
irqflags_t sched_lock_acquire(void);
void sched_lock_release(irqflags_t flags);
bool sched_lock_held(void);

/* Makes t ready; switches now or at interrupt exit if t is more urgent. */
void sched_wake_locked(struct thread *t, int result);
/* Blocks the current thread (state already set) and runs another. */
void sched_block_locked(void);
/* From the arch interrupt exit path with IRQs masked. */
void sched_irq_exit(void);
/* Boot: turns the boot context into CPU 0's idle thread. */
void sched_init(void);
/* Runs the idle loop of this CPU; never returns. */
__noreturn void sched_idle_loop(void);

/* A consistent copy of one thread's public state, for ps and procfs. */
struct thread_info {
	int tid;
	int prio;
	int policy;
	int state;
	int cpu;
	size_t stack_size;
	size_t stack_used;
	uint64_t cpu_ns;
	char name[24];
};
/* Fills up to max entries; returns the number of threads. */
int thread_snapshot(struct thread_info *out, int max);
const char *thread_state_name(int state);
