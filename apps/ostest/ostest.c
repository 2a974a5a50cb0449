// SPDX-License-Identifier: BSD-2-Clause
/*
 * ostest's runner: argument parsing, the case loop with its timeout guard,
 * the per-case and summary lines, the heap check across repetitions, and
 * the helpers of ostest.h.
 *
 *   ostest [-r REPEAT] [-v] [CASE-PREFIX...]
 *   ostest --child MODE [ARGS...]	(what the task cases spawn)
 *
 * Output: "ostest: <case> ... PASS" or "... FAIL (<file:line: why>)" per
 * case (every case of the first round; later rounds print failures and a
 * round line), then the heap and time lines, and last
 * "ostest: N passed, N failed".  Exit status 1 if anything failed.
 *
 * Placement on SMP: the case thread of every area except smp is pinned
 * to one CPU (pthread_attr_setaffinity_np on its attributes), and the
 * threads it creates inherit the pin, so a case sees the one-CPU
 * ordering it was written for: a woken more urgent thread runs before
 * sem_post returns, a priority boost is visible right after the booster
 * blocks.  The CPU is (case index + round) modulo the CPU count, so
 * consecutive cases use different CPUs and over ncpus rounds every case
 * runs on every CPU; a failure line names the CPU.  The smp area runs
 * unpinned: its cases place their threads on purpose to check what
 * pinning hides (cross-CPU wake-up, signals, priority inheritance).
 *
 * Hygiene: after each case the runner looks for what the case left
 * behind (threads of this task still alive, signals pending for the
 * process, signal actions not restored): each is a failure of that case
 * and is undone (threads cancelled, signals consumed, actions put back),
 * so that one failing case does not take the following ones, or the
 * whole run, down with it.
 */
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vireo/sysinfo.h>
#include "ostest.h"

#define MAX_SNAP 128	/* threads sysinfo_threads() copies */

/* pinned: the case thread runs on one CPU (see the top of the file);
 * named: the area runs only when a prefix names it (its cases need a peer
 * outside the guest, which the QEMU test that names it provides). */
static const struct {
	const struct ot_area *area;
	bool pinned;
	bool named;
} areas[] = {
	{ &ot_area_thread, true }, { &ot_area_cancel, true },
	{ &ot_area_tsd, true }, { &ot_area_sched, true },
	{ &ot_area_sem, true }, { &ot_area_mutex, true },
	{ &ot_area_cond, true }, { &ot_area_rwlock, true },
	{ &ot_area_barrier, true }, { &ot_area_mqueue, true },
	{ &ot_area_signal, true }, { &ot_area_timer, true },
	{ &ot_area_clock, true }, { &ot_area_task, true },
	{ &ot_area_stack, true }, { &ot_area_io, true },
	{ &ot_area_smp, false },
#ifndef VIREO_EL0	/* kernel.c: the kernel's own interfaces */
	{ &ot_area_kernel, true },
#endif
	{ &ot_area_tty, true, .named = true },
	{ &ot_area_posix, true },
#if defined(CONFIG_NET) && !defined(VIREO_EL0)	/* apps/ostest/net.c */
	{ &ot_area_net, true },
#endif
#ifdef CONFIG_FS_HOSTFS	/* apps/ostest/hostfs.c, with hostfs */
	{ &ot_area_hostfs, true, .named = true },
#endif
};

/* Failures of the running case: written by any of its threads. */
static struct {
	int count;
	char first[160];
	bool verbose;
} run;
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;

/* line 0: what the runner found after the case, file names the check. */
void ot_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	const char *base = strrchr(file, '/');
	char where[48];

	if (line)
		snprintf(where, sizeof(where), "%s:%d: ", base ? base + 1 : file, line);
	else
		snprintf(where, sizeof(where), "%s: ", file);
	pthread_mutex_lock(&fail_lock);
	if (run.count++ == 0) {
		int n = snprintf(run.first, sizeof(run.first), "%s", where);
		va_start(ap, fmt);
		vsnprintf(run.first + n, sizeof(run.first) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&fail_lock);
	if (run.verbose) {
		printf("ostest:   %s", where);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	}
}

