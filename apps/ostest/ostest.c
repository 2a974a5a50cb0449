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
 */
#include <semaphore.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vireo/mm.h>
#include "ostest.h"

static const struct ot_area *const areas[] = {
	&ot_area_thread, &ot_area_cancel, &ot_area_tsd, &ot_area_sched,
	&ot_area_sem, &ot_area_mutex, &ot_area_cond, &ot_area_rwlock,
	&ot_area_barrier, &ot_area_mqueue, &ot_area_signal, &ot_area_timer,
	&ot_area_clock, &ot_area_task, &ot_area_stack, &ot_area_io,
	&ot_area_smp, &ot_area_kernel,
};

/* Failures of the running case: written by any of its threads. */
static struct {
	int count;
	char first[160];
	bool verbose;
} run;
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;

void ot_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	const char *base = strrchr(file, '/');

	pthread_mutex_lock(&fail_lock);
	if (run.count++ == 0) {
		int n = snprintf(run.first, sizeof(run.first), "%s:%d: ",
				 base ? base + 1 : file, line);
		va_start(ap, fmt);
		vsnprintf(run.first + n, sizeof(run.first) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&fail_lock);
	if (run.verbose) {
		printf("ostest:   %s:%d: ", base ? base + 1 : file, line);
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

int ot_thread(pthread_t *t, int prio, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	struct sched_param sp = { .sched_priority = prio };
	int err;

	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
	pthread_attr_setschedparam(&attr, &sp);
	pthread_attr_setstacksize(&attr, OT_STACK);
	err = pthread_create(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return err;
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
	err = posix_spawn(&pid, "ostest", NULL, NULL, argv,
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

/* Runs one case under the guard; false when a hung case makes going on
 * unsafe. */
static bool run_case(const struct ot_case *c, bool print, int *passed,
		     int *failed)
{
	/* Static: a hung case thread may still look at it after we stop. */
	static struct case_run cr;
	pthread_t t;
	int err;

	cr.c = c;
	pthread_mutex_lock(&fail_lock);
	run.count = 0;
	run.first[0] = '\0';
	pthread_mutex_unlock(&fail_lock);
	sem_init(&cr.done, 0, 0);
	err = ot_thread(&t, OT_PRIO, case_thread, &cr);
	if (err) {
		OT_FAIL("cannot start the case thread: %s", strerror(err));
	} else if (wait_done(&cr.done, c->timeout_s) != 0) {
		OT_FAIL("timed out after %u s", c->timeout_s);
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
	if (run.count == 0) {
		(*passed)++;
		if (print)
			printf("ostest: %s ... PASS\n", c->name);
	} else {
		(*failed)++;
		if (run.count > 1)
			printf("ostest: %s ... FAIL (%s; +%d more)\n", c->name,
			       run.first, run.count - 1);
		else
			printf("ostest: %s ... FAIL (%s)\n", c->name, run.first);
	}
	fflush(stdout);
	return true;
}

static bool selected(const struct ot_case *c, int nprefix, char **prefix)
{
	if (nprefix == 0)
		return true;
	for (int i = 0; i < nprefix; i++) {
		if (strncmp(c->name, prefix[i], strlen(prefix[i])) == 0)
			return true;
	}
	return false;
}

static bool run_round(int nprefix, char **prefix, bool print, int *passed,
		      int *failed)
{
	for (size_t a = 0; a < sizeof(areas) / sizeof(areas[0]); a++) {
		for (size_t i = 0; i < areas[a]->count; i++) {
			const struct ot_case *c = &areas[a]->cases[i];

			if (selected(c, nprefix, prefix) &&
			    !run_case(c, print, passed, failed))
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
	mm_get_stats(&st);
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

		ok = run_round(nprefix, prefix, r == 1 || run.verbose, &p, &f);
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
	status = run_all(repeat, argc - i, argv + i);
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	pthread_setschedparam(pthread_self(), old_policy, &old_sp);
	return status;
}
