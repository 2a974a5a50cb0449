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
#include <vireo/cpu.h>
#include <vireo/ktimer.h>
#include <vireo/wait.h>
#include <vireo/list.h>
#include <vireo/sched_policy.h>
#include <vireo/sysinfo.h>

/* Validates a policy and its priority for a thread: 0 or -EINVAL.  A
 * SCHED_OTHER thread's priority is SCHED_PRIO_OTHER whatever *prio was
 * (POSIX gives the policy one priority, reported as 0). */
int sched_policy_check(int policy, int *prio);
/* Whether threads of policy share their priority in time slices
 * (SCHED_RR, SCHED_OTHER). */
bool sched_policy_sliced(int policy);

struct wait_queue;
struct task;

/* Cancellation state and type (values of PTHREAD_CANCEL_* in <pthread.h>). */
enum {
	THREAD_CANCEL_ENABLE = 0,
	THREAD_CANCEL_DISABLE = 1,
	THREAD_CANCEL_DEFERRED = 0,
	THREAD_CANCEL_ASYNCHRONOUS = 1,
};

/* The value a cancelled thread exits with (PTHREAD_CANCELED). */
#define THREAD_CANCELED ((void *)-1)

/* Size of the inaccessible guard below an allocated stack, unless its
 * thread_attr asks for another (guard_size). */
#define THREAD_GUARD_SIZE 4096
/* thread_attr.guard_size for a stack without a guard. */
#define THREAD_GUARD_NONE SIZE_MAX

/* thread_attr.guard_size for a POSIX guardsize attribute (0: none). */
/* The size of t's guard below its stack (0: none, or not allocated). */
size_t thread_guard_size(const struct thread *t);

static inline size_t thread_guard_of(size_t guardsize)
{
	return guardsize ? guardsize : THREAD_GUARD_NONE;
}
/* Word at the bottom of every stack, checked at each switch. */
#define THREAD_STACK_CANARY 0x5ca1ab1e0ddba11UL

struct thread {
	struct arch_context ctx;	/* first: arch/arm64/switch.S */
	struct arch_fpu_state fpu;
	struct list_node sched_node;	/* ready queue or a wait queue */
	struct list_node all_node;	/* all_threads, for ps */
	struct list_node task_node;	/* task->threads (task.c) */
	struct wait_queue *waiting_on;
	struct ktimer timeout;
	int wait_result;
	int tid;
	uint8_t prio;
	uint8_t base_prio;
	uint8_t policy;
	uint8_t state;
	int cpu;			/* CPU it runs or last ran on */
	uint32_t affinity;		/* CPUs it may run on (bit n: CPU n) */
	int fpu_cpu;			/* CPU whose FP/SIMD registers still
					 * hold a copy of fpu, or -1 (fpu.c) */
	unsigned int preempt_off;	/* sched_lock() nesting */
	char name[THREAD_NAME_MAX];
	/* Usable stack [stack, stack + stack_size); for allocated stacks the
	 * guard [guard_lo, stack) lies just below `stack`, inside the
	 * allocation that starts at stack_alloc.  With MTE, `stack` carries
	 * the stack's tag (SP has it too), guard_lo no tag: compare
	 * addresses through mte_untag() or thread_guard_size(). */
	void *stack;
	size_t stack_size;
	void *stack_alloc;		/* NULL: caller-supplied stack */
	uintptr_t guard_lo;		/* [guard_lo, stack): guard pages, or empty */
	/* The alternate signal stack [sigalt_lo, sigalt_hi) of
	 * sigaltstack(), or 0, 0: set by the thread itself; the vectors.S
	 * overflow check accepts an SP inside it. */
	uintptr_t sigalt_lo, sigalt_hi;
	uintptr_t kernel_tp;		/* its TPIDR_EL0 value in the kernel
					 * (arch: tls less the TCB offset); an
					 * EL0 thread's own is in its frame */
	void *tls;
	void (*entry)(void *arg);
	void *arg;
	uint64_t cpu_ns;		/* run time, updated at switch-out */
	uint64_t run_start_ns;
	bool detached;