void ot_log(const char *fmt, ...)
{
	va_list ap;

	if (!run.verbose)
		return;
	printf("ostest:   ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

int ot_failures(void)
{
	return run.count;
}

/* ---- helpers ---- */

int64_t ot_clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t ot_now_ns(void)
{
	return ot_clock_ns(CLOCK_MONOTONIC);
}

struct timespec ot_ts(int64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000LL),
		.tv_nsec = (long)(ns % 1000000000LL),
	};
	return ts;
}

struct timespec ot_deadline(clockid_t clk, int ms)
{
	return ot_ts(ot_clock_ns(clk) + ms * NS_PER_MS);
}

void ot_msleep(int ms)
{
	struct timespec ts = ot_ts(ms * NS_PER_MS);

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

void ot_spin_ms(int ms)
{
	int64_t end = ot_now_ns() + ms * NS_PER_MS;

	while (ot_now_ns() < end)
		;
}

/* The CPUs online: the default attributes' affinity is every one. */
static cpu_set_t online_set(void)
{
	pthread_attr_t attr;
	cpu_set_t all;

	CPU_ZERO(&all);
	pthread_attr_init(&attr);
	if (pthread_attr_getaffinity_np(&attr, sizeof(all), &all) || !CPU_COUNT(&all))
		CPU_SET(0, &all);
	pthread_attr_destroy(&attr);
	return all;
}

int ot_ncpus(void)
{
	cpu_set_t all = online_set();

	return CPU_COUNT(&all);
}

/* The k-th online CPU, counting modulo their number. */
static int nth_cpu(int k)
{
	cpu_set_t all = online_set();

	k %= CPU_COUNT(&all);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (CPU_ISSET(cpu, &all) && k-- == 0)
			return cpu;
	}
	return 0;
}

int ot_thread_on(pthread_t *t, int prio, int cpu, void *(*fn)(void *),
		 void *arg)
{
	pthread_attr_t attr;
	struct sched_param sp = { .sched_priority = prio };
	cpu_set_t one;
	int err;

	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
	pthread_attr_setschedparam(&attr, &sp);
	pthread_attr_setstacksize(&attr, OT_STACK);
	err = 0;
	if (cpu >= 0) {
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		err = pthread_attr_setaffinity_np(&attr, sizeof(one), &one);
	}
	if (!err)
		err = pthread_create(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return err;
}

int ot_thread(pthread_t *t, int prio, void *(*fn)(void *), void *arg)
{
	return ot_thread_on(t, prio, -1, fn, arg);
}

bool ot_wait_blocked(pthread_t t, int timeout_ms)
{
	/* From the heap (too big for a case stack; bss would hold it for
	 * good), for this call. */
	struct thread_info *ti = malloc(MAX_SNAP * sizeof(*ti));
	int64_t end = ot_now_ns() + timeout_ms * NS_PER_MS;
	bool blocked = false;

	if (!ti) {
		OT_FAIL("ot_wait_blocked: out of memory");
		return false;
	}
	do {
		int n = sysinfo_threads(ti, MAX_SNAP);

		for (int i = 0; i < n && i < MAX_SNAP; i++) {
			if (ti[i].tid == t)
				blocked = ti[i].state == THREAD_BLOCKED;
		}
		if (!blocked)
			ot_msleep(1);
	} while (!blocked && ot_now_ns() < end);
	free(ti);
	return blocked;
}

int ot_prio_of(pthread_t t)
{
	struct sched_param sp;
	int policy;

	if (pthread_getschedparam(t, &policy, &sp))
		return -1;
	return sp.sched_priority;
}

int ot_set_prio(int prio)
{
	struct sched_param sp = { .sched_priority = prio };

	return pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
}

pid_t ot_spawn_child(char *const args[], char *const envp[])
{
	char *argv[12] = { "ostest", "--child" };
	int n = 2;
	pid_t pid;
	int err;

	for (int i = 0; args[i] && n < 11; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	err = posix_spawnp(&pid, "ostest", NULL, NULL, argv,
			  envp ? envp : environ);
	if (err) {
		errno = err;
		return -1;
	}
	return pid;
}

pid_t ot_wait_child(pid_t pid, int *status, int timeout_ms)
{
	for (int waited = 0;; waited += 10) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r != 0 || waited >= timeout_ms)
			return r;
		ot_msleep(10);
	}
}

