// SPDX-License-Identifier: BSD-2-Clause
/*
 * ostest cases for message queues: priority order (FIFO among equals),
 * O_NONBLOCK and EAGAIN, attributes, timed send/receive (timeout and early
 * wake), a blocked receiver woken by a send, open errors, and mq_notify
 * with SIGEV_SIGNAL and SIGEV_THREAD.  Every case unlinks its queue.
 */
#include <fcntl.h>
#include <mqueue.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include "ostest.h"

#define QNAME "/ostest-mq"

static mqd_t open_queue(int flags, long maxmsg, long msgsize)
{
	struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };

	mq_unlink(QNAME);	/* left over from an aborted run */
	return mq_open(QNAME, O_CREAT | O_EXCL | O_RDWR | flags, 0600, &a);
}

static void close_queue(mqd_t q)
{
	OT_EXPECT_OK(mq_close(q));
	OT_EXPECT_OK(mq_unlink(QNAME));
}

static void mqueue_priority_order(void)
{
	static const struct { const char *text; unsigned int prio; } sent[] = {
		{ "one", 1 }, { "five-a", 5 }, { "three", 3 }, { "five-b", 5 },
	};
	static const char *const want[] = { "five-a", "five-b", "three", "one" };
	static const unsigned int want_prio[] = { 5, 5, 3, 1 };
	char buf[32];
	unsigned int prio;
	mqd_t q = open_queue(0, 8, sizeof(buf));

	OT_ASSERT(q != (mqd_t)-1);
	for (int i = 0; i < 4; i++)
		OT_EXPECT_OK(mq_send(q, sent[i].text, strlen(sent[i].text) + 1,
				     sent[i].prio));
	for (int i = 0; i < 4; i++) {
		memset(buf, 0, sizeof(buf));
		prio = 99;
		OT_EXPECT_EQ(mq_receive(q, buf, sizeof(buf), &prio),
			     (long)strlen(want[i]) + 1);
		if (strcmp(buf, want[i]))
			OT_FAIL("message %d is '%s', want '%s'", i, buf, want[i]);
		OT_EXPECT_EQ(prio, want_prio[i]);
	}
	close_queue(q);
}

static void mqueue_nonblock(void)
{
	struct mq_attr a, old;
	char buf[16] = "x";
	mqd_t q = open_queue(O_NONBLOCK, 2, sizeof(buf));

	OT_ASSERT(q != (mqd_t)-1);
	OT_EXPECT_OK(mq_getattr(q, &a));
	OT_EXPECT_EQ(a.mq_maxmsg, 2);
	OT_EXPECT_EQ(a.mq_msgsize, sizeof(buf));
	OT_EXPECT(a.mq_flags & O_NONBLOCK);
	OT_EXPECT_ERRNO(mq_receive(q, buf, sizeof(buf), NULL), EAGAIN);
	OT_EXPECT_OK(mq_send(q, buf, 1, 0));
	OT_EXPECT_OK(mq_send(q, buf, 1, 0));
	OT_EXPECT_ERRNO(mq_send(q, buf, 1, 0), EAGAIN);
	OT_EXPECT_OK(mq_getattr(q, &a));
	OT_EXPECT_EQ(a.mq_curmsgs, 2);
	/* Too long a message, too small a buffer. */
	OT_EXPECT_ERRNO(mq_send(q, buf, sizeof(buf) + 1, 0), EMSGSIZE);
	OT_EXPECT_ERRNO(mq_receive(q, buf, sizeof(buf) - 1, NULL), EMSGSIZE);
	OT_EXPECT_ERRNO(mq_send(q, buf, 1, MQ_PRIO_MAX), EINVAL);
	/* mq_setattr changes only O_NONBLOCK and returns the old flags. */
	a.mq_flags = 0;
	OT_EXPECT_OK(mq_setattr(q, &a, &old));
	OT_EXPECT(old.mq_flags & O_NONBLOCK);
	OT_EXPECT_OK(mq_getattr(q, &a));
	OT_EXPECT(!(a.mq_flags & O_NONBLOCK));
	OT_EXPECT_EQ(a.mq_curmsgs, 2);
	close_queue(q);
}

static void mqueue_timed(void)
{
	struct timespec dl;
	char buf[8] = "m";
	int64_t t0;
	mqd_t q = open_queue(0, 1, sizeof(buf));

	OT_ASSERT(q != (mqd_t)-1);
	t0 = ot_now_ns();
	dl = ot_deadline(CLOCK_REALTIME, 60);
	OT_EXPECT_ERRNO(mq_timedreceive(q, buf, sizeof(buf), NULL, &dl), ETIMEDOUT);
	OT_EXPECT_ELAPSED(ot_now_ns() - t0, 60);
	OT_EXPECT_OK(mq_send(q, buf, 1, 0));
	t0 = ot_now_ns();
	dl = ot_deadline(CLOCK_REALTIME, 60);
	OT_EXPECT_ERRNO(mq_timedsend(q, buf, 1, 0, &dl), ETIMEDOUT);
	OT_EXPECT_ELAPSED(ot_now_ns() - t0, 60);
	close_queue(q);
}

