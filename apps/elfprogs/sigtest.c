// SPDX-License-Identifier: BSD-2-Clause
/*
 * An EL0 test program for signals (docs/kernel-mode.md): handlers run at
 * EL0 on the program's stack and return through sigreturn.  argv[1]:
 *   basic     a handler runs and returns: SA_SIGINFO arguments, its mask,
 *             FP/SIMD registers kept, a handler without a restorer refused;
 *             and TPIDRRO_EL0 holds nothing of the kernel's
 *   mask      blocked until unblocked; SA_NODEFER, SA_RESETHAND; nested
 *   wait      blocks in read(): SIGUSR1 (SA_RESTART) restarts it, SIGUSR2
 *             ends it with EINTR; then sigsuspend() until SIGUSR1
 *   segv      a SIGSEGV handler skips the faulting load and goes on
 *   segvexit  a SIGSEGV handler exits 42
 *   segvloop  a SIGSEGV handler faults itself: the task ends (SIGSEGV)
 *   forge     sigreturn of a frame that would return to EL1: SIGSEGV
 *   badret    sigreturn of an unreadable frame: SIGSEGV
 *   badstack  a signal with the stack pointer on no memory: SIGSEGV
 *   spin      runs at EL0 without system calls until a SIGUSR1 (from the
 *             shell) has run its handler: delivery after an interrupt
 *   bench N   N signals sent to itself, each handled
 *   queue     sigqueue() with a value and tkill() to itself; sigtimedwait()
 *             takes a blocked one (its value, a timeout, EAGAIN, EFAULT)
 *   timers    alarm() and setitimer(): SIGALRM taken by sigtimedwait(),
 *             the time left, the interval repeating, disarming; a POSIX
 *             timer's SIGUSR2 with SI_TIMER and its value; its errors
 *   altstack  a SA_ONSTACK handler runs on the sigaltstack() stack, which
 *             cannot be changed from it (EPERM); bad stacks refused
 * Prints "<mode> ok" when all checks passed; "FAIL ..." and status 1
 * otherwise.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <sys/mman.h>
#include <asm/sigframe.h>
#include <vireo/vmspace.h>
#include "sys.h"

#define BIT(sig) (1UL << ((sig) - 1))

void u_sigrestorer(void);	/* crt0.S */

static long u_sigaction_full(int sig, void *handler, int flags, uint64_t mask,
			     void (*restorer)(void))
{
	struct sigaction sa = { 0 };

	sa.sa_handler = (void (*)(int))handler;
	sa.sa_mask = mask;
	sa.sa_flags = flags;
	sa.sa_restorer = restorer;
	return svc3(SYS_sigaction, sig, (long)&sa, 0);
}

static long u_sigaction(int sig, void *handler, int flags, uint64_t mask)
{
	return u_sigaction_full(sig, handler, flags, mask, u_sigrestorer);
}

static uint64_t u_mask(void)
{
	uint64_t cur = 0;

	svc3(SYS_sigprocmask, SIG_BLOCK, 0, (long)&cur);
	return cur;
}

static long u_raise(int sig)
{
	return svc3(SYS_kill, svc3(SYS_getpid, 0, 0, 0), sig, 0);
}

/* ---- basic ---- */
static volatile int got_sig, got_signo, got_code, got_pid, ctx_ok;
static volatile uint64_t got_mask;

static void on_info(int sig, siginfo_t *si, void *uc)
{
	struct sigcontext *ctx = uc;

	got_sig = sig;
	got_signo = si->si_signo;
	got_code = si->si_code;
	got_pid = si->si_pid;
	got_mask = u_mask();
	/* The interrupted context: the kill call (x8), at EL0, sp aligned. */
	ctx_ok = ctx->x[8] == SYS_kill && sigframe_pstate_ok(ctx->pstate) &&
		 ((uintptr_t)ctx & 15) == 0 && ctx->sp > (uintptr_t)ctx;
	__asm__ volatile("fmov d16, #-2.0" ::: "v16");	/* not the caller's */
}