/* ---- what a case leaves behind ---- */

/*
 * A thread left alive by a failed or timed-out case (a waiter nobody
 * wakes) keeps every signal unblocked, as the case thread had them: a
 * later case's process-directed signal, meant for a case thread that
 * blocks it to sigwait for it, is then taken by that thread and its
 * default action ends ostest ("killed by signal 35" from
 * mqueue.notify_signal after cond.signal_broadcast had hung).  Pending
 * process signals and signal actions left behind do the same to the
 * next case thread, which unblocks everything.
 */
#define MAX_LEFT 16
static struct thread_info *snap;	/* MAX_SNAP, the runner's only, while it runs */
static int base_tids[MAX_LEFT], nbase;	/* alive before the first case */
/* The signal actions at the start, while the runner runs. */
static struct start_actions {
	struct sigaction act[NSIG];
	bool ok[NSIG];
} *start;

/* Live threads of this task that are neither the runner nor in base;
 * their tids in tids (up to MAX_LEFT); returns how many. */
static int live_threads(int *tids, bool base)
{
	int n = sysinfo_threads(snap, MAX_SNAP), k = 0;
	pid_t me = getpid();

	for (int i = 0; i < n && i < MAX_SNAP; i++) {
		bool known = false;

		if (snap[i].pid != me || snap[i].tid == pthread_self() ||
		    snap[i].state == THREAD_ZOMBIE)
			continue;
		for (int j = 0; base && j < nbase; j++)
			known |= snap[i].tid == base_tids[j];
		if (known)
			continue;
		if (k < MAX_LEFT)
			tids[k] = snap[i].tid;
		k++;
	}
	return k;
}

/* Polls for up to ms until no thread outside base is alive. */
static int settle_threads(int *tids, int ms)
{
	int n;

	for (int waited = 0; (n = live_threads(tids, true)) && waited < ms;
	     waited += 10)
		ot_msleep(10);
	return n;
}

static void save_start_state(void)
{
	nbase = live_threads(base_tids, false);
	if (nbase > MAX_LEFT)
		nbase = MAX_LEFT;
	for (int s = 1; s < NSIG; s++)
		start->ok[s] = sigaction(s, NULL, &start->act[s]) == 0;
}

/* Threads still alive after their case: detached (reclaimed when they
 * end) and cancelled; most leftovers wait at a cancellation point. */
static void reap_threads(void)
{
	int tids[MAX_LEFT], n;

	/* A detached thread may still be on its way out. */
	n = settle_threads(tids, 300);
	if (!n)
		return;
	ot_fail("cleanup", 0, "left %d thread(s) alive (tid %d%s)", n, tids[0],
		n > 1 ? ", ..." : "");
	for (int i = 0; i < n && i < MAX_LEFT; i++) {
		pthread_detach(tids[i]);
		pthread_cancel(tids[i]);
	}
	n = settle_threads(tids, 1000);
	if (n)
		ot_fail("cleanup", 0, "%d thread(s) survived pthread_cancel (tid %d)",
			n, tids[0]);
}

static void restore_actions(void)
{
	struct sigaction now;

	for (int s = 1; s < NSIG; s++) {
		if (!start->ok[s] || sigaction(s, NULL, &now) != 0)
			continue;
		if (now.sa_handler == start->act[s].sa_handler &&
		    now.sa_flags == start->act[s].sa_flags)
			continue;
		ot_fail("cleanup", 0, "left the action of signal %d changed", s);
		sigaction(s, &start->act[s], NULL);
	}
}

/* Consumes signals pending for the process (or the runner, which
 * blocks them all).  SIGCHLD from the task cases' children is expected:
 * the runner blocks it, so it stays pending. */
