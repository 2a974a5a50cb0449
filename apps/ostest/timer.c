// SPDX-License-Identifier: BSD-2-Clause
/*
 * ostest cases for POSIX timers: a periodic SIGEV_SIGNAL timer (count,
 * siginfo and spacing), SIGEV_THREAD, timer_gettime on one-shot and
 * periodic timers, overruns, SIGEV_NONE with TIMER_ABSTIME, and argument
 * errors, and timer_delete() dropping a queued signal.  Every case
 * deletes its timers.
 */
#include <semaphore.h>
#include <signal.h>
#include "ostest.h"

#define TIMER_SIG (SIGRTMIN + 3)

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

/* Blocks TIMER_SIG (set: it alone) for sigwaitinfo; prev to restore. */
static void block_timer_sig(sigset_t *set, sigset_t *prev)
{
	sigemptyset(set);
	sigaddset(set, TIMER_SIG);
	pthread_sigmask(SIG_BLOCK, set, prev);
}

static void timer_signal_periodic(void)
{
	struct sigevent ev = {
		.sigev_notify = SIGEV_SIGNAL, .sigev_signo = TIMER_SIG,
		.sigev_value.sival_int = 42,
	};
	struct itimerspec its = {
		.it_value = { 0, 20 * NS_PER_MS }, .it_interval = { 0, 20 * NS_PER_MS },
	};
	struct timespec to = { 1, 0 };
	sigset_t set, prev;
	siginfo_t si;
	timer_t t;
	int64_t t0;
	int got = 0;

	block_timer_sig(&set, &prev);
	if (OT_EXPECT_OK(timer_create(CLOCK_MONOTONIC, &ev, &t))) {
		t0 = ot_now_ns();
		OT_EXPECT_OK(timer_settime(t, 0, &its, NULL));
		for (; got < 5; got++) {
			memset(&si, 0, sizeof(si));
			if (sigtimedwait(&set, &si, &to) != TIMER_SIG)
				break;
			if (si.si_code != SI_TIMER || si.si_value.sival_int != 42)
				OT_FAIL("tick %d: code %d value %d", got, si.si_code,
					si.si_value.sival_int);
		}
		OT_EXPECT_EQ(got, 5);
		OT_EXPECT_ELAPSED(ot_now_ns() - t0, 100);
		OT_EXPECT_OK(timer_delete(t));
	}
	/* Nothing more arrives once deleted. */
	to.tv_sec = 0;
	to.tv_nsec = 50 * NS_PER_MS;
	while (sigtimedwait(&set, &si, &to) == TIMER_SIG)
		;		/* (at most one raced with the delete) */
	OT_EXPECT_ERRNO(sigtimedwait(&set, &si, &to), EAGAIN);
	pthread_sigmask(SIG_SETMASK, &prev, NULL);
}

static sem_t fired;
static volatile int fired_value;
static volatile bool fired_in_other_thread;
static pthread_t case_thread;

static void notify_fn(union sigval v)
{
	fired_value = v.sival_int;
	fired_in_other_thread = !pthread_equal(pthread_self(), case_thread);
	sem_post(&fired);
}

static void timer_sigev_thread(void)
{
	struct sigevent ev = {
		.sigev_notify = SIGEV_THREAD, .sigev_notify_function = notify_fn,
		.sigev_value.sival_int = 99,
	};
	struct itimerspec its = { .it_value = { 0, 30 * NS_PER_MS } };
	struct timespec dl;
	timer_t t;
	int64_t t0;

	sem_init(&fired, 0, 0);
	fired_value = 0;
	case_thread = pthread_self();
	if (OT_EXPECT_OK(timer_create(CLOCK_MONOTONIC, &ev, &t))) {
		t0 = ot_now_ns();
		OT_EXPECT_OK(timer_settime(t, 0, &its, NULL));
		dl = ot_deadline(CLOCK_REALTIME, 2000);
		OT_EXPECT_OK(sem_timedwait(&fired, &dl));
		OT_EXPECT_ELAPSED(ot_now_ns() - t0, 30);
		OT_EXPECT_EQ(fired_value, 99);
		OT_EXPECT(fired_in_other_thread);
		OT_EXPECT_OK(timer_delete(t));
	}
	ot_msleep(5);		/* the notification thread finishes */
	sem_destroy(&fired);
}

