// SPDX-License-Identifier: BSD-2-Clause
/*
 * ostest cases for SMP (they pass on one CPU too): CPU affinity holds,
 * the most urgent threads are the ones running across CPUs, a spinlock
 * and a mutex taken from every CPU keep their critical sections
 * exclusive, and the cross-CPU versions of what the runner's pinning of
 * the other areas takes away: a sem_post waking a thread blocked on
 * another CPU, a signal reaching a thread that spins on another CPU
 * (an IPI, not its next system call), priority inheritance by a holder
 * running on another CPU, a broadcast waking waiters on every CPU.
 * Then FP/SIMD registers surviving pre-emption, migration and signal
 * handlers on every CPU (self-checking), and lazy FP/SIMD switching.
 *
 * The smp area's case thread is not pinned by the runner: cases that
 * need a fixed "this CPU" pin it themselves (ot_pin_self).  With one CPU
 * the "other" CPU is this one, and each case still checks what holds
 * there (the wake-up, the delivery, the boost).
 */
#include <fcntl.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include "ostest.h"

static void set_one(cpu_set_t *s, int cpu)
{
	CPU_ZERO(s);
	CPU_SET(cpu, s);
}

int ot_pin_self(void)
{
	cpu_set_t one;
	int cpu = sched_getcpu();

	set_one(&one, cpu);
	OT_EXPECT_OK(sched_setaffinity(0, sizeof(one), &one));
	return sched_getcpu();
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
	int n = ot_ncpus();
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
	int n = ot_ncpus();
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
	int n = ot_ncpus();
	pthread_t t[32];
	int64_t t0 = ot_now_ns();

	spin_counter = 0;
	spin_iters = SPIN_TOTAL / n;
	OT_ASSERT_RC(pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE), 0);
	for (int i = 0; i < n; i++)
		OT_EXPECT_RC(ot_thread_on(&t[i], OT_PRIO, i, spin_worker, NULL), 0);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	ot_log("spinlock: %d round trips on %d CPUs in %lld ms", n * spin_iters, n,
	       (long long)(ot_now_ns() - t0) / NS_PER_MS);
	OT_EXPECT_EQ(spin_counter, (unsigned long)n * spin_iters);
	pthread_spin_destroy(&spin);
}

/* ---- a mutex contended from every CPU ---- */

#define MUTEX_TOTAL 4000	/* lock round trips, all threads together */
static pthread_mutex_t count_lock;
static volatile unsigned long mutex_counter;
static volatile int mutex_inside, mutex_overlap;
static int mutex_iters;

static void *mutex_worker(void *arg)
{
	for (int i = 0; i < mutex_iters; i++) {
		pthread_mutex_lock(&count_lock);
		if (mutex_inside++)
			mutex_overlap++;
		mutex_counter = mutex_counter + 1;	/* not atomic on purpose */
		mutex_inside--;
		pthread_mutex_unlock(&count_lock);
	}
	return NULL;
}

/* One thread per CPU (two on one CPU), all at once: exact total. */
static void smp_mutex_counter(void)
{
	int n = ot_ncpus(), nt = n > 1 ? n : 2, started = 0;
	pthread_t t[32];
	int64_t t0 = ot_now_ns();

	mutex_counter = 0;
	mutex_inside = mutex_overlap = 0;
	mutex_iters = MUTEX_TOTAL / nt;
	OT_ASSERT_RC(pthread_mutex_init(&count_lock, NULL), 0);
	/* Held while they start, so that they contend from the first lock. */
	pthread_mutex_lock(&count_lock);
	for (; started < nt; started++) {
		if (!OT_EXPECT_RC(ot_thread_on(&t[started], OT_PRIO, started % n,
					       mutex_worker, NULL), 0))
			break;
	}
	ot_msleep(5);
	pthread_mutex_unlock(&count_lock);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	ot_log("mutex: %d round trips by %d threads in %lld ms", started * mutex_iters,
	       started, (long long)(ot_now_ns() - t0) / NS_PER_MS);
	OT_EXPECT_EQ(mutex_counter, (unsigned long)started * mutex_iters);
	OT_EXPECT_EQ(mutex_overlap, 0);
	pthread_mutex_destroy(&count_lock);
}

/* ---- wake-up across CPUs ---- */

static sem_t wake_sem;
static volatile int wake_cpu, wake_ret;
static volatile int64_t wake_ns;

