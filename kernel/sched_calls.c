// SPDX-License-Identifier: BSD-2-Clause
/*
 * The scheduling services of kernel/syscalls.tbl: a thread's policy and
 * priority, its CPU affinity, yield and the CPU the caller runs on.  tid
 * 0 is the caller.  Reading is open to all; changing another task's
 * thread is the flat build's right only: a process (a task with an
 * address space) may change its own threads, never the kernel's or
 * another program's (EPERM), which isolation requires.
 */
#include <errno.h>
#include <vireo/cpu.h>
#include <vireo/task.h>
#include <vireo/thread.h>

/* tid (0: the caller) as a thread id the caller may change: 0 and *tid,
 * -ESRCH or -EPERM. */
static int may_change(int *tid)
{
	struct task *me = task_current();
	struct thread *t;
	irqflags_t f;
	int r = 0;

	if (*tid == 0)
		*tid = thread_self_tid();
	if (!task_vmspace(me))
		return 0;
	f = sched_lock_acquire();
	t = thread_lookup_locked(*tid);
	if (!t)
		r = -ESRCH;
	else if (t->task != me)
		r = -EPERM;
	sched_lock_release(f);
	return r;
}

long sched_get_call(int tid, int *policy, int *prio)
{
	return thread_get_sched(tid ? tid : thread_self_tid(), policy, prio);
}

long sched_set_call(int tid, int policy, int prio)
{
	int r = may_change(&tid);

	return r ? r : thread_set_sched(tid, policy, prio);
}

long affinity_get_call(int tid, uint32_t *mask)
{
	return thread_get_affinity(tid ? tid : thread_self_tid(), mask);
}

long affinity_set_call(int tid, uint32_t mask)
{
	int r = may_change(&tid);

	return r ? r : thread_set_affinity(tid, mask);
}

long sched_yield_call(void)
{
	thread_yield();
	return 0;
}

long sched_getcpu_call(void)
{
	return this_cpu()->id;
}
