// SPDX-License-Identifier: BSD-2-Clause
/*
 * Kernel facilities the flat build's applications may call directly:
 * one-shot timer callbacks from the timer interrupt (watchdogs), and the
 * two work queues (hpwork, lpwork) for deferred work in thread context,
 * also queued from such a callback, and kernel spinlocks taken from every
 * CPU at once.
 */
#include <sched.h>
#include <semaphore.h>
#include <string.h>
#include <vireo/clock.h>
#include <vireo/ktimer.h>
#include <vireo/smp.h>
#include <vireo/spinlock.h>
#include <vireo/thread.h>
#include <vireo/workqueue.h>
#include "ostest.h"

static sem_t done;
static volatile int64_t fired_ns;
static volatile int fired_count;
static struct work timer_work;

static void post_done(void *arg)
{
	sem_post(&done);
}

/* Runs in the timer interrupt with the scheduler lock held: only the
 * _locked calls are allowed, so it hands the wake-up to hpwork. */
static void on_timer(struct ktimer *t)
{
	fired_ns = ot_now_ns();
	fired_count++;
	*(int *)t->arg = 1;
	work_queue_locked(HPWORK, &timer_work, post_done, NULL, 0);
}

static void kernel_timer_oneshot(void)
{
	static struct ktimer t;
	int flag = 0;
	int64_t t0;

	fired_count = 0;
	work_init(&timer_work);
	OT_ASSERT_OK(sem_init(&done, 0, 0));
	t0 = ot_now_ns();
	ktimer_start(&t, 20 * NS_PER_MS, on_timer, &flag);
	OT_EXPECT_OK(sem_wait(&done));
	OT_EXPECT_EQ(flag, 1);
	OT_EXPECT_ELAPSED(fired_ns - t0, 20);
	ot_msleep(30);
	OT_EXPECT_EQ(fired_count, 1);		/* one-shot */
	/* Cancelled before its deadline: never runs. */
	ktimer_start(&t, 20 * NS_PER_MS, on_timer, &flag);
	OT_EXPECT(ktimer_cancel(&t));
	OT_EXPECT(!ktimer_cancel(&t));
	ot_msleep(40);
	OT_EXPECT_EQ(fired_count, 1);
	sem_destroy(&done);
}

struct work_seen {
	char name[24];
	int prio;
	int64_t ran_ns;
};

static void record_work(void *arg)
{
	struct work_seen *s = arg;
	struct thread *self = thread_current();

	memcpy(s->name, self->name, sizeof(s->name));
	s->prio = self->prio;
	s->ran_ns = ot_now_ns();
	sem_post(&done);
}

static void kernel_work_queues(void)
{
	static struct work hp, lp, never;
	struct work_seen a = { 0 }, b = { 0 }, c = { 0 };
	int64_t t0;

	OT_ASSERT_OK(sem_init(&done, 0, 0));
	work_init(&hp);
	work_init(&lp);
	work_init(&never);
	/* High priority, at once, in the hpwork thread. */
	OT_EXPECT_EQ(work_queue(HPWORK, &hp, record_work, &a, 0), 0);
	OT_EXPECT_OK(sem_wait(&done));
	OT_EXPECT(strcmp(a.name, "hpwork") == 0);
	OT_EXPECT_GT(a.prio, OT_PRIO);
	/* Low priority after a delay, in the lpwork thread. */
	t0 = ot_now_ns();
	OT_EXPECT_EQ(work_queue(LPWORK, &lp, record_work, &b, 20 * NS_PER_MS), 0);
	OT_EXPECT(work_pending(&lp));
	OT_EXPECT_OK(sem_wait(&done));
	OT_EXPECT(strcmp(b.name, "lpwork") == 0);
	OT_EXPECT_LT(b.prio, OT_PRIO);
	OT_EXPECT_ELAPSED(b.ran_ns - t0, 20);
	OT_EXPECT(!work_pending(&lp));
	/* Cancelled while delayed: never runs; cancelling twice: -ENOENT. */
	OT_EXPECT_EQ(work_queue(HPWORK, &never, record_work, &c, 20 * NS_PER_MS), 0);
	OT_EXPECT_EQ(work_cancel(&never), 0);
	OT_EXPECT_EQ(work_cancel(&never), -ENOENT);
	ot_msleep(40);
	OT_EXPECT_EQ(c.ran_ns, 0);
	OT_EXPECT_EQ(work_queue(7, &never, record_work, &c, 0), -EINVAL);
	sem_destroy(&done);
}

/* A kernel spinlock (IRQs masked while held) hammered by a thread
 * pinned to each CPU: the non-atomic counter it guards loses nothing. */
#define SPIN_ROUNDS 40000	/* all CPUs together */
static spinlock_t kspin = SPINLOCK_INIT;
static unsigned long kspin_count;
static int kspin_each;

static void *kspin_worker(void *arg)
{
	for (int i = 0; i < kspin_each; i++) {
		irqflags_t f = spin_lock_irqsave(&kspin);
		kspin_count = kspin_count + 1;	/* not atomic on purpose */
		spin_unlock_irqrestore(&kspin, f);
	}
	return NULL;
}

