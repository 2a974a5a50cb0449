// SPDX-License-Identifier: BSD-2-Clause
/*
 * Process-level calls under picolibc: every application runs as a task
 * (<vireo/task.h>).  exit() is picolibc's (atexit handlers, then
 * _exit()); _exit() ends the task.  errno is set here, at the POSIX
 * boundary; the kernel returns -errno.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/lock.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <generated/syscalls.h>

void _exit(int status)
{
	/* picolibc's exit() does not flush, and the task's buffered
	 * stdout is freed with it: write out what it holds now. */
	fflush(stdout);
	fflush(stderr);
	sys_exit(status);
	__builtin_unreachable();
}

void _Exit(int status)
{
	_exit(status);
}

pid_t getpid(void)
{
	return (pid_t)sys_getpid();
}

pid_t getppid(void)
{
	return (pid_t)sys_getppid();
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	long r = sys_waitpid(pid, status, options);

	if (r < 0) {
		errno = -r;
		return -1;
	}
	return r;
}

long sysconf(int name)
{
	long r = sys_sysconf(name);

	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

pid_t wait(int *status)
{
	return waitpid(-1, status, 0);
}

int uname(struct utsname *u)
{
	long r;

	if (!u) {
		errno = EFAULT;
		return -1;
	}
	r = sys_uname(u);
	if (r) {
		errno = (int)-r;
		return -1;
	}
	return 0;
}

/* One user, root: the ids are 0 and only 0 can be set (POSIX: EPERM
 * for an id the process may not take; EINVAL for one out of range). */
uid_t getuid(void)
{
	return 0;
}

uid_t geteuid(void)
{
	return 0;
}

gid_t getgid(void)
{
	return 0;
}

gid_t getegid(void)
{
	return 0;
}

static int set_id(unsigned int id)
{
	if (id == 0)
		return 0;
	errno = (int)id < 0 ? EINVAL : EPERM;
	return -1;
}

int setuid(uid_t uid)
{
	return set_id(uid);
}

int seteuid(uid_t uid)
{
	return set_id(uid);
}

int setgid(gid_t gid)
{
	return set_id(gid);
}

int setegid(gid_t gid)
{
	return set_id(gid);
}

/* pthread_atfork: the handlers run around fork(), which Vireo does not
 * have (tasks start with posix_spawn(), and POSIX leaves it to the
 * implementation whether posix_spawn() runs them: here it does not).
 * The registration succeeds, as POSIX requires, and nothing needs to be
 * kept: nothing would ever call them. */
int pthread_atfork(void (*prepare)(void), void (*parent)(void),
		   void (*child)(void))
{
	return 0;
}
