// SPDX-License-Identifier: BSD-2-Clause
/*
 * posix_spawn()/posix_spawnp() of ELF programs and built-in
 * applications: a path (with a '/') to a file starting with the ELF
 * magic is loaded into an address space of its own and run at EL0
 * (elf_spawn(), docs/kernel-mode.md); otherwise the basename of path
 * names an entry registered with APP_REGISTER (<vireo/app.h>), and an
 * existing file that is neither is ENOEXEC.  Either runs as a new task
 * with a copy of the caller's descriptors, file actions applied in
 * order by the child before main() (a failing one ends it with status
 * 127: an open may wait, as on a FIFO, and must not hold up the
 * caller), and the attributes' scheduling and signal mask.
 * Returns an error number, never sets errno (POSIX).
 */
#include <errno.h>
#include <sched.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <vireo/app.h>
#include <vireo/elf.h>
#include <vireo/mm.h>
#include <vireo/task.h>
#include <vireo/thread.h>

struct __posix_spawnattr {
	short flags;
	int policy;
	struct sched_param param;
	sigset_t mask;
	sigset_t sigdefault;
	pid_t pgroup;
};

struct __posix_spawn_file_actions {
	int n, cap;
	struct task_fd_action *a;
};

int posix_spawnattr_init(posix_spawnattr_t *attr)
{
	*attr = kcalloc(1, sizeof(**attr));
	return *attr ? 0 : ENOMEM;
}

int posix_spawnattr_destroy(posix_spawnattr_t *attr)
{
	free(*attr);
	*attr = NULL;
	return 0;
}

int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags)
{
	if (flags & ~(POSIX_SPAWN_RESETIDS | POSIX_SPAWN_SETPGROUP |
		      POSIX_SPAWN_SETSCHEDPARAM | POSIX_SPAWN_SETSCHEDULER |
		      POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
		return EINVAL;
	(*attr)->flags = flags;
	return 0;
}

int posix_spawnattr_getflags(const posix_spawnattr_t *attr, short *flags)
{
	*flags = (*attr)->flags;
	return 0;
}

int posix_spawnattr_setschedparam(posix_spawnattr_t *attr,
				  const struct sched_param *param)
{
	(*attr)->param = *param;
	return 0;
}

int posix_spawnattr_getschedparam(const posix_spawnattr_t *attr,
				  struct sched_param *param)
{
	*param = (*attr)->param;
	return 0;
}

int posix_spawnattr_setschedpolicy(posix_spawnattr_t *attr, int policy)
{
	if (policy != SCHED_FIFO && policy != SCHED_RR)
		return EINVAL;
	(*attr)->policy = policy;
	return 0;
}

int posix_spawnattr_getschedpolicy(const posix_spawnattr_t *attr, int *policy)
{
	*policy = (*attr)->policy;
	return 0;
}

int posix_spawnattr_setsigmask(posix_spawnattr_t *attr, const sigset_t *mask)
{
	(*attr)->mask = *mask;
	return 0;
}

int posix_spawnattr_getsigmask(const posix_spawnattr_t *attr, sigset_t *mask)
{
	*mask = (*attr)->mask;
	return 0;
}

int posix_spawnattr_setsigdefault(posix_spawnattr_t *attr, const sigset_t *set)
{
	(*attr)->sigdefault = *set;
	return 0;
}

int posix_spawnattr_getsigdefault(const posix_spawnattr_t *attr, sigset_t *set)
{
	*set = (*attr)->sigdefault;
	return 0;
}

int posix_spawnattr_setpgroup(posix_spawnattr_t *attr, pid_t pgroup)
{
	(*attr)->pgroup = pgroup;	/* no process groups: recorded only */
	return 0;
}

int posix_spawnattr_getpgroup(const posix_spawnattr_t *attr, pid_t *pgroup)
{
	*pgroup = (*attr)->pgroup;
	return 0;
}

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa)
{
	*fa = kcalloc(1, sizeof(**fa));
	return *fa ? 0 : ENOMEM;
}

int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa)
{
	for (int i = 0; i < (*fa)->n; i++)
		free((char *)(*fa)->a[i].path);
	free((*fa)->a);
	free(*fa);
	*fa = NULL;
	return 0;
}