/* A thread running fn((void *)cpu) on each CPU of cpus; how many. */
static int start_on_each(uint32_t cpus, pthread_t *t, void *(*fn)(void *))
{
	int n = 0;

	for (int cpu = 0; cpu < 32; cpu++) {
		if ((cpus >> cpu & 1) &&
		    OT_EXPECT_RC(ot_thread_on(&t[n], OT_PRIO, cpu, fn,
					      (void *)(uintptr_t)cpu), 0))
			n++;
	}
	return n;
}

static void kernel_spinlock_all_cpus(void)
{
	uint32_t online = sched_online_mask();
	pthread_t t[32];
	int n;

	/* trylock: fails while held, succeeds once free. */
	spin_lock(&kspin);
	OT_EXPECT(spin_is_locked(&kspin));
	OT_EXPECT(!spin_trylock(&kspin));
	spin_unlock(&kspin);
	OT_EXPECT(spin_trylock(&kspin));
	spin_unlock(&kspin);
	OT_EXPECT(!spin_is_locked(&kspin));

	kspin_count = 0;
	kspin_each = SPIN_ROUNDS / __builtin_popcount(online);
	n = start_on_each(online, t, kspin_worker);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	OT_EXPECT_EQ(kspin_count, (unsigned long)kspin_each * n);
	OT_EXPECT(!spin_is_locked(&kspin));
}

/* smp_pause_others(): threads spinning on every other CPU stop counting
 * while the pause lasts and go on after it. */
static volatile unsigned long spins[32];
static volatile int spin_stop;

static void *count_spins(void *arg)
{
	while (!spin_stop)
		spins[(uintptr_t)arg]++;
	return NULL;
}

static bool all_counting(uint32_t cpus, const unsigned long *since)
{
	for (int i = 0; i < 32; i++)
		if ((cpus >> i & 1) && spins[i] == since[i])
			return false;
	return true;
}

static void wait_all_counting(uint32_t cpus)
{
	unsigned long before[32];
	int64_t deadline = ot_now_ns() + 5000 * NS_PER_MS;

	memcpy(before, (const void *)spins, sizeof(before));
	while (!all_counting(cpus, before) && ot_now_ns() < deadline)
		sched_yield();
	OT_EXPECT(all_counting(cpus, before));
}

static void kernel_pause_other_cpus(void)
{
	uint32_t others = sched_online_mask() & ~(1u << sched_getcpu());
	unsigned long at_pause[32], at_resume[32];
	pthread_t t[32];
	irqflags_t f;
	int n, parked;

	spin_stop = 0;
	memset((void *)spins, 0, sizeof(spins));
	n = start_on_each(others, t, count_spins);
	wait_all_counting(others);

	parked = smp_pause_others(&f);
	memcpy(at_pause, (const void *)spins, sizeof(at_pause));
	for (int64_t end = ot_now_ns() + 20 * NS_PER_MS; ot_now_ns() < end; )
		;
	memcpy(at_resume, (const void *)spins, sizeof(at_resume));
	smp_resume_others(f);

	OT_EXPECT_EQ(parked, __builtin_popcount(others));
	OT_EXPECT(memcmp(at_pause, at_resume, sizeof(at_pause)) == 0);
	wait_all_counting(others);	/* running again */
	spin_stop = 1;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

/* ---- FP/SIMD registers across interrupt handlers that use them ---- */

#define SIMD_PERIOD_NS 100000

static struct ktimer simd_timer;
static volatile bool simd_stop;
static volatile unsigned long simd_calls;
static uint8_t simd_buf[64];

/* Every 100 us from the timer interrupt: picolibc's memset fills through
 * v0 (dup v0.16b), as a driver's interrupt handler clearing a buffer
 * does.  A size the compiler cannot see keeps it a call. */
static void on_simd_timer(struct ktimer *t)
{
	unsigned long n = simd_calls;

	memset(simd_buf, (int)n, sizeof(simd_buf) - (n & 15));
	simd_calls = n + 1;
	if (!simd_stop)
		ktimer_arm_locked(t, clock_monotonic_ns() + SIMD_PERIOD_NS,
				  on_simd_timer);
}

/* A thread's live FP/SIMD registers survive an interrupt whose handler
 * uses them: the handler's use traps and saves them first. */
static void kernel_fpu_in_irq(void)
{
	unsigned long bad = 0, rounds = 0;
	int64_t end;

	ot_pin_self();	/* the timer re-arms on the CPU it fires on: this one */
	simd_stop = false;
	simd_calls = 0;
	ktimer_start(&simd_timer, SIMD_PERIOD_NS, on_simd_timer, NULL);
	end = ot_now_ns() + 300 * NS_PER_MS;
	while (ot_now_ns() < end || simd_calls < 100) {
		bad += (unsigned long)ot_fp_check(7, rounds, 2000);
		rounds++;
	}
	simd_stop = true;
	ktimer_cancel(&simd_timer);
	ot_msleep(1);
	ot_log("fpu in irq: %lu rounds, %lu handler calls", rounds, simd_calls);
	OT_EXPECT_EQ(bad, 0);
}

OT_AREA(kernel,
	OT_CASE(kernel, timer_oneshot, 5),
	OT_CASE(kernel, fpu_in_irq, 10),
	OT_CASE(kernel, work_queues, 5),
	OT_CASE(kernel, spinlock_all_cpus, 20),
	OT_CASE(kernel, pause_other_cpus, 20));