	/* Task membership and exit (task.c, thread.c; scheduler lock). */
	struct task *task;
	void *exit_value;
	struct wait_queue join_wq;	/* the joiner waits here */
	bool joined;			/* a join has started or finished */
	bool exited;

	/* Signals (signal.c; scheduler lock). */
	uint64_t sig_mask;		/* blocked signals */
	uint64_t sig_pending;		/* sent to this thread */
	uint64_t sig_waiting;		/* sigwait set while in sigwait */
	struct list_node sig_queue;	/* queued siginfo for this thread */
	uint8_t sig_ran;		/* SIG_RAN_* of the handlers run since
					 * its last interruptible wait began */
	uint64_t sig_suspend_old;	/* EL0: the mask sigsuspend() ... */
	bool sig_suspended;		/* ... left to the return to EL0 */
	bool sig_restart;		/* EL0: its call a handler interrupted
					 * may restart (signal_user_restart;
					 * only the thread itself looks) */
	bool kill_pending;		/* task is exiting: die at delivery */
	bool stack_smashed;		/* canary found overwritten at switch */

	/* Cancellation (thread.c). */
	uint8_t cancel_state;
	uint8_t cancel_type;
	bool cancel_pending;
	bool exiting;			/* in thread_exit_value(): no more delivery */
	bool intr_wait;			/* blocked in wait_block_intr_locked()
					 * or wait_block_sig_locked() */
	bool intr_cancel;		/* ...the first: cancellation wakes it */
	struct thread *tid_next;	/* tid hash chain (thread.c) */
	/* What the thread holds inside the kernel (see "Dying inside the
	 * kernel" in kernel/signal.c): no kill, fatal signal or
	 * asynchronous cancellation takes effect while any is held, and a
	 * thread ended by a fault gives each back (thread_abandon()). */
	unsigned int kmutex_held;	/* internal kernel mutexes (mutex.c) */
	struct list_node held_kmutexes;	/* the same, by kmutex->tracked */
	unsigned int files_borrowed;	/* fd_get() not yet fd_put() */
	unsigned int objs_in_hand;	/* kernel objects only it can reach:
					 * being created (thread_new(),
					 * task_spawn()) or taken off their
					 * lists to be freed (task_waitpid(),
					 * fd_close_in(), fd_dup2_in()) */
	int fault_sig;			/* signal of the fault ending it (arch) */
	uintptr_t futex_addr;		/* the user word it waits on in a
					 * futex wait, else 0 (futex.c) */
	void *user_regs;		/* an EL0 thread's register frame on its
					 * kernel stack (arch), or NULL: the
					 * thread never ran at EL0 */
	bool el0;			/* runs a program at EL0 (thread_attr) */
	unsigned int irq_deliveries;	/* nested interrupt-exit deliveries */
	void *(*start)(void *);		/* thread_spawn() routine */

	/* For libc: TSD and cleanup stacks (P), and the hook run at exit in
	 * the exiting thread's context. */
	void *libc_data;
};

/* Attributes of a thread created inside the current task.  Zeroed
 * fields take the defaults noted. */
struct thread_attr {
	const char *name;	/* NULL: "thread" */
	int prio;		/* 0: the caller's base priority */
	int policy;		/* 0: the caller's policy */
	size_t stack_size;	/* 0: CONFIG_DEFAULT_STACKSIZE */
	void *stack_addr;	/* caller's stack of stack_size bytes (lowest
				 * address, no guard page), or NULL */
	size_t guard_size;	/* of an allocated stack, rounded up to pages;
				 * 0: THREAD_GUARD_SIZE, or THREAD_GUARD_NONE */
	bool detached;
	uint32_t affinity;	/* 0: the caller's */
	bool el0;		/* it will run a program at EL0: the
				 * program's signal handlers never run in
				 * the kernel, even before it gets there */
};

