// SPDX-License-Identifier: BSD-2-Clause
/*
 * ostest cases for cancellation: deferred (at a cancellation point),
 * asynchronous (in a loop without one), disabled then re-enabled, cleanup
 * handler order, and cancellation of a condition wait (the mutex is held
 * again when the handlers run), and of read() and poll() on a pipe.
 */
#include <poll.h>
#include <semaphore.h>
#include <signal.h>
#include <unistd.h>
#include "ostest.h"

/* Which cleanup handlers ran, in order: each appends its digit. */
static volatile int cleanup_log;
static sem_t started, never;

static void cleanup_record(void *arg)
{
	cleanup_log = cleanup_log * 10 + (int)(uintptr_t)arg;
}

static void setup(void)
{
	cleanup_log = 0;
	sem_init(&started, 0, 0);
	sem_init(&never, 0, 0);
}

static void teardown(void)
{
	sem_destroy(&started);
	sem_destroy(&never);
}

static void *deferred_body(void *arg)
{
	pthread_cleanup_push(cleanup_record, (void *)1);
	pthread_cleanup_push(cleanup_record, (void *)2);
	sem_post(&started);
	for (;;)
		sem_wait(&never);	/* a cancellation point */
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return NULL;
}

static void cancel_deferred(void)
{
	pthread_t t;
	void *ret = NULL;

	setup();
	OT_ASSERT_RC(ot_thread(&t, OT_PRIO + 10, deferred_body, NULL), 0);
	sem_wait(&started);
	OT_EXPECT_RC(pthread_cancel(t), 0);
	OT_EXPECT_RC(pthread_join(t, &ret), 0);
	OT_EXPECT(ret == PTHREAD_CANCELED);
	OT_EXPECT_EQ(cleanup_log, 21);		/* LIFO */
	teardown();
}

static volatile bool spinning;

static void *async_body(void *arg)
{
	int old = -1;
	sigset_t all;

	/* Blocking every signal does not stop it (at EL0 the C library
	 * cancels with a signal of its own). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, NULL);
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old);
	pthread_cleanup_push(cleanup_record, (void *)3);
	for (;;)
		spinning = true;	/* no cancellation point in here */
	pthread_cleanup_pop(0);
	return NULL;
}

static void cancel_async(void)
{
	pthread_t t;
	void *ret = NULL;

	struct sigaction sa = { .sa_handler = SIG_IGN };

	/* That signal (32, under SIGRTMIN) is not the program's. */
	OT_EXPECT_ERRNO(sigaction(SIGRTMIN - 2, &sa, NULL), EINVAL);
	setup();
	spinning = false;
	/* Below us: it spins only while we sleep. */
	OT_ASSERT_RC(ot_thread(&t, OT_PRIO - 10, async_body, NULL), 0);
	ot_msleep(20);
	OT_EXPECT(spinning);
	OT_EXPECT_RC(pthread_cancel(t), 0);
	OT_EXPECT_RC(pthread_join(t, &ret), 0);
	OT_EXPECT(ret == PTHREAD_CANCELED);
	OT_EXPECT_EQ(cleanup_log, 3);
	teardown();
}

static volatile int disabled_step;

static void *disabled_body(void *arg)
{
	int old = -1;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	pthread_cleanup_push(cleanup_record, (void *)4);
	sem_post(&started);
	/* Cancelled while disabled: the wait is not a cancellation point now. */
	sem_wait(&never);
	disabled_step = 1;
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	disabled_step = old == PTHREAD_CANCEL_DISABLE ? 2 : -1;
	pthread_testcancel();
	disabled_step = 3;		/* not reached */
	pthread_cleanup_pop(0);
	return NULL;
}

static void cancel_disabled(void)
{
	pthread_t t;
	void *ret = NULL;

	setup();
	disabled_step = 0;
	OT_ASSERT_RC(ot_thread(&t, OT_PRIO + 10, disabled_body, NULL), 0);
	sem_wait(&started);
	OT_EXPECT_RC(pthread_cancel(t), 0);
	ot_msleep(10);
	OT_EXPECT_EQ(disabled_step, 0);		/* still waiting */
	sem_post(&never);
	OT_EXPECT_RC(pthread_join(t, &ret), 0);
	OT_EXPECT(ret == PTHREAD_CANCELED);
	OT_EXPECT_EQ(disabled_step, 2);
	OT_EXPECT_EQ(cleanup_log, 4);
	teardown();
}

static void *pop_body(void *arg)
{
	pthread_cleanup_push(cleanup_record, (void *)5);
	pthread_cleanup_push(cleanup_record, (void *)6);
	pthread_cleanup_push(cleanup_record, (void *)7);
	pthread_cleanup_pop(1);		/* runs 7 */
	pthread_cleanup_pop(0);		/* drops 6 */
	pthread_exit((void *)9);	/* runs 5 */
	pthread_cleanup_pop(0);
	return NULL;
}

