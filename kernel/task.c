// SPDX-License-Identifier: BSD-2-Clause
/*
 * Tasks: the flat build's processes.  A task owns its threads, a
 * descriptor table, an environment, signal dispositions and an exit
 * status; its pid is its main thread's tid.  Task 0 is the kernel's
 * (the boot/idle context and kernel threads); the first application
 * task, the shell, gets pid 1 and inherits orphans.
 *
 * Life: task_spawn() links the new task under its parent before its
 * first thread can run.  task_exit() marks the task exiting and tells
 * its other threads to die at their next delivery point; whichever
 * thread of the task ends last closes the descriptors (task_finish(),
 * may block) and then, holding the scheduler lock until it has switched
 * away, makes the task a zombie and signals the parent
 * (task_zombie_locked()).  waitpid() frees zombies.
 *
 * Locking: the scheduler lock protects the task tree (parent, children,
 * all_tasks), threads lists, exit state and zombie state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <vireo/app.h>
#include <vireo/file.h>
#include <vireo/klog.h>
#include <vireo/libc.h>
#include <vireo/mm.h>
#include <vireo/panic.h>
#include <vireo/posix_timer.h>
#include <vireo/signal.h>
#include <vireo/task.h>
#include <vireo/vfs.h>
#include <vireo/vmspace.h>
#include "kernel_priv.h"

static struct task kernel_task;
static struct list_node all_tasks = LIST_INIT(all_tasks);
static bool init_spawned;	/* the first task_spawn() gets pid 1 */

/* What the new task's main thread needs before main() runs: one block
 * holding argv and a copy of the file actions with their paths (the
 * caller may free its own as soon as task_spawn() returns). */
struct spawn_args {
	task_main_t main;
	int argc;
	char **argv;
	int nactions;
	struct task_fd_action *actions;
};

void task_init(void)
{
	struct task *k = &kernel_task;

	list_init(&k->children);
	list_init(&k->threads);
	wait_queue_init_kind(&k->child_wq, WAIT_CHILD);
	strcpy(k->name, "kernel");
	strcpy(k->cwd, "/");
	k->fds = fd_table_new();
	if (!k->fds)
		panic("task: no memory for the kernel's descriptors");
	list_add_tail(&all_tasks, &k->all_node);
}

char *task_cwd(void)
{
	return task_current()->cwd;
}

bool task_any_cwd(bool (*match)(const char *cwd, const void *ctx),
		  const void *ctx)
{
	struct list_node *n;
	bool found = false;
	irqflags_t f = sched_lock_acquire();	/* all_tasks */

	list_for_each(n, &all_tasks) {
		struct task *t = list_entry(n, struct task, all_node);
		if (!t->zombie && match(t->cwd, ctx)) {
			found = true;
			break;
		}
	}
	sched_lock_release(f);
	return found;
}

struct task *task_kernel(void)
{
	return &kernel_task;
}

struct task *task_current(void)
{
	struct thread *t = thread_current();

	return t && t->task ? t->task : &kernel_task;
}

pid_t task_pid(const struct task *t)
{
	return t->pid;
}

pid_t task_ppid(const struct task *t)
{
	return t->parent ? t->parent->pid : 0;
}

pid_t task_getpid(void)
{
	return task_pid(task_current());
}

pid_t task_getppid(void)
{
	irqflags_t f = sched_lock_acquire();
	pid_t p = task_ppid(task_current());

	sched_lock_release(f);
	return p;
}

struct fd_table *task_fd_table(struct task *t)
{
	return t->fds;
}

struct file *task_fd_get(pid_t pid, int fd)
{
	irqflags_t f = sched_lock_acquire();	/* task->fds stays valid */
	struct task *task = task_find_locked(pid);
	struct file *file = task && task->fds ? fd_get_in(task->fds, fd) : NULL;

	sched_lock_release(f);
	return file;
}

uint64_t task_children_cpu_ns(void)
{
	irqflags_t f = sched_lock_acquire();
	uint64_t ns = task_current()->child_cpu_ns;

	sched_lock_release(f);
	return ns;
}

struct list_node *task_heap_owner(void)
{
	struct thread *t;

	if (in_interrupt())
		return NULL;
	t = thread_current();
	if (!t || !t->task || t->task == &kernel_task || t->task->heap_released)
		return NULL;
	return &t->task->heap;
}