/*
 * Creates a ready kernel thread running entry(arg) in the kernel task
 * (task 0).  Thread context.  Returns 0 and *out, or -EINVAL
 * (priority/policy), -ENOMEM, -EAGAIN (CONFIG_MAX_THREADS reached).
 * The thread is detached.
 */
int thread_create(struct thread **out, const char *name, int prio, int policy,
		  size_t stack_size, void (*entry)(void *), void *arg);
/*
 * Creates a thread of the calling task running start(arg); its return
 * value becomes the exit value (as thread_exit_value()).  NULL attr: all
 * defaults.  Inherits the caller's signal mask.  Thread context.
 * Returns the new thread's tid (> 0), or -EINVAL, -ENOMEM, -EAGAIN.
 */
int thread_spawn(const struct thread_attr *attr, void *(*start)(void *),
		 void *arg);
/* Ends the calling thread with value (pthread_exit): runs the exit hook
 * (libc's cleanup handlers and TSD destructors) first.  The last thread
 * of a task to exit ends the task with status 0 (as exit(0)). */
__noreturn void thread_exit_value(void *value);
/* thread_exit_value(NULL). */
__noreturn void thread_exit(void);
/*
 * Waits for thread tid of the calling task to end and returns its exit
 * value in *value (if not NULL), then frees it (stack and all).  A cancellation point
 * (-ECANCELED when cancelled while waiting; the caller acts with
 * thread_testcancel()); signals are delivered while waiting and do not
 * end the wait.  0, -ESRCH (no such thread), -EINVAL (detached or
 * already joined), -EDEADLK (tid is the caller).
 */
int thread_join(int tid, void **value);
/* Marks tid detached (freed at exit, or now if it has ended).
 * 0, -ESRCH, -EINVAL (already detached or joined). */
int thread_detach(int tid);
/* Whether tid names a thread that exists (running or joinable). */
bool thread_exists(int tid);
/* The running or blocked thread with this tid, or NULL (ended threads
 * are not returned).  Scheduler lock held; valid while it is. */
struct thread *thread_lookup_locked(int tid);
int thread_self_tid(void);

/*
 * The system calls of a process's threads (kernel/kmode/uthread.c,
 * futex.c; docs/kernel-mode.md).  thread_create: a thread of the
 * caller's task entering EL0 at pc with x0 = arg, stack pointer sp
 * (16-byte aligned, its stack mapped by the caller) and TPIDR_EL0 = tls;
 * its tid, or -EINVAL (pc or sp outside the user window or misaligned),
 * -EFAULT (the 32 bytes under sp, where the start is passed, not
 * writable), -ENOMEM, -EAGAIN.  thread_exit: ends the caller with value for its
 * joiner.  thread_join: thread_join() with the value as a number.
 * futex_wait: blocks while the int at addr holds val, until woken,
 * deadline_ns (monotonic; WAIT_FOREVER) or a signal: 0, -EAGAIN (the
 * word differed), -ETIMEDOUT, -EINTR, -EINVAL (misaligned), -EFAULT;
 * with cancel_point also -ECANCELED (thread_cancel(), which the EL0
 * library calls for pthread_cancel, as it does thread_set_cancel_state()
 * so that a disabled thread is not woken).
 * futex_wait_pi: futex_wait for a priority-inheritance lock whose word
 * holds its owner's tid (FUTEX_PI_TID), with FUTEX_PI_WAITED set by the
 * caller first: while the caller waits, that owner runs at least at the
 * caller's priority (kmutex_proxy_wait_locked()); not a cancellation
 * point.  futex_wake of such a word wakes its most urgent waiter, which
 * inherits the boost of the others.
 * futex_wake: wakes up to n of the caller's task's threads waiting on
 * addr; how many.  All: -ENOSYS without an address space.
 */
