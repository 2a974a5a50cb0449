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
#include <stdint.h>
#include <sys/types.h>
#include <vireo/spawn.h>

struct file;
struct task;
struct vmspace;
struct thread;
struct fd_table;


/* Entry of a task's main thread, as main(): its return value is the exit
 * status (as exit() would). */
typedef int (*task_main_t)(int argc, char **argv);

struct task_spawn_attr {
	const char *name;	/* NULL: argv[0] */
	int prio;		/* 0: the caller's priority */
	int policy;		/* 0: the caller's policy */
	size_t stack_size;	/* 0: CONFIG_DEFAULT_STACKSIZE */
	/* The child inherits the caller's descriptors minus FD_CLOEXEC
	 * ones, then the child applies actions[0..nactions) in order before
	 * main() (an open may block: a FIFO); a failing action ends the
	 * child with status 127, as POSIX allows. */
	const struct task_fd_action *actions;
	int nactions;
	bool set_sigmask;	/* child's signal mask is sigmask, else the
				 * caller's */
	uint64_t sigmask;
	uint64_t sigdefault;	/* signals reset to SIG_DFL (all are anyway:
				 * a new task starts with default actions) */
	struct vmspace *vmspace;	/* the task's address space, or NULL;
					 * task_spawn() takes it over (frees
					 * it on failure too) */
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
/* task_exit() as a system call (kernel/syscalls.tbl): never returns. */
long task_exit_call(int status);
/* waitpid(pid, &status, options) with WNOHANG; status encoded as by
 * <sys/wait.h> (WIFEXITED/WEXITSTATUS, WIFSIGNALED/WTERMSIG).  Returns
 * the pid, 0 (WNOHANG, none ready), or -ECHILD, -EINTR, -EINVAL. */
pid_t task_waitpid(pid_t pid, int *status, int options);
/* posix_spawn() as the spawn system call (kernel/spawn.c): path with a
 * '/' to an ELF program, else a built-in application by its basename;
 * argv (NULL or empty: { path }), envp (NULL: the caller's environment),
 * nactions file actions and params (NULL: defaults).  The pid, or
 * -ENOENT, -ENOEXEC, -EINVAL, -EBADF, -ENAMETOOLONG (a bad action),
 * elf_spawn()'s and task_spawn()'s errors. */
long task_spawn_call(const char *path, char *const *argv, char *const *envp,
		     const struct task_fd_action *actions, int nactions,
		     const struct spawn_params *params);
/* task_waitpid() as the waitpid system call: runs the handlers of a
 * signal that interrupts it (restarting per SA_RESTART) and acts on a
 * cancellation. */
long task_waitpid_call(pid_t pid, int *status, int options);
/* Descriptor fd of task pid with a new reference (file_put when done),
 * or NULL: /proc/<pid>/fd of another task.  Any thread context. */
struct file *task_fd_get(pid_t pid, int fd);

/* The arguments task pid was started with, separated by spaces, into
 * buf (always terminated).  Returns the length, or -ESRCH. */
int task_cmdline(pid_t pid, char *buf, size_t len);

/* The working directory: an absolute, normalised path, inherited by
 * spawned tasks.  The buffer (TASK_CWD_MAX bytes) belongs to the calling
 * task; the VFS reads and writes it under its lock. */
#define TASK_CWD_MAX 256
char *task_cwd(void);
/* Whether any task's working directory satisfies match (umount: is a
 * mount point still someone's cwd?).  VFS lock held by the caller. */
bool task_any_cwd(bool (*match)(const char *cwd, const void *ctx),
		  const void *ctx);

/* Environment of the calling task (a NULL-terminated array it owns);
 * libc/env.c edits it, the task frees it at exit. */
char ***task_environ(void);
/* The calling task's slot for libc's per-task state (libc/libc_task.c
 * fills it at first use; the task hands it to libc_task_end()). */
void **task_libc_slot(void);
/* The list malloc() links the calling thread's allocations into: its
 * task's, or NULL when they are the kernel's (a kernel thread, an
 * interrupt handler, a task whose heap was given back).  Any context. */
struct list_node;
struct list_node *task_heap_owner(void);
/* The calling task's pid, and its parent's (0 for the kernel task). */
pid_t task_getpid(void);
pid_t task_getppid(void);
/* CPU time of all threads of t, living and ended.  Any thread context. */
uint64_t task_cpu_ns(struct task *t);
/* CPU time of the calling task's children that waitpid() collected,
 * and of theirs (times()'s tms_cutime). */
uint64_t task_children_cpu_ns(void);
/* CPU time of the task with this pid: 0 or -ESRCH. */
int task_cpu_ns_by_pid(pid_t pid, uint64_t *ns);
/* The task's descriptor table (fs/file.c). */
struct fd_table *task_fd_table(struct task *t);
/* The task's user address space (NULL: none; any context with the
 * scheduler lock or in the task).  task_set_vmspace() gives the calling
 * task vs (NULL: none) and installs it on this CPU; the task frees it
 * when it is freed.  The caller's other threads must not run meanwhile. */
struct vmspace *task_vmspace(const struct task *t);
void task_set_vmspace(struct vmspace *vs);
/* Task pid's space with a reference (vmspace_destroy() drops it), or
 * NULL: no such task, or none. */
struct vmspace *task_vmspace_get(pid_t pid);
/* The kernel task (pid 0): the boot/idle context and kernel threads. */
struct task *task_kernel(void);

/* Ends the task as killed by signal sig (WIFSIGNALED, WTERMSIG == sig):
 * the default action of a terminating signal.  Never returns. */
__attribute__((noreturn)) void task_exit_signaled(int sig);

