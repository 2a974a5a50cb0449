// SPDX-License-Identifier: BSD-2-Clause
/*
 * sysconf() and uname() as system calls (kernel/syscalls.tbl): the
 * limits, counts and identity an application may ask the running system
 * for, the kernel's own (a program built against an exported library
 * learns the kernel it runs on, not the one it was built with).  CPU
 * counts are live: configured = those the device tree lists that this
 * image supports, online = those that started.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <vireo/cpu.h>
#include <vireo/file.h>
#include <vireo/mmu.h>
#include <vireo/clock.h>
#include <vireo/thread.h>

static long cpus_configured(void)
{
	long n = 0;

	for (int i = 0; i < CONFIG_SMP_NCPUS; i++)
		n += cpus[i].id == i;	/* read_cpus() numbered it */
	return n;
}

/* The options <unistd.h> announces, by their sysconf() names: the
 * values come from the same macros, so the two cannot disagree. */
static const struct {
	int name;
	long value;
} options[] = {
	{ _SC_VERSION, 200809L },
	{ _SC_BARRIERS, _POSIX_BARRIERS },
	{ _SC_CLOCK_SELECTION, _POSIX_CLOCK_SELECTION },
	{ _SC_CPUTIME, _POSIX_CPUTIME },
	{ _SC_MESSAGE_PASSING, _POSIX_MESSAGE_PASSING },
	{ _SC_MONOTONIC_CLOCK, _POSIX_MONOTONIC_CLOCK },
	{ _SC_PRIORITY_SCHEDULING, _POSIX_PRIORITY_SCHEDULING },
	{ _SC_READER_WRITER_LOCKS, _POSIX_READER_WRITER_LOCKS },
	{ _SC_REALTIME_SIGNALS, _POSIX_REALTIME_SIGNALS },
	{ _SC_SEMAPHORES, _POSIX_SEMAPHORES },
	{ _SC_SPAWN, _POSIX_SPAWN },
	{ _SC_SPIN_LOCKS, _POSIX_SPIN_LOCKS },
	{ _SC_THREAD_ATTR_STACKADDR, _POSIX_THREAD_ATTR_STACKADDR },
	{ _SC_THREAD_ATTR_STACKSIZE, _POSIX_THREAD_ATTR_STACKSIZE },
	{ _SC_THREAD_CPUTIME, _POSIX_THREAD_CPUTIME },
	{ _SC_THREAD_PRIO_INHERIT, _POSIX_THREAD_PRIO_INHERIT },
	{ _SC_THREAD_PRIO_PROTECT, _POSIX_THREAD_PRIO_PROTECT },
	{ _SC_THREAD_PRIORITY_SCHEDULING, _POSIX_THREAD_PRIORITY_SCHEDULING },
	{ _SC_THREADS, _POSIX_THREADS },
	{ _SC_TIMEOUTS, _POSIX_TIMEOUTS },
	{ _SC_TIMERS, _POSIX_TIMERS },
	{ _SC_CLK_TCK, CLOCK_TIMES_HZ },
};

long sysconf_call(int name)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (options[i].name == name)
			return options[i].value;
	switch (name) {
	case _SC_NPROCESSORS_ONLN:
		return __builtin_popcount(sched_online_mask());
	case _SC_NPROCESSORS_CONF:
		return cpus_configured();
	case _SC_PAGESIZE:
		return (long)PAGE_SIZE;
	case _SC_OPEN_MAX:
		return FD_MAX;
	case _SC_THREAD_STACK_MIN:
		return PTHREAD_STACK_MIN;
	default:
		return -EINVAL;
	}
}

long uname_call(struct utsname *u)
{
	memset(u, 0, sizeof(*u));
	strcpy(u->sysname, "Vireo");
	strncpy(u->nodename, CONFIG_HOSTNAME, sizeof(u->nodename) - 1);
	strcpy(u->release, CONFIG_VERSION_STRING);
	snprintf(u->version, sizeof(u->version), "%s %s", VIREO_BUILD_DATE,
		 VIREO_BOARD_CONFIG);
	strcpy(u->machine, "aarch64");
	return 0;
}