char ***task_environ(void)
{
	return &task_current()->environ;
}

void **task_libc_slot(void)
{
	return &task_current()->libc;
}

struct task *task_next_locked(struct task *t)
{
	struct list_node *n = t ? t->all_node.next : all_tasks.next;

	return n == &all_tasks ? NULL : list_entry(n, struct task, all_node);
}

struct task *task_find_locked(pid_t pid)
{
	struct list_node *n;

	list_for_each(n, &all_tasks) {
		struct task *t = list_entry(n, struct task, all_node);
		if (t->pid == pid)
			return t;
	}
	return NULL;
}

int task_cmdline(pid_t pid, char *buf, size_t len)
{
	irqflags_t f = sched_lock_acquire();	/* the task and its args */
	struct task *task = task_find_locked(pid);
	const struct spawn_args *a = task ? task->args : NULL;
	size_t used = 0;
	int r = 0;

	if (!task || task->zombie) {
		r = -ESRCH;
	} else if (len) {
		/* The kernel task has no arguments: its name stands in. */
		int argc = a ? a->argc : 1;
		for (int i = 0; i < argc; i++) {
			const char *s = a ? a->argv[i] : task->name;
			if (i && used + 1 < len)
				buf[used++] = ' ';
			while (*s && used + 1 < len)
				buf[used++] = *s++;
		}
		buf[used] = '\0';
	}
	sched_lock_release(f);
	return r ? r : (int)used;
}

struct vmspace *task_vmspace_get(pid_t pid)
{
	irqflags_t f = sched_lock_acquire();	/* the task stays while held */
	struct task *task = task_find_locked(pid);
	struct vmspace *vs = task && !task->zombie ? task->vmspace : NULL;

	if (vs)
		vmspace_get(vs);
	sched_lock_release(f);
	return vs;
}

void task_attach_locked(struct task *task, struct thread *t)
{
	t->task = task;
	list_add_tail(&task->threads, &t->task_node);
	if (task->nr_threads++ == 0 && task != &kernel_task) {
		task->pid = t->tid;
		if (task->set_sigmask)
			t->sig_mask = task->init_sigmask & ~SIG_UNBLOCKABLE;
	}
}

bool task_detach_locked(struct thread *t)
{
	struct task *task = t->task;

	list_del(&t->task_node);
	task->dead_cpu_ns += thread_cpu_ns_locked(t);
	return --task->nr_threads == 0 && task != &kernel_task;
}

static uint64_t cpu_ns_locked(struct task *task)
{
	uint64_t ns = task->dead_cpu_ns;
	struct list_node *n;

	list_for_each(n, &task->threads)
		ns += thread_cpu_ns_locked(list_entry(n, struct thread, task_node));
	return ns;
}

uint64_t task_cpu_ns(struct task *task)
{
	irqflags_t f = sched_lock_acquire();
	uint64_t ns = cpu_ns_locked(task);

	sched_lock_release(f);
	return ns;
}

/* Under one hold of the lock: once released, the task may end and its
 * parent (another task) reap it. */
int task_cpu_ns_by_pid(pid_t pid, uint64_t *ns)
{
	irqflags_t f = sched_lock_acquire();
	struct task *task = task_find_locked(pid);
	int r = !task || task->zombie ? -ESRCH : 0;

	if (!r)
		*ns = cpu_ns_locked(task);
	sched_lock_release(f);
	return r;
}

/* ---- spawning ---- */

static void free_strv(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

/* A malloc'd copy of a NULL-terminated string vector, each string its
 * own allocation (setenv replaces them one by one). */
static char **copy_strv(char *const v[])
{
	size_t n = 0;
	char **c;

	while (v && v[n])
		n++;
	c = kcalloc(n + 1, sizeof(*c));
	if (!c)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		c[i] = kstrdup(v[i]);
		if (!c[i]) {
			free_strv(c);
			return NULL;
		}
	}
	return c;
}

static size_t strv_bytes(char *const v[], size_t *n)
{
	size_t bytes = 0;

	for (*n = 0; v && v[*n]; (*n)++)
		bytes += strlen(v[*n]) + 1;
	return bytes;
}

/* One block: the header, argv's vector, the actions, then argv's
 * strings (each part aligned for the next). */
