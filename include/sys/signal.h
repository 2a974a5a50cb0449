/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * POSIX signal types and constants for Vireo applications (IEEE
 * 1003.1-2017 <signal.h>).  Replaces picolibc's <sys/signal.h>, whose
 * types lack SA_SIGINFO, real-time signals and sigev_notify_function for
 * this target; picolibc headers that include <sys/signal.h> (<time.h>,
 * <sys/select.h>, <spawn.h>) get these definitions.  Numbers follow
 * Linux, which is what users expect.  The function declarations are in
 * <signal.h>.
 */
#ifndef _SYS_SIGNAL_H
#define _SYS_SIGNAL_H
#pragma once

#include <sys/cdefs.h>
#include <sys/features.h>
#include <sys/types.h>
#include <sys/_sigset.h>
#include <sys/_timespec.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bit (sig - 1) of a 64-bit set stands for signal sig. */
#if !defined(_SIGSET_T_DECLARED)
#define _SIGSET_T_DECLARED
typedef __sigset_t sigset_t;
#endif

#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGIOT		SIGABRT
#define SIGBUS		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGUSR1		10
#define SIGSEGV		11
#define SIGUSR2		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGSTKFLT	16
#define SIGCHLD		17
#define SIGCONT		18
#define SIGSTOP		19
#define SIGTSTP		20
#define SIGTTIN		21
#define SIGTTOU		22
#define SIGURG		23
#define SIGXCPU		24
#define SIGXFSZ		25
#define SIGVTALRM	26
#define SIGPROF		27
#define SIGWINCH	28
#define SIGPOLL		29
#define SIGIO		SIGPOLL
#define SIGPWR		30
#define SIGSYS		31
/* Real-time signals: queued with values, delivered lowest first. */
#define SIGRTMIN	34
#define SIGRTMAX	64
#define NSIG		65
#define _NSIG		NSIG

union sigval {
	int sival_int;
	void *sival_ptr;
};

#define SIGEV_NONE	1	/* no notification */
#define SIGEV_SIGNAL	2	/* queue sigev_signo with sigev_value */
#define SIGEV_THREAD	3	/* call sigev_notify_function in a thread */

struct __pthread_attr_s;

struct sigevent {
	int sigev_notify;
	int sigev_signo;
	union sigval sigev_value;
	void (*sigev_notify_function)(union sigval);
	/* pthread_attr_t * (declared in <pthread.h>); NULL for defaults. */
	void *sigev_notify_attributes;
};

/* si_code values */
#define SI_USER		1	/* kill(), raise(), pthread_kill() */
#define SI_QUEUE	2	/* sigqueue() */
#define SI_TIMER	3	/* a POSIX timer expired */
#define SI_ASYNCIO	4	/* asynchronous I/O completed */
#define SI_MESGQ	5	/* a message arrived on an empty queue */
#define SI_KERNEL	6	/* sent by the kernel (SIGCHLD, SIGALRM...) */
#define CLD_EXITED	7	/* SIGCHLD: child exited */
#define CLD_KILLED	8	/* SIGCHLD: child killed by a signal */

typedef struct {
	int si_signo;
	int si_code;
	int si_errno;
	pid_t si_pid;		/* sender's pid */
	uid_t si_uid;		/* always 0 */
	void *si_addr;
	int si_status;		/* SIGCHLD: exit status or signal */
	union sigval si_value;
} siginfo_t;

typedef void (*_sig_func_ptr)(int);

struct sigaction {
	union {
		void (*_handler)(int);
		void (*_sigaction)(int, siginfo_t *, void *);
	} _u;
	sigset_t sa_mask;
	int sa_flags;
	/* An EL0 program's return from a handler: the user library's
	 * trampoline that calls sigreturn (the kernel places no code on
	 * the non-executable stack).  Unused in the flat build. */
	void (*sa_restorer)(void);
};
#define sa_handler	_u._handler
#define sa_sigaction	_u._sigaction

#define SA_NOCLDSTOP	0x0001
#define SA_SIGINFO	0x0002
#define SA_ONSTACK	0x0004	/* on the sigaltstack() stack */
#define SA_RESTART	0x0008
#define SA_NODEFER	0x0010
#define SA_RESETHAND	0x0020
#define SA_NOCLDWAIT	0x0040

#define SIG_BLOCK	1
#define SIG_UNBLOCK	2
#define SIG_SETMASK	3

/* Handlers share the stack with interrupt frames in the flat build. */
#define MINSIGSTKSZ	8192
#define SIGSTKSZ	16384
#define SS_ONSTACK	0x1
#define SS_DISABLE	0x2

typedef struct sigaltstack {
	void *ss_sp;
	int ss_flags;
	size_t ss_size;
} stack_t;

#ifdef __cplusplus
}
#endif
#endif /* _SYS_SIGNAL_H */
