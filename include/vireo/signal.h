/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel side of POSIX signals (kernel/signal.c).  Signals are pending per
 * thread (sent to one thread) or per task (sent to the process); a
 * pending, unblocked signal is delivered to a thread at its next delivery
 * point: on return from an interrupt to thread context, and on the way
 * out of every blocking POSIX call (which a signal interrupts: its
 * interruptible wait returns -EINTR).  Handlers run on the thread's own
 * stack in thread context, with their own FP/SIMD context; those of an
 * EL0 program run at EL0, from the return to EL0 (signal_take_handler()).
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct thread;
struct task;

/* Signal 32, under SIGRTMIN and never an application's: the C library
 * interrupts an EL0 thread with it for asynchronous cancellation
 * (libc/user/thread.c).  sigaction() refuses it; masks never block it. */
#define SIGCANCEL 32

/* Queues info->si_signo for thread t (pthread_kill, sigqueue to a
 * thread); wakes it from an interruptible wait.  Any context (the timer
 * and interrupt handlers send signals).  0, -EINVAL, -EAGAIN (queue
 * full for a real-time signal). */
int signal_send_thread(struct thread *t, const siginfo_t *info);
/* Sends to the task with this pid (kill, sigqueue): delivered to one of
 * its threads that does not block it.  0, -ESRCH, -EINVAL, -EAGAIN. */
int signal_send_pid(pid_t pid, const siginfo_t *info);
/* What signal_deliver() did, for the wrapper of an interrupted call. */
enum signal_delivery {
	SIGNAL_NONE_RAN,	/* no handler ran (the signal was ignored, or
				 * taken by another thread): not interrupted,
				 * the call goes on */
	SIGNAL_RAN_RESTART,	/* handlers ran, all with SA_RESTART */
	SIGNAL_RAN_INTR,	/* a handler without SA_RESTART ran */
};
/* Runs the handlers of every deliverable pending signal of the calling
 * thread (or its default action).  Thread context, IRQs enabled.  A call
 * POSIX always ends with EINTR after a handler (sem_wait, nanosleep,
 * sigsuspend) fails on anything but SIGNAL_NONE_RAN. */
enum signal_delivery signal_deliver(void);
/* signal_deliver() for calls that SA_RESTART restarts (read, write,
 * waitpid, mq_send, mq_receive): true when the interrupted call is to be
 * restarted (no handler ran, or all that ran had SA_RESTART), false
 * when it fails with EINTR. */
/* False also when the handlers could not run here (an EL0 caller: they
 * run on its return) or its death waits for it to let go: the call must
 * end, never loop, on false. */
__attribute__((warn_unused_result)) bool signal_deliver_pending(void);
/*
 * For the return of the calling thread to EL0 (thread context, IRQs
 * enabled, holding nothing): acts on deaths, ignored signals and
 * default actions (which end the thread), and takes the next
 * deliverable signal with a handler: returns its number, fills *info
 * and *act and installs the handler's mask (the one before in
 * *old_mask, for the signal frame).  0 when there is none.
 */
int signal_take_handler(siginfo_t *info, struct sigaction *act,
			uint64_t *old_mask);
/* For the return to EL0 from a call that failed with EINTR, about to
 * run act's handler: whether to restart the call instead (a restartable
 * call, and act has SA_RESTART).  Forgets the call either way. */
bool signal_user_restart(const struct sigaction *act);
/* A fault of an EL0 thread that raises sig at addr: queued to the
 * thread when its task has a handler for sig that the thread does not
 * block (true: the return to EL0 runs it); false when the fault must
 * end the task (no handler, or a fault inside the handler). */
bool signal_user_fault(int sig, uintptr_t addr);
/* Whether the calling thread has a deliverable signal pending: a
 * lock-free hint for the interrupt exit (IRQs masked), which a locked
 * delivery confirms. */
bool signal_pending(void);
/* Whether t holds kernel state that its death would lose (an internal
 * mutex, a borrowed descriptor, objects only it can reach,
 * sched_lock()): its death waits (see "Dying inside the kernel" in
 * kernel/signal.c).  Deliveries then end a call with SIGNAL_RAN_INTR
 * instead of the thread. */
bool thread_holds_kernel_state(const struct thread *t);
/* Drops one of the calling thread's holds (*count is one of its
 * counters, e.g. files_borrowed); when it was the last, a death held
 * off meanwhile is requested now.  Thread context. */
void signal_hold_drop(unsigned int *count);

/* Bit of signal sig in a 64-bit set. */
#define SIG_BIT(sig) (1ULL << ((sig) - 1))
/* Signals that can be neither caught, blocked nor ignored. */
#define SIG_UNBLOCKABLE (SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))

/* sigaction() for the calling task: 0 or -EINVAL.  Thread context. */
int signal_action(int sig, const struct sigaction *act, struct sigaction *old);
/* pthread_sigmask() for the calling thread (how: SIG_BLOCK, SIG_UNBLOCK,
 * SIG_SETMASK; set may be NULL).  0 or -EINVAL.  Unblocking a pending
 * signal does not deliver it: the libc wrapper calls
 * signal_deliver_pending() after. */
