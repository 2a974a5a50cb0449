// SPDX-License-Identifier: BSD-2-Clause
/*
 * ostest cases for semaphores: counting and trywait, timed waits (the
 * timeout and the early wake), sem_clockwait, waking the most urgent
 * waiter first, and named semaphores.
 */
#include <fcntl.h>
#include <semaphore.h>
#include "ostest.h"

static void sem_basic(void)
{
	sem_t s;
	int v = -1;

	OT_ASSERT_OK(sem_init(&s, 0, 2));
	OT_EXPECT_OK(sem_getvalue(&s, &v));
	OT_EXPECT_EQ(v, 2);
	OT_EXPECT_OK(sem_trywait(&s));
	OT_EXPECT_OK(sem_wait(&s));
	OT_EXPECT_ERRNO(sem_trywait(&s), EAGAIN);
	OT_EXPECT_OK(sem_post(&s));
	OT_EXPECT_OK(sem_getvalue(&s, &v));
	OT_EXPECT_EQ(v, 1);
	OT_EXPECT_OK(sem_destroy(&s));
	OT_EXPECT_ERRNO(sem_init(&s, 0, (unsigned int)SEM_VALUE_MAX + 1), EINVAL);
}

static void sem_timedwait_timeout(void)
{
	sem_t s;
	struct timespec dl, bad = { 0, 1000000000L };
	int64_t t0;

	sem_init(&s, 0, 0);
	t0 = ot_now_ns();
	dl = ot_deadline(CLOCK_REALTIME, 100);
	OT_EXPECT_ERRNO(sem_timedwait(&s, &dl), ETIMEDOUT);
	OT_EXPECT_ELAPSED(ot_now_ns() - t0, 100);
	OT_EXPECT_ERRNO(sem_timedwait(&s, &bad), EINVAL);
	/* Available: succeeds even with a deadline in the past. */
	sem_post(&s);
	dl.tv_sec = 0;
	OT_EXPECT_OK(sem_timedwait(&s, &dl));
	sem_destroy(&s);
}

static sem_t late;

static void *post_late(void *arg)
{
	ot_msleep(30);
	sem_post(&late);
	return NULL;
}

static void sem_timedwait_early(void)
{
	struct timespec dl;
	pthread_t t;
	int64_t t0 = ot_now_ns();

	sem_init(&late, 0, 0);
	OT_ASSERT_RC(ot_thread(&t, OT_PRIO + 10, post_late, NULL), 0);
	dl = ot_deadline(CLOCK_REALTIME, 2000);
	OT_EXPECT_OK(sem_timedwait(&late, &dl));
	OT_EXPECT_ELAPSED(ot_now_ns() - t0, 30);
	pthread_join(t, NULL);
	sem_destroy(&late);
}

static void sem_clockwait_monotonic(void)
{
	struct timespec dl;
	pthread_t t;
	int64_t t0 = ot_now_ns();

	sem_init(&late, 0, 0);
	dl = ot_deadline(CLOCK_MONOTONIC, 60);
	OT_EXPECT_ERRNO(sem_clockwait(&late, CLOCK_MONOTONIC, &dl), ETIMEDOUT);
	OT_EXPECT_ELAPSED(ot_now_ns() - t0, 60);
	OT_EXPECT_ERRNO(sem_clockwait(&late, CLOCK_THREAD_CPUTIME_ID, &dl), EINVAL);
	/* The poster sleeps from its creation on: time from before it. */
	t0 = ot_now_ns();
	OT_ASSERT_RC(ot_thread(&t, OT_PRIO + 10, post_late, NULL), 0);
	dl = ot_deadline(CLOCK_MONOTONIC, 2000);
	OT_EXPECT_OK(sem_clockwait(&late, CLOCK_MONOTONIC, &dl));
	OT_EXPECT_ELAPSED(ot_now_ns() - t0, 30);
	pthread_join(t, NULL);
	sem_destroy(&late);
}

static sem_t prio_sem;
static char woken[8];
static volatile int nwoken;

static void *prio_waiter(void *arg)
{
	while (sem_wait(&prio_sem) != 0)
		;
	woken[nwoken++] = (char)(uintptr_t)arg;
	return NULL;
}

static void sem_wake_priority(void)
{
	pthread_t t[3];
	const int prio[3] = { OT_PRIO + 5, OT_PRIO + 15, OT_PRIO + 10 };

	nwoken = 0;
	memset(woken, 0, sizeof(woken));
	sem_init(&prio_sem, 0, 0);
	for (int i = 0; i < 3; i++)
		OT_EXPECT_RC(ot_thread(&t[i], prio[i], prio_waiter,
				       (void *)(uintptr_t)('a' + i)), 0);
	/* All three wait (each ran at creation and blocked); each post
	 * runs the thread it wakes at once, so the order is the wake order. */
	for (int i = 0; i < 3; i++)
		sem_post(&prio_sem);
	OT_EXPECT(strcmp(woken, "bca") == 0);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	sem_destroy(&prio_sem);
}

#define SEM_NAME "/ostest-sem"

static void sem_named(void)
{
	sem_t *a, *b;
	int v = -1;

	sem_unlink(SEM_NAME);		/* left over from an aborted run */
	a = sem_open(SEM_NAME, O_CREAT | O_EXCL, 0600, 1);
	OT_ASSERT(a != SEM_FAILED);
	OT_EXPECT(sem_open(SEM_NAME, O_CREAT | O_EXCL, 0600, 1) == SEM_FAILED &&
		  errno == EEXIST);
	b = sem_open(SEM_NAME, 0);
	OT_EXPECT(b != SEM_FAILED);
	if (b != SEM_FAILED) {
		/* The same semaphore through both handles. */
		OT_EXPECT_OK(sem_wait(b));
		OT_EXPECT_ERRNO(sem_trywait(a), EAGAIN);
		OT_EXPECT_OK(sem_post(a));
		OT_EXPECT_OK(sem_getvalue(b, &v));
		OT_EXPECT_EQ(v, 1);
		OT_EXPECT_OK(sem_close(b));
	}
	OT_EXPECT_OK(sem_unlink(SEM_NAME));
	/* Unlinked: the name is gone, the open handle still works. */
	OT_EXPECT(sem_open(SEM_NAME, 0) == SEM_FAILED && errno == ENOENT);
	OT_EXPECT_OK(sem_trywait(a));
	OT_EXPECT_OK(sem_close(a));
	OT_EXPECT_ERRNO(sem_unlink(SEM_NAME), ENOENT);
}

OT_AREA(sem,
	OT_CASE(sem, basic, 5),
	OT_CASE(sem, timedwait_timeout, 5),
	OT_CASE(sem, timedwait_early, 5),
	OT_CASE(sem, clockwait_monotonic, 5),
	OT_CASE(sem, wake_priority, 5),
	OT_CASE(sem, named, 5));