static void *remote_waiter(void *arg)
{
	struct timespec dl = ot_deadline(CLOCK_REALTIME, 2000);

	wake_ret = sem_timedwait(&wake_sem, &dl);
	wake_ns = ot_now_ns();
	wake_cpu = sched_getcpu();
	return NULL;
}

/* A thread pinned to CPU cpu blocks in sem_timedwait; we post from
 * home.  It must wake where it is pinned, promptly. */
static void wake_on(int home, int cpu)
{
	int64_t posted;
	pthread_t t;

	wake_ret = -2;
	wake_cpu = -1;
	sem_init(&wake_sem, 0, 0);
	if (!OT_EXPECT_RC(ot_thread_on(&t, OT_PRIO + 10, cpu, remote_waiter, NULL), 0))
		return;
	OT_EXPECT(ot_wait_blocked(t, 1000));
	posted = ot_now_ns();
	OT_EXPECT_OK(sem_post(&wake_sem));
	if (cpu == home)	/* more urgent, same CPU: it ran already */
		OT_EXPECT_EQ(wake_ret, 0);
	pthread_join(t, NULL);
	ot_log("wake CPU %d -> %d: %lld us", home, cpu,
	       (long long)(wake_ns - posted) / 1000);
	if (wake_ret != 0 || wake_cpu != cpu)
		OT_FAIL("woken on CPU %d from %d: sem_timedwait %d, ran on CPU %d",
			cpu, home, wake_ret, wake_cpu);
	OT_EXPECT_LE((wake_ns - posted) / NS_PER_MS, OT_SLACK_MS);
	sem_destroy(&wake_sem);
}

static void smp_wake_remote(void)
{
	int n = ot_ncpus(), home = ot_pin_self();

	OT_EXPECT_EQ(sched_getcpu(), home);
	for (int cpu = 0; cpu < n; cpu++) {
		if (cpu != home || n == 1)
			wake_on(home, cpu);
	}
}

/* ---- a signal to a thread spinning on another CPU ---- */

static volatile int spinning, sig_stop, sig_cpu;
static volatile pthread_t sig_thread;
static volatile int64_t sig_ns;

static void note_signal(int sig)
{
	sig_ns = ot_now_ns();
	sig_cpu = sched_getcpu();
	sig_thread = pthread_self();
}

/* Spins on two flags only: no call, no system call, nothing that would
 * look at pending signals.  Only an interrupt gets the handler in. */
static void *flag_spinner(void *arg)
{
	spinning = 1;
	while (!sig_stop && sig_cpu < 0)
		__asm__ volatile("" ::: "memory");
	return NULL;
}

static void signal_on(int home, int cpu)
{
	int64_t sent;
	pthread_t t;

	spinning = sig_stop = 0;
	sig_cpu = -1;
	sig_thread = 0;
	/* Below us: on one CPU it spins only while we sleep. */
	if (!OT_EXPECT_RC(ot_thread_on(&t, OT_PRIO - 10, cpu, flag_spinner, NULL), 0))
		return;
	for (int i = 0; i < 1000 && !spinning; i++)
		ot_msleep(1);
	OT_EXPECT(spinning);
	sent = ot_now_ns();
	OT_EXPECT_RC(pthread_kill(t, SIGUSR1), 0);
	for (int i = 0; i < 1000 && sig_cpu < 0; i++)
		ot_msleep(1);
	sig_stop = 1;		/* ends it even if the signal never came */
	pthread_join(t, NULL);
	ot_log("signal CPU %d -> %d: handler after %lld us", home, cpu,
	       (long long)(sig_ns - sent) / 1000);
	if (sig_cpu != cpu || sig_thread != t)
		OT_FAIL("signal to a spinner on CPU %d: handler on CPU %d, thread %d (want %d)",
			cpu, sig_cpu, (int)sig_thread, (int)t);
	else
		OT_EXPECT_LE((sig_ns - sent) / NS_PER_MS, OT_SLACK_MS);
}

static void smp_signal_remote(void)
{
	struct sigaction sa = { .sa_handler = note_signal }, old;
	int n = ot_ncpus(), home = ot_pin_self();

	sigemptyset(&sa.sa_mask);
	OT_ASSERT_OK(sigaction(SIGUSR1, &sa, &old));
	for (int cpu = 0; cpu < n; cpu++) {
		if (cpu != home || n == 1)
			signal_on(home, cpu);
	}
	sigaction(SIGUSR1, &old, NULL);
}