static void basic(void)
{
	long pid = svc3(SYS_getpid, 0, 0, 0);
	unsigned long after;

	u_expect(u_sigaction_full(SIGUSR1, on_info, SA_SIGINFO, BIT(SIGUSR2), 0) ==
	       -EINVAL, "a handler without a restorer: EINVAL", 0);
	u_expect(u_sigaction(SIGUSR1, on_info, SA_SIGINFO, BIT(SIGUSR2)) == 0,
	       "sigaction", 0);
	/* The handler runs on the way back from kill, between the two
	 * moves of d16 (1.5), and sets d16 itself.  The value goes to a
	 * general register at once: a system call may use v0-v7 and
	 * v16-v31, which a call may clobber (AAPCS64), as the kernel's
	 * memset does. */
	__asm__ volatile("fmov d16, #1.5\n\t"
			 "mov x8, %1\n\tmov x0, %2\n\tmov x1, %3\n\tsvc #0\n\t"
			 "fmov %0, d16"
			 : "=r"(after)
			 : "r"((long)SYS_kill), "r"(pid), "r"((long)SIGUSR1)
			 : "x0", "x1", "x8", "v16", "memory");
	u_expect(got_sig == SIGUSR1, "handler's signal", got_sig);
	u_expect(got_signo == SIGUSR1, "si_signo", got_signo);
	u_expect(got_code == SI_USER, "si_code", got_code);
	u_expect(got_pid == pid, "si_pid", got_pid);
	u_expect(ctx_ok, "the context", 0);
	u_expect(got_mask == (BIT(SIGUSR1) | BIT(SIGUSR2)),
	       "mask in the handler", (long)got_mask);
	u_expect(u_mask() == 0, "mask after it", (long)u_mask());
	u_expect(after == 0x3ff8000000000000UL, "d16 kept (1.5)", (long)after);
	/* The kernel's EL1 entry used it as scratch for its x0. */
	__asm__ volatile("mrs %0, tpidrro_el0" : "=r"(after));
	u_expect(after == 0, "TPIDRRO_EL0 is 0", (long)after);
}

/* ---- mask ---- */
static volatile int count1, count2, depth, max_depth;
static volatile char order[16];
static volatile int norder;

static void on_count(int sig)
{
	order[norder++ & 15] = sig == SIGUSR1 ? 'a' : 'b';
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (sig == SIGUSR1 && count1++ == 0)
		u_raise(SIGUSR2);	/* nested: USR2 is not blocked */
	else if (sig == SIGUSR2)
		count2++;
	depth--;
	order[norder++ & 15] = sig == SIGUSR1 ? 'A' : 'B';
}

static volatile int nodefer_runs;

static void on_nodefer(int sig)
{
	if (nodefer_runs++ == 0)
		u_raise(sig);	/* runs at once, nested */
}

static void mask(void)
{
	uint64_t set = BIT(SIGUSR1), pend = 0;
	struct sigaction old = { 0 };

	u_sigaction(SIGUSR1, on_count, 0, 0);
	u_sigaction(SIGUSR2, on_count, 0, 0);
	svc3(SYS_sigprocmask, SIG_BLOCK, (long)&set, 0);
	u_raise(SIGUSR1);
	u_expect(count1 == 0, "blocked: not run", count1);
	svc3(SYS_sigpending, (long)&pend, 0, 0);
	u_expect(pend == BIT(SIGUSR1), "sigpending", (long)pend);
	norder = 0;
	svc3(SYS_sigprocmask, SIG_UNBLOCK, (long)&set, 0);
	/* Unblocked: it ran on the way back from sigprocmask, and its
	 * handler's raise of USR2 ran nested inside it. */
	u_expect(count1 == 1 && count2 == 1, "run when unblocked", count1 * 10 + count2);
	u_expect(max_depth == 2, "nested depth", max_depth);
	u_expect(norder == 4 && order[0] == 'a' && order[1] == 'b' &&
	       order[2] == 'B' && order[3] == 'A', "nesting order", norder);

	u_sigaction(SIGUSR2, on_nodefer, SA_NODEFER, 0);
	u_raise(SIGUSR2);
	u_expect(nodefer_runs == 2, "SA_NODEFER", nodefer_runs);

	u_sigaction(SIGUSR2, on_count, SA_RESETHAND, 0);
	count2 = 0;
	u_raise(SIGUSR2);
	svc3(SYS_sigaction, SIGUSR2, 0, (long)&old);
	u_expect(count2 == 1 && old.sa_handler == SIG_DFL, "SA_RESETHAND", count2);
}

