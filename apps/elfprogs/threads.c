// SPDX-License-Identifier: BSD-2-Clause
/*
 * An EL0 test program for threads in a process and futexes
 * (docs/kernel-mode.md §3).  argv[1]:
 *   basic     four threads on MAP_STACK stacks, each with its own thread
 *             pointer, add to one counter under a futex mutex; their exit
 *             values come back through join; futex and thread errors
 *   wait      three threads block in futex_wait; prints "waiting" and
 *             waits too, so that ps and kill can be tried
 *   exit      exit() from the main thread while the others run and
 *             wait: the whole process ends (status 7)
 *   overflow  a thread recurses into the guard page under its stack:
 *             SIGSEGV for the process
 * Prints "<mode> ok" when all checks passed; "FAIL ..." and status 1
 * otherwise.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <vireo/vmspace.h>
#include "sys.h"

#define NTHREADS 4
#define ADDS 2000
#define STACK (16 * 1024L)
#define FOREVER (~0UL)

static long u_futex_wait(int *w, int val, unsigned long deadline)
{
	return svc6(SYS_futex_wait, (long)w, val, (long)deadline, 0, 0, 0);
}

static long u_futex_wake(int *w, int n)
{
	return svc3(SYS_futex_wake, (long)w, n, 0);
}

/* A three-state futex mutex: 0 free, 1 held, 2 held with waiters. */
static void lock(int *m)
{
	int c = 0;

	if (__atomic_compare_exchange_n(m, &c, 1, false, __ATOMIC_ACQUIRE,
					__ATOMIC_RELAXED))
		return;
	if (c != 2)
		c = __atomic_exchange_n(m, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		u_futex_wait(m, 2, FOREVER);
		c = __atomic_exchange_n(m, 2, __ATOMIC_ACQUIRE);
	}
}

static void unlock(int *m)
{
	if (__atomic_exchange_n(m, 0, __ATOMIC_RELEASE) == 2)
		u_futex_wake(m, 1);
}