static struct spawn_args *copy_args(task_main_t main, char *const argv[],
				    const struct task_spawn_attr *attr)
{
	size_t n, na = (size_t)attr->nactions;
	size_t bytes = strv_bytes(argv, &n);
	struct spawn_args *a;
	char *p;

	a = kmalloc(sizeof(*a) + (n + 1) * sizeof(char *) +
		    na * sizeof(struct task_fd_action) + bytes);
	if (!a)
		return NULL;
	a->main = main;
	a->argc = (int)n;
	a->argv = (char **)(a + 1);
	a->nactions = (int)na;
	a->actions = (struct task_fd_action *)(a->argv + n + 1);
	if (na)
		memcpy(a->actions, attr->actions, na * sizeof(*a->actions));
	p = (char *)(a->actions + na);
	for (size_t i = 0; i < n; i++) {
		a->argv[i] = strcpy(p, argv[i]);
		p += strlen(argv[i]) + 1;
	}
	a->argv[n] = NULL;
	return a;
}

/* Opens path on fd.  A FIFO's open waits for the other end, so a
 * signal may interrupt it: the default action ends the task, an ignored
 * one (SIGCHLD) lets it wait again. */
static int open_action(struct fd_table *fds, const struct task_fd_action *a)
{
	struct file *f;
	int r;

	fd_close_in(fds, a->fd);
	do
		r = vfs_open_mode(a->path, a->oflag, a->mode, &f);
	while (r == -EINTR && signal_deliver_pending());
	if (r < 0)
		return r;
	r = fd_install_in(fds, f, a->fd);
	if (r < 0) {
		file_put(f);
	} else if (r != a->fd) {
		fd_close_in(fds, r);
		r = -EMFILE;
	}
	return r;
}