static struct task_fd_action *add_action(posix_spawn_file_actions_t *fa)
{
	struct __posix_spawn_file_actions *s = *fa;

	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 4;
		struct task_fd_action *a = krealloc(s->a, cap * sizeof(*a));
		if (!a)
			return NULL;
		s->a = a;
		s->cap = cap;
	}
	memset(&s->a[s->n], 0, sizeof(s->a[0]));
	return &s->a[s->n++];
}

int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd,
				     const char *path, int oflag, mode_t mode)
{
	struct task_fd_action *a;
	char *copy;

	if (fd < 0)
		return EBADF;
	copy = kstrdup(path);
	if (!copy || !(a = add_action(fa))) {
		free(copy);
		return ENOMEM;
	}
	*a = (struct task_fd_action){ .op = TASK_FD_OPEN, .fd = fd, .path = copy,
				      .oflag = oflag, .mode = mode };
	return 0;
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd)
{
	struct task_fd_action *a;

	if (fd < 0)
		return EBADF;
	if (!(a = add_action(fa)))
		return ENOMEM;
	*a = (struct task_fd_action){ .op = TASK_FD_CLOSE, .fd = fd };
	return 0;
}

int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd,
				     int newfd)
{
	struct task_fd_action *a;

	if (fd < 0 || newfd < 0)
		return EBADF;
	if (!(a = add_action(fa)))
		return ENOMEM;
	*a = (struct task_fd_action){ .op = TASK_FD_DUP2, .oldfd = fd, .fd = newfd };
	return 0;
}

/* The task attributes for a spawn of app (NULL: an ELF program) with
 * attrp and fa, in *ta. */
static const struct task_spawn_attr *
spawn_attr(struct task_spawn_attr *ta, const struct app_entry *app,
	   const posix_spawnattr_t *attrp,
	   const posix_spawn_file_actions_t *fa)
{
	*ta = (struct task_spawn_attr){ 0 };
	if (app) {
		ta->prio = app->prio;
		ta->stack_size = app->stack;
	}
	if (attrp && *attrp) {
		const struct __posix_spawnattr *a = *attrp;
		if (a->flags & POSIX_SPAWN_SETSCHEDPARAM)
			ta->prio = a->param.sched_priority;
		if (a->flags & POSIX_SPAWN_SETSCHEDULER) {
			ta->policy = a->policy;
			ta->prio = a->param.sched_priority;
		}
		if (a->flags & POSIX_SPAWN_SETSIGMASK) {
			ta->set_sigmask = true;
			ta->sigmask = a->mask;
		}
		ta->sigdefault = a->sigdefault;	/* all default in a new task */
	}
	if (fa && *fa) {
		ta->actions = (*fa)->a;
		ta->nactions = (*fa)->n;
	}
	return ta;
}

int posix_spawn(pid_t *pid, const char *path,
		const posix_spawn_file_actions_t *fa,
		const posix_spawnattr_t *attrp, char *const argv[],
		char *const envp[])
{
	const char *base = strrchr(path, '/');
	const struct app_entry *app;
	struct task_spawn_attr ta;
	char *const noargs[] = { (char *)path, NULL };
	struct stat st;
	pid_t r;

	if (!argv || !argv[0])
		argv = noargs;
	/* A path to a file that starts like an ELF program runs it at EL0
	 * (0: it is not one); other names are built-in applications. */
	r = base ? elf_spawn(path, argv, envp,
			     spawn_attr(&ta, NULL, attrp, fa)) : 0;
	if (!r) {
		app = app_find(base ? base + 1 : path);
		if (!app)	/* a file, but no program: ENOEXEC */
			return base && !stat(path, &st) ? ENOEXEC : ENOENT;
		r = task_spawn(app->main, argv, envp,
			       spawn_attr(&ta, app, attrp, fa));
	}
	if (r < 0)
		return -r;
	if (pid)
		*pid = r;
	return 0;
}

int posix_spawnp(pid_t *pid, const char *file,
		 const posix_spawn_file_actions_t *fa,
		 const posix_spawnattr_t *attrp, char *const argv[],
		 char *const envp[])
{
	/* Built-in applications have no PATH to search: names are enough. */
	return posix_spawn(pid, file, fa, attrp, argv, envp);
}
