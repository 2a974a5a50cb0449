// SPDX-License-Identifier: BSD-2-Clause
/*
 * osperf: the in-target benchmark command.  It measures the operating
 * system's latencies in guest time read from the Arm generic counter
 * (CNTVCT_EL0 at CNTFRQ_EL0) and prints one machine-readable line per
 * figure (see osperf.h); tools/bench.py collects them into bench.json.
 * This file holds the command, the statistics and the thread helpers
 * the benchmark groups share.  The figures are measurements, never
 * pass/fail checks.
 */
#include <errno.h>
#include <sched.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <vireo/app.h>
#include "osperf.h"

/* Optional APIs: an undefined weak reference reads as NULL, so a call
 * that this build does not provide yet is skipped instead of failing
 * the link. */
#pragma weak nanosleep

#define DEFAULT_ITERATIONS 2000
#define MIN_BATCH_TICKS 64	/* a batch spans at least this many ticks */
#define MAX_BATCH 65536

unsigned int osperf_iterations = DEFAULT_ITERATIONS;

/* ---- counter ---- */

uint64_t counter_resolution_ns(void)
{
	uint64_t f = counter_freq();

	return (1000000000u + f - 1) / f;
}

/* ---- samples ---- */

bool samples_init(struct samples *s, unsigned int cap, unsigned int batch)
{
	s->ticks = malloc(cap * sizeof(*s->ticks));
	s->n = 0;
	s->cap = s->ticks ? cap : 0;
	s->batch = batch ? batch : 1;
	return s->ticks != NULL;
}