static void timer_gettime_remaining(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_NONE };
	struct itimerspec its = { .it_value = { 0, 500 * NS_PER_MS } }, cur, old;
	timer_t t;

	OT_ASSERT_OK(timer_create(CLOCK_MONOTONIC, &ev, &t));
	OT_EXPECT_OK(timer_settime(t, 0, &its, NULL));
	ot_msleep(50);
	OT_EXPECT_OK(timer_gettime(t, &cur));
	OT_EXPECT_LE(ts_ns(&cur.it_value), 450 * NS_PER_MS);
	OT_EXPECT_GE(ts_ns(&cur.it_value), 100 * NS_PER_MS);
	OT_EXPECT_EQ(ts_ns(&cur.it_interval), 0);
	/* Periodic: the interval reads back; old value returned. */
	its.it_interval.tv_nsec = 250 * NS_PER_MS;
	OT_EXPECT_OK(timer_settime(t, 0, &its, &old));
	OT_EXPECT_GT(ts_ns(&old.it_value), 0);
	OT_EXPECT_OK(timer_gettime(t, &cur));
	OT_EXPECT_EQ(ts_ns(&cur.it_interval), 250 * NS_PER_MS);
	/* Disarmed: zero. */
	memset(&its, 0, sizeof(its));
	OT_EXPECT_OK(timer_settime(t, 0, &its, NULL));
	OT_EXPECT_OK(timer_gettime(t, &cur));
	OT_EXPECT_EQ(ts_ns(&cur.it_value), 0);
	/* Bad values. */
	its.it_value.tv_nsec = 1000000000L;
	OT_EXPECT_ERRNO(timer_settime(t, 0, &its, NULL), EINVAL);
	OT_EXPECT_OK(timer_delete(t));
	OT_EXPECT_ERRNO(timer_create(12345, &ev, &t), EINVAL);
}

static void timer_overrun(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = TIMER_SIG };
	struct itimerspec its = {
		.it_value = { 0, 5 * NS_PER_MS }, .it_interval = { 0, 5 * NS_PER_MS },
	};
	struct itimerspec off = { 0 };
	sigset_t set, prev;
	siginfo_t si;
	timer_t t;
	int over;

	block_timer_sig(&set, &prev);
	if (OT_EXPECT_OK(timer_create(CLOCK_MONOTONIC, &ev, &t))) {
		int64_t t0 = ot_now_ns(), ran_ms;

		OT_EXPECT_OK(timer_settime(t, 0, &its, NULL));
		ot_msleep(80);		/* ~16 expiries, one signal queued */
		OT_EXPECT_OK(timer_settime(t, 0, &off, NULL));
		ran_ms = (ot_now_ns() - t0) / NS_PER_MS;
		OT_EXPECT_EQ(sigwaitinfo(&set, &si), TIMER_SIG);
		over = timer_getoverrun(t);
		ot_log("overrun %d in %lld ms", over, (long long)ran_ms);
		OT_EXPECT_GE(over, 5);
		/* No more expiries than the 5 ms period fits in the time the
		 * timer really ran (a loaded host stretches the sleep). */
		OT_EXPECT_LE(over, ran_ms / 5);
		OT_EXPECT_OK(timer_delete(t));
	}
	pthread_sigmask(SIG_SETMASK, &prev, NULL);
}

/* A periodic timer at the clock's resolution (clock_getres): its
 * interval reads back as set, and every expiration counts, however
 * closely the kernel lets its interrupts come (POSIX rounds intervals
 * to the resolution only). */
static void timer_overrun_resolution(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = TIMER_SIG };
	struct itimerspec its = { 0 }, cur, off = { 0 };
	struct timespec res;
	int64_t iv, t0, ran;
	sigset_t set, prev;
	siginfo_t si;
	timer_t t;
	int over;

	OT_ASSERT_OK(clock_getres(CLOCK_MONOTONIC, &res));
	OT_ASSERT(res.tv_sec == 0 && res.tv_nsec > 0);
	iv = 2 * res.tv_nsec;
	its.it_value.tv_nsec = res.tv_nsec;
	its.it_interval.tv_nsec = iv;
	block_timer_sig(&set, &prev);
	if (OT_EXPECT_OK(timer_create(CLOCK_MONOTONIC, &ev, &t))) {
		t0 = ot_now_ns();
		OT_EXPECT_OK(timer_settime(t, 0, &its, NULL));
		OT_EXPECT_OK(timer_gettime(t, &cur));
		OT_EXPECT_EQ(ts_ns(&cur.it_interval), iv);
		OT_EXPECT_LE(ts_ns(&cur.it_value), iv);
		ot_msleep(50);
		OT_EXPECT_EQ(sigwaitinfo(&set, &si), TIMER_SIG);
		ran = ot_now_ns() - t0;
		over = timer_getoverrun(t);
		OT_EXPECT_OK(timer_settime(t, 0, &off, NULL));
		ot_log("overrun %d in %lld ns at %lld ns", over, (long long)ran,
		       (long long)iv);
		/* The last interrupt before the signal was taken may lie a
		 * little before it (its spacing): allow 1 ms of them. */
		OT_EXPECT_GE(over, (50 - 1) * NS_PER_MS / iv);
		OT_EXPECT_LE(over, ran / iv);
		OT_EXPECT_OK(timer_delete(t));
	}
	pthread_sigmask(SIG_SETMASK, &prev, NULL);
}

