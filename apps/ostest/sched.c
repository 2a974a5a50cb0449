// SPDX-License-Identifier: BSD-2-Clause
/*
 * ostest cases for scheduling: the sched_* interface, strict priority
 * order, sched_yield among equal SCHED_FIFO threads, SCHED_RR rotation,
 * and immediate pre-emption when a more urgent thread becomes ready, from
 * a thread (sem_post) and from an interrupt (a timer).  These are orders
 * on one CPU: the runner pins the case thread, and so the threads it
 * creates, to one CPU; the smp area checks the cross-CPU versions.
 */
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include "ostest.h"

static void sched_api(void)
{
	struct sched_param sp;
	struct timespec ts = { -1, -1 };
	int policy;

	/* Real-time priorities above SCHED_OTHER's one (0), at least 32 of
	 * them (POSIX sched.h). */
	OT_EXPECT_GT(sched_get_priority_min(SCHED_FIFO), 0);
	OT_EXPECT_EQ(sched_get_priority_max(SCHED_FIFO), 255);
	OT_EXPECT_EQ(sched_get_priority_min(SCHED_RR), sched_get_priority_min(SCHED_FIFO));
	OT_EXPECT_EQ(sched_get_priority_max(SCHED_RR), 255);
	OT_EXPECT_EQ(sched_get_priority_min(SCHED_OTHER), 0);
	OT_EXPECT_EQ(sched_get_priority_max(SCHED_OTHER), 0);
	OT_EXPECT_ERRNO(sched_get_priority_max(999), EINVAL);
	policy = sched_getscheduler(0);
	OT_EXPECT(policy == SCHED_FIFO || policy == SCHED_RR);
	OT_EXPECT_OK(sched_getparam(0, &sp));
	OT_EXPECT_GE(sp.sched_priority, sched_get_priority_min(SCHED_FIFO));
	sp.sched_priority = 10;
	OT_EXPECT_ERRNO(sched_setscheduler(0, 999, &sp), EINVAL);
	sp.sched_priority = 256;
	OT_EXPECT_ERRNO(sched_setparam(0, &sp), EINVAL);
	OT_EXPECT_OK(sched_rr_get_interval(0, &ts));
	OT_EXPECT_EQ(ts.tv_sec * 1000 + ts.tv_nsec / NS_PER_MS, CONFIG_RR_INTERVAL_MS);
	OT_EXPECT_OK(sched_yield());
}

static char order[16];
static volatile int norder;

static void *record_letter(void *arg)
{
	order[norder++] = (char)(uintptr_t)arg;
	return NULL;
}

static void sched_priority_order(void)
{
	pthread_t t[3];
	const int prio[3] = { OT_PRIO + 5, OT_PRIO + 15, OT_PRIO + 10 };

	norder = 0;
	memset(order, 0, sizeof(order));
	OT_ASSERT_RC(ot_set_prio(OT_PRIO + 20), 0);
	for (int i = 0; i < 3; i++)
		OT_EXPECT_RC(ot_thread(&t[i], prio[i], record_letter,
				       (void *)(uintptr_t)('a' + i)), 0);
	OT_EXPECT_EQ(norder, 0);	/* none ran: all below us */
	/* Lowering our priority lets all three run at once, most urgent first. */
	OT_EXPECT_RC(ot_set_prio(OT_PRIO), 0);
	OT_EXPECT_EQ(norder, 3);
	OT_EXPECT(strcmp(order, "bca") == 0);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
}

static void *yield_body(void *arg)
{
	for (int i = 0; i < 3; i++) {
		order[norder++] = (char)(uintptr_t)arg;
		sched_yield();
	}
	return NULL;
}

