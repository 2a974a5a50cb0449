// SPDX-License-Identifier: BSD-2-Clause
/*
 * ostest cases for clocks and sleeps: the clocks agree and advance, the
 * realtime clock can be set without moving the monotonic one, CPU-time
 * clocks count running time only, nanosleep/usleep/sleep last as long as
 * asked, clock_nanosleep with TIMER_ABSTIME, and nanosleep interrupted by
 * a signal reports EINTR and the time left.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/time.h>
#include <unistd.h>
#include "ostest.h"

static void clock_monotonic(void)
{
	struct timespec res, ts;
	struct timeval tv;
	int64_t prev = ot_now_ns(), rt;

	for (int i = 0; i < 1000; i++) {
		int64_t now = ot_now_ns();

		if (now < prev) {
			OT_FAIL("monotonic went back by %lld ns", (long long)(prev - now));
			break;
		}
		prev = now;
	}
	OT_EXPECT_OK(clock_getres(CLOCK_MONOTONIC, &res));
	OT_EXPECT(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000);
	OT_EXPECT_OK(clock_getres(CLOCK_REALTIME, &res));
	OT_EXPECT_ERRNO(clock_gettime(12345, &ts), EINVAL);
	OT_EXPECT_ERRNO(clock_getres(12345, &res), EINVAL);
	/* REALTIME, gettimeofday and time() tell the same time. */
	rt = ot_clock_ns(CLOCK_REALTIME);
	OT_EXPECT_OK(gettimeofday(&tv, NULL));
	OT_EXPECT_LE(llabs((int64_t)tv.tv_sec * 1000000 + tv.tv_usec - rt / 1000), 100000);
	OT_EXPECT_LE(llabs((int64_t)time(NULL) - rt / 1000000000LL), 1);
}

static void clock_settime_realtime(void)
{
	int64_t rt0 = ot_clock_ns(CLOCK_REALTIME), mono0 = ot_now_ns(), rt1;
	struct timespec ts = ot_ts(rt0 + 1000LL * 1000000000LL);

	OT_ASSERT_OK(clock_settime(CLOCK_REALTIME, &ts));
	rt1 = ot_clock_ns(CLOCK_REALTIME);
	OT_EXPECT_GE(rt1 - rt0, 1000LL * 1000000000LL);
	OT_EXPECT_LE(rt1 - rt0, 1001LL * 1000000000LL);
	OT_EXPECT_LE((ot_now_ns() - mono0) / NS_PER_MS, OT_SLACK_MS);	/* unmoved */
	/* Put it back, counting the time that passed. */
	ts = ot_ts(rt0 + (ot_now_ns() - mono0));
	OT_EXPECT_OK(clock_settime(CLOCK_REALTIME, &ts));
	OT_EXPECT_ERRNO(clock_settime(CLOCK_MONOTONIC, &ts), EINVAL);
	ts.tv_nsec = 1000000000L;
	OT_EXPECT_ERRNO(clock_settime(CLOCK_REALTIME, &ts), EINVAL);
}