int signal_mask(int how, const sigset_t *set, sigset_t *old);
/* Signals pending for the calling thread or its task. */
sigset_t signal_pending_set(void);
/* The system calls (kernel/signal_calls.c): kill() with SI_USER from
 * the caller, pthread_sigmask(), sigpending(); kill and the mask
 * deliver what became deliverable to the caller. */
int signal_kill(pid_t pid, int sig);
int signal_procmask(int how, const sigset_t *set, sigset_t *old);
int signal_pending_get(sigset_t *set);
/* sigqueue(): sig with SI_QUEUE, value and the caller's pid; tkill
 * (pthread_kill()): sig with SI_USER to thread tid of the caller's task.
 * Each delivers what it made deliverable to the caller. */
int signal_queue_call(pid_t pid, int sig, uintptr_t value);
int signal_tkill_call(int tid, int sig);
/*
 * sigtimedwait(): takes the lowest pending signal of set (which the
 * caller should block), waiting until the monotonic deadline
 * (WAIT_FOREVER for none).  Returns the signal number and fills *info,
 * -EAGAIN on timeout, -EINTR when a signal outside set was delivered
 * meanwhile (the wrapper runs it), -ECANCELED on cancellation.
 */
int signal_wait(sigset_t set, siginfo_t *info, uint64_t deadline_ns);
/* sigsuspend(): replaces the mask with mask until a signal is
 * delivered, runs its handler with the old mask restored afterwards;
 * always returns -EINTR (or -ECANCELED). */
int signal_suspend(sigset_t mask);
/* alarm(): arms (0: cancels) the task's SIGALRM timer for secs seconds;
 * returns the seconds left of the previous one (rounded up). */
unsigned int signal_alarm(unsigned int secs);
/*
 * ITIMER_REAL of the calling task (the timer alarm() uses too): SIGALRM
 * after value_ns, then every interval_ns (0: once); value_ns 0 disarms,
 * SIGNAL_ITIMER_KEEP only reads.  Times below ITIMER_MIN_NS are raised
 * to it, so that a tiny period cannot flood the CPU with expiries; the
 * old setting (time left, interval) goes to the non-NULL pointers.
 * 0 or -EINVAL (the task is ending).
 */
#define ITIMER_MIN_NS 100000ULL
#define SIGNAL_ITIMER_KEEP UINT64_MAX
int signal_itimer(uint64_t value_ns, uint64_t interval_ns,
		  uint64_t *old_value_ns, uint64_t *old_interval_ns);
/* A time as signal_itimer() uses it (raised to ITIMER_MIN_NS). */
uint64_t signal_itimer_round(uint64_t ns);
/* sigaltstack() for the calling thread: 0, -EPERM (running on it),
 * -EINVAL (flags, address), -ENOMEM (smaller than MINSIGSTKSZ). */
int signal_altstack(const stack_t *ss, stack_t *oss);
/*
 * For kernel/posix_timer.c: sends a POSIX timer's signal to task t with
 * the scheduler lock held (from the timer's ktimer callback).  The queue
 * entry remembers the timer, and when the signal is taken (delivered,
 * accepted by sigwait*, or discarded) posix_timer_signal_taken_locked()
 * is called with it.  Returns 0 when queued with its own entry, 1 when
 * not (ignored, or merged into a pending standard signal: no call will
 * follow), -EINVAL or -EAGAIN.
 */
int signal_send_timer_locked(struct task *t, const siginfo_t *info,
			     timer_t timer);
/* timer_delete(): drops the signal the timer still has queued to task t
 * (as Linux does; POSIX leaves it unspecified), so a deleted timer never
 * delivers again.  Scheduler lock held. */
void signal_drop_timer_locked(struct task *t, timer_t timer);
/* Default dispositions and pending state of a new task; frees them. */
struct task_signals;
struct task_signals *signal_task_new(struct task *owner);
void signal_task_free(struct task_signals *ts);
/* Drops the thread's queued signals (thread exit). Scheduler lock. */
void signal_thread_release_locked(struct thread *t);
/* From the arch interrupt-exit path, IRQs enabled, thread stack: runs
 * pending signals, a pending asynchronous cancellation or task kill. */
void signal_irq_exit_deliver(void);
/* Around it, IRQs masked: whether this interrupt exit may deliver.  Each
 * delivery runs with IRQs on, on top of the interrupted frame, so an
 * interrupt coming in before it took its signal would start another one
 * on top, and a stream of them (a kill() storm from another CPU) would
 * nest until the stack ran out.  A few levels may nest (a handler
 * interrupted by another signal); deeper, the deliveries in progress
 * take what is pending. */
bool signal_irq_delivery_begin(void);
void signal_irq_delivery_end(void);
/* pthread_kill(): sends to thread tid of the calling task.  sig 0 only
 * checks it exists.  0, -ESRCH, -EINVAL, -EAGAIN.  Any thread context. */
int signal_send_tid(int tid, const siginfo_t *info);