/* ---- wait ---- */
static volatile int n_usr1, n_usr2;

static void on_wait(int sig)
{
	if (sig == SIGUSR1) {
		n_usr1++;
		u_puts("handler usr1\n");
	} else {
		n_usr2++;
		u_puts("handler usr2\n");
	}
}

static void wait(void)
{
	int fds[2];
	uint64_t set = BIT(SIGUSR1);
	char c;
	long r;

	svc3(SYS_pipe2, (long)fds, 0, 0);
	u_sigaction(SIGUSR1, on_wait, SA_RESTART, 0);
	u_sigaction(SIGUSR2, on_wait, 0, 0);
	u_puts("waiting\n");
	r = svc3(SYS_read, fds[0], (long)&c, 1);	/* nobody writes */
	u_putnum("read", r);
	u_expect(r == -EINTR && n_usr1 >= 1 && n_usr2 == 1, "EINTR after a restart",
	       n_usr1);
	svc3(SYS_sigprocmask, SIG_BLOCK, (long)&set, 0);
	u_puts("suspending\n");
	r = svc3(SYS_sigsuspend, 0, 0, 0);
	u_putnum("sigsuspend", r);
	u_expect(r == -EINTR && n_usr1 >= 2, "sigsuspend ran the handler", n_usr1);
	u_expect(u_mask() == BIT(SIGUSR1), "sigsuspend's mask restored",
	       (long)u_mask());
}

/* ---- faults ---- */
static volatile uintptr_t fault_addr;

/* Skips the faulting load (4 bytes) with x0 = 77 as its result. */
static void on_segv_skip(int sig, siginfo_t *si, void *uc)
{
	struct sigcontext *ctx = uc;

	fault_addr = (uintptr_t)si->si_addr;
	ctx->x[0] = 77;
	ctx->pc += 4;
}

static void on_segv_exit(int sig)
{
	u_puts("segv handler: exit 42\n");
	u_exit(42);
}

/* A store to page 0, which nothing maps. */
static void store_null(void)
{
	volatile uintptr_t where = 8;

	*(volatile long *)where = 1;
}

static void on_segv_again(int sig)
{
	u_puts("segv handler: faulting again\n");
	store_null();
}

static long load_from(uintptr_t addr)
{
	register long x0 __asm__("x0") = (long)addr;

	__asm__ volatile("ldr x0, [x0]" : "+r"(x0) : : "memory");
	return x0;
}

static void segv(void)
{
	long v;

	u_sigaction(SIGSEGV, on_segv_skip, SA_SIGINFO, 0);
	v = load_from(0x40000000UL);	/* kernel RAM: EL1 only */
	u_expect(v == 77, "the handler's x0", v);
	u_expect(fault_addr == 0x40000000UL, "si_addr", (long)fault_addr);
	v = load_from(16);
	u_expect(v == 77 && fault_addr == 16, "a second fault", (long)fault_addr);
}

/* ---- bad frames ---- */
static void forge(void)
{
	static struct sigcontext ctx;	/* zeroed without a memset() */

	ctx.pc = 0x40080000UL;	/* the kernel's text */
	ctx.pstate = 0x3c5;	/* EL1h, DAIF masked */
	u_puts("sigreturn to EL1\n");
	svc3(SYS_sigreturn, (long)&ctx, 0, 0);
	u_puts("FAIL still here\n");
}

static void on_nothing(int sig)
{
}

