// SPDX-License-Identifier: BSD-2-Clause
/*
 * ostest cases for condition variables: signal wakes one waiter and
 * broadcast the rest; timed waits on CLOCK_MONOTONIC (timeout) and on
 * CLOCK_REALTIME (early wake), with the mutex held again on return.
 */
#include "ostest.h"

static pthread_mutex_t m;
static pthread_cond_t c;
static volatile int waiting, wakeups, generation, released;

/* Waits for the generation to change, or for the final release: a
 * waiter that came late (read the changed generation) still ends. */
static void *cond_waiter(void *arg)
{
	pthread_mutex_lock(&m);
	int gen = generation;
	waiting++;
	while (generation == gen && !released)
		pthread_cond_wait(&c, &m);
	waiting--;
	wakeups++;
	pthread_mutex_unlock(&m);
	return NULL;
}

static void cond_signal_broadcast(void)
{
	pthread_t t[3];
	int n = 0;

	pthread_mutex_init(&m, NULL);
	pthread_cond_init(&c, NULL);
	waiting = wakeups = generation = released = 0;
	for (; n < 3; n++)
		if (!OT_EXPECT_RC(ot_thread(&t[n], OT_PRIO + 10, cond_waiter, NULL), 0))
			break;
	OT_EXPECT_EQ(waiting, n);
	/* Signal: exactly one waiter (the generation changes for all, but
	 * only the one woken sees it). */
	pthread_mutex_lock(&m);
	generation++;
	OT_EXPECT_RC(pthread_cond_signal(&c), 0);
	pthread_mutex_unlock(&m);
	ot_msleep(10);
	OT_EXPECT_EQ(wakeups, 1);
	/* Broadcast: the rest (and one that came late: see cond_waiter). */
	pthread_mutex_lock(&m);
	released = 1;
	OT_EXPECT_RC(pthread_cond_broadcast(&c), 0);
	pthread_mutex_unlock(&m);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	OT_EXPECT_EQ(wakeups, n);
	OT_EXPECT_EQ(waiting, 0);
	pthread_cond_destroy(&c);
	pthread_mutex_destroy(&m);
}

static void init_clock(clockid_t clk)
{
	pthread_condattr_t a;
	pthread_mutexattr_t ma;
	clockid_t got = -1;

	pthread_condattr_init(&a);
	pthread_condattr_getclock(&a, &got);
	if (got != CLOCK_REALTIME)
		OT_FAIL("default condition clock %d", (int)got);
	OT_EXPECT_RC(pthread_condattr_setclock(&a, CLOCK_THREAD_CPUTIME_ID), EINVAL);
	OT_EXPECT_RC(pthread_condattr_setclock(&a, clk), 0);
	pthread_cond_init(&c, &a);
	pthread_condattr_destroy(&a);
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&m, &ma);
	pthread_mutexattr_destroy(&ma);
}

static void cond_timedwait_monotonic(void)
{
	struct timespec dl;
	int64_t t0;

	init_clock(CLOCK_MONOTONIC);
	pthread_mutex_lock(&m);
	t0 = ot_now_ns();
	dl = ot_deadline(CLOCK_MONOTONIC, 100);
	OT_EXPECT_RC(pthread_cond_timedwait(&c, &m, &dl), ETIMEDOUT);
	OT_EXPECT_ELAPSED(ot_now_ns() - t0, 100);
	OT_EXPECT_RC(pthread_mutex_unlock(&m), 0);	/* held again */
	pthread_cond_destroy(&c);
	pthread_mutex_destroy(&m);
}

static void *signal_late(void *arg)
{
	ot_msleep(30);
	pthread_mutex_lock(&m);
	generation++;
	pthread_cond_signal(&c);
	pthread_mutex_unlock(&m);
	return NULL;
}

static void cond_timedwait_realtime(void)
{
	struct timespec dl;
	pthread_t t;
	int64_t t0;
	int r = 0;

	init_clock(CLOCK_REALTIME);
	generation = 0;
	t0 = ot_now_ns();
	OT_ASSERT_RC(ot_thread(&t, OT_PRIO + 10, signal_late, NULL), 0);
	pthread_mutex_lock(&m);
	dl = ot_deadline(CLOCK_REALTIME, 2000);
	while (generation == 0 && r == 0)
		r = pthread_cond_timedwait(&c, &m, &dl);
	OT_EXPECT_EQ(r, 0);
	OT_EXPECT_EQ(generation, 1);
	OT_EXPECT_ELAPSED(ot_now_ns() - t0, 30);
	OT_EXPECT_RC(pthread_mutex_unlock(&m), 0);
	pthread_join(t, NULL);
	pthread_cond_destroy(&c);
	pthread_mutex_destroy(&m);
}

/* A condition attribute used after pthread_condattr_destroy(): EINVAL. */
static void cond_attr_destroyed(void)
{
	pthread_condattr_t a;
	pthread_cond_t c;
	clockid_t clk;
	int v;

	OT_ASSERT_RC(pthread_condattr_init(&a), 0);
	OT_EXPECT_RC(pthread_condattr_destroy(&a), 0);
	OT_EXPECT_RC(pthread_condattr_destroy(&a), EINVAL);
	OT_EXPECT_RC(pthread_condattr_setclock(&a, CLOCK_MONOTONIC), EINVAL);
	OT_EXPECT_RC(pthread_condattr_getclock(&a, &clk), EINVAL);
	OT_EXPECT_RC(pthread_condattr_setpshared(&a, PTHREAD_PROCESS_PRIVATE), EINVAL);
	OT_EXPECT_RC(pthread_condattr_getpshared(&a, &v), EINVAL);
	OT_EXPECT_RC(pthread_cond_init(&c, &a), EINVAL);
}

OT_AREA(cond,
	OT_CASE(cond, signal_broadcast, 5),
	OT_CASE(cond, timedwait_monotonic, 5),
	OT_CASE(cond, timedwait_realtime, 5),
	OT_CASE(cond, attr_destroyed, 5));
