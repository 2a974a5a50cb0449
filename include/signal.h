/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * POSIX signals for Vireo applications (IEEE 1003.1-2017 <signal.h>),
 * replacing picolibc's.  Types and numbers are in <sys/signal.h>; the
 * calls are implemented in libc/signal.c on top of kernel/signal.c.
 */
#ifndef _SIGNAL_H_
#define _SIGNAL_H_
#pragma once

#include <sys/signal.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int sig_atomic_t;
typedef _sig_func_ptr sighandler_t;
typedef _sig_func_ptr sig_t;

#define SIG_DFL ((_sig_func_ptr)0)
#define SIG_IGN ((_sig_func_ptr)1)
#define SIG_ERR ((_sig_func_ptr)-1)
#define SIG_HOLD ((_sig_func_ptr)2)

_sig_func_ptr signal(int sig, _sig_func_ptr handler);
int raise(int sig);
void psignal(int sig, const char *s);
int kill(pid_t pid, int sig);
int sigaction(int sig, const struct sigaction *__restrict act,
	      struct sigaction *__restrict oact);
int sigprocmask(int how, const sigset_t *__restrict set,
		sigset_t *__restrict oset);
int pthread_sigmask(int how, const sigset_t *__restrict set,
		    sigset_t *__restrict oset);
/* pthread_t is an int (the thread id, <pthread.h>). */
int pthread_kill(int thread, int sig);
int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int sigdelset(sigset_t *set, int sig);
int sigismember(const sigset_t *set, int sig);
int sigpending(sigset_t *set);
int sigsuspend(const sigset_t *mask);
int sigwait(const sigset_t *__restrict set, int *__restrict sig);
int sigwaitinfo(const sigset_t *__restrict set, siginfo_t *__restrict info);
int sigtimedwait(const sigset_t *__restrict set, siginfo_t *__restrict info,
		 const struct timespec *__restrict timeout);
int sigqueue(pid_t pid, int sig, const union sigval value);
int sigaltstack(const stack_t *__restrict ss, stack_t *__restrict oss);
int siginterrupt(int sig, int flag);
/* XSI signal calls (libc/signal.c). */
int sighold(int sig);
int sigrelse(int sig);
int sigignore(int sig);
_sig_func_ptr sigset(int sig, _sig_func_ptr disp);
int sigpause(int sig);
char *strsignal(int sig);

#ifdef __cplusplus
}
#endif
#endif /* _SIGNAL_H_ */