long uthread_create_call(uintptr_t pc, uintptr_t arg, uintptr_t sp,
			 uintptr_t tls);
__noreturn long uthread_exit_call(uintptr_t value);
long uthread_join_call(int tid, uintptr_t *value);
long futex_wait_call(uintptr_t addr, int val, uint64_t deadline_ns,
		     int cancel_point);
long futex_wake_call(uintptr_t addr, int n);
long futex_wait_pi_call(uintptr_t addr, int val, uint64_t deadline_ns);

/* Name, truncated to 23 characters.  0 or -ESRCH. */
int thread_set_name(int tid, const char *name);
int thread_get_name(int tid, char *buf, size_t len);	/* 0, -ESRCH, -ERANGE */
/* The attributes thread tid runs with now (its stack, guard, detach
 * state, policy and base priority; name NULL): 0 or -ESRCH. */
int thread_get_attr(int tid, struct thread_attr *attr);

/* Scheduling of tid: policy POLICY_FIFO/POLICY_RR and base priority.
 * A priority boost by a PI or PP mutex stays in effect (effective
 * priority is the larger one).  0, -ESRCH, -EINVAL. */
int thread_set_sched(int tid, int policy, int prio);
/* Policy and effective priority of tid: the priority it is scheduled at
 * now, including a PI/PP boost ("the current scheduling priority" that
 * POSIX pthread_getschedparam() and sched_getparam() report).  0 or
 * -ESRCH. */
int thread_get_sched(int tid, int *policy, int *prio);

/* Hook called once in the exiting thread's context by thread_exit_value()
 * (and by cancellation), before the thread ends: libc runs cleanup
 * handlers and TSD destructors from it.  Set once at start-up. */
void thread_set_exit_hook(void (*hook)(void));
/* The calling thread's libc pointer (TSD, cleanup stack). */
static inline void **thread_libc_data(void);

/*
 * Cancellation (pthread_cancel).  thread_cancel() marks tid: a deferred
 * target ends at its next cancellation point (an interruptible wait
 * returns -ECANCELED and the wrapper calls thread_testcancel()); an
 * asynchronous one at its next delivery point (interrupt return).  A
 * cancelled thread exits with THREAD_CANCELED.  0 or -ESRCH.
 */
int thread_cancel(int tid);
/* Old values in *old when not NULL.  0 or -EINVAL.  Enabling with a
 * cancellation pending and type asynchronous acts at once. */
int thread_set_cancel_state(int state, int *old);
int thread_set_cancel_type(int type, int *old);
/* Ends the caller with THREAD_CANCELED if a cancellation is pending and
 * enabled; otherwise returns. */
void thread_testcancel(void);
/* The same at a system call's cancellation point: an EL0 thread is not
 * ended here but gets -ECANCELED for the call to return, so that its
 * library runs the cleanup handlers at EL0; otherwise 0. */
long thread_testcancel_call(void);

/* CPU time consumed by t, including the current run (exact to the
 * counter tick).  Any context. */
uint64_t thread_cpu_ns(struct thread *t);
/* CPU time of thread tid; 0 or -ESRCH. */
int thread_cpu_ns_by_tid(int tid, uint64_t *ns);

/* The calling thread (inline: every fast path starts here).  TPIDR_EL1
 * names this CPU and cpu->current its thread, but a thread can be
 * pre-empted and migrate between the two loads, and would then return
 * the thread that now runs on the CPU it left.  With IRQs masked across
 * both loads no switch can come in between. */
static inline struct thread *thread_current(void)
{
	irqflags_t f;
	struct thread *t;

	if (!IS_ENABLED(CONFIG_SMP))
		return this_cpu()->current;	/* one CPU: nowhere to go */
	f = arch_irq_save();
	t = this_cpu()->current;
	arch_irq_restore(f);
	return t;
}

void thread_yield(void);