static void badstack(void)
{
	u_sigaction(SIGUSR1, on_nothing, 0, 0);
	u_puts("raising on a bad stack\n");
	/* sp on the unmapped page just above the user window's base. */
	__asm__ volatile("mov x9, sp\n\tmov x10, %0\n\tmov sp, x10\n\t"
			 "mov x8, %1\n\tmov x0, %2\n\tmov x1, %3\n\tsvc #0\n\t"
			 "mov sp, x9"
			 : : "r"(0x80000001000UL), "r"((long)SYS_kill),
			   "r"(svc3(SYS_getpid, 0, 0, 0)), "r"((long)SIGUSR1)
			 : "x0", "x1", "x8", "x9", "x10", "memory");
	u_puts("FAIL still here\n");
}

static volatile int spun;

static void on_spin(int sig)
{
	spun = 1;
}

static void spin(void)
{
	u_sigaction(SIGUSR1, on_spin, 0, 0);
	u_puts("spinning\n");
	while (!spun)
		;
}

static volatile long bench_count;

static void on_bench(int sig)
{
	bench_count++;
}

static void bench(long n)
{
	u_sigaction(SIGUSR1, on_bench, 0, 0);
	for (long i = 0; i < n; i++)
		u_raise(SIGUSR1);
	u_expect(bench_count == n, "handled", bench_count);
}

/* ---- queue, timers, altstack ---- */
static volatile long queued_value, queued_code, queued_pid;

static void on_queued(int sig, siginfo_t *si, void *uc)
{
	queued_value = (long)si->si_value.sival_ptr;
	queued_code = si->si_code;
	queued_pid = si->si_pid;
}

/* sigtimedwait() for set, until deadline (0: forever). */
static long take(uint64_t set, siginfo_t *si, long deadline)
{
	return svc3(SYS_sigtimedwait, (long)set, (long)si,
		    deadline ? deadline : -1L);
}

static void queue(void)
{
	long pid = svc3(SYS_getpid, 0, 0, 0), tid = svc3(SYS_gettid, 0, 0, 0);
	siginfo_t si;

	u_sigaction(SIGUSR1, on_queued, SA_SIGINFO, 0);
	u_expect(svc3(SYS_sigqueue, pid, SIGUSR1, 1234) == 0, "sigqueue", 0);
	u_expect(queued_value == 1234 && queued_code == SI_QUEUE &&
		 queued_pid == pid, "the handler's si_value", queued_value);
	queued_code = 0;
	u_expect(svc3(SYS_tkill, tid, SIGUSR1, 0) == 0, "tkill itself", 0);
	u_expect(queued_code == SI_USER, "tkill: SI_USER", queued_code);
	u_expect(svc3(SYS_tkill, 1, SIGUSR1, 0) == -ESRCH, "tkill: another task's", 0);
	u_expect(svc3(SYS_sigqueue, pid, 99, 0) == -EINVAL, "sigqueue: bad signal", 0);

	/* Blocked: sigtimedwait takes it, with its value. */
	svc3(SYS_sigprocmask, SIG_BLOCK, (long)&(uint64_t){ BIT(SIGUSR2) }, 0);
	svc3(SYS_sigqueue, pid, SIGUSR2, 2);
	u_expect(take(BIT(SIGUSR2), &si, 0) == SIGUSR2 &&
		 (long)si.si_value.sival_ptr == 2, "sigtimedwait: SIGUSR2", 0);
	long t0 = u_now_ns();
	u_expect(take(BIT(SIGUSR2), &si, t0 + 20000000) == -EAGAIN,
		 "sigtimedwait: timeout", 0);
	u_expect(u_now_ns() - t0 >= 20000000, "waited 20 ms", u_now_ns() - t0);
	u_expect(take(BIT(SIGUSR2), (siginfo_t *)0x40000000, t0) == -EFAULT,
		 "sigtimedwait: kernel address", 0);
}

/* A SIGEV_THREAD function: the kernel never calls it. */
static void never_called(union sigval v)
{
}