void samples_free(struct samples *s)
{
	free(s->ticks);
	s->ticks = NULL;
	s->n = s->cap = 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t samples_percentile(struct samples *s, unsigned int pct)
{
	unsigned int rank = (s->n * pct + 99) / 100;

	qsort(s->ticks, s->n, sizeof(*s->ticks), cmp_u64);
	return s->ticks[rank ? rank - 1 : 0];
}

/* ns per iteration of a batch of ticks, rounded to nearest. */
static uint64_t per_iteration_ns(uint64_t ticks, unsigned int batch)
{
	unsigned __int128 d = (unsigned __int128)counter_freq() * batch;

	return (uint64_t)(((unsigned __int128)ticks * 1000000000u + d / 2) / d);
}

/* ---- result lines ---- */

void report_value(const char *key, uint64_t value, const char *unit)
{
	printf("osperf: %s %llu %s\n", key, (unsigned long long)value, unit);
	fflush(stdout);
}

void report_ns(const char *name, struct samples *s)
{
	char key[64];

	if (s->n == 0) {
		report_na(name, "no samples");
		return;
	}
	if (s->batch > 1)
		report_note("%s: batched, %u samples of %u iterations each (one "
			    "spans fewer than %u ticks of %llu ns)", name, s->n,
			    s->batch, MIN_BATCH_TICKS,
			    (unsigned long long)counter_resolution_ns());
	snprintf(key, sizeof(key), "%s_ns_median", name);
	report_value(key, per_iteration_ns(samples_percentile(s, 50), s->batch), "ns");
	snprintf(key, sizeof(key), "%s_ns_p99", name);
	report_value(key, per_iteration_ns(samples_percentile(s, 99), s->batch), "ns");
}

void report_mb_s(const char *key, uint64_t bytes, uint64_t ticks)
{
	/* MB is 10^6 bytes. */
	uint64_t mb_s = ticks ? (uint64_t)((unsigned __int128)bytes * counter_freq() /
					   ticks / 1000000u) : 0;

	report_value(key, mb_s, "MB/s");
}

void report_na(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("osperf: %s: not available (", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(")\n");
	fflush(stdout);
}

void report_note(const char *fmt, ...)
{
	va_list ap;

	printf("osperf: # ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* ---- single-thread loops ---- */

static uint64_t time_batch(void (*fn)(void *), void *arg, unsigned int batch)
{
	uint64_t t0 = counter_read();

	for (unsigned int i = 0; i < batch; i++)
		fn(arg);
	return counter_read() - t0;
}

/* Smallest power-of-two batch whose median of a few trials spans
 * MIN_BATCH_TICKS; 1 for anything already that long. */
static unsigned int choose_batch(void (*fn)(void *), void *arg)
{
	uint64_t trial[15];
	struct samples s = { trial, 0, 15, 1 };
	unsigned int batch = 1;

	for (;;) {
		s.n = 0;
		for (int i = 0; i < 15; i++)
			samples_add(&s, time_batch(fn, arg, batch));
		if (samples_percentile(&s, 50) >= MIN_BATCH_TICKS || batch >= MAX_BATCH)
			return batch;
		batch *= 2;
	}
}

bool measure_samples(struct samples *s, unsigned int count,
		     void (*fn)(void *), void *arg)
{
	unsigned int batch = choose_batch(fn, arg);

	if (!samples_init(s, count, batch))
		return false;
	while (s->n < s->cap)
		samples_add(s, time_batch(fn, arg, batch));
	return true;
}

void measure_loop(const char *name, void (*fn)(void *), void *arg)
{
	struct samples s;

	if (!measure_samples(&s, osperf_iterations, fn, arg)) {
		report_na(name, "out of memory");
		return;
	}
	report_ns(name, &s);
	samples_free(&s);
}

/* ---- threads ---- */

/* Pins through the attribute where the C library has CPU affinity. */
#ifdef CPU_SET
#pragma weak pthread_attr_setaffinity_np
static int pin_attr(pthread_attr_t *attr, int cpu)
{
	cpu_set_t set;

	if (cpu < 0 || !affinity_available())
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_attr_setaffinity_np(attr, sizeof(set), &set);
}

bool affinity_available(void)
{
	return pthread_attr_setaffinity_np != NULL;
}
#else
static int pin_attr(pthread_attr_t *attr, int cpu)
{
	return 0;
}

bool affinity_available(void)
{
	return false;
}
#endif

int online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

int start_thread(pthread_t *t, void *(*fn)(void *), void *arg, int prio,
		 int cpu)
{
	pthread_attr_t attr;
	struct sched_param sp = { .sched_priority = prio };
	int err;

	err = pthread_attr_init(&attr);
	if (err)
		return err;
	err = pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	if (!err)
		err = pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
	if (!err)
		err = pthread_attr_setschedparam(&attr, &sp);
	if (!err)
		err = pin_attr(&attr, cpu);
	if (!err)
		err = pthread_create(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return err;
}

int boost_self(int prio, int saved[2])
{
	struct sched_param sp;
	int err = pthread_getschedparam(pthread_self(), &saved[0], &sp);

	if (err)
		return err;
	saved[1] = sp.sched_priority;
	sp.sched_priority = prio;
	return pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
}

void restore_self(const int saved[2])
{
	struct sched_param sp = { .sched_priority = saved[1] };

	pthread_setschedparam(pthread_self(), saved[0], &sp);
}

/* The start gate of run_pair(): threads wait here until both exist. */
static sem_t pair_gate_sem;
static volatile bool pair_abandoned;

bool pair_gate(void)
{
	while (sem_wait(&pair_gate_sem) && errno == EINTR)
		;
	return !pair_abandoned;
}

int run_pair(void *(*fn0)(void *), void *(*fn1)(void *), void *arg,
	     const int prio[2], const int cpu[2])
{
	pthread_t t[2];
	int saved[2], err, started = 0;

	/* Unpinned, the two would run side by side on two CPUs. */
	if ((cpu[0] >= 0 || cpu[1] >= 0) && online_cpus() > 1 && !affinity_available())
		return ENOTSUP;
	if (sem_init(&pair_gate_sem, 0, 0))
		return errno;
	pair_abandoned = false;
	err = boost_self(PRIO_CONTROL, saved);
	if (err)
		goto out_sem;
	err = start_thread(&t[0], fn0, arg, prio[0], cpu[0]);
	if (!err)
		started++;
	if (!err)
		err = start_thread(&t[1], fn1, arg, prio[1], cpu[1]);
	if (!err)
		started++;
	pair_abandoned = err != 0;
	for (int i = 0; i < started; i++)
		sem_post(&pair_gate_sem);
	restore_self(saved);	/* both run from here on */
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
out_sem:
	sem_destroy(&pair_gate_sem);
	return err;
}

/* ---- the command ---- */

/* Lets the console drain between groups so its transmit interrupts do
 * not land in the next measurement. */
static void settle(void)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };

	fflush(stdout);
	if (nanosleep)
		nanosleep(&ts, NULL);
}

static const struct group {
	const char *name;
	void (*run)(void);
} groups[] = {
	{ "sched", bench_sched },
	{ "threads", bench_threads },
	{ "ipc", bench_ipc },
	{ "timer", bench_timer },
	{ "memory", bench_memory },
	{ "smp", bench_smp },
	{ "block", bench_block },
};

#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

static int usage(void)
{
	fprintf(stderr, "Usage: osperf [-n ITERATIONS] [GROUP...]\n"
		"groups: sched threads ipc timer memory smp block (default: all)\n");
	return 2;
}

/* Marks the groups named in argv; all of them when none is named. */
static int parse_args(int argc, char **argv, bool run[NGROUPS])
{
	bool any = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			long n = strtol(argv[++i], NULL, 0);
			if (n < 10 || n > 1000000)
				return usage();
			osperf_iterations = (unsigned int)n;
			continue;
		}
		unsigned int g;
		for (g = 0; g < NGROUPS; g++)
			if (!strcmp(argv[i], groups[g].name))
				break;
		if (g == NGROUPS)
			return usage();
		run[g] = any = true;
	}
	if (!any)
		for (unsigned int g = 0; g < NGROUPS; g++)
			run[g] = true;
	return 0;
}

static int osperf_main(int argc, char **argv)
{
	bool run[NGROUPS] = { false };
	int err;

	osperf_iterations = DEFAULT_ITERATIONS;
	err = parse_args(argc, argv, run);
	if (err)
		return err;
	report_value("counter_freq_hz", counter_freq(), "Hz");
	report_value("counter_resolution_ns", counter_resolution_ns(), "ns");
	report_value("iterations", osperf_iterations, "count");
	for (unsigned int g = 0; g < NGROUPS; g++) {
		if (!run[g])
			continue;
		settle();
		groups[g].run();
	}
	printf("osperf: done\n");
	fflush(stdout);
	return 0;
}

/* A built-in application: the shell (or posix_spawn) runs it as a task. */
APP_REGISTER(osperf, osperf_main, 0, 0);
