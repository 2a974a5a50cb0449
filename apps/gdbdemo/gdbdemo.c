// SPDX-License-Identifier: BSD-2-Clause
/*
 * gdbdemo: threads left blocked for a debugger to look at.  For SECONDS
 * (default 300) it keeps one thread waiting on each kind of object the
 * GDB extension (tools/gdb/vireo.py) names: a semaphore, a priority-
 * inheritance mutex held by a sleeping thread, a condition variable, a
 * message queue, and two threads deadlocked on two mutexes (each holds
 * one and wants the other).  Every wait is timed to the same deadline,
 * so the program cleans up by itself afterwards and exits 0: a user can
 * try `vireo threads`, `vireo thread ID` + `bt` and `vireo locks` on it
 * without leaving a wedged task behind, and the QEMU test uses it.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vireo/app.h>

#define DEFAULT_SECONDS 300
#define MQ_NAME "/gdbdemo"
/* The mutex waiter runs above everybody else in the demo, so the
 * holder's effective priority shows the inheritance. */
#define WAITER_PRIO_BOOST 10

static struct {
	struct timespec deadline;	/* CLOCK_REALTIME, for the timed calls */
	sem_t sem;			/* never posted */
	pthread_mutex_t held;		/* PI: the holder sleeps with it */
	pthread_mutex_t cond_lock;
	pthread_cond_t cond;		/* never signalled */
	mqd_t mq;			/* stays empty */
	pthread_mutex_t a, b;		/* the deadlocked pair */
	pthread_barrier_t both_hold;	/* a and b are both taken */
	sem_t holder_ready;		/* held is taken */
} demo;

static void *sem_waiter(void *arg)
{
	int r = sem_timedwait(&demo.sem, &demo.deadline);

	return (void *)(long)(r ? errno : 0);
}

static void *mutex_holder(void *arg)
{
	pthread_mutex_lock(&demo.held);
	sem_post(&demo.holder_ready);
	clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &demo.deadline, NULL);
	pthread_mutex_unlock(&demo.held);
	return NULL;
}

static void *mutex_waiter(void *arg)
{
	int r = pthread_mutex_timedlock(&demo.held, &demo.deadline);

	if (!r)
		pthread_mutex_unlock(&demo.held);
	return (void *)(long)r;
}

static void *cond_waiter(void *arg)
{
	int r;

	pthread_mutex_lock(&demo.cond_lock);
	r = pthread_cond_timedwait(&demo.cond, &demo.cond_lock, &demo.deadline);
	pthread_mutex_unlock(&demo.cond_lock);
	return (void *)(long)r;
}

static void *mq_receiver(void *arg)
{
	char msg[64];
	ssize_t n = mq_timedreceive(demo.mq, msg, sizeof(msg), NULL,
				    &demo.deadline);

	return (void *)(long)(n < 0 ? errno : 0);
}

/* One of the deadlocked pair: takes first, waits until the other thread
 * holds its own, then wants second until the deadline. */
static void *lock_pair(pthread_mutex_t *first, pthread_mutex_t *second)
{
	int r;

	pthread_mutex_lock(first);
	pthread_barrier_wait(&demo.both_hold);
	r = pthread_mutex_timedlock(second, &demo.deadline);
	if (!r)
		pthread_mutex_unlock(second);
	pthread_mutex_unlock(first);
	return (void *)(long)r;
}

static void *lock_ab(void *arg)
{
	return lock_pair(&demo.a, &demo.b);
}

static void *lock_ba(void *arg)
{
	return lock_pair(&demo.b, &demo.a);
}

static const struct role {
	const char *name;
	void *(*fn)(void *);
	int prio_boost;
} roles[] = {
	{ "gd_semwait", sem_waiter, 0 },
	{ "gd_holder", mutex_holder, 0 },
	{ "gd_mutexwait", mutex_waiter, WAITER_PRIO_BOOST },
	{ "gd_condwait", cond_waiter, 0 },
	{ "gd_mqrecv", mq_receiver, 0 },
	{ "gd_lock_ab", lock_ab, 0 },
	{ "gd_lock_ba", lock_ba, 0 },
};
#define NROLES (sizeof(roles) / sizeof(roles[0]))

static int init_objects(long seconds)
{
	pthread_mutexattr_t ma;
	struct mq_attr qa = { .mq_maxmsg = 4, .mq_msgsize = 64 };

	clock_gettime(CLOCK_REALTIME, &demo.deadline);
	demo.deadline.tv_sec += seconds;
	sem_init(&demo.sem, 0, 0);
	sem_init(&demo.holder_ready, 0, 0);
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&demo.held, &ma);
	pthread_mutexattr_destroy(&ma);
	pthread_mutex_init(&demo.cond_lock, NULL);
	pthread_cond_init(&demo.cond, NULL);
	pthread_mutex_init(&demo.a, NULL);
	pthread_mutex_init(&demo.b, NULL);
	pthread_barrier_init(&demo.both_hold, NULL, 2);
	mq_unlink(MQ_NAME);
	demo.mq = mq_open(MQ_NAME, O_RDWR | O_CREAT | O_EXCL, 0600, &qa);
	if (demo.mq == (mqd_t)-1) {
		printf("gdbdemo: mq_open %s: %s\n", MQ_NAME, strerror(errno));
		return -1;
	}
	return 0;
}

static void destroy_objects(void)
{
	mq_close(demo.mq);
	mq_unlink(MQ_NAME);
	pthread_barrier_destroy(&demo.both_hold);
	pthread_mutex_destroy(&demo.a);
	pthread_mutex_destroy(&demo.b);
	pthread_cond_destroy(&demo.cond);
	pthread_mutex_destroy(&demo.cond_lock);
	pthread_mutex_destroy(&demo.held);
	sem_destroy(&demo.holder_ready);
	sem_destroy(&demo.sem);
}

/* Starts role r at the caller's priority plus its boost. */
static int start(const struct role *r, pthread_t *out)
{
	struct sched_param sp;
	pthread_attr_t attr;
	int policy, err;

	pthread_getschedparam(pthread_self(), &policy, &sp);
	sp.sched_priority += r->prio_boost;
	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, policy);
	pthread_attr_setschedparam(&attr, &sp);
	err = pthread_create(out, &attr, r->fn, NULL);
	pthread_attr_destroy(&attr);
	if (!err)
		pthread_setname_np(*out, r->name);
	return err;
}

static int gdbdemo_main(int argc, char **argv)
{
	long seconds = argc > 1 ? strtol(argv[1], NULL, 10) : DEFAULT_SECONDS;
	pthread_t tids[NROLES];
	int err;

	if (argc > 2 || seconds <= 0) {
		printf("usage: gdbdemo [SECONDS]\n");
		return 2;
	}
	if (init_objects(seconds))
		return 1;
	for (size_t i = 0; i < NROLES; i++) {
		err = start(&roles[i], &tids[i]);
		if (err) {
			/* Returning ends the threads already started. */
			printf("gdbdemo: %s: %s\n", roles[i].name, strerror(err));
			return 1;
		}
		/* The waiter must find the mutex already held. */
		if (roles[i].fn == mutex_holder)
			sem_wait(&demo.holder_ready);
		printf("gdbdemo: %s is thread %d\n", roles[i].name, (int)tids[i]);
	}
	printf("gdbdemo: ready, blocked for %ld s\n", seconds);
	for (size_t i = 0; i < NROLES; i++)
		pthread_join(tids[i], NULL);
	destroy_objects();
	printf("gdbdemo: done\n");
	return 0;
}

APP_REGISTER(gdbdemo, gdbdemo_main, 0, 0);