/* A signal the timer queued but nobody took goes with the timer: after
 * timer_delete() it is no longer pending, so unblocking cannot deliver
 * it (a dead timer's signal killed the next case by default action). */
static void timer_delete_drops_signal(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = TIMER_SIG };
	struct itimerspec its = { .it_value = { 0, NS_PER_MS } };
	sigset_t set, prev, pend;
	timer_t t;
	int i;

	block_timer_sig(&set, &prev);
	if (OT_EXPECT_OK(timer_create(CLOCK_MONOTONIC, &ev, &t))) {
		OT_EXPECT_OK(timer_settime(t, 0, &its, NULL));
		for (i = 0; i < 1000; i++) {	/* up to 10 s on a loaded host */
			sigpending(&pend);
			if (sigismember(&pend, TIMER_SIG))
				break;
			ot_msleep(10);
		}
		OT_EXPECT(sigismember(&pend, TIMER_SIG));
		OT_EXPECT_OK(timer_delete(t));
		sigpending(&pend);
		OT_EXPECT(!sigismember(&pend, TIMER_SIG));
	}
	pthread_sigmask(SIG_SETMASK, &prev, NULL);
}

static void timer_none_abstime(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_NONE };
	struct itimerspec its = { 0 }, cur;
	timer_t t;

	OT_ASSERT_OK(timer_create(CLOCK_REALTIME, &ev, &t));
	/* An absolute time 100 ms ahead: about 100 ms remain. */
	its.it_value = ot_deadline(CLOCK_REALTIME, 100);
	OT_EXPECT_OK(timer_settime(t, TIMER_ABSTIME, &its, NULL));
	OT_EXPECT_OK(timer_gettime(t, &cur));
	OT_EXPECT_LE(ts_ns(&cur.it_value), 100 * NS_PER_MS);
	OT_EXPECT_GT(ts_ns(&cur.it_value), 0);	/* still pending */
	/* One in the past expires at once. */
	its.it_value.tv_sec -= 10;
	OT_EXPECT_OK(timer_settime(t, TIMER_ABSTIME, &its, NULL));
	OT_EXPECT_OK(timer_gettime(t, &cur));
	OT_EXPECT_EQ(ts_ns(&cur.it_value), 0);
	OT_EXPECT_OK(timer_delete(t));
}

/* A deleted or never-created timer id is EINVAL for every call, never a
 * fault (POSIX: "timerid does not correspond to an id returned by
 * timer_create() but not yet deleted"). */
static void timer_bad_ids(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_NONE };
	struct itimerspec its = { .it_value = { 1, 0 } }, cur;
	timer_t ids[3] = { 0, (timer_t)0x7fffffff };

	OT_ASSERT_OK(timer_create(CLOCK_MONOTONIC, &ev, &ids[2]));
	OT_EXPECT_OK(timer_delete(ids[2]));
	for (int i = 0; i < 3; i++) {
		OT_EXPECT_ERRNO(timer_gettime(ids[i], &cur), EINVAL);
		OT_EXPECT_ERRNO(timer_settime(ids[i], 0, &its, NULL), EINVAL);
		OT_EXPECT_ERRNO(timer_getoverrun(ids[i]), EINVAL);
		OT_EXPECT_ERRNO(timer_delete(ids[i]), EINVAL);
	}
}

OT_AREA(timer,
	OT_CASE(timer, signal_periodic, 5),
	OT_CASE(timer, sigev_thread, 5),
	OT_CASE(timer, gettime_remaining, 5),
	OT_CASE(timer, overrun, 5),
	OT_CASE(timer, overrun_resolution, 5),
	OT_CASE(timer, delete_drops_signal, 15),
	OT_CASE(timer, none_abstime, 5),
	OT_CASE(timer, bad_ids, 5));