/* ---- priority inheritance across CPUs ---- */

static pthread_mutex_t pi_lock;
static volatile int pi_held, pi_release, pi_after, pi_got;

/* Low: takes the lock and spins holding it (on its own CPU). */
static void *pi_holder(void *arg)
{
	pthread_mutex_lock(&pi_lock);
	pi_held = 1;
	while (!pi_release)
		__asm__ volatile("" ::: "memory");
	pthread_mutex_unlock(&pi_lock);
	pi_after = ot_prio_of(pthread_self());
	return NULL;
}

/* High: blocks on the lock (from its own CPU). */
static void *pi_waiter(void *arg)
{
	if (pthread_mutex_lock(&pi_lock) == 0) {
		pi_got = 1;
		pthread_mutex_unlock(&pi_lock);
	}
	return NULL;
}

/* Polls until thread t runs at prio; returns what it last saw. */
static int wait_prio(pthread_t t, int prio)
{
	int now = ot_prio_of(t);

	for (int i = 0; i < 1000 && now != prio; i++) {
		ot_msleep(1);
		now = ot_prio_of(t);
	}
	return now;
}

static void smp_pi_remote(void)
{
	int n = ot_ncpus(), home = ot_pin_self();
	int a = (home + 1) % n, b = (home + 2) % n;	/* holder, waiter */
	pthread_mutexattr_t ma;
	pthread_t tl, th;
	bool have_high;

	pi_held = pi_release = pi_got = 0;
	pi_after = -1;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&pi_lock, &ma);
	pthread_mutexattr_destroy(&ma);
	/* Above both: on one CPU we must still run to check and release
	 * while the boosted holder spins. */
	OT_ASSERT_RC(ot_set_prio(OT_PRIO + 60), 0);
	if (!OT_EXPECT_RC(ot_thread_on(&tl, OT_PRIO + 10, a, pi_holder, NULL), 0)) {
		ot_set_prio(OT_PRIO);
		return;
	}
	for (int i = 0; i < 1000 && !pi_held; i++)
		ot_msleep(1);
	OT_EXPECT(pi_held);
	OT_EXPECT_EQ(ot_prio_of(tl), OT_PRIO + 10);
	have_high = OT_EXPECT_RC(ot_thread_on(&th, OT_PRIO + 50, b, pi_waiter, NULL), 0);
	if (have_high) {
		/* Boosted while it runs on its CPU, without a call of its own. */
		OT_EXPECT_EQ(wait_prio(tl, OT_PRIO + 50), OT_PRIO + 50);
		OT_EXPECT_EQ(pi_got, 0);
	}
	pi_release = 1;
	pthread_join(tl, NULL);
	if (have_high)
		pthread_join(th, NULL);
	ot_log("pi CPUs %d (holder), %d (waiter), us on %d", a, b, home);
	OT_EXPECT_EQ(pi_after, OT_PRIO + 10);	/* dropped at the unlock */
	if (have_high)
		OT_EXPECT_EQ(pi_got, 1);
	ot_set_prio(OT_PRIO);
	pthread_mutex_destroy(&pi_lock);
}

/* ---- a broadcast wakes waiters on every CPU ---- */

static pthread_mutex_t bc_lock;
static pthread_cond_t bc_cond;
static volatile int bc_waiting, bc_go, bc_woken;
static volatile int bc_cpu[32];

static void *bc_waiter(void *arg)
{
	int i = (int)(uintptr_t)arg;

	pthread_mutex_lock(&bc_lock);
	bc_waiting++;
	while (!bc_go)
		pthread_cond_wait(&bc_cond, &bc_lock);
	bc_cpu[i] = sched_getcpu();
	bc_woken++;
	pthread_mutex_unlock(&bc_lock);
	return NULL;
}

