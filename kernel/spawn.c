// SPDX-License-Identifier: BSD-2-Clause
/*
 * The spawn system call (kernel/syscalls.tbl): posix_spawn() without its
 * attribute objects.  A path with a '/' to an ELF program starts it at
 * EL0 in a new address space (kernel/kmode/exec.c); any other name is a
 * built-in application found by its basename (the flat build's
 * programs).  The file actions and parameters come in as copies
 * (<vireo/spawn.h> holds no pointers), so they are checked here before
 * the child sees them.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <vireo/app.h>
#include <vireo/elf.h>
#include <vireo/spawn.h>
#include <vireo/task.h>
#include <vireo/vfs.h>

_Static_assert(SPAWN_PATH_MAX == VFS_PATH_MAX, "an action's path is a path");

/* Each action's operation, descriptors and path: 0, -EINVAL, -EBADF or
 * -ENAMETOOLONG (a path without its NUL). */
static int check_actions(const struct task_fd_action *a, int n)
{
	if (n < 0 || (n && !a))
		return -EINVAL;
	for (int i = 0; i < n; i++) {
		switch (a[i].op) {
		case TASK_FD_OPEN:
			if (!memchr(a[i].path, '\0', sizeof(a[i].path)))
				return -ENAMETOOLONG;
			break;
		case TASK_FD_DUP2:
			if (a[i].oldfd < 0)
				return -EBADF;
			break;
		case TASK_FD_CLOSE:
			break;
		default:
			return -EINVAL;
		}
		if (a[i].fd < 0)
			return -EBADF;
	}
	return 0;
}

/* The task attributes for app (NULL: an ELF program), in *ta. */
static const struct task_spawn_attr *
task_attr(struct task_spawn_attr *ta, const struct app_entry *app,
	  const struct task_fd_action *actions, int nactions,
	  const struct spawn_params *p)
{
	*ta = (struct task_spawn_attr){ .actions = actions,
					.nactions = nactions };
	if (app) {
		ta->prio = app->prio;
		ta->stack_size = app->stack;
	}
	if (p) {
		if (p->prio)
			ta->prio = p->prio;
		ta->policy = p->policy;
		ta->set_sigmask = p->set_sigmask;
		ta->sigmask = p->sigmask;
		ta->sigdefault = p->sigdefault;
	}
	return ta;
}

long task_spawn_call(const char *path, char *const *argv, char *const *envp,
		     const struct task_fd_action *actions, int nactions,
		     const struct spawn_params *params)
{
	char *const noargs[] = { (char *)path, NULL };
	const char *base = strrchr(path, '/');
	const struct app_entry *app;
	struct task_spawn_attr ta;
	struct stat st;
	long r = check_actions(actions, nactions);

	if (r)
		return r;
	if (!argv || !argv[0])
		argv = noargs;
	/* elf_spawn() answers 0 for a file that is no ELF program. */
	r = base ? elf_spawn(path, argv, envp,
			     task_attr(&ta, NULL, actions, nactions, params)) : 0;
	if (r)
		return r;
	app = app_find(base ? base + 1 : path);
	if (!app)	/* a file, but no program: ENOEXEC */
		return base && !vfs_stat(path, &st, true) ? -ENOEXEC : -ENOENT;
	return task_spawn(app->main, argv, envp,
			  task_attr(&ta, app, actions, nactions, params));
}