static void timers(void)
{
	uint64_t old_v = 1, old_i = 1, alrm = BIT(SIGALRM);
	siginfo_t si;
	long t0 = u_now_ns();

	svc3(SYS_sigprocmask, SIG_BLOCK, (long)&alrm, 0);
	u_expect(svc3(SYS_alarm, 1, 0, 0) == 0, "alarm: none before", 0);
	u_expect(svc3(SYS_alarm, 1, 0, 0) == 1, "alarm: 1 s left", 0);
	u_expect(take(alrm, &si, t0 + 3000000000L) == SIGALRM, "alarm fired", 0);
	u_expect(u_now_ns() - t0 >= 900000000L, "after 1 s", u_now_ns() - t0);
	/* Every 20 ms, three times; then off. */
	svc6(SYS_itimer, 20000000, 20000000, (long)&old_v, (long)&old_i, 0, 0);
	u_expect(old_v == 0 && old_i == 0, "itimer: none before", (long)old_v);
	t0 = u_now_ns();
	for (int i = 0; i < 3; i++)
		u_expect(take(alrm, &si, t0 + 2000000000L) == SIGALRM, "itimer fired", i);
	u_expect(u_now_ns() - t0 >= 60000000L, "three periods", u_now_ns() - t0);
	svc6(SYS_itimer, (long)-1L, 0, (long)&old_v, (long)&old_i, 0, 0);
	u_expect(old_i == 20000000 && old_v <= 20000000, "itimer: read", (long)old_v);
	svc6(SYS_itimer, 0, 0, 0, 0, 0, 0);
	svc6(SYS_itimer, (long)-1L, 0, (long)&old_v, 0, 0, 0);
	u_expect(old_v == 0, "itimer: off", (long)old_v);
	u_expect(take(alrm, &si, u_now_ns() + 50000000) == -EAGAIN, "no more SIGALRM", 0);

	/* A POSIX timer: SIGUSR2 with its value every 10 ms. */
	uint64_t usr2 = BIT(SIGUSR2), v = 0, iv = 0;
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2,
			       .sigev_value.sival_int = 77 };
	timer_t id = 0;

	svc3(SYS_sigprocmask, SIG_BLOCK, (long)&usr2, 0);
	u_expect(svc3(SYS_timer_create, CLOCK_MONOTONIC, (long)&ev, (long)&id) == 0,
		 "timer_create", 0);
	u_expect(svc6(SYS_timer_settime, (long)id, 0, 10000000, 10000000, 0, 0) == 0,
		 "timer_settime", 0);
	t0 = u_now_ns();
	for (int i = 0; i < 2; i++) {
		u_expect(take(usr2, &si, t0 + 2000000000L) == SIGUSR2, "timer fired", i);
		u_expect(si.si_code == SI_TIMER && si.si_value.sival_int == 77,
			 "SI_TIMER and the value", si.si_code);
	}
	u_expect(svc3(SYS_timer_gettime, (long)id, (long)&v, (long)&iv) == 0 &&
		 iv == 10000000 && v <= 10000000, "timer_gettime", (long)v);
	u_expect(svc3(SYS_timer_getoverrun, (long)id, 0, 0) >= 0, "timer_getoverrun", 0);
	u_expect(svc3(SYS_timer_wait, (long)id, 0, 0) == -EINVAL,
		 "timer_wait of a SIGEV_SIGNAL timer", 0);
	u_expect(svc3(SYS_timer_delete, (long)id, 0, 0) == 0, "timer_delete", 0);
	u_expect(svc3(SYS_timer_delete, (long)id, 0, 0) == -EINVAL, "deleted", 0);
	u_expect(svc6(SYS_timer_settime, (long)id, 0, 1, 0, 0, 0) == -EINVAL,
		 "settime of a deleted timer", 0);
	/* SIGEV_THREAD: the kernel counts the expirations; the thread the C
	 * library starts takes them with timer_wait and calls the function
	 * (the kernel never does). */
	ev.sigev_notify = SIGEV_THREAD;
	ev.sigev_notify_function = never_called;
	u_expect(svc3(SYS_timer_create, CLOCK_MONOTONIC, (long)&ev, (long)&id) ==
		 0, "SIGEV_THREAD timer", 0);
	u_expect(svc6(SYS_timer_settime, (long)id, 0, 10000000, 0, 0, 0) == 0,
		 "its timer_settime", 0);
	u_expect(svc3(SYS_timer_wait, (long)id, 0, 0) == 0,
		 "timer_wait takes the expiration", 0);
	u_expect(svc3(SYS_timer_delete, (long)id, 0, 0) == 0, "its timer_delete", 0);
	u_expect(svc3(SYS_timer_wait, (long)id, 0, 0) == -EINVAL,
		 "timer_wait of a deleted timer", 0);
	u_expect(svc3(SYS_timer_create, CLOCK_MONOTONIC, 0x40000000, (long)&id) ==
		 -EFAULT, "a kernel sigevent", 0);
}

