// SPDX-License-Identifier: BSD-2-Clause
/*
 * ostest cases for SMP (they pass on one CPU too): CPU affinity holds,
 * the most urgent threads are the ones running across CPUs, a spinlock
 * taken from every CPU keeps its critical section exclusive, FP/SIMD
 * registers survive pre-emption, migration and signal handlers on every
 * CPU (self-checking), and FP/SIMD state switching is lazy.
 */
#include <fcntl.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include "ostest.h"

static int ncpus(void)
{
	cpu_set_t all;

	CPU_ZERO(&all);
	if (pthread_attr_getaffinity_np(&(pthread_attr_t){ 0 }, sizeof(all), &all))
		return 1;
	return CPU_COUNT(&all) ? CPU_COUNT(&all) : 1;
}

static void set_one(cpu_set_t *s, int cpu)
{
	CPU_ZERO(s);
	CPU_SET(cpu, s);
}

static volatile int stop;

/* ---- affinity: a pinned thread never runs elsewhere ---- */

static volatile int wrong_cpu;

static void *pinned_body(void *arg)
{
	int want = (int)(uintptr_t)arg;
	int64_t end = ot_now_ns() + 60 * NS_PER_MS;

	while (ot_now_ns() < end) {
		if (sched_getcpu() != want)
			__atomic_fetch_add(&wrong_cpu, 1, __ATOMIC_RELAXED);
		ot_msleep(1);	/* block and wake: chances to move */
	}
	return NULL;
}

/* Load that keeps every CPU's ready queue changing. */
static void *spin_body(void *arg)
{
	while (!stop)
		ot_spin_ms(1), ot_msleep(1);
	return NULL;
}

static void smp_affinity(void)
{
	int n = ncpus();
	pthread_t pinned[32], spinners[32];
	pthread_attr_t attr;
	cpu_set_t set, got;

	wrong_cpu = 0;
	stop = 0;
	for (int i = 0; i < n; i++)
		OT_EXPECT_RC(ot_thread(&spinners[i], OT_PRIO, spin_body, NULL), 0);
	for (int i = 0; i < n; i++) {
		pthread_attr_init(&attr);
		set_one(&set, i);
		OT_EXPECT_RC(pthread_attr_setaffinity_np(&attr, sizeof(set), &set), 0);
		OT_EXPECT_RC(pthread_create(&pinned[i], &attr, pinned_body,
					    (void *)(uintptr_t)i), 0);
		OT_EXPECT_RC(pthread_getaffinity_np(pinned[i], sizeof(got), &got), 0);
		OT_EXPECT(CPU_EQUAL(&got, &set));
		pthread_attr_destroy(&attr);
	}
	for (int i = 0; i < n; i++)
		pthread_join(pinned[i], NULL);
	stop = 1;
	for (int i = 0; i < n; i++)
		pthread_join(spinners[i], NULL);
	OT_EXPECT_EQ(wrong_cpu, 0);
	/* No CPU at all, or only CPUs this system does not have: EINVAL. */
	CPU_ZERO(&set);
	OT_EXPECT_ERRNO(sched_setaffinity(0, sizeof(set), &set), EINVAL);
}

/* ---- priority order across CPUs ---- */

static volatile int low_ran;

static void *low_body(void *arg)
{
	low_ran = 1;
	return NULL;
}

static void *busy_body(void *arg)
{
	while (!stop)
		;
	return NULL;
}

/* N busy threads fill the N CPUs: a less urgent ready thread must not
 * run until they end, a more urgent one (us, waking) must. */
static void smp_priority_order(void)
{
	int n = ncpus();
	pthread_t busy[32], low;

	stop = 0;
	low_ran = 0;
	OT_ASSERT_RC(ot_set_prio(OT_PRIO + 20), 0);
	for (int i = 0; i < n; i++)
		OT_EXPECT_RC(ot_thread(&busy[i], OT_PRIO + 10, busy_body, NULL), 0);
	OT_EXPECT_RC(ot_thread(&low, OT_PRIO + 5, low_body, NULL), 0);
	ot_msleep(50);			/* every CPU busy at OT_PRIO + 10 */
	OT_EXPECT_EQ(low_ran, 0);
	stop = 1;
	for (int i = 0; i < n; i++)
		pthread_join(busy[i], NULL);
	pthread_join(low, NULL);
	OT_EXPECT_EQ(low_ran, 1);
	ot_set_prio(OT_PRIO);
}

/* ---- a spinlock contended from every CPU ---- */

#define SPIN_TOTAL 8000	/* lock round trips, all CPUs together */
static pthread_spinlock_t spin;
static volatile unsigned long spin_counter;
static int spin_iters;

static void *spin_worker(void *arg)
{
	for (int i = 0; i < spin_iters; i++) {
		pthread_spin_lock(&spin);
		spin_counter = spin_counter + 1;	/* not atomic on purpose */
		pthread_spin_unlock(&spin);
	}
	return NULL;
}

