/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ostest's framework: the case table, the assertions and the helpers every
 * area file shares.  A case is a void function that checks behaviour with
 * OT_EXPECT*(); a failed check records "file:line: what (values)" and the
 * case goes on, so that it still undoes what it set up (threads joined,
 * queues unlinked, dispositions restored) and the next case, or the next
 * repetition, starts from a clean system.  OT_ASSERT*() return from the
 * case instead, for checks without which the rest makes no sense.
 *
 * Each case runs in a fresh thread at OT_PRIO (SCHED_FIFO) with every
 * signal unblocked; the runner waits at OT_PRIO_RUNNER with all signals
 * blocked, so a signal sent to the process lands on the case.
 *
 * On SMP the case thread of every area but smp is pinned to one CPU, and
 * the threads it creates inherit that affinity: the cases are written
 * with one-CPU ordering in mind ("the woken higher-priority thread ran
 * before sem_post returned"), which only holds when nothing runs in
 * parallel.  The CPU rotates with each case and each round, so over
 * ncpus rounds every case runs on every CPU.  The smp area's cases run
 * unpinned and place their threads themselves: they are the cross-CPU
 * versions of what pinning takes away.
 *
 * After each case the runner checks it left nothing behind that would
 * disturb the next one (a live thread, a pending process signal, a
 * changed signal action), reports it as a failure of that case and
 * undoes it.
 */
#pragma once

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#define OT_PRIO 100		/* the case thread */
#define OT_PRIO_RUNNER 200	/* the runner, above every case thread */
#define OT_STACK 16384		/* the case thread's stack */
#define NS_PER_MS 1000000LL

struct ot_case {
	const char *name;	/* "area.behaviour" */
	void (*fn)(void);
	unsigned int timeout_s;	/* the guard: FAIL after this long */
};

struct ot_area {
	const struct ot_case *cases;
	size_t count;
};

/* One table per area file: OT_AREA(thread, OT_CASE(thread, create_join, 5), ...). */
#define OT_CASE(area, cname, tmo) { #area "." #cname, area##_##cname, tmo }
#define OT_AREA(area, ...)                                                  \
	static const struct ot_case area##_cases[] = { __VA_ARGS__ };       \
	const struct ot_area ot_area_##area = {                             \
		area##_cases, sizeof(area##_cases) / sizeof(area##_cases[0]) \
	}

extern const struct ot_area ot_area_thread, ot_area_cancel, ot_area_tsd,
	ot_area_sched, ot_area_sem, ot_area_mutex, ot_area_cond,
	ot_area_rwlock, ot_area_barrier, ot_area_mqueue, ot_area_signal,
	ot_area_timer, ot_area_clock, ot_area_task, ot_area_stack, ot_area_io,
	ot_area_smp, ot_area_kernel, ot_area_tty, ot_area_posix, ot_area_net,
	ot_area_hostfs;

/* Records a failure of the running case (any thread may call it); line 0
 * when it is not a source position (file then names what found it). */
void ot_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prints only with -v. */
void ot_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Failures recorded for the running case so far. */
int ot_failures(void);

#define OT_FAIL(...) ot_fail(__FILE__, __LINE__, __VA_ARGS__)

