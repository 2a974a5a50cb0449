// SPDX-License-Identifier: BSD-2-Clause
/*
 * ostest cases for mutexes and spinlocks: the three types, timed lock
 * (timeout and early wake), priority inheritance (the owner's boosted
 * priority, also through a chain of two mutexes), priority protection,
 * robust mutexes, mutual exclusion under contention, pthread_spin_*.
 */
#include <semaphore.h>
#include "ostest.h"

static pthread_mutex_t m, m2;
static sem_t go, ready;

static void init_type(pthread_mutex_t *mx, int type, int protocol)
{
	pthread_mutexattr_t a;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, type);
	pthread_mutexattr_setprotocol(&a, protocol);
	pthread_mutex_init(mx, &a);
	pthread_mutexattr_destroy(&a);
}

static void *try_other(void *arg)
{
	int r = pthread_mutex_trylock(arg);

	if (r == 0)
		pthread_mutex_unlock(arg);
	return (void *)(uintptr_t)r;
}

/* pthread_mutex_trylock from another thread: its result (a lock it got
 * is released again). */
static int trylock_elsewhere(pthread_mutex_t *mx)
{
	pthread_t t;
	void *r = (void *)-1;

	if (pthread_create(&t, NULL, try_other, mx) == 0)
		pthread_join(t, &r);
	return (int)(uintptr_t)r;
}

static void mutex_normal(void)
{
	static pthread_mutex_t sm = PTHREAD_MUTEX_INITIALIZER;

	OT_EXPECT_RC(pthread_mutex_lock(&sm), 0);
	OT_EXPECT_RC(pthread_mutex_trylock(&sm), EBUSY);
	OT_EXPECT_EQ(trylock_elsewhere(&sm), EBUSY);
	OT_EXPECT_RC(pthread_mutex_unlock(&sm), 0);
	OT_EXPECT_RC(pthread_mutex_trylock(&sm), 0);
	OT_EXPECT_RC(pthread_mutex_unlock(&sm), 0);
}

static void *unlock_other(void *arg)
{
	return (void *)(uintptr_t)pthread_mutex_unlock(arg);
}

static void mutex_errorcheck(void)
{
	pthread_t t;
	void *r = NULL;

	init_type(&m, PTHREAD_MUTEX_ERRORCHECK, PTHREAD_PRIO_NONE);
	OT_EXPECT_RC(pthread_mutex_unlock(&m), EPERM);
	OT_EXPECT_RC(pthread_mutex_lock(&m), 0);
	OT_EXPECT_RC(pthread_mutex_lock(&m), EDEADLK);
	if (OT_EXPECT_RC(pthread_create(&t, NULL, unlock_other, &m), 0)) {
		pthread_join(t, &r);
		OT_EXPECT_EQ((uintptr_t)r, EPERM);
	}
	OT_EXPECT_RC(pthread_mutex_unlock(&m), 0);
	OT_EXPECT_RC(pthread_mutex_destroy(&m), 0);
}

static void mutex_recursive(void)
{
	init_type(&m, PTHREAD_MUTEX_RECURSIVE, PTHREAD_PRIO_NONE);
	for (int i = 0; i < 3; i++)
		OT_EXPECT_RC(pthread_mutex_lock(&m), 0);
	OT_EXPECT_RC(pthread_mutex_trylock(&m), 0);
	for (int i = 0; i < 3; i++) {
		OT_EXPECT_RC(pthread_mutex_unlock(&m), 0);
		OT_EXPECT_EQ(trylock_elsewhere(&m), EBUSY);
	}
	OT_EXPECT_RC(pthread_mutex_unlock(&m), 0);
	OT_EXPECT_RC(pthread_mutex_unlock(&m), EPERM);
	OT_EXPECT_EQ(trylock_elsewhere(&m), 0);
	pthread_mutex_destroy(&m);
}

static void *hold_for(void *arg)
{
	pthread_mutex_lock(&m);
	sem_post(&ready);
	ot_msleep((int)(uintptr_t)arg);
	pthread_mutex_unlock(&m);
	return NULL;
}