/* One waiter per CPU (three on one CPU), each pinned. */
static void smp_cond_broadcast_all(void)
{
	int n = ot_ncpus(), nw = n > 1 ? n : 3, started = 0;
	pthread_t t[32];

	bc_waiting = bc_go = bc_woken = 0;
	pthread_mutex_init(&bc_lock, NULL);
	pthread_cond_init(&bc_cond, NULL);
	for (; started < nw; started++) {
		bc_cpu[started] = -1;
		if (!OT_EXPECT_RC(ot_thread_on(&t[started], OT_PRIO + 10, started % n,
					       bc_waiter, (void *)(uintptr_t)started), 0))
			break;
	}
	for (int i = 0; i < 1000 && bc_waiting < started; i++)
		ot_msleep(1);
	OT_EXPECT_EQ(bc_waiting, started);
	for (int i = 0; i < started; i++)
		OT_EXPECT(ot_wait_blocked(t[i], 1000));
	pthread_mutex_lock(&bc_lock);
	bc_go = 1;
	OT_EXPECT_RC(pthread_cond_broadcast(&bc_cond), 0);
	pthread_mutex_unlock(&bc_lock);
	for (int i = 0; i < 1000 && bc_woken < started; i++)
		ot_msleep(1);
	OT_EXPECT_EQ(bc_woken, started);
	for (int i = 0; i < started; i++) {
		if (bc_woken < started)
			pthread_cancel(t[i]);	/* not left waiting forever */
		pthread_join(t[i], NULL);
		if (bc_woken == started && bc_cpu[i] != i % n)
			OT_FAIL("waiter %d pinned to CPU %d woke on CPU %d", i, i % n,
				bc_cpu[i]);
	}
	pthread_cond_destroy(&bc_cond);
	pthread_mutex_destroy(&bc_lock);
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

int ot_fp_check(uint64_t id, uint64_t round, unsigned long spin)
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

/*
 * The workers run until they have done their share of the checks and
 * each has had a signal handler run on top of it: a fixed amount of
 * work raced the signalling loop, and on a fast run every worker could
 * finish before its turn came (fp_signals == 0 without any signal lost:
 * each signal sent was handled, but usleep(500) sleeps a tick or two and
 * the loop only signals one worker per turn).
 */
#define FP_MAX_WORKERS 65
/* Workers stop at it, signalled or not: a safety net under the case's
 * guard.  Normally all are signalled within milliseconds, but 65 workers
 * on 32 emulated CPUs sharing two host CPUs took over 5 s. */
#define FP_DEADLINE_MS 40000

struct fp_worker {
	pthread_t t;
	int id, rounds;
	volatile int signals, done;
};

static struct fp_worker *fp_w;	/* fp_nw of them, while the case runs */
static int fp_nw;
static volatile unsigned long fp_checks, fp_bad, fp_signals;
static int64_t fp_end;

static void fp_handler(int sig)
{
	/* Clobbers every register with its own pattern, checked too. */
	unsigned long bad = (unsigned long)ot_fp_check(0xffff, fp_signals, 50);

	__atomic_fetch_add(&fp_bad, bad, __ATOMIC_RELAXED);
	__atomic_fetch_add(&fp_signals, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < fp_nw; i++) {
		if (pthread_equal(fp_w[i].t, pthread_self()))
			fp_w[i].signals++;
	}
}

static void *fp_body(void *arg)
{
	struct fp_worker *w = arg;

	for (int r = 0; r < w->rounds || (!w->signals && ot_now_ns() < fp_end); r++) {
		unsigned long bad = (unsigned long)ot_fp_check((uint64_t)w->id, (uint64_t)r,
							    200 + (r & 7) * 100);
		__atomic_fetch_add(&fp_bad, bad, __ATOMIC_RELAXED);
		__atomic_fetch_add(&fp_checks, 32, __ATOMIC_RELAXED);
	}
	w->done = 1;
	return NULL;
}

/* Moves every worker still running (to one CPU, or back to all of
 * them, varying with *k) and signals it; false when none is left.  All
 * of them each time: on a slow host with 32 CPUs, one per call left
 * workers unsignalled at the deadline. */
static bool fp_poke(int *k, int n)
{
	cpu_set_t set;
	bool left = false;

	for (int i = 0; i < fp_nw; i++) {
		struct fp_worker *x = &fp_w[i];

		if (x->done)
			continue;
		if (++*k % 3 == 2)
			CPU_ZERO(&set), set.__bits[0] = ~0UL >> (64 - n);
		else
			set_one(&set, *k % n);
		pthread_setaffinity_np(x->t, sizeof(set), &set);
		pthread_kill(x->t, SIGUSR1);
		left = true;
	}
	return left;
}

static void smp_fpu_stress(void)
{
	int n = ot_ncpus(), k = -1, unsignalled = 0;
	struct sigaction sa = { .sa_handler = fp_handler }, old;
	pthread_attr_t attr;
	struct sched_param sp = { .sched_priority = OT_PRIO + 5 };
	int64_t t0 = ot_now_ns();

	fp_nw = 2 * n + 1 < FP_MAX_WORKERS ? 2 * n + 1 : FP_MAX_WORKERS;
	fp_w = calloc((size_t)fp_nw, sizeof(*fp_w));
	if (!fp_w) {
		OT_FAIL("out of memory");
		return;
	}
	fp_checks = fp_bad = fp_signals = 0;
	fp_end = t0 + FP_DEADLINE_MS * NS_PER_MS;
	for (int i = 0; i < fp_nw; i++)
		fp_w[i] = (struct fp_worker){ .id = i + 1, .rounds = FP_CHECKS / 32 / fp_nw + 1 };
	OT_ASSERT_OK(sigaction(SIGUSR1, &sa, &old));
	/* Above the workers: the signalling loop runs whenever it wakes. */
	OT_EXPECT_RC(ot_set_prio(OT_PRIO + 20), 0);
	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_RR);	/* time slices */
	pthread_attr_setschedparam(&attr, &sp);
	pthread_attr_setstacksize(&attr, OT_STACK);
	for (int i = 0; i < fp_nw; i++) {
		if (!OT_EXPECT_RC(pthread_create(&fp_w[i].t, &attr, fp_body, &fp_w[i]), 0))
			fp_w[i].done = -1;	/* never started: not joined */
	}
	pthread_attr_destroy(&attr);
	/* Migrate and signal them while they work. */
	while (fp_poke(&k, n))
		usleep(500);
	for (int i = 0; i < fp_nw; i++) {
		if (fp_w[i].done < 0)
			continue;
		pthread_join(fp_w[i].t, NULL);
		unsignalled += !fp_w[i].signals;
	}
	sigaction(SIGUSR1, &old, NULL);
	free(fp_w);
	fp_w = NULL;
	fp_nw = 0;
	ot_set_prio(OT_PRIO);
	ot_log("fpu stress: %lu checks, %lu corrupt, %lu signals, %d threads on %d CPUs, %lld ms",
	       fp_checks, fp_bad, fp_signals, fp_nw, n,
	       (long long)(ot_now_ns() - t0) / NS_PER_MS);
	OT_EXPECT_GE(fp_checks, FP_CHECKS);
	OT_EXPECT_EQ(fp_bad, 0);
	/* Every worker had a handler run over its live registers. */
	OT_EXPECT_EQ(unsignalled, 0);
	OT_EXPECT_GE(fp_signals, fp_nw);
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

/* Both threads on one CPU, so that every hand-over is a switch: across
 * CPUs a post may come before the wait, which then takes it without
 * blocking. */
static void smp_fpu_lazy(void)
{
	struct fpu_totals a, b;
	pthread_t t;
	int cpu = ot_pin_self();

	OT_ASSERT(sem_init(&ping, 0, 0) == 0 && sem_init(&pong, 0, 0) == 0);
	OT_ASSERT_OK(read_fpu_totals(&a));
	OT_EXPECT_RC(ot_thread_on(&t, OT_PRIO, cpu, ponger, NULL), 0);
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

/* ---- sysconf: the CPU counts and limits applications size themselves by ---- */

static void smp_sysconf(void)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	OT_EXPECT_EQ(online, ot_ncpus());	/* as affinity sees them */
	OT_EXPECT_GE(sysconf(_SC_NPROCESSORS_CONF), online);
	OT_EXPECT_EQ(sysconf(_SC_PAGESIZE), 4096);
	OT_EXPECT_GT(sysconf(_SC_OPEN_MAX), 2);
	OT_EXPECT_EQ(sysconf(_SC_THREAD_STACK_MIN), PTHREAD_STACK_MIN);
	errno = 0;
	OT_EXPECT_EQ(sysconf(-1), -1);
	OT_EXPECT_EQ(errno, EINVAL);
}

OT_AREA(smp,
	OT_CASE(smp, affinity, 10),
	OT_CASE(smp, priority_order, 10),
	OT_CASE(smp, spinlock_contention, 20),
	OT_CASE(smp, mutex_counter, 20),
	OT_CASE(smp, wake_remote, 10),
	OT_CASE(smp, signal_remote, 10),
	OT_CASE(smp, pi_remote, 10),
	OT_CASE(smp, cond_broadcast_all, 10),
	OT_CASE(smp, fpu_stress, 60),
	OT_CASE(smp, fpu_lazy, 10),
	OT_CASE(smp, sysconf, 5));
