// SPDX-License-Identifier: BSD-2-Clause
/*
 * posix_spawn()/posix_spawnp(): the attribute and file-action objects,
 * and the spawn system call (kernel/spawn.c) that starts the program: an
 * ELF file by path at EL0, or a built-in application by name.  The
 * child gets a copy of the caller's descriptors, applies the file
 * actions in order before main() (a failing one ends it with status
 * 127: an open may wait, as on a FIFO, and must not hold up the
 * caller), and the attributes' scheduling and signal mask.
 * Returns an error number, never sets errno (POSIX).
 */
#define _GNU_SOURCE	/* strchrnul */
#include <errno.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/mm.h>
#include <generated/syscalls.h>

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

	if (fd < 0)
		return EBADF;
	if (strlen(path) >= sizeof(a->path))
		return ENAMETOOLONG;
	if (!(a = add_action(fa)))
		return ENOMEM;
	*a = (struct task_fd_action){ .op = TASK_FD_OPEN, .fd = fd,
				      .oflag = oflag, .mode = mode };
	strcpy(a->path, path);
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

int posix_spawn(pid_t *pid, const char *path,
		const posix_spawn_file_actions_t *fa,
		const posix_spawnattr_t *attrp, char *const argv[],
		char *const envp[])
{
	struct spawn_params p = { 0 };
	long r;

	if (attrp && *attrp) {
		const struct __posix_spawnattr *a = *attrp;

		if (a->flags & (POSIX_SPAWN_SETSCHEDPARAM | POSIX_SPAWN_SETSCHEDULER))
			p.prio = a->param.sched_priority;
		if (a->flags & POSIX_SPAWN_SETSCHEDULER)
			p.policy = a->policy;
		p.set_sigmask = a->flags & POSIX_SPAWN_SETSIGMASK;
		p.sigmask = a->mask;
		p.sigdefault = a->sigdefault;	/* all default in a new task */
	}
	r = sys_spawn(path, argv, envp, fa && *fa ? (*fa)->a : NULL,
		      fa && *fa ? (*fa)->n : 0, &p);
	if (r < 0)
		return (int)-r;
	if (pid)
		*pid = (pid_t)r;
	return 0;
}

int posix_spawnp(pid_t *pid, const char *file,
		 const posix_spawn_file_actions_t *fa,
		 const posix_spawnattr_t *attrp, char *const argv[],
		 char *const envp[])
{
	const char *dirs = getenv("PATH"), *end;
	char path[256];		/* VFS_PATH_MAX: a longer one cannot exist */
	int err, found = ENOENT;

	/* A path is used as it is; without a PATH a name is a built-in
	 * application's (the flat build looks names up itself). */
	if (strchr(file, '/') || !dirs || !*dirs)
		return posix_spawn(pid, file, fa, attrp, argv, envp);
	for (;; dirs = end + 1) {
		size_t n;

		end = strchrnul(dirs, ':');
		n = (size_t)(end - dirs);
		/* An empty entry is the working directory (POSIX). */
		if (snprintf(path, sizeof(path), "%.*s%s%s", (int)n, dirs,
			     n ? "/" : "", file) < (int)sizeof(path)) {
			err = posix_spawn(pid, path, fa, attrp, argv, envp);
			if (err != ENOENT && err != ENOTDIR && err != EACCES)
				return err;
			if (err == EACCES)
				found = EACCES;	/* reported if nothing runs */
		}
		if (!*end)
			break;
	}
	/* Not a file in PATH: a built-in application of the flat build. */
	err = posix_spawn(pid, file, fa, attrp, argv, envp);
	return err == ENOENT ? found : err;
}