static void mutex_timedlock(void)
{
	struct timespec dl;
	pthread_t t;
	int64_t t0, t_start;

	init_type(&m, PTHREAD_MUTEX_NORMAL, PTHREAD_PRIO_NONE);
	sem_init(&ready, 0, 0);
	/* Held for 300 ms: a 80 ms timed lock times out. */
	t_start = ot_now_ns();
	OT_ASSERT_RC(ot_thread(&t, OT_PRIO + 10, hold_for, (void *)300), 0);
	sem_wait(&ready);
	t0 = ot_now_ns();
	dl = ot_deadline(CLOCK_REALTIME, 80);
	OT_EXPECT_RC(pthread_mutex_timedlock(&m, &dl), ETIMEDOUT);
	OT_EXPECT_ELAPSED(ot_now_ns() - t0, 80);
	/* ...and one with a long deadline gets it when released. */
	dl = ot_deadline(CLOCK_REALTIME, 5000);
	OT_EXPECT_RC(pthread_mutex_timedlock(&m, &dl), 0);
	OT_EXPECT_ELAPSED(ot_now_ns() - t_start, 300);
	pthread_mutex_unlock(&m);
	pthread_join(t, NULL);
	sem_destroy(&ready);
	pthread_mutex_destroy(&m);
}

/* Locks arg's first mutex, then (if set) waits on the second. */
struct pi_role {
	pthread_mutex_t *hold, *want;
	int prio_after;
};

static void *pi_body(void *arg)
{
	struct pi_role *r = arg;

	pthread_mutex_lock(r->hold);
	if (r->want) {
		sem_post(&ready);
		pthread_mutex_lock(r->want);	/* blocks: boosts the owner */
		pthread_mutex_unlock(r->want);
	} else {
		sem_post(&ready);
		sem_wait(&go);
	}
	pthread_mutex_unlock(r->hold);
	r->prio_after = ot_prio_of(pthread_self());
	return NULL;
}

static void *pi_top(void *arg)
{
	pthread_mutex_lock(arg);
	pthread_mutex_unlock(arg);
	return NULL;
}

static void mutex_pi_boost(void)
{
	struct pi_role low = { &m, NULL, -1 };
	pthread_t tl, th;

	init_type(&m, PTHREAD_MUTEX_NORMAL, PTHREAD_PRIO_INHERIT);
	sem_init(&go, 0, 0);
	sem_init(&ready, 0, 0);
	OT_ASSERT_RC(ot_thread(&tl, OT_PRIO + 10, pi_body, &low), 0);
	sem_wait(&ready);
	OT_EXPECT_EQ(ot_prio_of(tl), OT_PRIO + 10);
	/* The high thread runs at once and blocks on m, boosting its owner. */
	if (OT_EXPECT_RC(ot_thread(&th, OT_PRIO + 50, pi_top, &m), 0)) {
		OT_EXPECT_EQ(ot_prio_of(tl), OT_PRIO + 50);
		sem_post(&go);
		pthread_join(th, NULL);
	} else {
		sem_post(&go);
	}
	pthread_join(tl, NULL);
	OT_EXPECT_EQ(low.prio_after, OT_PRIO + 10);	/* back after unlock */
	sem_destroy(&go);
	sem_destroy(&ready);
	pthread_mutex_destroy(&m);
}