static void smp_spinlock_contention(void)
{
	int n = ncpus();
	pthread_t t[32];
	pthread_attr_t attr;
	cpu_set_t set;

	spin_counter = 0;
	spin_iters = SPIN_TOTAL / n;
	OT_ASSERT_RC(pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE), 0);
	for (int i = 0; i < n; i++) {
		pthread_attr_init(&attr);
		set_one(&set, i);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		OT_EXPECT_RC(pthread_create(&t[i], &attr, spin_worker, NULL), 0);
		pthread_attr_destroy(&attr);
	}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	OT_EXPECT_EQ(spin_counter, (unsigned long)n * spin_iters);
	pthread_spin_destroy(&spin);
}

/* ---- FP/SIMD registers under pre-emption, migration and signals ---- */

#define FP_CHECKS 1000000	/* register comparisons, all threads */

/* Loads v0-v31 from in, spins (a window for interrupts, switches and
 * migration), stores v0-v31 to out.  One asm statement: the compiler
 * cannot use the registers in between. */
static void fp_round(const uint64_t *in, uint64_t *out, unsigned long spin)
{
	__asm__ volatile(
		"ld1 {v0.2d, v1.2d, v2.2d, v3.2d}, [%[p]], #64\n\t"
		"ld1 {v4.2d, v5.2d, v6.2d, v7.2d}, [%[p]], #64\n\t"
		"ld1 {v8.2d, v9.2d, v10.2d, v11.2d}, [%[p]], #64\n\t"
		"ld1 {v12.2d, v13.2d, v14.2d, v15.2d}, [%[p]], #64\n\t"
		"ld1 {v16.2d, v17.2d, v18.2d, v19.2d}, [%[p]], #64\n\t"
		"ld1 {v20.2d, v21.2d, v22.2d, v23.2d}, [%[p]], #64\n\t"
		"ld1 {v24.2d, v25.2d, v26.2d, v27.2d}, [%[p]], #64\n\t"
		"ld1 {v28.2d, v29.2d, v30.2d, v31.2d}, [%[p]], #64\n\t"
		"1: subs %[n], %[n], #1\n\t"
		"b.hi 1b\n\t"
		"st1 {v0.2d, v1.2d, v2.2d, v3.2d}, [%[q]], #64\n\t"
		"st1 {v4.2d, v5.2d, v6.2d, v7.2d}, [%[q]], #64\n\t"
		"st1 {v8.2d, v9.2d, v10.2d, v11.2d}, [%[q]], #64\n\t"
		"st1 {v12.2d, v13.2d, v14.2d, v15.2d}, [%[q]], #64\n\t"
		"st1 {v16.2d, v17.2d, v18.2d, v19.2d}, [%[q]], #64\n\t"
		"st1 {v20.2d, v21.2d, v22.2d, v23.2d}, [%[q]], #64\n\t"
		"st1 {v24.2d, v25.2d, v26.2d, v27.2d}, [%[q]], #64\n\t"
		"st1 {v28.2d, v29.2d, v30.2d, v31.2d}, [%[q]], #64\n\t"
		: [p] "+r"(in), [q] "+r"(out), [n] "+r"(spin)
		:
		: "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9",
		  "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18",
		  "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27",
		  "v28", "v29", "v30", "v31", "cc", "memory");
}

/* Runs one round with pattern (id, round); returns how many of the 32
 * registers came back wrong. */
static int fp_check(uint64_t id, uint64_t round, unsigned long spin)
{
	uint64_t in[64], out[64];
	int bad = 0;

	for (int i = 0; i < 64; i++)
		in[i] = id << 48 ^ round << 16 ^ (uint64_t)i * 0x9e3779b97f4a7c15ULL;
	fp_round(in, out, spin);
	for (int i = 0; i < 64; i += 2)
		bad += in[i] != out[i] || in[i + 1] != out[i + 1];
	return bad;
}

static volatile unsigned long fp_checks, fp_bad, fp_signals;

static void fp_handler(int sig)
{
	/* Clobbers every register with its own pattern, checked too. */
	unsigned long bad = (unsigned long)fp_check(0xffff, fp_signals, 50);

	__atomic_fetch_add(&fp_bad, bad, __ATOMIC_RELAXED);
	__atomic_fetch_add(&fp_signals, 1, __ATOMIC_RELAXED);
}

struct fp_worker {
	pthread_t t;
	int id, rounds;
	volatile int done;
};

static void *fp_body(void *arg)
{
	struct fp_worker *w = arg;

	for (int r = 0; r < w->rounds; r++) {
		unsigned long bad = (unsigned long)fp_check((uint64_t)w->id, (uint64_t)r,
							    200 + (r & 7) * 100);
		__atomic_fetch_add(&fp_bad, bad, __ATOMIC_RELAXED);
		__atomic_fetch_add(&fp_checks, 32, __ATOMIC_RELAXED);
	}
	w->done = 1;
	return NULL;
}