#define OT_EXPECT(c)                                                        \
	do {                                                                \
		if (!(c))                                                   \
			OT_FAIL("%s", #c);                                  \
	} while (0)

#define OT_CMP_(a, op, b)                                                   \
	({                                                                  \
		long long a_ = (long long)(a), b_ = (long long)(b);         \
		bool ok_ = a_ op b_;                                        \
		if (!ok_)                                                   \
			OT_FAIL("%s %s %s: %lld vs %lld", #a, #op, #b, a_, b_); \
		ok_;                                                        \
	})
#define OT_EXPECT_EQ(a, b) ((void)OT_CMP_(a, ==, b))
#define OT_EXPECT_NE(a, b) ((void)OT_CMP_(a, !=, b))
#define OT_EXPECT_GE(a, b) ((void)OT_CMP_(a, >=, b))
#define OT_EXPECT_LE(a, b) ((void)OT_CMP_(a, <=, b))
#define OT_EXPECT_GT(a, b) ((void)OT_CMP_(a, >, b))
#define OT_EXPECT_LT(a, b) ((void)OT_CMP_(a, <, b))

/* A call that returns 0 or -1 with errno: expects 0 (or >= 0). */
#define OT_EXPECT_OK(expr)                                                  \
	({                                                                  \
		long r_ = (long)(expr);                                     \
		if (r_ < 0)                                                 \
			OT_FAIL("%s: -1, errno %d (%s)", #expr, errno,      \
				strerror(errno));                           \
		r_ >= 0;                                                    \
	})
/* A call that returns 0 or -1 with errno: expects -1 and errno err. */
#define OT_EXPECT_ERRNO(expr, err)                                          \
	do {                                                                \
		errno = 0;                                                  \
		long r_ = (long)(expr);                                     \
		int e_ = errno;                                             \
		if (r_ != -1 || e_ != (err))                                \
			OT_FAIL("%s: returned %ld errno %d (%s), want -1 %s", \
				#expr, r_, e_, strerror(e_), #err);         \
	} while (0)
/* A pthread-style call that returns an error number: expects want. */
#define OT_EXPECT_RC(expr, want)                                            \
	({                                                                  \
		int r_ = (expr), w_ = (want);                               \
		if (r_ != w_)                                               \
			OT_FAIL("%s: returned %d (%s), want %s", #expr, r_, \
				strerror(r_), #want);                       \
		r_ == w_;                                                   \
	})
#define OT_ASSERT(c)                                                        \
	do {                                                                \
		if (!(c)) {                                                 \
			OT_FAIL("%s", #c);                                  \
			return;                                             \
		}                                                           \
	} while (0)
#define OT_ASSERT_RC(expr, want)                                            \
	do {                                                                \
		if (!OT_EXPECT_RC(expr, want))                              \
			return;                                             \
	} while (0)
#define OT_ASSERT_OK(expr)                                                  \
	do {                                                                \
		if (!OT_EXPECT_OK(expr))                                    \
			return;                                             \
	} while (0)

/* Elapsed-time bounds for timed waits: never early, and not absurdly late
 * (QEMU's TCG on a loaded host may lag, hence the generous slack). */
#define OT_SLACK_MS 250
#define OT_EXPECT_ELAPSED(ns, want_ms)                                      \
	do {                                                                \
		OT_EXPECT_GE((ns) / 1000, (want_ms) * 1000LL - 1);          \
		OT_EXPECT_LE((ns) / NS_PER_MS, (want_ms) + OT_SLACK_MS);    \
	} while (0)

/* Monotonic (or clk) time in nanoseconds. */
int64_t ot_now_ns(void);
int64_t ot_clock_ns(clockid_t clk);
/* clk's time ms milliseconds from now, for the timed calls. */
struct timespec ot_deadline(clockid_t clk, int ms);
struct timespec ot_ts(int64_t ns);
void ot_msleep(int ms);
/* Spins (no blocking call) for ms of monotonic time. */
void ot_spin_ms(int ms);

/* Creates a joinable SCHED_FIFO thread of priority prio (explicit
 * scheduling), with the creator's CPU affinity.  Returns 0 or the
 * pthread error. */
int ot_thread(pthread_t *t, int prio, void *(*fn)(void *), void *arg);
/* The same, pinned to CPU cpu (cpu < 0: the creator's affinity). */
int ot_thread_on(pthread_t *t, int prio, int cpu, void *(*fn)(void *),
		 void *arg);
/* The number of CPUs online (1 without SMP). */
int ot_ncpus(void);
/* Pins the calling thread to the CPU it is on; returns that CPU. */
int ot_pin_self(void);
/* Loads v0-v31 with a pattern made of (id, round), spins spin times,
 * and returns how many of the 32 registers came back changed (smp.c). */
int ot_fp_check(uint64_t id, uint64_t round, unsigned long spin);
/* Polls until thread t is blocked (in any wait); false if it is not
 * within timeout_ms. */
bool ot_wait_blocked(pthread_t t, int timeout_ms);
/* The priority the thread runs at now (pthread_getschedparam), -1 on error. */
int ot_prio_of(pthread_t t);
/* Sets the calling thread's SCHED_FIFO priority. */
int ot_set_prio(int prio);

/* EINTR cases (io.c): ot_on_usr1 is a SIGUSR1 handler that stores the
 * signal in ot_handled; ot_usr1_later, run as a thread with a pthread_t *
 * argument, sends that thread SIGUSR1 after 20 ms. */
extern volatile int ot_handled;
void ot_on_usr1(int sig);
void *ot_usr1_later(void *arg);

/* Spawns "ostest --child MODE ARGS..." as a task; returns its pid or -1
 * (the error in errno).  envp NULL: the caller's environment. */
pid_t ot_spawn_child(char *const args[], char *const envp[]);
/* waitpid with a deadline (WNOHANG polling every 10 ms); returns the pid,
 * 0 on timeout, -1 with errno. */
pid_t ot_wait_child(pid_t pid, int *status, int timeout_ms);
/* The child side: runs the mode named in argv (after --child). */
int ot_child_main(int argc, char **argv);
/* stack.c: the child mode that overflows its stack on purpose, and the
 * one that reads deep inside a large stack guard (pthread_attr_setguardsize). */
int ot_child_overflow(void);
int ot_child_guard(void);
/* posix.c: child modes that use getopt and pthread keys as a task of
 * their own (0: each found its own, untouched state). */
int ot_child_getopt(int argc, char **argv);
int ot_child_keys(void);
/* net.c: the child mode that listens on a TCP port until killed. */
int ot_child_listen(int port);