static mqd_t shared_q;

static void *send_late(void *arg)
{
	ot_msleep(30);
	mq_send(shared_q, "late", 5, 7);
	return NULL;
}

static void mqueue_early_wake(void)
{
	struct timespec dl;
	char buf[8];
	unsigned int prio = 0;
	pthread_t t;
	int64_t t0;

	shared_q = open_queue(0, 4, sizeof(buf));
	OT_ASSERT(shared_q != (mqd_t)-1);
	t0 = ot_now_ns();
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO + 10, send_late, NULL), 0)) {
		dl = ot_deadline(CLOCK_REALTIME, 2000);
		OT_EXPECT_EQ(mq_timedreceive(shared_q, buf, sizeof(buf), &prio, &dl), 5);
		OT_EXPECT_ELAPSED(ot_now_ns() - t0, 30);
		OT_EXPECT_EQ(prio, 7);
		OT_EXPECT(strcmp(buf, "late") == 0);
		pthread_join(t, NULL);
	}
	close_queue(shared_q);
}

static volatile int received;

static void *receive_now(void *arg)
{
	char buf[8];

	if (mq_receive(shared_q, buf, sizeof(buf), NULL) == 2)
		received = 1;
	return NULL;
}

static void mqueue_blocked_receiver(void)
{
	pthread_t t;

	received = 0;
	shared_q = open_queue(0, 4, 8);
	OT_ASSERT(shared_q != (mqd_t)-1);
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO + 10, receive_now, NULL), 0)) {
		OT_EXPECT_EQ(received, 0);
		OT_EXPECT_OK(mq_send(shared_q, "r", 2, 0));
		OT_EXPECT_EQ(received, 1);	/* it ran before mq_send returned */
		pthread_join(t, NULL);
	}
	close_queue(shared_q);
}

static void mqueue_open_errors(void)
{
	struct mq_attr bad = { .mq_maxmsg = 0, .mq_msgsize = 8 };
	mqd_t q = open_queue(0, 2, 8), q2;

	OT_ASSERT(q != (mqd_t)-1);
	OT_EXPECT_ERRNO(mq_open(QNAME, O_CREAT | O_EXCL | O_RDWR, 0600, NULL), EEXIST);
	q2 = mq_open(QNAME, O_RDONLY);
	OT_EXPECT(q2 != (mqd_t)-1);
	if (q2 != (mqd_t)-1) {
		OT_EXPECT_ERRNO(mq_send(q2, "x", 1, 0), EBADF);	/* read-only */
		OT_EXPECT_OK(mq_close(q2));
	}
	close_queue(q);
	OT_EXPECT_ERRNO(mq_open(QNAME, O_RDWR), ENOENT);
	OT_EXPECT_ERRNO(mq_unlink(QNAME), ENOENT);
	OT_EXPECT_ERRNO(mq_open(QNAME, O_CREAT | O_RDWR, 0600, &bad), EINVAL);
}

#define NOTIFY_SIG (SIGRTMIN + 1)

static void mqueue_notify_signal(void)
{
	struct sigevent ev = {
		.sigev_notify = SIGEV_SIGNAL,
		.sigev_signo = NOTIFY_SIG,
		.sigev_value.sival_int = 0x1234,
	};
	struct timespec to = { 1, 0 };
	sigset_t set, old;
	siginfo_t si;
	mqd_t q = open_queue(0, 4, 8);

	OT_ASSERT(q != (mqd_t)-1);
	sigemptyset(&set);
	sigaddset(&set, NOTIFY_SIG);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	OT_EXPECT_OK(mq_notify(q, &ev));
	OT_EXPECT_ERRNO(mq_notify(q, &ev), EBUSY);
	OT_EXPECT_OK(mq_send(q, "n", 2, 0));
	memset(&si, 0, sizeof(si));
	OT_EXPECT_EQ(sigtimedwait(&set, &si, &to), NOTIFY_SIG);
	OT_EXPECT_EQ(si.si_signo, NOTIFY_SIG);
	OT_EXPECT_EQ(si.si_code, SI_MESGQ);
	OT_EXPECT_EQ(si.si_value.sival_int, 0x1234);
	/* One notification per registration: a second send is silent. */
	OT_EXPECT_OK(mq_send(q, "n", 2, 0));
	to.tv_sec = 0;
	to.tv_nsec = 20 * NS_PER_MS;
	OT_EXPECT_ERRNO(sigtimedwait(&set, &si, &to), EAGAIN);
	/* Register and remove again. */
	OT_EXPECT_OK(mq_notify(q, &ev));
	OT_EXPECT_OK(mq_notify(q, NULL));
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close_queue(q);
}