static void sched_yield_fifo(void)
{
	pthread_t a, b;

	norder = 0;
	memset(order, 0, sizeof(order));
	OT_ASSERT_RC(ot_set_prio(OT_PRIO + 20), 0);
	OT_EXPECT_RC(ot_thread(&a, OT_PRIO + 10, yield_body, (void *)'A'), 0);
	OT_EXPECT_RC(ot_thread(&b, OT_PRIO + 10, yield_body, (void *)'B'), 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	ot_set_prio(OT_PRIO);
	OT_EXPECT(strcmp(order, "ABABAB") == 0);
	if (strcmp(order, "ABABAB"))
		OT_FAIL("order %s", order);
}

static volatile unsigned long rr_count[2];
static volatile int rr_switches[2];
#define RR_SWITCHES 3	/* rotations each thread must see */

static void *rr_body(void *arg)
{
	int me = (int)(uintptr_t)arg, other = !me;
	unsigned long seen = rr_count[other];
	int64_t end = ot_now_ns() + 2000 * NS_PER_MS;

	/* Spins without blocking or yielding: only the time slice lets the
	 * other thread in, which we notice as its counter moving.  Both spin
	 * until each has seen the other come in a few times, not for a fixed
	 * time: a host that deschedules the emulated CPU stretches slices in
	 * guest time.  The deadline is only a guard. */
	while (ot_now_ns() < end &&
	       (rr_switches[0] < RR_SWITCHES || rr_switches[1] < RR_SWITCHES)) {
		rr_count[me]++;
		if (rr_count[other] != seen) {
			seen = rr_count[other];
			rr_switches[me]++;
		}
	}
	return NULL;
}

static void sched_rr_rotation(void)
{
	pthread_attr_t attr;
	struct sched_param sp = { .sched_priority = OT_PRIO + 10 };
	pthread_t t[2];

	rr_count[0] = rr_count[1] = 0;
	rr_switches[0] = rr_switches[1] = 0;
	OT_ASSERT_RC(ot_set_prio(OT_PRIO + 20), 0);
	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_RR);
	pthread_attr_setschedparam(&attr, &sp);
	for (int i = 0; i < 2; i++)
		OT_EXPECT_RC(pthread_create(&t[i], &attr, rr_body, (void *)(uintptr_t)i), 0);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	pthread_attr_destroy(&attr);
	ot_set_prio(OT_PRIO);
	ot_log("rr switches %d %d", rr_switches[0], rr_switches[1]);
	OT_EXPECT_GE(rr_switches[0], RR_SWITCHES);
	OT_EXPECT_GE(rr_switches[1], RR_SWITCHES);
}

static sem_t wake_sem;
static volatile int woke;
static volatile int64_t woke_ns;

static void *post_waiter(void *arg)
{
	while (sem_wait(&wake_sem) != 0)
		;
	woke = 1;
	return NULL;
}

static void sched_preempt_post(void)
{
	pthread_t t;

	woke = 0;
	sem_init(&wake_sem, 0, 0);
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO + 10, post_waiter, NULL), 0)) {
		OT_EXPECT_EQ(woke, 0);
		OT_EXPECT_OK(sem_post(&wake_sem));
		/* It ran before sem_post returned. */
		OT_EXPECT_EQ(woke, 1);
		pthread_join(t, NULL);
	}
	sem_destroy(&wake_sem);
}

static void *sleeper(void *arg)
{
	struct timespec *dl = arg;

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, dl, NULL) == EINTR)
		;
	woke_ns = ot_now_ns();
	woke = 1;
	return NULL;
}

/* Spins (as the case thread) until woke or one second; returns when the
 * spinner saw it. */
static int64_t spin_until_woke(void)
{
	int64_t end = ot_now_ns() + 1000 * NS_PER_MS;

	while (!woke && ot_now_ns() < end)
		;
	return ot_now_ns();
}

static void sched_preempt_irq(void)
{
	struct timespec dl = ot_deadline(CLOCK_MONOTONIC, 30);
	int64_t dl_ns = (int64_t)dl.tv_sec * 1000000000LL + dl.tv_nsec, seen;
	pthread_t t;

	woke = 0;
	OT_ASSERT_RC(ot_thread(&t, OT_PRIO + 10, sleeper, &dl), 0);
	/* We never block: only pre-emption at interrupt exit lets it run. */
	seen = spin_until_woke();
	OT_EXPECT_EQ(woke, 1);
	OT_EXPECT_GE(woke_ns, dl_ns);
	/* Latency itself is osperf's to measure; here only "not absurdly
	 * late", which TCG on a loaded host can stretch to tens of ms. */
	OT_EXPECT_LE((woke_ns - dl_ns) / NS_PER_MS, OT_SLACK_MS);
	OT_EXPECT_LE((seen - woke_ns) / NS_PER_MS, OT_SLACK_MS);
	pthread_join(t, NULL);
}