/* CPU affinity of tid (0: the caller): bit n allows CPU n.  Setting
 * moves the thread at once when it runs where it may no longer.
 * 0, -ESRCH, -EINVAL (no online CPU in mask, or an idle thread). */
int thread_set_affinity(int tid, uint32_t mask);
int thread_get_affinity(int tid, uint32_t *mask);
/* Bit n set for every online CPU n.  Any context. */
uint32_t sched_online_mask(void);

/* Pre-emption control for kernel use: nests; the last unlock switches if
 * a more urgent thread became ready meanwhile. */
void sched_lock(void);
void sched_unlock(void);

/* The scheduler lock. */
irqflags_t sched_lock_acquire(void);
void sched_lock_release(irqflags_t flags);
/* The lock's word, extern only for sched_lock_held(), which the
 * kassert()s of every locked path call: inline, a load and a compare. */
extern spinlock_t sched_spin;
static inline bool sched_lock_held(void)
{
	return spin_is_locked(&sched_spin);
}
/* Around a walk of a list under the scheduler lock whose body may wake
 * threads: asserts (debug builds) that no switch happens inside it.
 * Wake-ups never switch before sched_lock_release(); this catches a
 * walker that blocks, or a new path that switches early. */
void sched_walk_begin(void);
void sched_walk_end(void);

/*
 * Sets t's effective priority (its base priority is unchanged): a ready
 * t moves to its new ready queue, a blocked t is re-inserted in its wait
 * queue by the new priority, and the CPU goes to the most urgent thread
 * (when the scheduler lock is released, else at interrupt exit or at the
 * running thread's sched_unlock()).  For the mutex code's priority
 * inheritance and ceilings.  Scheduler lock held.
 */
void sched_set_effective_prio_locked(struct thread *t, int prio);
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

/* Fills up to max entries; returns the number of threads. */
int thread_snapshot(struct thread_info *out, int max);
/* Load averages over 1, 5 and 15 minutes in hundredths (kernel/loadavg.c);
 * returns the number of runnable threads now.  Thread context. */
int loadavg_get(unsigned int hundredths[3]);

/*
 * Architecture hooks for threads (arch/arm64; they belong in
 * <vireo/arch.h>, kept here until it is edited).
 *
 * arch_fpu_flush(t): t's live FP/SIMD registers, if this CPU holds them,
 * are saved to t->fpu and the CPU forgets them, so that t->fpu is the
 * whole state and t's next FP/SIMD instruction reloads it.  Thread
 * context (t is the caller) or IRQs masked.
 *
 * arch_stack_guard(lo, size, guard): makes the page-aligned range
 * [lo, lo + size) inaccessible (guard) or normal read-write memory
 * again (!guard), splitting block mappings as needed.  Thread context.
 * 0, -EINVAL (unaligned, not RAM), -ENOMEM (no page-table memory).
 */
void arch_fpu_flush(struct thread *t);
int arch_stack_guard(uintptr_t lo, size_t size, bool guard);

/* Stack-overflow report and termination of the current thread's task,
 * from the fault path (thread.c).  Never returns. */
__noreturn void thread_stack_overflow(void);
/* A fault of the current application thread (reported already) ends its
 * task with sig; what it held in the kernel is given back first
 * (kmutex_thread_abandon()).  Thread context, IRQs on.  Never returns. */
__noreturn void thread_fault_exit(int sig);

static inline void **thread_libc_data(void)
{
	return &thread_current()->libc_data;
}

/* The scheduling system calls (kernel/sched_calls.c, kernel/
 * syscalls.tbl): the functions above with tid 0 for the caller, and
 * -EPERM when a process would change a thread not its own. */
long sched_get_call(int tid, int *policy, int *prio);
long sched_set_call(int tid, int policy, int prio);
long affinity_get_call(int tid, uint32_t *mask);
long affinity_set_call(int tid, uint32_t mask);
long sched_yield_call(void);
long sched_getcpu_call(void);
