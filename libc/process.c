// SPDX-License-Identifier: BSD-2-Clause
/*
 * Process-level calls under picolibc for the flat build, where every
 * application runs as a thread of the one system: exit ends the calling
 * thread, the process id is the thread id, and a signal sent to oneself
 * takes its default action.  Tasks with their own ids and signal
 * dispositions replace these rules when they arrive.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <vireo/clock.h>
#include <vireo/thread.h>

void _exit(int status)
{
	fflush(stdout);
	thread_exit();
}

pid_t getpid(void)
{
	return thread_current()->tid;
}

int kill(pid_t pid, int sig)
{
	if (sig < 0 || sig >= NSIG) {
		errno = EINVAL;
		return -1;
	}
	if (pid != getpid()) {
		errno = ESRCH;
		return -1;
	}
	if (sig == 0)
		return 0;
	fprintf(stderr, "%s: terminated by signal %d\n", thread_current()->name, sig);
	_exit(128 + sig);
}

int gettimeofday(struct timeval *tv, void *tz)
{
	uint64_t ns = clock_realtime_ns();

	if (tv) {
		tv->tv_sec = ns / NSEC_PER_SEC;
		tv->tv_usec = ns % NSEC_PER_SEC / NSEC_PER_USEC;
	}
	return 0;
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