#define PREEMPT_SIG (SIGRTMIN + 4)

static void *sigwaiter(void *arg)
{
	sigset_t set;
	siginfo_t si;

	sigemptyset(&set);
	sigaddset(&set, PREEMPT_SIG);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sem_post(&wake_sem);
	if (sigwaitinfo(&set, &si) == PREEMPT_SIG && si.si_code == SI_TIMER)
		woke = 1;
	else
		woke = -1;
	woke_ns = ot_now_ns();
	return NULL;
}

static void sched_preempt_timer_signal(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = PREEMPT_SIG };
	struct itimerspec its = { .it_value = { 0, 30 * NS_PER_MS } };
	sigset_t set, old;
	timer_t tm;
	pthread_t t;
	int64_t armed;

	woke = 0;
	sem_init(&wake_sem, 0, 0);
	sigemptyset(&set);
	sigaddset(&set, PREEMPT_SIG);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO + 10, sigwaiter, NULL), 0)) {
		sem_wait(&wake_sem);
		if (OT_EXPECT_OK(timer_create(CLOCK_MONOTONIC, &ev, &tm))) {
			armed = ot_now_ns();
			OT_EXPECT_OK(timer_settime(tm, 0, &its, NULL));
			spin_until_woke();
			OT_EXPECT_EQ(woke, 1);
			OT_EXPECT_GE((woke_ns - armed) / NS_PER_MS, 29);
			OT_EXPECT_LE((woke_ns - armed) / NS_PER_MS, 30 + OT_SLACK_MS);
			timer_delete(tm);
		}
		if (!woke)
			pthread_kill(t, PREEMPT_SIG);
		pthread_join(t, NULL);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	sem_destroy(&wake_sem);
}

static volatile int other_ran;

static void *other_thread(void *arg)
{
	int policy = -1;
	struct sched_param sp = { .sched_priority = -1 };

	pthread_getschedparam(pthread_self(), &policy, &sp);
	other_ran = 1;
	return (void *)(uintptr_t)(policy == SCHED_OTHER && sp.sched_priority == 0);
}

/* Spins 50 ms at the lowest real-time priority; returns whether the
 * SCHED_OTHER thread ran meanwhile. */
static void *lowest_rt_thread(void *arg)
{
	ot_spin_ms(50);
	return (void *)(uintptr_t)other_ran;
}

/* SCHED_OTHER: created with it, a thread reports it (priority 0) and
 * runs only when no real-time thread, even of the lowest priority, is
 * ready. */
static void sched_other(void)
{
	pthread_attr_t attr;
	struct sched_param sp = { .sched_priority = 0 };
	pthread_t other, rt;
	void *ok = NULL, *ran = (void *)1;

	other_ran = 0;
	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	OT_EXPECT_RC(pthread_attr_setschedpolicy(&attr, SCHED_OTHER), 0);
	OT_EXPECT_RC(pthread_attr_setschedparam(&attr, &sp), 0);
	sp.sched_priority = 1;
	OT_EXPECT_RC(pthread_attr_setschedparam(&attr, &sp), EINVAL);
	OT_ASSERT_RC(pthread_create(&other, &attr, other_thread, NULL), 0);
	pthread_attr_destroy(&attr);
	if (OT_EXPECT_RC(ot_thread(&rt, sched_get_priority_min(SCHED_FIFO),
				   lowest_rt_thread, NULL), 0)) {
		pthread_join(rt, &ran);
		OT_EXPECT(ran == NULL);		/* OTHER waited */
	}
	OT_EXPECT_RC(pthread_join(other, &ok), 0);
	OT_EXPECT(ok != NULL);
}

OT_AREA(sched,
	OT_CASE(sched, api, 5),
	OT_CASE(sched, other, 5),
	OT_CASE(sched, priority_order, 5),
	OT_CASE(sched, yield_fifo, 5),
	OT_CASE(sched, rr_rotation, 5),
	OT_CASE(sched, preempt_post, 5),
	OT_CASE(sched, preempt_irq, 5),
	OT_CASE(sched, preempt_timer_signal, 5));