static int apply_actions(struct fd_table *fds, const struct spawn_args *sa)
{
	for (int i = 0; i < sa->nactions; i++) {
		const struct task_fd_action *a = &sa->actions[i];
		int r;

		switch (a->op) {
		case TASK_FD_CLOSE:
			r = fd_close_in(fds, a->fd);
			break;
		case TASK_FD_DUP2:
			r = fd_dup2_in(fds, a->oldfd, a->fd);
			break;
		case TASK_FD_OPEN:
			r = open_action(fds, a);
			break;
		default:
			r = -EINVAL;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * The main thread starts here.  File actions run in the child, not in
 * the caller, because an open may block (a FIFO waits for its other
 * end, perhaps opened by the caller's next command); as POSIX allows,
 * a failing action ends the child with status 127.
 */
static void task_entry(void *arg)
{
	struct spawn_args *a = arg;

	if (apply_actions(task_current()->fds, a) < 0)
		task_exit(127);
	/* The block stays allocated for the task's life: main() may keep
	 * argv.  It is freed with the task (task->args). */
	exit(a->main(a->argc, a->argv));
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static struct task *task_alloc(task_main_t main, char *const argv[],
			       char *const envp[], const struct task_spawn_attr *attr)
{
	struct task *cur = task_current(), *t = kcalloc(1, sizeof(*t));

	if (!t)
		return NULL;
	list_init(&t->children);
	list_init(&t->threads);
	list_init(&t->heap);
	wait_queue_init_kind(&t->child_wq, WAIT_CHILD);
	t->args = copy_args(main, argv, attr);
	t->environ = copy_strv(envp ? envp : cur->environ);
	memcpy(t->cwd, cur->cwd, sizeof(t->cwd));	/* the parent's VFS call
							 * is not running: stable */
	t->fds = fd_table_clone(cur->fds);
	t->sig = signal_task_new(t);
	if (!t->args || !t->environ || !t->fds || !t->sig) {
		task_free(t);
		return NULL;
	}
	return t;
}

void task_free(struct task *t)
{
	if (t->fds)
		fd_table_free(t->fds);
	free_strv(t->environ);
	if (t->sig)
		signal_task_free(t->sig);
	free(t->args);
	if (t->vmspace)
		vmspace_destroy(t->vmspace);
	free(t);
}

long task_exit_call(int status)
{
	task_exit(status);
}

struct vmspace *task_vmspace(const struct task *t)
{
	return t ? t->vmspace : NULL;
}

void task_set_vmspace(struct vmspace *vs)
{
	irqflags_t f = sched_lock_acquire();

	task_current()->vmspace = vs;
	arch_uspace_switch(vmspace_arch(vs));
	sched_lock_release(f);
}

pid_t task_spawn(task_main_t main, char *const argv[], char *const envp[],
		 const struct task_spawn_attr *attr)
{
	static const struct task_spawn_attr no_attr;
	struct task *cur = task_current(), *t;
	struct thread_attr ta = { 0 };
	irqflags_t f;
	int r;

	if (!attr)
		attr = &no_attr;
	if (!main || !argv || !argv[0]) {
		if (attr->vmspace)
			vmspace_destroy(attr->vmspace);
		return -EINVAL;
	}
	/* A kill of the caller before the child has its main thread would
	 * lose the child (kernel memory, holding file references): it waits
	 * until the child runs or is freed. */
	thread_current()->objs_in_hand++;
	t = task_alloc(main, argv, envp, attr);
	if (!t) {
		if (attr->vmspace)
			vmspace_destroy(attr->vmspace);
		r = -ENOMEM;
		goto out;
	}
	t->vmspace = attr->vmspace;	/* freed with t from here */
	ta.name = attr->name ? attr->name : basename_of(argv[0]);
	strncpy(t->name, ta.name, sizeof(t->name) - 1);
	ta.prio = attr->prio;
	ta.policy = attr->policy;
	ta.stack_size = attr->stack_size;
	ta.detached = true;	/* nobody joins a main thread */
	ta.el0 = attr->vmspace != NULL;	/* an ELF program's */
	t->set_sigmask = attr->set_sigmask;
	t->init_sigmask = attr->sigmask;

	f = sched_lock_acquire();
	t->parent = cur;
	list_add_tail(&cur->children, &t->sibling);
	list_add_tail(&all_tasks, &t->all_node);
	int tid = init_spawned ? 0 : 1;
	init_spawned = true;
	sched_lock_release(f);

	r = thread_new(NULL, t, &ta, task_entry, t->args, NULL, tid);
	if (r > 0)
		goto out;	/* the pid: the main thread's tid */
	f = sched_lock_acquire();
	list_del(&t->sibling);
	list_del(&t->all_node);
	sched_lock_release(f);
	task_free(t);
out:
	signal_hold_drop(&thread_current()->objs_in_hand);
	return r;
}

/* ---- ending ---- */

void task_kill_others_locked(struct task *task)
{
	struct thread *cur = thread_current();
	struct list_node *n;

	sched_walk_begin();
	list_for_each(n, &task->threads) {
		struct thread *t = list_entry(n, struct thread, task_node);
		if (t == cur)
			continue;
		t->kill_pending = true;
		sched_kick_thread_locked(t);
		if (t->state == THREAD_BLOCKED && t->intr_wait)
			sched_wake_locked(t, -EINTR);
	}
	sched_walk_end();
}

static __noreturn void end_task(int wait_status)
{
	struct task *task = task_current();
	irqflags_t f;

	if (task != &kernel_task) {
		f = sched_lock_acquire();
		if (!task->exiting) {
			task->exiting = true;
			task->wait_status = wait_status;
			task_kill_others_locked(task);
		}
		sched_lock_release(f);
	}
	thread_die(NULL);
}

__noreturn void task_exit(int status)
{
	end_task((status & 0xff) << 8);	/* WIFEXITED, WEXITSTATUS */
}

__noreturn void task_exit_signaled(int sig)
{
	end_task(sig & 0x7f);		/* WIFSIGNALED, WTERMSIG */
}

void task_finish(struct task *task)
{
	struct task_signals *ts;
	struct fd_table *fds;
	irqflags_t f;

	/* Its POSIX timers first: none may fire into what goes next. */
	posix_timer_task_exit(task);
	/* Detached under the scheduler lock, so task_fd_get() never sees a
	 * table being freed. */
	f = sched_lock_acquire();
	fds = task->fds;
	task->fds = NULL;
	sched_lock_release(f);
	fd_table_free(fds);
	f = sched_lock_acquire();
	ts = task->sig;
	task->sig = NULL;	/* no more signals to this task */
	sched_lock_release(f);
	if (ts)
		signal_task_free(ts);
	free_strv(task->environ);
	task->environ = NULL;
	libc_task_end(task->libc);
	task->libc = NULL;
	/* Last: every use of the task's own memory is over (its threads
	 * are gone but this one, which runs kernel code from here on).
	 * After libc_task_end(): libc's block is the task's own
	 * (malloc'd at its first use) and free() unlinks it from the task's
	 * list; released first, it would be freed twice. */
	task->heap_released = true;
	heap_release_task(&task->heap);
}

/* Orphans go to the init task (pid 1), which may reap them. */
static void reparent_children_locked(struct task *task)
{
	struct task *init = task_find_locked(1);
	struct list_node *n, *tmp;

	if (!init || init == task || init->zombie)
		init = &kernel_task;
	sched_walk_begin();
	list_for_each_safe(n, tmp, &task->children) {
		struct task *c = list_entry(n, struct task, sibling);
		list_del(n);
		c->parent = init;
		list_add_tail(&init->children, &c->sibling);
	}
	wait_wake_all_locked(&init->child_wq, 0);
	sched_walk_end();
}

void task_zombie_locked(struct task *task)
{
	struct task *parent = task->parent;
	siginfo_t info = {
		.si_signo = SIGCHLD, .si_pid = task->pid,
		.si_code = WIFEXITED(task->wait_status) ? CLD_EXITED : CLD_KILLED,
		.si_status = WIFEXITED(task->wait_status) ?
			     WEXITSTATUS(task->wait_status) : WTERMSIG(task->wait_status),
	};

	if (!task->exiting) {
		/* Every thread returned or called pthread_exit: exit(0). */
		task->exiting = true;
		task->wait_status = 0;
	}
	reparent_children_locked(task);
	task->zombie = true;
	if (parent && parent != &kernel_task)
		signal_send_task_locked(parent, &info);
	if (parent)
		wait_wake_all_locked(&parent->child_wq, 0);
}

static bool matches(const struct task *c, pid_t pid)
{
	return pid == -1 || pid == 0 || c->pid == (pid < 0 ? -pid : pid);
}

/* A zombie child matching pid, or NULL; *any tells whether any child
 * matches. */
static struct task *find_zombie_locked(struct task *self, pid_t pid, bool *any)
{
	struct list_node *n;

	*any = false;
	list_for_each(n, &self->children) {
		struct task *c = list_entry(n, struct task, sibling);
		if (!matches(c, pid))
			continue;
		*any = true;
		if (c->zombie)
			return c;
	}
	return NULL;
}

pid_t task_waitpid(pid_t pid, int *status, int options)
{
	struct task *self = task_current(), *z;
	irqflags_t f;
	bool any;
	int r;

	if (options & ~(WNOHANG | WUNTRACED))
		return -EINVAL;
	f = sched_lock_acquire();
	for (;;) {
		z = find_zombie_locked(self, pid, &any);
		if (z || !any || (options & WNOHANG))
			break;
		r = wait_block_intr_locked(&self->child_wq, WAIT_FOREVER);
		if (r == -EINTR || r == -ECANCELED) {
			sched_lock_release(f);
			return r;
		}
	}
	if (!z) {
		sched_lock_release(f);
		return any ? 0 : -ECHILD;
	}
	list_del(&z->sibling);
	list_del(&z->all_node);
	self->child_cpu_ns += z->dead_cpu_ns + z->child_cpu_ns;	/* times() */
	thread_release_task_locked(z);
	/* Off every list: a kill before task_free() would lose z. */
	thread_current()->objs_in_hand++;
	sched_lock_release(f);
	if (status)
		*status = z->wait_status;
	pid = z->pid;
	task_free(z);
	signal_hold_drop(&thread_current()->objs_in_hand);
	return pid;
}

long task_waitpid_call(pid_t pid, int *status, int options)
{
	pid_t r;

	for (;;) {
		r = task_waitpid(pid, status, options);
		if (r == -ECANCELED) {
			if ((r = thread_testcancel_call()))
				return r;
			continue;	/* disabled since */
		}
		/* Not restarted unless every handler run asked for it
		 * (SA_RESTART); POSIX lets waitpid fail with EINTR. */
		if (r != -EINTR || !signal_deliver_pending())
			return r;
	}
}

/* ---- built-in applications ---- */

const struct app_entry *app_find(const char *name)
{
	app_for_each(a) {
		if (strcmp(a->name, name) == 0)
			return a;
	}
	return NULL;
}