static void clock_cputime(void)
{
	/* The process reading first: its interval then encloses the
	 * thread's, so it cannot show less even when the host stalls QEMU
	 * between the two readings. */
	int64_t pr0 = ot_clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	int64_t th0 = ot_clock_ns(CLOCK_THREAD_CPUTIME_ID), th1, th2;
	clockid_t cid;
	struct timespec ts;

	ot_spin_ms(30);
	th1 = ot_clock_ns(CLOCK_THREAD_CPUTIME_ID);
	OT_EXPECT_GE((th1 - th0) / NS_PER_MS, 25);
	OT_EXPECT_LE((th1 - th0) / NS_PER_MS, 30 + OT_SLACK_MS);
	ot_msleep(50);
	th2 = ot_clock_ns(CLOCK_THREAD_CPUTIME_ID);
	OT_EXPECT_LT((th2 - th1) / NS_PER_MS, 50);	/* the 50 ms asleep not counted */
	OT_EXPECT_GE(ot_clock_ns(CLOCK_PROCESS_CPUTIME_ID) - pr0, th1 - th0);
	OT_EXPECT_RC(pthread_getcpuclockid(pthread_self(), &cid), 0);
	OT_EXPECT_OK(clock_gettime(cid, &ts));
	OT_EXPECT_GE((int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec, th2);
}

static void clock_nanosleep_relative(void)
{
	struct timespec ts = { 0, 50 * NS_PER_MS }, bad = { 0, 1000000000L };
	int64_t t0 = ot_now_ns();

	OT_EXPECT_OK(nanosleep(&ts, NULL));
	OT_EXPECT_ELAPSED(ot_now_ns() - t0, 50);
	OT_EXPECT_ERRNO(nanosleep(&bad, NULL), EINVAL);
	t0 = ot_now_ns();
	OT_EXPECT_OK(usleep(20000));
	OT_EXPECT_ELAPSED(ot_now_ns() - t0, 20);
	OT_EXPECT_EQ(sleep(0), 0);
	/* clock_nanosleep returns the error, not -1. */
	OT_EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL), EINVAL);
	OT_EXPECT_EQ(clock_nanosleep(12345, 0, &ts, NULL), EINVAL);
}

static void clock_nanosleep_abstime(void)
{
	struct timespec dl = ot_deadline(CLOCK_MONOTONIC, 50);
	int64_t dl_ns = (int64_t)dl.tv_sec * 1000000000LL + dl.tv_nsec, now;

	OT_EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL), 0);
	now = ot_now_ns();
	OT_EXPECT_GE(now, dl_ns);
	OT_EXPECT_LE((now - dl_ns) / NS_PER_MS, OT_SLACK_MS);
	/* A deadline in the past returns at once. */
	OT_EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL), 0);
	OT_EXPECT_LE((ot_now_ns() - now) / NS_PER_MS, OT_SLACK_MS);
	/* And on the realtime clock. */
	dl = ot_deadline(CLOCK_REALTIME, 30);
	now = ot_now_ns();
	OT_EXPECT_EQ(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &dl, NULL), 0);
	OT_EXPECT_ELAPSED(ot_now_ns() - now, 30);
}

static volatile int handled;
static pthread_t sleeper;

static void on_signal(int sig)
{
	handled++;
}

static void *interrupt_later(void *arg)
{
	ot_msleep(30);
	pthread_kill(sleeper, SIGUSR1);
	return NULL;
}

static void clock_nanosleep_eintr(void)
{
	struct sigaction sa = { .sa_handler = on_signal }, old;
	struct timespec ts = { 2, 0 }, rem = { 0, 0 };
	pthread_t t;
	int64_t t0;

	handled = 0;
	sleeper = pthread_self();
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;	/* nanosleep fails with EINTR anyway */
	sigaction(SIGUSR1, &sa, &old);
	t0 = ot_now_ns();
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO + 10, interrupt_later, NULL), 0)) {
		int64_t t1 = ot_now_ns(), slept_ms, rem_ms;

		OT_EXPECT_ERRNO(nanosleep(&ts, &rem), EINTR);
		slept_ms = (ot_now_ns() - t1) / NS_PER_MS;
		OT_EXPECT_ELAPSED(ot_now_ns() - t0, 30);
		OT_EXPECT_EQ(handled, 1);
		/* What was left is the request less the time asleep (the
		 * helper's 30 ms started before the sleep did). */
		rem_ms = (int64_t)rem.tv_sec * 1000 + rem.tv_nsec / NS_PER_MS;
		OT_EXPECT_LE(rem_ms, 2000 - slept_ms + 1);
		OT_EXPECT_GE(rem_ms, 2000 - slept_ms - OT_SLACK_MS);
		pthread_join(t, NULL);
	}
	sigaction(SIGUSR1, &old, NULL);
}

OT_AREA(clock,
	OT_CASE(clock, monotonic, 5),
	OT_CASE(clock, settime_realtime, 5),
	OT_CASE(clock, cputime, 5),
	OT_CASE(clock, nanosleep_relative, 5),
	OT_CASE(clock, nanosleep_abstime, 5),
	OT_CASE(clock, nanosleep_eintr, 5));