static volatile uintptr_t handler_sp;
static volatile long handler_ss_flags, handler_change;

static void on_alt(int sig)
{
	stack_t ss = { 0 };

	handler_sp = (uintptr_t)__builtin_frame_address(0);
	svc3(SYS_sigaltstack, 0, (long)&ss, 0);
	handler_ss_flags = ss.ss_flags;
	ss.ss_flags = SS_DISABLE;
	handler_change = svc3(SYS_sigaltstack, (long)&ss, 0, 0);
}

static void altstack(void)
{
	long base = svc6(SYS_mmap, 0, 16384, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	stack_t ss = { .ss_sp = (void *)base, .ss_size = 16384 }, old;

	u_expect(base > 0, "mmap", base);
	u_expect(svc3(SYS_sigaltstack, (long)&ss, (long)&old, 0) == 0, "sigaltstack", 0);
	u_expect(old.ss_flags == SS_DISABLE, "none before", old.ss_flags);
	u_sigaction(SIGUSR1, on_alt, SA_ONSTACK, 0);
	u_raise(SIGUSR1);
	u_expect(handler_sp >= (uintptr_t)base && handler_sp < (uintptr_t)base + 16384,
		 "the handler ran on the alternate stack", (long)handler_sp);
	u_expect(handler_ss_flags == SS_ONSTACK, "SS_ONSTACK in the handler",
		 handler_ss_flags);
	u_expect(handler_change == -EPERM, "no change while on it", handler_change);
	/* Without SA_ONSTACK: the ordinary stack. */
	u_sigaction(SIGUSR1, on_alt, 0, 0);
	u_raise(SIGUSR1);
	u_expect(handler_sp > USER_STACK_TOP - USER_STACK_SIZE, "the ordinary stack",
		 (long)handler_sp);
	stack_t small = { .ss_sp = (void *)base, .ss_size = 512 };
	u_expect(svc3(SYS_sigaltstack, (long)&small, 0, 0) == -ENOMEM, "too small", 0);
	stack_t kernel = { .ss_sp = (void *)0x40000000, .ss_size = 16384 };
	u_expect(svc3(SYS_sigaltstack, (long)&kernel, 0, 0) == -EINVAL,
		 "a kernel address", 0);
	u_expect(svc3(SYS_sigaltstack, 0x40000000, 0, 0) == -EFAULT,
		 "a kernel stack_t", 0);
}

/* The modes that are one function and end with the verdict. */
static const struct {
	const char *name;
	void (*run)(void);
} modes[] = {
	{ "basic", basic }, { "mask", mask }, { "wait", wait },
	{ "segv", segv }, { "forge", forge }, { "badstack", badstack },
	{ "spin", spin }, { "queue", queue }, { "timers", timers },
	{ "altstack", altstack },
};

int main(int argc, char **argv)
{
	const char *m = argc >= 2 ? argv[1] : "";

	for (unsigned int i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (u_streq(m, modes[i].name)) {
			modes[i].run();
			return u_verdict(m);
		}
	}
	if (u_streq(m, "segvexit") || u_streq(m, "segvloop")) {
		u_sigaction(SIGSEGV, m[4] == 'e' ? on_segv_exit : on_segv_again,
			    0, 0);
		store_null();
		u_puts("FAIL still here\n");
		return 1;
	} else if (u_streq(m, "badret")) {
		u_puts("sigreturn of a bad pointer\n");
		svc3(SYS_sigreturn, 0x10, 0, 0);
		u_puts("FAIL still here\n");
	} else if (u_streq(m, "bench")) {
		bench(argc >= 3 ? u_atol(argv[2]) : 0);
	} else {
		return 2;
	}
	return u_verdict(m);
}