static void cancel_cleanup_pop(void)
{
	pthread_t t;
	void *ret = NULL;

	setup();
	OT_ASSERT_RC(pthread_create(&t, NULL, pop_body, NULL), 0);
	OT_EXPECT_RC(pthread_join(t, &ret), 0);
	OT_EXPECT_EQ((uintptr_t)ret, 9);
	OT_EXPECT_EQ(cleanup_log, 75);
	teardown();
}

static pthread_mutex_t cw_mutex;
static pthread_cond_t cw_cond;
static volatile int cw_owner_in_cleanup;

static void cw_cleanup(void *arg)
{
	/* The mutex must be ours again: an error-checking mutex tells. */
	cw_owner_in_cleanup = pthread_mutex_unlock(&cw_mutex) == 0 ? 1 : -1;
}

static void *cond_body(void *arg)
{
	pthread_mutex_lock(&cw_mutex);
	pthread_cleanup_push(cw_cleanup, NULL);
	sem_post(&started);
	for (;;)
		pthread_cond_wait(&cw_cond, &cw_mutex);
	pthread_cleanup_pop(0);
	return NULL;
}

static void cancel_cond_wait(void)
{
	pthread_mutexattr_t ma;
	pthread_t t;
	void *ret = NULL;

	setup();
	cw_owner_in_cleanup = 0;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&cw_mutex, &ma);
	pthread_cond_init(&cw_cond, NULL);
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO + 10, cond_body, NULL), 0)) {
		sem_wait(&started);
		OT_EXPECT_RC(pthread_cancel(t), 0);
		OT_EXPECT_RC(pthread_join(t, &ret), 0);
		OT_EXPECT(ret == PTHREAD_CANCELED);
		OT_EXPECT_EQ(cw_owner_in_cleanup, 1);
		OT_EXPECT_RC(pthread_mutex_trylock(&cw_mutex), 0);
		pthread_mutex_unlock(&cw_mutex);
	}
	pthread_cond_destroy(&cw_cond);
	pthread_mutex_destroy(&cw_mutex);
	pthread_mutexattr_destroy(&ma);
	teardown();
}

static void *sleep_body(void *arg)
{
	pthread_cleanup_push(cleanup_record, (void *)8);
	sem_post(&started);
	sleep(100);			/* a cancellation point */
	pthread_cleanup_pop(0);
	return NULL;
}

static void cancel_sleep(void)
{
	pthread_t t;
	void *ret = NULL;
	int64_t t0;

	setup();
	OT_ASSERT_RC(ot_thread(&t, OT_PRIO + 10, sleep_body, NULL), 0);
	sem_wait(&started);
	t0 = ot_now_ns();
	OT_EXPECT_RC(pthread_cancel(t), 0);
	OT_EXPECT_RC(pthread_join(t, &ret), 0);
	OT_EXPECT_LT((ot_now_ns() - t0) / NS_PER_MS, 1000);
	OT_EXPECT(ret == PTHREAD_CANCELED);
	OT_EXPECT_EQ(cleanup_log, 8);
	teardown();
}

/* read() and poll() on an empty pipe are cancellation points too: the
 * wait ends, and the thread with it (not with EINTR, nor looping). */
static int io_pipe[2];

static void *io_body(void *arg)
{
	struct pollfd p = { .fd = io_pipe[0], .events = POLLIN };
	char c;

	pthread_cleanup_push(cleanup_record, (void *)6);
	sem_post(&started);
	if (arg)
		poll(&p, 1, -1);
	else
		read(io_pipe[0], &c, 1);
	pthread_cleanup_pop(0);
	return (void *)1;
}

static void cancel_pipe_io(void)
{
	for (uintptr_t use_poll = 0; use_poll < 2; use_poll++) {
		const char *what = use_poll ? "poll" : "read";
		pthread_t t;
		void *ret = NULL;

		setup();
		OT_ASSERT_RC(pipe(io_pipe), 0);
		if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO + 10, io_body,
					   (void *)use_poll), 0)) {
			sem_wait(&started);
			if (!ot_wait_blocked(t, 2000))
				OT_FAIL("%s: never blocked", what);
			OT_EXPECT_RC(pthread_cancel(t), 0);
			OT_EXPECT_RC(pthread_join(t, &ret), 0);
			if (ret != PTHREAD_CANCELED)
				OT_FAIL("%s: the thread returned %p", what, ret);
			OT_EXPECT_EQ(cleanup_log, 6);
		}
		close(io_pipe[0]);
		close(io_pipe[1]);
		teardown();
	}
}

OT_AREA(cancel,
	OT_CASE(cancel, deferred, 5),
	OT_CASE(cancel, async, 5),
	OT_CASE(cancel, disabled, 5),
	OT_CASE(cancel, cleanup_pop, 5),
	OT_CASE(cancel, cond_wait, 5),
	OT_CASE(cancel, sleep, 5),
	OT_CASE(cancel, pipe_io, 5));