static void smp_fpu_stress(void)
{
	int n = ncpus(), nw = 2 * n + 1, left;
	struct fp_worker w[65];
	struct sigaction sa = { .sa_handler = fp_handler }, old;
	pthread_attr_t attr;
	struct sched_param sp = { .sched_priority = OT_PRIO + 5 };
	cpu_set_t set;

	fp_checks = fp_bad = fp_signals = 0;
	OT_ASSERT_OK(sigaction(SIGUSR1, &sa, &old));
	OT_ASSERT_RC(ot_set_prio(OT_PRIO + 20), 0);
	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_RR);	/* time slices */
	pthread_attr_setschedparam(&attr, &sp);
	pthread_attr_setstacksize(&attr, OT_STACK);
	for (int i = 0; i < nw; i++) {
		w[i].id = i + 1;
		w[i].rounds = FP_CHECKS / 32 / nw + 1;
		w[i].done = 0;
		OT_EXPECT_RC(pthread_create(&w[i].t, &attr, fp_body, &w[i]), 0);
	}
	pthread_attr_destroy(&attr);
	/* Migrate and signal them while they work. */
	for (int k = 0; ; k++) {
		left = 0;
		for (int i = 0; i < nw; i++)
			left += !w[i].done;
		if (!left)
			break;
		struct fp_worker *x = &w[k % nw];
		if (!x->done) {
			if (k % 3 == 2)
				CPU_ZERO(&set), set.__bits[0] = ~0UL >> (64 - n);
			else
				set_one(&set, k % n);
			pthread_setaffinity_np(x->t, sizeof(set), &set);
			pthread_kill(x->t, SIGUSR1);
		}
		usleep(500);
	}
	for (int i = 0; i < nw; i++)
		pthread_join(w[i].t, NULL);
	sigaction(SIGUSR1, &old, NULL);
	ot_set_prio(OT_PRIO);
	ot_log("fpu stress: %lu checks, %lu corrupt, %lu signals, %d threads on %d CPUs",
	       fp_checks, fp_bad, fp_signals, nw, n);
	OT_EXPECT_GE(fp_checks, FP_CHECKS);
	OT_EXPECT_EQ(fp_bad, 0);
	OT_EXPECT_GT(fp_signals, 0);
}

/* ---- laziness: integer-only switching costs no FP/SIMD save/restore ---- */

struct fpu_totals {
	unsigned long long save, restore, sw;
};

static int read_fpu_totals(struct fpu_totals *t)
{
	char buf[4096], *p;
	int fd = open("/proc/arm64fpu", O_RDONLY), len;

	if (fd < 0)
		return -1;
	len = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = 0;
	*t = (struct fpu_totals){ 0 };
	/* "CPU0: save: 7 restore: 8 switch: 62 exedepth: 0" per line. */
	for (p = buf; (p = strstr(p, "save: ")); ) {
		t->save += strtoull(p + 6, &p, 10);
		p = strstr(p, "restore: ");
		t->restore += strtoull(p + 9, &p, 10);
		p = strstr(p, "switch: ");
		t->sw += strtoull(p + 8, &p, 10);
	}
	return 0;
}

#define PINGPONG 2000
static sem_t ping, pong;

static void *ponger(void *arg)
{
	for (int i = 0; i < PINGPONG; i++) {
		sem_wait(&ping);
		sem_post(&pong);
	}
	return NULL;
}

static void smp_fpu_lazy(void)
{
	struct fpu_totals a, b;
	pthread_t t;

	OT_ASSERT(sem_init(&ping, 0, 0) == 0 && sem_init(&pong, 0, 0) == 0);
	OT_ASSERT_OK(read_fpu_totals(&a));
	OT_EXPECT_RC(ot_thread(&t, OT_PRIO, ponger, NULL), 0);
	for (int i = 0; i < PINGPONG; i++) {
		sem_post(&ping);
		sem_wait(&pong);
	}
	pthread_join(t, NULL);
	OT_ASSERT_OK(read_fpu_totals(&b));
	ot_log("fpu lazy: switches +%llu, saves +%llu, restores +%llu",
	       b.sw - a.sw, b.save - a.save, b.restore - a.restore);
	OT_EXPECT_GE(b.sw - a.sw, PINGPONG);
	OT_EXPECT_LE(b.save - a.save + b.restore - a.restore, 20);
	sem_destroy(&ping);
	sem_destroy(&pong);
}

OT_AREA(smp,
	OT_CASE(smp, affinity, 10),
	OT_CASE(smp, priority_order, 10),
	OT_CASE(smp, spinlock_contention, 20),
	OT_CASE(smp, fpu_stress, 60),
	OT_CASE(smp, fpu_lazy, 10));
