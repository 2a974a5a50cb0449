/* SPDX-License-Identifier: BSD-2-Clause */
/* Interfaces shared inside kernel/ only. */
#pragma once

#include <vireo/cpu.h>
#include <vireo/spinlock.h>
#include <vireo/thread.h>
#include <vireo/task.h>
#include <vireo/wait.h>
#include <sys/types.h>
#include <vireo/signal.h>

/* sched.c */
void sched_make_ready_locked(struct thread *t);
void sched_rq_requeue_locked(struct thread *t, int new_prio);
__noreturn void sched_thread_entry(void);
/* Makes this CPU take an interrupt at once, so that its exit path
 * delivers what the current thread has pending (signals, asynchronous
 * cancellation, kill): for work that was held off, e.g. while it held an
 * internal kernel mutex.  Scheduler lock held. */
void sched_request_delivery_locked(void);
/* t got a signal, kill or cancellation: if it runs, its CPU gets an
 * interrupt whose exit delivers (itself too, outside interrupts). */
void sched_kick_thread_locked(struct thread *t);
/* Attach (boot CPU) and enable on this CPU the reschedule SGI. */
void sched_cpu_irq_init(void);
/* A secondary CPU joins the scheduler (IRQs masked). */
void sched_cpu_online(struct cpu *c);

/* loadavg.c: t became runnable (+1) or stopped being runnable (-1).
 * Scheduler lock held. */
void loadavg_account_locked(struct thread *t, int delta);

/* thread.c */
void thread_init_idle(struct cpu *c);
/* Allocates c's idle thread (c->idle, c->current) and sets c->boot_sp to
 * the top of its stack.  0 or -ENOMEM. */
int thread_init_idle_secondary(struct cpu *c);
void thread_reap_zombies(void);
/* Creates a thread of task with attributes a running entry(arg) (with
 * ->start = start); tid 0: allocate one.  The tid and *out, or -errno. */
int thread_new(struct thread **out, struct task *task, const struct thread_attr *a,
	       void (*entry)(void *), void *arg, void *(*start)(void *), int tid);
/* Ends the calling thread without running the exit hook (task kill). */
__noreturn void thread_die(void *value);
/* The scheduler lock is held; deliverable signal/kill/cancel for t. */
bool thread_has_work_locked(struct thread *t, bool for_irq_exit);
uint64_t thread_cpu_ns_locked(struct thread *t);

/* task.c: a task.  All fields under the scheduler lock unless noted. */
struct task_signals;
struct task {
	pid_t pid;
	struct task *parent;
	struct list_node children;	/* child tasks, by sibling */
	struct list_node sibling;
	struct list_node threads;	/* living threads, by task_node */
	int nr_threads;
	struct fd_table *fds;		/* own lock (fs/file.c) */
	char **environ;			/* the task's threads only */
	void *libc;			/* libc's state: libc/libc_task.h */
	char cwd[TASK_CWD_MAX];		/* working directory: VFS lock */
	struct task_signals *sig;	/* signal.c */
	int wait_status;		/* <sys/wait.h> encoding */
	bool exiting;			/* exit started: no new threads */
	bool zombie;			/* ended, waiting for waitpid */
	struct wait_queue child_wq;	/* waitpid() callers in this task */
	uint64_t dead_cpu_ns;		/* CPU time of its ended threads */
	uint64_t child_cpu_ns;		/* of its waited-for children */
	struct list_node all_node;	/* all_tasks */
	bool set_sigmask;		/* first thread's mask: init_sigmask */
	uint64_t init_sigmask;
	void *args;			/* argv block of the main thread */
	struct list_node heap;		/* its threads' malloc()s (mm/malloc.c) */
	bool heap_released;		/* heap given back: allocate as kernel */
	char name[24];
	struct vmspace *vmspace;	/* its user memory, or NULL; read by
					 * the context switch (sched lock) */
};
void task_free(struct task *t);
void task_init(void);
/* signal.c: sends to a task with the scheduler lock held. */
int signal_send_task_locked(struct task *task, const siginfo_t *info);
/* Attaches the new thread t to task (task->threads). */
void task_attach_locked(struct task *task, struct thread *t);
/* Detaches the exiting thread; true when it was the last one. */
bool task_detach_locked(struct thread *t);
/* The last thread of the task is ending: descriptors, parent. */
void task_finish(struct task *task);
struct task *task_find_locked(pid_t pid);
/* The task after t in the list of all tasks (NULL: the first), or NULL
 * after the last. */
struct task *task_next_locked(struct task *t);
/* The last thread of task is switching away for good: the task becomes
 * a zombie and its parent is told.  Lock held (by the dying thread). */
void task_zombie_locked(struct task *task);
/* thread.c: ended threads of a reaped task are freed with it. */
void thread_release_task_locked(struct task *task);
/* Stops the other threads of the calling thread's task. */
void task_kill_others_locked(struct task *task);


/* klog.c */
void klog_init(void);
/* Console output switches from polled to the UART driver's buffer. */
void klog_console_ready(void);