static long new_stack(void)
{
	long s = svc6(SYS_mmap, 0, STACK, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

	return s < 0 ? s : s + STACK;
}

struct worker {
	long id;
	long tid;		/* as thread_create returned it */
	long self;		/* as the thread's gettid returned it */
	long tp_seen;		/* TPIDR_EL0 as the thread found it */
	long stack_top;
};

static int mutex, counter, gate;

static long thread_pointer(void)
{
	long tp;

	__asm__ volatile("mrs %0, tpidr_el0" : "=r"(tp));
	return tp;
}

/* The threads' entry: x0 = the argument, no return address. */
static __attribute__((noreturn)) void worker_main(struct worker *w)
{
	w->tp_seen = thread_pointer();
	w->self = svc3(SYS_gettid, 0, 0, 0);
	for (int i = 0; i < ADDS; i++) {
		lock(&mutex);
		int v = counter;
		if ((i & 63) == 0)
			svc3(SYS_sched_yield, 0, 0, 0);	/* contention */
		counter = v + 1;
		unlock(&mutex);
	}
	svc3(SYS_thread_exit, 100 + w->id, 0, 0);
	__builtin_unreachable();
}

static long spawn(void (*fn)(struct worker *), struct worker *w, long tls)
{
	w->stack_top = new_stack();
	if (w->stack_top < 0)
		return w->stack_top;
	return svc6(SYS_thread_create, (long)fn, (long)w, w->stack_top, tls,
		    0, 0);
}

static void basic(void)
{
	struct worker w[NTHREADS];
	long me = svc3(SYS_gettid, 0, 0, 0);
	int word = 5;

	for (long i = 0; i < NTHREADS; i++) {
		w[i] = (struct worker){ .id = i };
		w[i].tid = spawn(worker_main, &w[i], 0x1000 * (i + 1));
		u_expect(w[i].tid > 0 && w[i].tid != me, "thread_create", w[i].tid);
	}
	for (long i = 0; i < NTHREADS; i++) {
		unsigned long value = 0;
		long r;

		do	/* a signal ends a join early */
			r = svc3(SYS_thread_join, w[i].tid, (long)&value, 0);
		while (r == -EINTR);
		u_expect(r == 0, "thread_join", r);
		u_expect(value == (unsigned long)(100 + i), "exit value", (long)value);
		u_expect(w[i].tp_seen == 0x1000 * (i + 1), "thread pointer",
			 w[i].tp_seen);
		u_expect(w[i].self == w[i].tid, "gettid", w[i].self);
	}
	u_expect(counter == NTHREADS * ADDS, "counter", counter);

	/* The thread pointer is the program's: a kernel address there is
	 * neither used by the kernel (its TLS is its own) nor changed. */
	__asm__ volatile("msr tpidr_el0, %0" :: "r"(0x40000000L));
	u_expect(svc3(SYS_open, (long)"/no/such/file", 0, 0) == -ENOENT,
		 "open with a kernel thread pointer", 0);
	long s = new_stack();
	u_expect(s > 0 && svc3(SYS_munmap, s - STACK, STACK, 0) == 0,
		 "mmap and munmap with a kernel thread pointer", s);
	u_expect(thread_pointer() == 0x40000000L, "thread pointer kept",
		 thread_pointer());
	__asm__ volatile("msr tpidr_el0, xzr");

	/* Errors. */
	u_expect(u_futex_wait(&word, 4, FOREVER) == -EAGAIN, "wait: other value", 0);
	u_expect(u_futex_wait((int *)((char *)&word + 1), 5, FOREVER) == -EINVAL,
		 "wait: misaligned", 0);
	u_expect(u_futex_wait((int *)0x40000000, 0, FOREVER) == -EFAULT,
		 "wait: kernel address", 0);
	/* In the window, not mapped: the load under the scheduler lock
	 * faults and is fixed up. */
	u_expect(u_futex_wait((int *)USER_VA_BASE, 0, FOREVER) == -EFAULT,
		 "wait: unmapped address", 0);
	long t0 = u_now_ns();
	u_expect(u_futex_wait(&word, 5, (unsigned long)t0 + 20000000) == -ETIMEDOUT,
		 "wait: deadline", 0);
	u_expect(u_now_ns() - t0 >= 20000000, "waited 20 ms", u_now_ns() - t0);
	u_expect(u_futex_wake(&word, 10) == 0, "wake: nobody", 0);
	u_expect(u_futex_wake((int *)0x40000000, 1) == -EFAULT, "wake: kernel", 0);
	u_expect(svc6(SYS_thread_create, 0x40000000, 0, new_stack(), 0, 0, 0) == -EINVAL,
		 "create: kernel pc", 0);
	u_expect(svc6(SYS_thread_create, (long)worker_main, 0, new_stack() - 8, 0, 0, 0) ==
		 -EINVAL, "create: misaligned sp", 0);
	u_expect(svc3(SYS_thread_join, me, 0, 0) == -EDEADLK, "join: self", 0);
	u_expect(svc3(SYS_thread_join, 1, 0, 0) == -ESRCH, "join: another task's", 0);
	u_expect(svc3(SYS_thread_join, 99999, 0, 0) == -ESRCH, "join: no thread", 0);
	u_expect(svc3(SYS_thread_detach, 1, 0, 0) == -ESRCH, "detach: another's", 0);

	/* A detached thread ends by itself and cannot be joined. */
	struct worker d = { .id = 9 };
	long tid = spawn(worker_main, &d, 0);
	u_expect(svc3(SYS_thread_detach, tid, 0, 0) == 0, "detach", tid);
	long r = svc3(SYS_thread_join, tid, 0, 0);
	u_expect(r == -EINVAL || r == -ESRCH, "join: detached", r);
}

static __attribute__((noreturn)) void waiter_main(struct worker *w)
{
	__atomic_fetch_add(&gate, 1, __ATOMIC_RELAXED);
	u_futex_wake(&gate, 1);
	for (;;)
		u_futex_wait(&mutex, 0, FOREVER);
}

/* Three waiters, each announced through gate. */
static void start_waiters(struct worker *w)
{
	for (long i = 0; i < 3; i++) {
		w[i] = (struct worker){ .id = i };
		u_expect(spawn(waiter_main, &w[i], 0) > 0, "thread_create", 0);
	}
	for (int g; (g = __atomic_load_n(&gate, __ATOMIC_RELAXED)) < 3;)
		u_futex_wait(&gate, g, FOREVER);
}

static int overflow_depth(int n)
{
	volatile char pad[512];

	pad[0] = (char)n;
	if (n > 1000000)	/* 512 MB deep: never, the guard comes first */
		return 0;
	return overflow_depth(n + 1) + pad[0];
}

static __attribute__((noreturn)) void overflow_main(struct worker *w)
{
	overflow_depth(0);
	svc3(SYS_thread_exit, 0, 0, 0);
	__builtin_unreachable();
}

int main(int argc, char **argv)
{
	const char *m = argc >= 2 ? argv[1] : "";
	struct worker w[3];

	if (u_streq(m, "basic")) {
		basic();
	} else if (u_streq(m, "wait")) {
		start_waiters(w);
		u_puts("waiting\n");
		for (;;)
			u_futex_wait(&mutex, 0, FOREVER);
	} else if (u_streq(m, "exit")) {
		start_waiters(w);
		spawn(worker_main, &w[0], 0);	/* one running, too */
		u_puts("exiting\n");
		u_exit(7);
	} else if (u_streq(m, "overflow")) {
		u_puts("overflowing\n");
		spawn(overflow_main, &w[0], 0);
		for (;;)
			u_futex_wait(&mutex, 0, FOREVER);
	} else {
		return 2;
	}
	return u_verdict(m);
}
