// SPDX-License-Identifier: BSD-2-Clause
/*
 * POSIX signal calls (IEEE 1003.1-2017 2.4) over kernel/signal.c.  Each
 * call that may make a signal deliverable to the caller (unblocking,
 * sending to itself) runs the delivery before it returns, as POSIX
 * requires of kill() and sigprocmask().
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <generated/syscalls.h>
#include <vireo/clock.h>
#include <vireo/libc.h>
#include <vireo/signal.h>
#include <vireo/task.h>
#include <vireo/thread.h>
#include <vireo/wait.h>
#include <vireo/timespec.h>

int sigemptyset(sigset_t *set)
{
	*set = 0;
	return 0;
}

int sigfillset(sigset_t *set)
{
	*set = ~(sigset_t)0;
	return 0;
}

int sigaddset(sigset_t *set, int sig)
{
	if (sig <= 0 || sig >= NSIG)
		return libc_error(EINVAL);
	*set |= SIG_BIT(sig);
	return 0;
}

int sigdelset(sigset_t *set, int sig)
{
	if (sig <= 0 || sig >= NSIG)
		return libc_error(EINVAL);
	*set &= ~SIG_BIT(sig);
	return 0;
}

int sigismember(const sigset_t *set, int sig)
{
	if (sig <= 0 || sig >= NSIG)
		return libc_error(EINVAL);
	return (*set & SIG_BIT(sig)) != 0;
}

/* An EL0 program's handlers return through its start-up code's
 * restorer (libc/user/crt0.S; docs/kernel-mode.md, signals at EL0); the
 * flat build has none and needs none. */
extern void __sigrestorer(void) __attribute__((weak));

static long set_action(int sig, const struct sigaction *act,
		       struct sigaction *oact)
{
	struct sigaction k;

	if (sig == SIGCANCEL)
		return -EINVAL;	/* the library's (libc/user/thread.c) */
	if (act && !act->sa_restorer && __sigrestorer) {
		k = *act;
		k.sa_restorer = __sigrestorer;
		act = &k;
	}
	return sys_sigaction(sig, act, oact);
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *oact)
{
	int r = (int)set_action(sig, act, oact);

	return r ? libc_error(-r) : 0;
}

_sig_func_ptr signal(int sig, _sig_func_ptr handler)
{
	struct sigaction act = { 0 }, old;

	act.sa_handler = handler;
	act.sa_flags = SA_RESTART;	/* BSD semantics, as glibc */
	if (set_action(sig, &act, &old)) {
		errno = EINVAL;
		return SIG_ERR;
	}
	return old.sa_handler;
}

int pthread_sigmask(int how, const sigset_t *set, sigset_t *oset)
{
	sigset_t s;

	if (set && how != SIG_UNBLOCK && sigismember(set, SIGCANCEL) == 1) {
		s = *set;
		sigdelset(&s, SIGCANCEL);
		set = &s;
	}
	return -(int)sys_sigprocmask(how, set, oset);
}

int sigprocmask(int how, const sigset_t *set, sigset_t *oset)
{
	int r = pthread_sigmask(how, set, oset);

	return r ? libc_error(r) : 0;
}

int sigpending(sigset_t *set)
{
	return (int)sys_sigpending(set);
}

int kill(pid_t pid, int sig)
{
	int r = (int)sys_kill(pid, sig);

	return r ? libc_error(-r) : 0;
}

int sigqueue(pid_t pid, int sig, const union sigval value)
{
	int r = (int)sys_sigqueue(pid, sig, (uintptr_t)value.sival_ptr);

	return r ? libc_error(-r) : 0;
}

int pthread_kill(int thread, int sig)
{
	return -(int)sys_tkill(thread, sig);
}

int raise(int sig)
{
	int r = pthread_kill((int)sys_gettid(), sig);

	return r ? libc_error(r) : 0;
}

int sigtimedwait(const sigset_t *set, siginfo_t *info,
		 const struct timespec *timeout)
{
	siginfo_t tmp;
	uint64_t deadline = WAIT_FOREVER, ns;
	int r;

	if (timeout) {
		if (timespec_to_ns(timeout, &ns))
			return libc_error(EINVAL);
		deadline = add_sat_u64(clock_monotonic_ns(), ns);
	}
	/* EINTR only when a handler of a signal outside set ran. */
	for (;;) {
		r = (int)sys_sigtimedwait(*set, info ? info : &tmp, deadline);
		if (r == -ECANCELED)
			thread_testcancel();	/* returns if now disabled */
		else if (r != -EINTR || signal_deliver() != SIGNAL_NONE_RAN)
			break;
	}
	return r < 0 ? libc_error(-r) : r;
}

int sigwaitinfo(const sigset_t *set, siginfo_t *info)
{
	return sigtimedwait(set, info, NULL);
}

int sigwait(const sigset_t *set, int *sig)
{
	siginfo_t info;
	int r;

	/* sigwait() does not fail with EINTR: handlers run and it waits on. */
	do {
		r = (int)sys_sigtimedwait(*set, &info, WAIT_FOREVER);
		if (r == -ECANCELED)
			thread_testcancel();
		if (r == -EINTR)
			signal_deliver();
	} while (r == -EINTR || r == -ECANCELED);
	if (r < 0)
		return -r;
	*sig = r;
	return 0;
}

int sigsuspend(const sigset_t *mask)
{
	int r = (int)sys_sigsuspend(*mask);

	if (r == -ECANCELED)
		thread_testcancel();
	return libc_error(EINTR);
}

int pause(void)
{
	sigset_t cur;

	sys_sigprocmask(SIG_BLOCK, NULL, &cur);
	return sigsuspend(&cur);
}

