// SPDX-License-Identifier: BSD-2-Clause
/*
 * ostest cases for barriers: nobody passes before the last arrives, all
 * are released together with exactly one PTHREAD_BARRIER_SERIAL_THREAD,
 * and the barrier is reusable.
 */
#include "ostest.h"

#define N 4

static pthread_barrier_t b;
static volatile int arrived, passed_early;

static void *barrier_body(void *arg)
{
	int serial = 0;

	for (int round = 0; round < 2; round++) {
		__atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
		int r = pthread_barrier_wait(&b);

		if (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < N * (round + 1))
			passed_early++;
		if (r == PTHREAD_BARRIER_SERIAL_THREAD)
			serial++;
		else if (r != 0)
			serial += 100;	/* an error shows as a bad count */
	}
	return (void *)(uintptr_t)serial;
}

static void barrier_serial(void)
{
	pthread_t t[N];
	void *r;
	int serial = 0, n = 0;

	arrived = passed_early = 0;
	OT_EXPECT_RC(pthread_barrier_init(&b, NULL, 0), EINVAL);
	OT_ASSERT_RC(pthread_barrier_init(&b, NULL, N), 0);
	for (; n < N; n++)
		if (!OT_EXPECT_RC(ot_thread(&t[n], OT_PRIO + 1 + n, barrier_body, NULL), 0))
			break;
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], &r);
		serial += (int)(uintptr_t)r;
	}
	OT_EXPECT_EQ(serial, 2);	/* one per round */
	OT_EXPECT_EQ(passed_early, 0);
	OT_EXPECT_EQ(arrived, 2 * N);
	OT_EXPECT_RC(pthread_barrier_destroy(&b), 0);
}

/* A barrier attribute used after pthread_barrierattr_destroy(): EINVAL. */
static void barrier_attr_destroyed(void)
{
	pthread_barrierattr_t a;
	pthread_barrier_t b;
	int v;

	OT_ASSERT_RC(pthread_barrierattr_init(&a), 0);
	OT_EXPECT_RC(pthread_barrierattr_destroy(&a), 0);
	OT_EXPECT_RC(pthread_barrierattr_destroy(&a), EINVAL);
	OT_EXPECT_RC(pthread_barrierattr_setpshared(&a, PTHREAD_PROCESS_PRIVATE), EINVAL);
	OT_EXPECT_RC(pthread_barrierattr_getpshared(&a, &v), EINVAL);
	OT_EXPECT_RC(pthread_barrier_init(&b, &a, 2), EINVAL);
}

OT_AREA(barrier,
	OT_CASE(barrier, serial, 5),
	OT_CASE(barrier, attr_destroyed, 5));