static void drain_signals(void)
{
	struct timespec zero = { 0, 0 };
	sigset_t pending, one;
	siginfo_t si;

	if (sigpending(&pending) != 0)
		return;
	for (int s = 1; s < NSIG; s++) {
		if (!sigismember(&pending, s))
			continue;
		if (s != SIGCHLD)
			ot_fail("cleanup", 0, "left signal %d pending", s);
		sigemptyset(&one);
		sigaddset(&one, s);
		for (int i = 0; i < 64 && sigtimedwait(&one, &si, &zero) == s; i++)
			;
	}
}

/* ---- the runner ---- */

struct case_run {
	const struct ot_case *c;
	sem_t done;
};

static void case_done(void *arg)
{
	sem_post(&((struct case_run *)arg)->done);
}

static void *case_thread(void *arg)
{
	struct case_run *cr = arg;
	sigset_t none;

	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, NULL);
	ot_log("%s on CPU %d", cr->c->name, sched_getcpu());
	pthread_cleanup_push(case_done, cr);
	cr->c->fn();
	pthread_cleanup_pop(1);
	return NULL;
}

/* On the monotonic clock: clock.settime_realtime moves the other one. */
static int wait_done(sem_t *s, unsigned int seconds)
{
	struct timespec dl = ot_deadline(CLOCK_MONOTONIC, (int)seconds * 1000);
	int r;

	while ((r = sem_clockwait(s, CLOCK_MONOTONIC, &dl)) != 0 && errno == EINTR)
		;
	return r;
}

static void print_result(const struct ot_case *c, int cpu, bool print)
{
	char where[16] = "";

	if (run.count == 0) {
		if (print)
			printf("ostest: %s ... PASS\n", c->name);
		return;
	}
	if (cpu >= 0 && ot_ncpus() > 1)
		snprintf(where, sizeof(where), "; CPU %d", cpu);
	if (run.count > 1)
		printf("ostest: %s ... FAIL (%s; +%d more%s)\n", c->name,
		       run.first, run.count - 1, where);
	else
		printf("ostest: %s ... FAIL (%s%s)\n", c->name, run.first, where);
}

/* Runs one case under the guard, its thread pinned to cpu (-1: not
 * pinned); false when a hung case makes going on unsafe. */
static bool run_case(const struct ot_case *c, int cpu, bool print,
		     int *passed, int *failed)
{
	/* Static: a hung case thread may still look at it after we stop. */
	static struct case_run cr;
	/* The guard, longer with many CPUs: cases that work on every CPU
	 * take longer, and 32 virtual CPUs may share two host cores. */
	unsigned int limit = c->timeout_s * (1 + (unsigned int)ot_ncpus() / 8);
	pthread_t t;
	int err;

	cr.c = c;
	pthread_mutex_lock(&fail_lock);
	run.count = 0;
	run.first[0] = '\0';
	pthread_mutex_unlock(&fail_lock);
	sem_init(&cr.done, 0, 0);
	err = ot_thread_on(&t, OT_PRIO, cpu, case_thread, &cr);
	if (err) {
		OT_FAIL("cannot start the case thread: %s", strerror(err));
	} else if (wait_done(&cr.done, limit) != 0) {
		OT_FAIL("timed out after %u s", limit);
		pthread_cancel(t);
		if (wait_done(&cr.done, 2) != 0) {
			printf("ostest: %s ... FAIL (%s; hung, stopping)\n",
			       c->name, run.first);
			(*failed)++;
			return false;
		}
		pthread_join(t, NULL);
	} else {
		pthread_join(t, NULL);
	}
	sem_destroy(&cr.done);
	reap_threads();
	restore_actions();
	drain_signals();
	run.count == 0 ? (*passed)++ : (*failed)++;
	print_result(c, cpu, print);
	fflush(stdout);
	return true;
}

static bool selected(const struct ot_case *c, bool named, int nprefix,
		     char **prefix)
{
	if (nprefix == 0)
		return !named;
	for (int i = 0; i < nprefix; i++) {
		if (strncmp(c->name, prefix[i], strlen(prefix[i])) == 0)
			return true;
	}
	return false;
}

/* Round r (from 1) pins its k-th case to CPU k + r: the next case, and
 * the same case in the next round, each get the next CPU. */
