// SPDX-License-Identifier: BSD-2-Clause
/*
 * POSIX process scheduling (<sched.h>) over the kernel's per-thread
 * policy and priority.  In the flat build a process is a task whose pid
 * is its main thread's id, so pid names that thread; 0 is the caller.
 */
#include <errno.h>
#include <sched.h>
#include <vireo/thread.h>

static int fail(int err)
{
	errno = err;
	return -1;
}

static int pid_to_tid(pid_t pid)
{
	return pid == 0 ? thread_self_tid() : pid;
}

static bool valid_policy(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

int sched_get_priority_max(int policy)
{
	return valid_policy(policy) ? SCHED_PRIO_MAX : fail(EINVAL);
}

int sched_get_priority_min(int policy)
{
	return valid_policy(policy) ? SCHED_PRIO_MIN : fail(EINVAL);
}

int sched_getscheduler(pid_t pid)
{
	int policy, prio, err;

	if (pid < 0)
		return fail(EINVAL);
	err = thread_get_sched(pid_to_tid(pid), &policy, &prio);
	return err ? fail(-err) : policy;
}

int sched_getparam(pid_t pid, struct sched_param *param)
{
	int policy, prio, err;

	if (pid < 0 || !param)
		return fail(EINVAL);
	err = thread_get_sched(pid_to_tid(pid), &policy, &prio);
	if (err)
		return fail(-err);
	param->sched_priority = prio;
	return 0;
}

/* Returns the former policy (sched_setscheduler's result) or -1. */
static int set_sched(pid_t pid, int policy, const struct sched_param *param)
{
	int old_policy, old_prio, err, tid = pid_to_tid(pid);

	if (pid < 0 || !param)
		return fail(EINVAL);
	err = thread_get_sched(tid, &old_policy, &old_prio);
	if (err)
		return fail(-err);
	if (policy < 0)
		policy = old_policy;
	if (!valid_policy(policy) || param->sched_priority < SCHED_PRIO_MIN ||
	    param->sched_priority > SCHED_PRIO_MAX)
		return fail(EINVAL);
	err = thread_set_sched(tid, policy, param->sched_priority);
	return err ? fail(-err) : old_policy;
}

int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param)
{
	if (policy < 0)
		return fail(EINVAL);
	return set_sched(pid, policy, param);
}

int sched_setparam(pid_t pid, const struct sched_param *param)
{
	return set_sched(pid, -1, param) < 0 ? -1 : 0;
}

int sched_yield(void)
{
	thread_yield();
	return 0;
}

int sched_rr_get_interval(pid_t pid, struct timespec *interval)
{
	int policy, prio, err;

	if (pid < 0 || !interval)
		return fail(EINVAL);
	err = thread_get_sched(pid_to_tid(pid), &policy, &prio);
	if (err)
		return fail(-err);
	interval->tv_sec = CONFIG_RR_INTERVAL_MS / 1000;
	interval->tv_nsec = (long)(CONFIG_RR_INTERVAL_MS % 1000) * 1000000;
	return 0;
}
