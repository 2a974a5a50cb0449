// SPDX-License-Identifier: BSD-2-Clause
/*
 * Threads of a process (kernel/syscalls.tbl, docs/kernel-mode.md §3): a
 * new thread of the calling task that enters EL0 at an address the
 * program gives, on a stack it mapped (mmap with MAP_STACK: a guard page
 * below), with its thread pointer.  It shares the task's address space,
 * descriptors and signal dispositions, inherits the caller's signal mask,
 * priority and affinity, and ends with thread_exit (its value for the
 * joiner) or with the task.  Joining and detaching are the kernel's
 * thread calls, which already keep to the caller's task.
 */
#include <errno.h>
#include <stdint.h>
#include <vireo/syscall.h>
#include <vireo/task.h>
#include <vireo/thread.h>
#include <vireo/uaccess.h>
#include <vireo/vmspace.h>

/* What the new thread enters EL0 with, written by its creator just
 * below its initial stack pointer (free memory under the AAPCS64): the
 * thread's argument is then that pointer alone, and nothing is
 * allocated that a thread killed before it ever ran would leak. */
struct uthread_start {
	uintptr_t pc, arg, tls, pad;
};

static void *uthread_main(void *p)
{
	uintptr_t sp = (uintptr_t)p;
	struct uthread_start s;

	/* Its own stack: only the program can have spoilt it (-EFAULT
	 * after a munmap: the thread ends, the process goes on). */
	if (copy_from_user(&s, (uaddr_t){ sp - sizeof(s) }, sizeof(s)))
		thread_exit_value((void *)(uintptr_t)-EFAULT);
	arch_enter_user(s.pc, sp, s.arg, 0, s.tls);
}

long uthread_create_call(uintptr_t pc, uintptr_t arg, uintptr_t sp,
			 uintptr_t tls)
{
	struct task *me = task_current();
	struct thread_attr attr = { .name = thread_current()->name,
				    .el0 = true };
	struct uthread_start s = { pc, arg, tls, 0 };

	if (!task_vmspace(me))
		return -ENOSYS;
	/* What EL0 would fault on at once (pc) or on its first push (sp)
	 * is refused here, with an error the caller can report. */
	if (!user_window_has(pc, 4) || (pc & 3) ||
	    !user_window_has(sp - sizeof(s), sizeof(s)) || (sp & 15))
		return -EINVAL;
	if (copy_to_user((uaddr_t){ sp - sizeof(s) }, &s, sizeof(s)))
		return -EFAULT;
	return thread_spawn(&attr, uthread_main, (void *)sp);
}

long uthread_exit_call(uintptr_t value)
{
	thread_exit_value((void *)value);
}

long uthread_join_call(int tid, uintptr_t *value)
{
	void *v;
	int r = thread_join(tid, &v);

	if (!r && value)
		*value = (uintptr_t)v;
	return r;
}
