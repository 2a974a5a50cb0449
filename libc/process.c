// SPDX-License-Identifier: BSD-2-Clause
/*
 * Process-level calls under picolibc: every application runs as a task
 * (<vireo/task.h>).  exit() is picolibc's (atexit handlers, then
 * _exit()); _exit() ends the task.  errno is set here, at the POSIX
 * boundary; the kernel returns -errno.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vireo/signal.h>
#include <vireo/task.h>
#include <vireo/thread.h>

void _exit(int status)
{
	/* stdout's buffer is the calling thread's (stdio.c). */
	fflush(stdout);
	fflush(stderr);
	task_exit(status);
}

void _Exit(int status)
{
	_exit(status);
}

pid_t getpid(void)
{
	return task_pid(task_current());
}

pid_t getppid(void)
{
	return task_getppid();
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	pid_t r;

	for (;;) {
		r = task_waitpid(pid, status, options);
		if (r != -EINTR && r != -ECANCELED)
			break;
		if (r == -ECANCELED)
			thread_testcancel();
		/* waitpid is not restarted: POSIX lets it fail with EINTR
		 * (SA_RESTART restarts it). */
		if (!signal_deliver_pending())
			break;
	}
	if (r < 0) {
		errno = -r;
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
	if (!u) {
		errno = EFAULT;
		return -1;
	}
	memset(u, 0, sizeof(*u));
	strcpy(u->sysname, "Vireo");
	strncpy(u->nodename, CONFIG_HOSTNAME, sizeof(u->nodename) - 1);
	strcpy(u->release, CONFIG_VERSION_STRING);
	snprintf(u->version, sizeof(u->version), "%s %s", VIREO_BUILD_DATE,
		 VIREO_BOARD_CONFIG);
	strcpy(u->machine, "aarch64");
	return 0;
}
