/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * osperf's internal interface: the guest-time counter, sample sets with
 * their median and 99th percentile, the result lines, and the benchmark
 * groups (one file each).  Every figure is printed as one line
 *   osperf: <key> <value> <unit>
 * or, when a benchmark cannot run here,
 *   osperf: <name>: not available (<reason>)
 * which is what tools/bench.py and tests/qemu/test_bench.py parse.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * The virtual count (CNTVCT_EL0).  The isb keeps the read from being
 * hoisted above the code being timed: without it the counter may be
 * sampled early, out of program order (Arm ARM D12.1.2).
 */
static inline uint64_t counter_read(void)
{
	uint64_t v;

	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

static inline uint64_t counter_freq(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

/* Duration of one counter tick in ns, rounded up: the resolution. */
uint64_t counter_resolution_ns(void);

/* Measurements, in counter ticks, each over batch iterations. */
struct samples {
	uint64_t *ticks;
	unsigned int n;
	unsigned int cap;
	unsigned int batch;
};

/* false when out of memory (the caller reports "not available"). */
bool samples_init(struct samples *s, unsigned int cap, unsigned int batch);
void samples_free(struct samples *s);
/* Records one measurement; more than cap are dropped. */
static inline void samples_add(struct samples *s, uint64_t ticks)
{
	if (s->n < s->cap)
		s->ticks[s->n++] = ticks;
}

/* Sorts s and returns the value that pct % of the samples do not
 * exceed (the smallest such); s must not be empty. */
uint64_t samples_percentile(struct samples *s, unsigned int pct);

/* Number of iterations each benchmark takes (osperf -n). */
extern unsigned int osperf_iterations;

/*
 * Result lines.  report_ns() sorts s and prints <name>_ns_median and
 * <name>_ns_p99 per iteration (batch divided out), with a comment line
 * when iterations were batched; with no samples it prints "not
 * available".
 */
void report_ns(const char *name, struct samples *s);
void report_value(const char *key, uint64_t value, const char *unit);
void report_mb_s(const char *key, uint64_t bytes, uint64_t ticks);
void report_na(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void report_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Times fn(arg) in a loop on the calling thread.  The batch (iterations
 * per counter reading) grows in powers of two until one batch spans at
 * least 64 counter ticks, so operations shorter than the counter's
 * resolution still give a meaningful per-iteration figure.
 */
void measure_loop(const char *name, void (*fn)(void *), void *arg);
/* The same, into s (count samples, s->batch iterations each) without
 * reporting; false when out of memory.  The caller frees s. */
bool measure_samples(struct samples *s, unsigned int count,
		     void (*fn)(void *), void *arg);

/*
 * Runs two benchmark threads that start together: the caller is raised
 * above them while both are created, and each must first call
 * pair_gate(), which lets them go once both exist (false: the other
 * could not be created, return at once).  prio[i] is a SCHED_FIFO
 * priority; cpu[i] >= 0 pins the thread when affinity exists.  Joins
 * both; returns 0 or an errno value.
 */
bool pair_gate(void);
int run_pair(void *(*fn0)(void *), void *(*fn1)(void *), void *arg,
	     const int prio[2], const int cpu[2]);
/* One thread the same way (for a partner the caller plays itself). */
int start_thread(pthread_t *t, void *(*fn)(void *), void *arg, int prio,
		 int cpu);
/* CPUs online (1 when the system cannot tell), and whether threads can
 * be pinned to one. */
int online_cpus(void);
bool affinity_available(void);
/* Makes the calling thread SCHED_FIFO at prio; *saved receives the old
 * policy and priority for restore_self(). */
int boost_self(int prio, int saved[2]);
void restore_self(const int saved[2]);

/* Priorities of the benchmark threads: above the shell's. */
#define PRIO_LOW 140
#define PRIO_EQUAL 150
#define PRIO_HIGH 160
#define PRIO_CONTROL 200	/* the osperf thread while it sets a test up */

/* Benchmark groups. */
void bench_sched(void);		/* bench_sched.c: switches, sem, mutex */
void bench_threads(void);	/* bench_sched.c: create/join, spawn */
void bench_ipc(void);		/* bench_ipc.c: mqueue, signal, pipe */
void bench_timer(void);		/* bench_timer.c: interrupt and timer latency */
void bench_memory(void);	/* bench_memory.c: memcpy */
void bench_smp(void);		/* bench_smp.c: cross-CPU wake-up */
void bench_block(void);		/* bench_block.c: /dev/vda throughput */

/* Kernel-level part of bench_timer (irqlat.c, general registers only).
 * Fills handler[] and thread[] with up to n latencies in ticks from
 * the deadline; returns how many were taken. */
unsigned int irqlat_run(uint64_t *handler, uint64_t *thread, unsigned int n);