unsigned int alarm(unsigned int seconds)
{
	return (unsigned int)sys_alarm(seconds);
}

int sigaltstack(const stack_t *ss, stack_t *oss)
{
	int r = (int)sys_sigaltstack(ss, oss);

	return r ? libc_error(-r) : 0;
}

int siginterrupt(int sig, int flag)
{
	struct sigaction act;

	if (sigaction(sig, NULL, &act))
		return -1;
	if (flag)
		act.sa_flags &= ~SA_RESTART;
	else
		act.sa_flags |= SA_RESTART;
	return sigaction(sig, &act, NULL);
}

static const char *const sig_names[NSIG] = {
	[SIGHUP] = "Hangup", [SIGINT] = "Interrupt", [SIGQUIT] = "Quit",
	[SIGILL] = "Illegal instruction", [SIGTRAP] = "Trace trap",
	[SIGABRT] = "Aborted", [SIGBUS] = "Bus error",
	[SIGFPE] = "Floating point exception", [SIGKILL] = "Killed",
	[SIGUSR1] = "User defined signal 1", [SIGSEGV] = "Segmentation fault",
	[SIGUSR2] = "User defined signal 2", [SIGPIPE] = "Broken pipe",
	[SIGALRM] = "Alarm clock", [SIGTERM] = "Terminated",
	[SIGCHLD] = "Child exited", [SIGCONT] = "Continued",
	[SIGSTOP] = "Stopped (signal)", [SIGTSTP] = "Stopped",
	[SIGURG] = "Urgent I/O condition", [SIGWINCH] = "Window changed",
	[SIGSYS] = "Bad system call",
};

/* The text of an unnamed signal goes to a per-thread buffer (the tasks
 * share one address space; POSIX only lets the next call overwrite it). */
char *strsignal(int sig)
{
	static __thread char buf[32];

	if (sig > 0 && sig < NSIG && sig_names[sig])
		return (char *)sig_names[sig];
	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		snprintf(buf, sizeof(buf), "Real-time signal %d", sig - SIGRTMIN);
		return buf;
	}
	snprintf(buf, sizeof(buf), "Unknown signal %d", sig);
	return buf;
}

void psignal(int sig, const char *s)
{
	if (s && *s)
		fprintf(stderr, "%s: %s\n", s, strsignal(sig));
	else
		fprintf(stderr, "%s\n", strsignal(sig));
}

/* ---- XSI: sighold, sigrelse, sigignore, sigset, sigpause ---- */

/* Blocks (how SIG_BLOCK) or unblocks (SIG_UNBLOCK) the one signal sig. */
static int mask_one(int how, int sig)
{
	sigset_t set;

	sigemptyset(&set);
	if (sigaddset(&set, sig))
		return -1;
	return sigprocmask(how, &set, NULL);
}

int sighold(int sig)
{
	return mask_one(SIG_BLOCK, sig);
}

int sigrelse(int sig)
{
	return mask_one(SIG_UNBLOCK, sig);
}

int sigignore(int sig)
{
	return signal(sig, SIG_IGN) == SIG_ERR ? -1 : 0;
}

/*
 * sigset(): as signal(), but SIG_HOLD adds sig to the mask (leaving the
 * action), and any other disposition removes it; returns SIG_HOLD when
 * sig was blocked before, else the previous action.
 */
_sig_func_ptr sigset(int sig, _sig_func_ptr disp)
{
	struct sigaction act = { .sa_handler = disp }, old;
	sigset_t mask;

	if (sigprocmask(SIG_BLOCK, NULL, &mask) || sigaction(sig, NULL, &old))
		return SIG_ERR;
	if (disp == SIG_HOLD) {
		if (sighold(sig))
			return SIG_ERR;
	} else {
		sigemptyset(&act.sa_mask);
		if (sigaction(sig, &act, NULL) || sigrelse(sig))
			return SIG_ERR;
	}
	return sigismember(&mask, sig) ? SIG_HOLD : old.sa_handler;
}

/* Waits for a signal with sig removed from the mask; always -1 EINTR. */
int sigpause(int sig)
{
	sigset_t mask;

	if (sigprocmask(SIG_BLOCK, NULL, &mask) || sigdelset(&mask, sig))
		return -1;
	return sigsuspend(&mask);
}

/* ---- setitimer/getitimer: ITIMER_REAL only ---- */

/*
 * ITIMER_REAL shares its timer with alarm() (POSIX allows it).  Vireo
 * has no user/system split of CPU time, so ITIMER_VIRTUAL and
 * ITIMER_PROF are not offered: EINVAL.
 */
int setitimer(int which, const struct itimerval *value, struct itimerval *ovalue)
{
	uint64_t v, i, ov, oi;
	int r;

	if (which != ITIMER_REAL || !value)
		return libc_error(EINVAL);
	if (timeval_to_ns(&value->it_value, &v) ||
	    timeval_to_ns(&value->it_interval, &i))
		return libc_error(EINVAL);
	r = (int)sys_itimer(v, i, &ov, &oi);
	if (r)
		return libc_error(-r);
	if (ovalue) {
		ovalue->it_value = ns_to_timeval(ov);
		ovalue->it_interval = ns_to_timeval(oi);
	}
	return 0;
}

int getitimer(int which, struct itimerval *value)
{
	uint64_t v, i;
	int r;

	if (which != ITIMER_REAL || !value)
		return libc_error(EINVAL);
	r = (int)sys_itimer(SIGNAL_ITIMER_KEEP, 0, &v, &i);
	if (r)
		return libc_error(-r);
	value->it_value = ns_to_timeval(v);
	value->it_interval = ns_to_timeval(i);
	return 0;
}
