// SPDX-License-Identifier: BSD-2-Clause
/*
 * The signal system calls of kernel/syscalls.tbl that are more than one
 * kernel function: each ends at a delivery point, as POSIX requires of
 * kill() and sigprocmask() (a signal they make deliverable to the
 * caller is taken before they return).  In the flat build the handlers
 * run there; for an EL0 caller the return to EL0 runs them.
 */
#include <errno.h>
#include <signal.h>
#include <vireo/signal.h>
#include <vireo/task.h>
#include <vireo/thread.h>

/* sig from the caller to task pid, as code says (SI_USER, SI_QUEUE). */
static int send_to_pid(pid_t pid, int sig, int code, uintptr_t value)
{
	siginfo_t info = { .si_signo = sig, .si_code = code,
			   .si_pid = task_getpid(),
			   .si_value.sival_ptr = (void *)value };
	int r = signal_send_pid(pid, &info);

	if (!r)
		signal_deliver();	/* one sent to ourselves */
	return r;
}

int signal_kill(pid_t pid, int sig)
{
	return send_to_pid(pid, sig, SI_USER, 0);
}

int signal_queue_call(pid_t pid, int sig, uintptr_t value)
{
	return send_to_pid(pid, sig, SI_QUEUE, value);
}

int signal_tkill_call(int tid, int sig)
{
	siginfo_t info = { .si_signo = sig, .si_code = SI_USER,
			   .si_pid = task_getpid() };
	int r = signal_send_tid(tid, &info);

	if (!r && tid == thread_self_tid())
		signal_deliver();
	return r;
}

int signal_procmask(int how, const sigset_t *set, sigset_t *old)
{
	int r = signal_mask(how, set, old);

	if (!r)
		signal_deliver();	/* one just unblocked */
	return r;
}

int signal_pending_get(sigset_t *set)
{
	*set = signal_pending_set();
	return 0;
}
