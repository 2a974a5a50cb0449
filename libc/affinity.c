// SPDX-License-Identifier: BSD-2-Clause
/*
 * CPU affinity over thread_set_affinity()/thread_get_affinity(): the GNU
 * calls sched_setaffinity/getaffinity, pthread_setaffinity_np/
 * getaffinity_np, pthread_attr_setaffinity_np/getaffinity_np and
 * sched_getcpu.  The kernel keeps 32 bits, one per logical CPU.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <vireo/cpu.h>
#include <vireo/thread.h>
#include <generated/syscalls.h>

/* The kernel mask of set, or -EINVAL when it names a CPU this image
 * cannot have. */
static int to_mask(size_t size, const cpu_set_t *set, uint32_t *mask)
{
	cpu_set_t s;

	if (!set || size == 0)
		return -EINVAL;
	CPU_ZERO(&s);
	memcpy(&s, set, size < sizeof(s) ? size : sizeof(s));
	if (s.__bits[0] >> CONFIG_SMP_NCPUS)
		return -EINVAL;
	*mask = (uint32_t)s.__bits[0];
	return 0;
}

static int from_mask(uint32_t mask, size_t size, cpu_set_t *set)
{
	cpu_set_t s;

	if (!set || size < sizeof(unsigned long))
		return -EINVAL;
	CPU_ZERO(&s);
	s.__bits[0] = mask & sched_online_mask();
	memset(set, 0, size);
	memcpy(set, &s, size < sizeof(s) ? size : sizeof(s));
	return 0;
}

static int set_of(int tid, size_t size, const cpu_set_t *set)
{
	uint32_t mask;
	int r = to_mask(size, set, &mask);

	return r ? r : (int)sys_affinity_set(tid, mask);
}

static int get_of(int tid, size_t size, cpu_set_t *set)
{
	uint32_t mask;
	int r = (int)sys_affinity_get(tid, &mask);

	return r ? r : from_mask(mask, size, set);
}

static int posix_ret(int r)
{
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}

int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *set)
{
	return posix_ret(pid < 0 ? -ESRCH : set_of(pid, size, set));
}

int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set)
{
	return posix_ret(pid < 0 ? -ESRCH : get_of(pid, size, set));
}

int sched_getcpu(void)
{
	return (int)sys_getcpu();
}

int pthread_setaffinity_np(pthread_t thread, size_t size, const cpu_set_t *set)
{
	return -set_of(thread, size, set);
}

int pthread_getaffinity_np(pthread_t thread, size_t size, cpu_set_t *set)
{
	return -get_of(thread, size, set);
}

int pthread_attr_setaffinity_np(pthread_attr_t *attr, size_t size,
				const cpu_set_t *set)
{
	uint32_t mask;
	int r = to_mask(size, set, &mask);

	if (r)
		return -r;
	attr->cpuset = mask;
	return 0;
}

int pthread_attr_getaffinity_np(const pthread_attr_t *attr, size_t size,
				cpu_set_t *set)
{
	return -from_mask(attr->cpuset ? (uint32_t)attr->cpuset : ~0u, size, set);
}