static bool run_round(int r, int nprefix, char **prefix, bool print,
		      int *passed, int *failed)
{
	int k = 0;

	for (size_t a = 0; a < sizeof(areas) / sizeof(areas[0]); a++) {
		for (size_t i = 0; i < areas[a].area->count; i++) {
			const struct ot_case *c = &areas[a].area->cases[i];
			int cpu;

			if (!selected(c, areas[a].named, nprefix, prefix))
				continue;
			cpu = areas[a].pinned ? nth_cpu(k + r - 1) : -1;
			k++;
			if (!run_case(c, cpu, print, passed, failed))
				return false;
		}
	}
	return true;
}

/* Heap in use once exited threads have been reclaimed (the idle thread
 * frees them, so give it a moment). */
static size_t heap_used(void)
{
	struct mm_stats st;

	ot_msleep(50);
	sysinfo_memory(&st);
	return st.used;
}

static int usage(void)
{
	fprintf(stderr, "Usage: ostest [-r REPEAT] [-v] [CASE-PREFIX...]\n");
	return 2;
}

/* Heap growth from the end of round 1 to the end of the last round that
 * counts as a leak: a few blocks' worth of allocator noise is not. */
#define OT_LEAK_SLACK 1024

static int run_all(int repeat, int nprefix, char **prefix)
{
	int passed = 0, failed = 0;
	int64_t start = ot_now_ns();
	size_t before = heap_used(), after_first = 0, after;
	bool ok = true;

	for (int r = 1; r <= repeat && ok; r++) {
		int p = 0, f = 0;
		int64_t t0 = ot_now_ns();

		ok = run_round(r, nprefix, prefix, r == 1 || run.verbose, &p, &f);
		passed += p;
		failed += f;
		if (repeat > 1)
			printf("ostest: round %d/%d: %d passed, %d failed (%lld ms)\n",
			       r, repeat, p, f,
			       (long long)((ot_now_ns() - t0) / NS_PER_MS));
		if (r == 1)
			after_first = heap_used();
	}
	after = heap_used();
	printf("ostest: heap used %zu bytes before, %zu after round 1, %zu at the end\n",
	       before, after_first, after);
	if (repeat > 1 && ok) {
		bool leak = after > after_first + OT_LEAK_SLACK;

		printf("ostest: heap-steady-over-rounds ... %s", leak ? "FAIL" : "PASS");
		if (leak)
			printf(" (grew %zu bytes in %d rounds)", after - after_first,
			       repeat - 1);
		putchar('\n');
		leak ? failed++ : passed++;
	}
	printf("ostest: %lld ms\n", (long long)((ot_now_ns() - start) / NS_PER_MS));
	printf("ostest: %d passed, %d failed\n", passed, failed);
	fflush(stdout);
	return failed ? 1 : 0;
}

int ostest_main(int argc, char **argv)
{
	int repeat = 1, i = 1, status;
	struct sched_param old_sp;
	int old_policy;
	sigset_t all, old_mask;

	if (argc > 1 && strcmp(argv[1], "--child") == 0)
		return ot_child_main(argc - 2, argv + 2);
	run.verbose = false;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-v") == 0) {
			run.verbose = true;
		} else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
			repeat = atoi(argv[++i]);
			if (repeat < 1)
				return usage();
		} else {
			return usage();
		}
	}
	/* The runner outranks every case thread so that its guard fires,
	 * and blocks every signal so that process signals go to the case. */
	pthread_getschedparam(pthread_self(), &old_policy, &old_sp);
	ot_set_prio(OT_PRIO_RUNNER);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old_mask);
	snap = malloc(MAX_SNAP * sizeof(*snap));
	start = malloc(sizeof(*start));
	if (snap && start) {
		save_start_state();
		status = run_all(repeat, argc - i, argv + i);
	} else {
		fprintf(stderr, "ostest: out of memory\n");
		status = 1;
	}
	free(snap);
	free(start);
	snap = NULL;
	start = NULL;

	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	pthread_setschedparam(pthread_self(), old_policy, &old_sp);
	return status;
}