static void mutex_pi_chain(void)
{
	struct pi_role low = { &m, NULL, -1 }, mid = { &m2, &m, -1 };
	pthread_t tl, tm, th;
	bool have_mid, have_high = false;

	init_type(&m, PTHREAD_MUTEX_NORMAL, PTHREAD_PRIO_INHERIT);
	init_type(&m2, PTHREAD_MUTEX_NORMAL, PTHREAD_PRIO_INHERIT);
	sem_init(&go, 0, 0);
	sem_init(&ready, 0, 0);
	OT_ASSERT_RC(ot_thread(&tl, OT_PRIO + 10, pi_body, &low), 0);
	sem_wait(&ready);
	/* mid holds m2 and blocks on m (low's): low inherits mid's 120. */
	have_mid = OT_EXPECT_RC(ot_thread(&tm, OT_PRIO + 20, pi_body, &mid), 0);
	if (have_mid) {
		sem_wait(&ready);
		OT_EXPECT_EQ(ot_prio_of(tl), OT_PRIO + 20);
		/* high blocks on m2 (mid's): mid and, through it, low get 150. */
		have_high = OT_EXPECT_RC(ot_thread(&th, OT_PRIO + 50, pi_top, &m2), 0);
		if (have_high) {
			OT_EXPECT_EQ(ot_prio_of(tm), OT_PRIO + 50);
			OT_EXPECT_EQ(ot_prio_of(tl), OT_PRIO + 50);
		}
	}
	/* Whatever failed, low waits for go and the others for low. */
	sem_post(&go);
	pthread_join(tl, NULL);
	if (have_mid)
		pthread_join(tm, NULL);
	if (have_high)
		pthread_join(th, NULL);
	OT_EXPECT_EQ(low.prio_after, OT_PRIO + 10);
	if (have_mid)
		OT_EXPECT_EQ(mid.prio_after, OT_PRIO + 20);
	sem_destroy(&go);
	sem_destroy(&ready);
	pthread_mutex_destroy(&m);
	pthread_mutex_destroy(&m2);
}

static void mutex_pp_ceiling(void)
{
	pthread_mutexattr_t a;
	int ceiling = -1, protocol = -1;

	pthread_mutexattr_init(&a);
	OT_EXPECT_RC(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_PROTECT), 0);
	OT_EXPECT_RC(pthread_mutexattr_getprotocol(&a, &protocol), 0);
	OT_EXPECT_EQ(protocol, PTHREAD_PRIO_PROTECT);
	OT_EXPECT_RC(pthread_mutexattr_setprioceiling(&a, OT_PRIO + 60), 0);
	OT_EXPECT_RC(pthread_mutex_init(&m, &a), 0);
	OT_EXPECT_RC(pthread_mutex_getprioceiling(&m, &ceiling), 0);
	OT_EXPECT_EQ(ceiling, OT_PRIO + 60);
	OT_EXPECT_RC(pthread_mutex_lock(&m), 0);
	OT_EXPECT_EQ(ot_prio_of(pthread_self()), OT_PRIO + 60);
	OT_EXPECT_RC(pthread_mutex_unlock(&m), 0);
	OT_EXPECT_EQ(ot_prio_of(pthread_self()), OT_PRIO);
	/* A caller above the ceiling violates the protocol. */
	ot_set_prio(OT_PRIO + 70);
	OT_EXPECT_RC(pthread_mutex_lock(&m), EINVAL);
	ot_set_prio(OT_PRIO);
	pthread_mutex_destroy(&m);
	pthread_mutexattr_destroy(&a);
}

static void *die_holding(void *arg)
{
	pthread_mutex_lock(&m);
	return NULL;			/* exits without unlocking */
}

static void init_robust(void)
{
	pthread_mutexattr_t a;
	int r = -1;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutexattr_getrobust(&a, &r);
	if (r != PTHREAD_MUTEX_ROBUST)
		OT_FAIL("getrobust gave %d", r);
	pthread_mutex_init(&m, &a);
	pthread_mutexattr_destroy(&a);
}

static void mutex_robust(void)
{
	pthread_t t;

	init_robust();
	OT_ASSERT_RC(pthread_create(&t, NULL, die_holding, NULL), 0);
	pthread_join(t, NULL);
	OT_EXPECT_RC(pthread_mutex_lock(&m), EOWNERDEAD);
	OT_EXPECT_RC(pthread_mutex_consistent(&m), 0);
	OT_EXPECT_RC(pthread_mutex_unlock(&m), 0);
	OT_EXPECT_RC(pthread_mutex_lock(&m), 0);
	OT_EXPECT_RC(pthread_mutex_unlock(&m), 0);
	pthread_mutex_destroy(&m);
	/* Not made consistent: unusable for good. */
	init_robust();
	OT_ASSERT_RC(pthread_create(&t, NULL, die_holding, NULL), 0);
	pthread_join(t, NULL);
	OT_EXPECT_RC(pthread_mutex_trylock(&m), EOWNERDEAD);
	OT_EXPECT_RC(pthread_mutex_unlock(&m), 0);
	OT_EXPECT_RC(pthread_mutex_lock(&m), ENOTRECOVERABLE);
	pthread_mutex_destroy(&m);
}

