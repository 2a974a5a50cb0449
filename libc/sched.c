// SPDX-License-Identifier: BSD-2-Clause
/*
 * POSIX process scheduling (<sched.h>) over the kernel's per-thread
 * policy and priority.  In the flat build a process is a task whose pid
 * is its main thread's id, so pid names that thread; 0 is the caller.
 *
 * Policies: SCHED_FIFO and SCHED_RR at priorities SCHED_PRIO_MIN..MAX,
 * and SCHED_OTHER, whose one priority (0) ranks below every real-time
 * one.  A thread inherits its creator's policy unless its attributes say
 * otherwise; the shell starts tasks as SCHED_RR at 100.  The mapping
 * between <sched.h> and the kernel lives here for libc's pthread calls
 * too (pthread_priv.h).
 */
#include <errno.h>
#include <sched.h>
#include "pthread_priv.h"
#include <vireo/libc.h>
#include <vireo/thread.h>
#include <generated/syscalls.h>

int sched_policy_to_kernel(int policy, int *kpolicy)
{
	if (policy == SCHED_FIFO)
		*kpolicy = POLICY_FIFO;
	else if (policy == SCHED_RR)
		*kpolicy = POLICY_RR;
	else if (policy == SCHED_OTHER)
		*kpolicy = POLICY_OTHER;
	else
		return EINVAL;
	return 0;
}

void sched_from_kernel(int kpolicy, int kprio, int *policy, int *prio)
{
	*policy = kpolicy == POLICY_RR ? SCHED_RR :
		  kpolicy == POLICY_OTHER ? SCHED_OTHER : SCHED_FIFO;
	*prio = kpolicy == POLICY_OTHER && kprio == SCHED_PRIO_OTHER ? 0 : kprio;
}

bool sched_prio_valid(int policy, int prio)
{
	if (policy == SCHED_OTHER)
		return prio == 0;
	return prio >= SCHED_PRIO_MIN && prio <= SCHED_PRIO_MAX;
}

int sched_get_priority_max(int policy)
{
	int k;

	if (sched_policy_to_kernel(policy, &k))
		return libc_error(EINVAL);
	return policy == SCHED_OTHER ? 0 : SCHED_PRIO_MAX;
}

int sched_get_priority_min(int policy)
{
	int k;

	if (sched_policy_to_kernel(policy, &k))
		return libc_error(EINVAL);
	return policy == SCHED_OTHER ? 0 : SCHED_PRIO_MIN;
}

int sched_getscheduler(pid_t pid)
{
	int policy, prio, err;

	if (pid < 0)
		return libc_error(EINVAL);
	err = (int)sys_sched_get(pid, &policy, &prio);
	if (err)
		return libc_error(-err);
	sched_from_kernel(policy, prio, &policy, &prio);
	return policy;
}

int sched_getparam(pid_t pid, struct sched_param *param)
{
	int policy, prio, err;

	if (pid < 0 || !param)
		return libc_error(EINVAL);
	err = (int)sys_sched_get(pid, &policy, &prio);
	if (err)
		return libc_error(-err);
	sched_from_kernel(policy, prio, &policy, &param->sched_priority);
	return 0;
}

/* Returns the former policy (sched_setscheduler's result) or -1. */
static int set_sched(pid_t pid, int policy, const struct sched_param *param)
{
	int old_policy, old_prio, kpolicy, err;

	if (pid < 0 || !param)
		return libc_error(EINVAL);
	err = (int)sys_sched_get(pid, &old_policy, &old_prio);
	if (err)
		return libc_error(-err);
	sched_from_kernel(old_policy, old_prio, &old_policy, &old_prio);
	if (policy < 0)
		policy = old_policy;
	if (sched_policy_to_kernel(policy, &kpolicy) ||
	    !sched_prio_valid(policy, param->sched_priority))
		return libc_error(EINVAL);
	err = (int)sys_sched_set(pid, kpolicy, param->sched_priority);
	return err ? libc_error(-err) : old_policy;
}

int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param)
{
	if (policy < 0)
		return libc_error(EINVAL);
	return set_sched(pid, policy, param);
}

int sched_setparam(pid_t pid, const struct sched_param *param)
{
	return set_sched(pid, -1, param) < 0 ? -1 : 0;
}

int sched_yield(void)
{
	return (int)sys_sched_yield();
}

int sched_rr_get_interval(pid_t pid, struct timespec *interval)
{
	int policy, prio, err;

	if (pid < 0 || !interval)
		return libc_error(EINVAL);
	err = (int)sys_sched_get(pid, &policy, &prio);
	if (err)
		return libc_error(-err);
	interval->tv_sec = CONFIG_RR_INTERVAL_MS / 1000;
	interval->tv_nsec = (long)(CONFIG_RR_INTERVAL_MS % 1000) * 1000000;
	return 0;
}
