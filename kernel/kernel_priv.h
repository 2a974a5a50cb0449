/* SPDX-License-Identifier: BSD-2-Clause */
/* Interfaces shared inside kernel/ only. */
#pragma once

#include <vireo/cpu.h>
#include <vireo/spinlock.h>
#include <vireo/thread.h>

/* sched.c */
void sched_make_ready_locked(struct thread *t);
void sched_rq_requeue_locked(struct thread *t, int new_prio);
__noreturn void sched_thread_entry(void);

/* thread.c */
void thread_init_idle(struct cpu *c);
void thread_reap_zombies(void);

/* klog.c */
void klog_init(void);
/* Console output switches from polled to the UART driver's buffer. */
void klog_console_ready(void);
