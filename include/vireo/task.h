/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tasks: the flat build's processes.  A task is a group of threads that
 * share a process id, a file-descriptor table, an environment, signal
 * dispositions and an exit status its parent collects with waitpid().
 * The main thread's id is the task's pid.  Thread context unless noted.
 * (Implemented in kernel/task.c.)
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct task;
struct thread;

/* Entry of a task's main thread, as main(): its return value is the exit
 * status (as exit() would). */
typedef int (*task_main_t)(int argc, char **argv);

struct task_spawn_attr {
	const char *name;	/* NULL: argv[0] */
	int prio;		/* 0: the caller's priority */
	int policy;		/* 0: the caller's policy */
	size_t stack_size;	/* 0: CONFIG_DEFAULT_STACKSIZE */
	/* Descriptors the child gets: NULL inherits all of the caller's
	 * (minus FD_CLOEXEC ones); posix_spawn file actions are applied by
	 * the caller through task_spawn_fd_*() before the child runs. */
};

/*
 * Creates a task running main(argc, argv) with copies of argv and envp
 * (NULL envp: the caller's environment), a copy of the caller's
 * descriptor table and signal mask, default signal dispositions, and the
 * caller as its parent.  Returns the pid (> 0) or -errno (-ENOMEM,
 * -EAGAIN, -EINVAL).
 */
pid_t task_spawn(task_main_t main, char *const argv[], char *const envp[],
		 const struct task_spawn_attr *attr);
/* The calling thread's task; never NULL once the kernel has started. */
struct task *task_current(void);
pid_t task_pid(const struct task *t);
pid_t task_ppid(const struct task *t);
/* Ends the whole task with status (exit()/_exit() semantics: other
 * threads are terminated, descriptors closed, the parent is notified
 * with SIGCHLD and waitpid() can collect status).  Never returns. */
__attribute__((noreturn)) void task_exit(int status);
/* waitpid(pid, &status, options) with WNOHANG; status encoded as by
 * <sys/wait.h> (WIFEXITED/WEXITSTATUS, WIFSIGNALED/WTERMSIG).  Returns
 * the pid, 0 (WNOHANG, none ready), or -ECHILD, -EINTR, -EINVAL. */
pid_t task_waitpid(pid_t pid, int *status, int options);
/* Environment of the calling task (a NULL-terminated array it owns). */
char ***task_environ(void);
