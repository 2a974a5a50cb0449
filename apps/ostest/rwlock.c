// SPDX-License-Identifier: BSD-2-Clause
/*
 * ostest cases for reader-writer locks: readers share, a writer excludes
 * readers and writers (also under contention), timed locks time out.
 */
#include <semaphore.h>
#include "ostest.h"

static pthread_rwlock_t rw;

static void *try_read(void *arg)
{
	int r = pthread_rwlock_tryrdlock(&rw);

	if (r == 0)
		pthread_rwlock_unlock(&rw);
	return (void *)(uintptr_t)r;
}

static void *try_write(void *arg)
{
	int r = pthread_rwlock_trywrlock(&rw);

	if (r == 0)
		pthread_rwlock_unlock(&rw);
	return (void *)(uintptr_t)r;
}

static int elsewhere(void *(*fn)(void *))
{
	pthread_t t;
	void *r = (void *)-1;

	if (pthread_create(&t, NULL, fn, NULL) == 0)
		pthread_join(t, &r);
	return (int)(uintptr_t)r;
}

static void rwlock_readers_share(void)
{
	OT_ASSERT_RC(pthread_rwlock_init(&rw, NULL), 0);
	OT_EXPECT_RC(pthread_rwlock_rdlock(&rw), 0);
	OT_EXPECT_EQ(elsewhere(try_read), 0);
	OT_EXPECT_EQ(elsewhere(try_write), EBUSY);
	OT_EXPECT_RC(pthread_rwlock_unlock(&rw), 0);
	OT_EXPECT_EQ(elsewhere(try_write), 0);
	OT_EXPECT_RC(pthread_rwlock_destroy(&rw), 0);
}

/* A timed write lock from another thread (the caller of rwlock_writer_
 * excludes holds a read lock, and its own attempt may be EDEADLK). */
static void *timed_write(void *arg)
{
	struct timespec dl = ot_deadline(CLOCK_REALTIME, 60);
	int64_t t0 = ot_now_ns();
	int r = pthread_rwlock_timedwrlock(&rw, &dl);

	if (r == 0)
		pthread_rwlock_unlock(&rw);
	OT_EXPECT_ELAPSED(ot_now_ns() - t0, 60);
	return (void *)(uintptr_t)r;
}

static void rwlock_writer_excludes(void)
{

	OT_ASSERT_RC(pthread_rwlock_init(&rw, NULL), 0);
	OT_EXPECT_RC(pthread_rwlock_wrlock(&rw), 0);
	OT_EXPECT_EQ(elsewhere(try_read), EBUSY);
	OT_EXPECT_EQ(elsewhere(try_write), EBUSY);
	OT_EXPECT_RC(pthread_rwlock_unlock(&rw), 0);
	OT_EXPECT_RC(pthread_rwlock_rdlock(&rw), 0);
	/* A timed write lock against a reader times out. */
	OT_EXPECT_EQ(elsewhere(timed_write), ETIMEDOUT);
	OT_EXPECT_RC(pthread_rwlock_unlock(&rw), 0);
	OT_EXPECT_RC(pthread_rwlock_destroy(&rw), 0);
}

static volatile int readers_in, writers_in, violations, rounds_done;

static void *reader(void *arg)
{
	for (int i = 0; i < 50; i++) {
		pthread_rwlock_rdlock(&rw);
		readers_in++;
		if (writers_in)
			violations++;
		sched_yield();
		readers_in--;
		pthread_rwlock_unlock(&rw);
		sched_yield();
	}
	return NULL;
}

static void *writer(void *arg)
{
	for (int i = 0; i < 50; i++) {
		pthread_rwlock_wrlock(&rw);
		if (writers_in++ || readers_in)
			violations++;
		sched_yield();
		writers_in--;
		rounds_done++;
		pthread_rwlock_unlock(&rw);
		sched_yield();
	}
	return NULL;
}

static void rwlock_contention(void)
{
	pthread_t t[4];
	void *(*const fn[4])(void *) = { reader, writer, reader, writer };
	int n = 0;

	readers_in = writers_in = violations = rounds_done = 0;
	OT_ASSERT_RC(pthread_rwlock_init(&rw, NULL), 0);
	for (; n < 4; n++)
		if (!OT_EXPECT_RC(pthread_create(&t[n], NULL, fn[n], NULL), 0))
			break;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	OT_EXPECT_EQ(violations, 0);
	OT_EXPECT_EQ(rounds_done, n == 4 ? 100 : rounds_done);
	OT_EXPECT_RC(pthread_rwlock_destroy(&rw), 0);
}

/* An rwlock attribute used after pthread_rwlockattr_destroy(): EINVAL. */
static void rwlock_attr_destroyed(void)
{
	pthread_rwlockattr_t a;
	pthread_rwlock_t rw;
	int v;

	OT_ASSERT_RC(pthread_rwlockattr_init(&a), 0);
	OT_EXPECT_RC(pthread_rwlockattr_destroy(&a), 0);
	OT_EXPECT_RC(pthread_rwlockattr_destroy(&a), EINVAL);
	OT_EXPECT_RC(pthread_rwlockattr_setpshared(&a, PTHREAD_PROCESS_PRIVATE), EINVAL);
	OT_EXPECT_RC(pthread_rwlockattr_getpshared(&a, &v), EINVAL);
	OT_EXPECT_RC(pthread_rwlock_init(&rw, &a), EINVAL);
}

OT_AREA(rwlock,
	OT_CASE(rwlock, readers_share, 5),
	OT_CASE(rwlock, writer_excludes, 5),
	OT_CASE(rwlock, contention, 10),
	OT_CASE(rwlock, attr_destroyed, 5));
