/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel side of POSIX signals (kernel/signal.c).  Signals are pending per
 * thread (sent to one thread) or per task (sent to the process); a
 * pending, unblocked signal is delivered to a thread at its next delivery
 * point: on return from an interrupt to thread context, and on the way
 * out of every blocking POSIX call (which a signal interrupts: its
 * interruptible wait returns -EINTR).  Handlers run on the thread's own
 * stack in thread context, with their own FP/SIMD context.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

struct thread;
struct task;

/* Queues info->si_signo for thread t (pthread_kill, sigqueue to a
 * thread); wakes it from an interruptible wait.  Any context (the timer
 * and interrupt handlers send signals).  0, -EINVAL, -EAGAIN (queue
 * full for a real-time signal). */
int signal_send_thread(struct thread *t, const siginfo_t *info);
/* Sends to the task with this pid (kill, sigqueue): delivered to one of
 * its threads that does not block it.  0, -ESRCH, -EINVAL, -EAGAIN. */
int signal_send_pid(pid_t pid, const siginfo_t *info);
/* Runs the handlers of every deliverable pending signal of the calling
 * thread (or its default action).  Thread context, IRQs enabled.
 * Returns true when at least one handler ran and all that ran had
 * SA_RESTART (the interrupted call may be restarted). */
bool signal_deliver_pending(void);
/* Whether the calling thread has a deliverable signal pending. */
bool signal_pending(void);