static volatile int shared_count, inside;

static void *contend(void *arg)
{
	for (int i = 0; i < 200; i++) {
		pthread_mutex_lock(&m);
		if (inside++)
			OT_FAIL("two threads inside the mutex");
		int v = shared_count;
		if (i % 16 == 0)
			sched_yield();
		shared_count = v + 1;
		inside--;
		pthread_mutex_unlock(&m);
	}
	return NULL;
}

static void mutex_contention(void)
{
	pthread_t t[4];
	int n = 0;

	shared_count = inside = 0;
	init_type(&m, PTHREAD_MUTEX_NORMAL, PTHREAD_PRIO_NONE);
	for (; n < 4; n++)
		if (!OT_EXPECT_RC(pthread_create(&t[n], NULL, contend, NULL), 0))
			break;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	OT_EXPECT_EQ(shared_count, n * 200);
	pthread_mutex_destroy(&m);
}

static void mutex_spin(void)
{
	pthread_spinlock_t s;

	OT_ASSERT_RC(pthread_spin_init(&s, PTHREAD_PROCESS_PRIVATE), 0);
	OT_EXPECT_RC(pthread_spin_trylock(&s), 0);
	OT_EXPECT_RC(pthread_spin_trylock(&s), EBUSY);
	OT_EXPECT_RC(pthread_spin_unlock(&s), 0);
	OT_EXPECT_RC(pthread_spin_lock(&s), 0);
	OT_EXPECT_RC(pthread_spin_unlock(&s), 0);
	OT_EXPECT_RC(pthread_spin_destroy(&s), 0);
}

/* An attribute object used after pthread_mutexattr_destroy(): EINVAL
 * from every call, never a fault (POSIX "may fail": Vireo does). */
static void mutex_attr_destroyed(void)
{
	pthread_mutexattr_t a;
	pthread_mutex_t m;
	int v;

	OT_ASSERT_RC(pthread_mutexattr_init(&a), 0);
	OT_EXPECT_RC(pthread_mutexattr_destroy(&a), 0);
	OT_EXPECT_RC(pthread_mutexattr_destroy(&a), EINVAL);
	OT_EXPECT_RC(pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE), EINVAL);
	OT_EXPECT_RC(pthread_mutexattr_gettype(&a, &v), EINVAL);
	OT_EXPECT_RC(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT), EINVAL);
	OT_EXPECT_RC(pthread_mutexattr_getprotocol(&a, &v), EINVAL);
	OT_EXPECT_RC(pthread_mutexattr_setprioceiling(&a, OT_PRIO), EINVAL);
	OT_EXPECT_RC(pthread_mutexattr_getprioceiling(&a, &v), EINVAL);
	OT_EXPECT_RC(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST), EINVAL);
	OT_EXPECT_RC(pthread_mutexattr_getrobust(&a, &v), EINVAL);
	OT_EXPECT_RC(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_PRIVATE), EINVAL);
	OT_EXPECT_RC(pthread_mutexattr_getpshared(&a, &v), EINVAL);
	OT_EXPECT_RC(pthread_mutex_init(&m, &a), EINVAL);
}

OT_AREA(mutex,
	OT_CASE(mutex, normal, 5),
	OT_CASE(mutex, errorcheck, 5),
	OT_CASE(mutex, recursive, 5),
	OT_CASE(mutex, timedlock, 5),
	OT_CASE(mutex, pi_boost, 5),
	OT_CASE(mutex, pi_chain, 5),
	OT_CASE(mutex, pp_ceiling, 5),
	OT_CASE(mutex, robust, 5),
	OT_CASE(mutex, contention, 10),
	OT_CASE(mutex, spin, 5),
	OT_CASE(mutex, attr_destroyed, 5));
