// SPDX-License-Identifier: BSD-2-Clause
/*
 * sysconf(): the limits and counts an application may ask the running
 * system for.  CPU counts are live: configured = those the device tree
 * lists that this image supports, online = those that started.
 */
#include <errno.h>
#include <pthread.h>
#include <unistd.h>
#include <vireo/cpu.h>
#include <vireo/file.h>
#include <vireo/mmu.h>
#include <vireo/thread.h>

static long cpus_configured(void)
{
	long n = 0;

	for (int i = 0; i < CONFIG_SMP_NCPUS; i++)
		n += cpus[i].id == i;	/* read_cpus() numbered it */
	return n;
}

long sysconf(int name)
{
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
		errno = EINVAL;
		return -1;
	}
}