static volatile int notified;

static void on_notify(int sig)
{
	notified = sig;
}

/* The notification of a send by the registered task itself is a signal
 * it generates for itself: its handler has run when mq_send returns
 * (no later interrupt or blocking call needed). */
static void mqueue_notify_before_return(void)
{
	struct sigevent ev = {
		.sigev_notify = SIGEV_SIGNAL, .sigev_signo = NOTIFY_SIG,
	};
	struct sigaction sa = { .sa_handler = on_notify }, old;
	mqd_t q = open_queue(0, 4, 8);

	OT_ASSERT(q != (mqd_t)-1);
	notified = 0;
	OT_EXPECT_OK(sigaction(NOTIFY_SIG, &sa, &old));
	OT_EXPECT_OK(mq_notify(q, &ev));
	OT_EXPECT_OK(mq_send(q, "n", 2, 0));
	OT_EXPECT_EQ(notified, NOTIFY_SIG);
	sigaction(NOTIFY_SIG, &old, NULL);
	close_queue(q);
}

/* SIGEV_THREAD: the function runs once per registration, in a thread of
 * its own; a registration removed or a queue closed ends its thread
 * (ostest's check after the case finds no thread left). */
static sem_t nt_ran;
static volatile int nt_value;
static volatile bool nt_elsewhere;
static pthread_t nt_case;

static void nt_fn(union sigval v)
{
	nt_value = v.sival_int;
	nt_elsewhere = !pthread_equal(pthread_self(), nt_case);
	sem_post(&nt_ran);
}

static void mqueue_notify_thread(void)
{
	struct sigevent ev = {
		.sigev_notify = SIGEV_THREAD, .sigev_notify_function = nt_fn,
		.sigev_value.sival_int = 0x4321,
	};
	struct sigevent bad = { .sigev_notify = SIGEV_THREAD };
	struct timespec dl;
	mqd_t q = open_queue(0, 4, 8);

	OT_ASSERT(q != (mqd_t)-1);
	sem_init(&nt_ran, 0, 0);
	nt_case = pthread_self();
	nt_value = 0;
	OT_EXPECT_ERRNO(mq_notify(q, &bad), EINVAL);
	OT_EXPECT_OK(mq_notify(q, &ev));
	OT_EXPECT_ERRNO(mq_notify(q, &ev), EBUSY);
	OT_EXPECT_OK(mq_send(q, "n", 2, 0));
	dl = ot_deadline(CLOCK_REALTIME, 2000);
	OT_EXPECT_OK(sem_timedwait(&nt_ran, &dl));
	OT_EXPECT_EQ(nt_value, 0x4321);
	OT_EXPECT(nt_elsewhere);
	/* Once per registration: the next message arrives unannounced. */
	OT_EXPECT_OK(mq_send(q, "n", 2, 0));
	dl = ot_deadline(CLOCK_REALTIME, 50);
	OT_EXPECT_ERRNO(sem_timedwait(&nt_ran, &dl), ETIMEDOUT);
	/* Removed before anything came: nothing runs, the thread ends. */
	close_queue(q);
	q = open_queue(0, 4, 8);
	OT_ASSERT(q != (mqd_t)-1);
	OT_EXPECT_OK(mq_notify(q, &ev));
	OT_EXPECT_OK(mq_notify(q, NULL));
	OT_EXPECT_OK(mq_send(q, "n", 2, 0));
	dl = ot_deadline(CLOCK_REALTIME, 50);
	OT_EXPECT_ERRNO(sem_timedwait(&nt_ran, &dl), ETIMEDOUT);
	/* And closing the queue ends a registration's thread too. */
	mq_receive(q, (char[8]){ 0 }, 8, NULL);
	OT_EXPECT_OK(mq_notify(q, &ev));
	close_queue(q);		/* ostest's cleanup waits for the threads */
	sem_destroy(&nt_ran);
}

OT_AREA(mqueue,
	OT_CASE(mqueue, priority_order, 5),
	OT_CASE(mqueue, nonblock, 5),
	OT_CASE(mqueue, timed, 5),
	OT_CASE(mqueue, early_wake, 5),
	OT_CASE(mqueue, blocked_receiver, 5),
	OT_CASE(mqueue, open_errors, 5),
	OT_CASE(mqueue, notify_signal, 5),
	OT_CASE(mqueue, notify_before_return, 5),
	OT_CASE(mqueue, notify_thread, 5));
