// SPDX-License-Identifier: BSD-2-Clause
/*
 * ostest cases for thread life cycle and attributes: create/join with
 * values, detach, pthread_exit, stack attributes, scheduling attributes,
 * pthread_once and thread names.
 */
#include <limits.h>
#include <sched.h>
#include <semaphore.h>
#include <stdlib.h>
#include "ostest.h"

static void *return_arg_plus_one(void *arg)
{
	return (void *)((uintptr_t)arg + 1);
}

static void *self_id(void *arg)
{
	*(pthread_t *)arg = pthread_self();
	return NULL;
}

static void thread_create_join(void)
{
	pthread_t t, seen;
	void *ret = NULL;

	OT_ASSERT_RC(pthread_create(&t, NULL, return_arg_plus_one, (void *)41), 0);
	OT_EXPECT_RC(pthread_join(t, &ret), 0);
	OT_EXPECT_EQ((uintptr_t)ret, 42);
	OT_ASSERT_RC(pthread_create(&t, NULL, self_id, &seen), 0);
	OT_EXPECT_RC(pthread_join(t, NULL), 0);
	OT_EXPECT(pthread_equal(t, seen));
	OT_EXPECT(!pthread_equal(t, pthread_self()));
	OT_EXPECT_RC(pthread_join(pthread_self(), NULL), EDEADLK);
}

/* pthread_exit from a few calls deep: the value still reaches join.
 * (GCC takes the noreturn exit for endless recursion.) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winfinite-recursion"
static void *deep_exit(void *arg)
{
	if ((uintptr_t)arg == 0)
		pthread_exit((void *)0x5a5a);
	deep_exit((void *)((uintptr_t)arg - 1));
	return NULL;
}
#pragma GCC diagnostic pop

static void thread_exit_value(void)
{
	pthread_t t;
	void *ret = NULL;

	OT_ASSERT_RC(pthread_create(&t, NULL, deep_exit, (void *)5), 0);
	OT_EXPECT_RC(pthread_join(t, &ret), 0);
	OT_EXPECT_EQ((uintptr_t)ret, 0x5a5a);
}

static sem_t detach_go, detach_done;

static void *detached_body(void *arg)
{
	sem_wait(&detach_go);
	sem_post(&detach_done);
	return NULL;
}

static void thread_detach(void)
{
	pthread_attr_t attr;
	pthread_t t;
	int state = -1;

	sem_init(&detach_go, 0, 0);
	sem_init(&detach_done, 0, 0);
	pthread_attr_init(&attr);
	OT_EXPECT_RC(pthread_attr_getdetachstate(&attr, &state), 0);
	OT_EXPECT_EQ(state, PTHREAD_CREATE_JOINABLE);
	OT_EXPECT_RC(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED), 0);
	OT_EXPECT_RC(pthread_attr_setdetachstate(&attr, 12345), EINVAL);
	if (OT_EXPECT_RC(pthread_create(&t, &attr, detached_body, NULL), 0)) {
		/* Still blocked, so the id is valid: a detached thread cannot
		 * be joined. */
		OT_EXPECT_RC(pthread_join(t, NULL), EINVAL);
		sem_post(&detach_go);
		OT_EXPECT_OK(sem_wait(&detach_done));
	}
	/* pthread_detach of a joinable, running thread. */
	if (OT_EXPECT_RC(pthread_create(&t, NULL, detached_body, NULL), 0)) {
		OT_EXPECT_RC(pthread_detach(t), 0);
		sem_post(&detach_go);
		OT_EXPECT_OK(sem_wait(&detach_done));
	}
	pthread_attr_destroy(&attr);
	ot_msleep(5);		/* let both finish exiting */
	sem_destroy(&detach_go);
	sem_destroy(&detach_done);
}

struct stack_probe {
	char *lo, *hi;
	bool inside;
};

static void *probe_stack(void *arg)
{
	struct stack_probe *p = arg;
	volatile char buf[1024];

	buf[0] = 1;
	p->inside = (char *)buf >= p->lo && (char *)buf + sizeof(buf) <= p->hi;
	return NULL;
}

static void thread_attr_stack(void)
{
	pthread_attr_t attr;
	size_t size = 0;
	void *addr = NULL;
	pthread_t t;
	const size_t sz = 32768;
	char *mem = malloc(sz);
	struct stack_probe p = { mem, mem + sz, false };

	OT_ASSERT(mem);
	pthread_attr_init(&attr);
	OT_EXPECT_RC(pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN - 1), EINVAL);
	OT_EXPECT_RC(pthread_attr_setstacksize(&attr, 65536), 0);
	OT_EXPECT_RC(pthread_attr_getstacksize(&attr, &size), 0);
	OT_EXPECT_EQ(size, 65536);
	OT_EXPECT_RC(pthread_attr_setstack(&attr, mem, sz), 0);
	OT_EXPECT_RC(pthread_attr_getstack(&attr, &addr, &size), 0);
	OT_EXPECT(addr == mem);
	OT_EXPECT_EQ(size, sz);
	if (OT_EXPECT_RC(pthread_create(&t, &attr, probe_stack, &p), 0))
		OT_EXPECT_RC(pthread_join(t, NULL), 0);
	OT_EXPECT(p.inside);
	pthread_attr_destroy(&attr);
	ot_msleep(5);		/* the stack is ours: free it after the exit */
	free(mem);
}

struct sched_seen {
	int policy, prio;
};

static void *report_sched(void *arg)
{
	struct sched_seen *s = arg;
	struct sched_param sp;

	pthread_getschedparam(pthread_self(), &s->policy, &sp);
	s->prio = sp.sched_priority;
	return NULL;
}

static void thread_attr_sched(void)
{
	pthread_attr_t attr;
	struct sched_param sp = { .sched_priority = 120 };
	struct sched_seen s = { -1, -1 };
	int v = -1;
	pthread_t t;

	pthread_attr_init(&attr);
	OT_EXPECT_RC(pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED), 0);
	OT_EXPECT_RC(pthread_attr_getinheritsched(&attr, &v), 0);
	OT_EXPECT_EQ(v, PTHREAD_EXPLICIT_SCHED);
	OT_EXPECT_RC(pthread_attr_setschedpolicy(&attr, SCHED_RR), 0);
	OT_EXPECT_RC(pthread_attr_getschedpolicy(&attr, &v), 0);
	OT_EXPECT_EQ(v, SCHED_RR);
	/* Not a policy: EINVAL (ENOTSUP is for a valid, unsupported one). */
	OT_EXPECT_RC(pthread_attr_setschedpolicy(&attr, 999), EINVAL);
	OT_EXPECT_RC(pthread_attr_setschedparam(&attr, &sp), 0);
	if (OT_EXPECT_RC(pthread_create(&t, &attr, report_sched, &s), 0))
		pthread_join(t, NULL);
	OT_EXPECT_EQ(s.policy, SCHED_RR);
	OT_EXPECT_EQ(s.prio, 120);
	/* Inherited: the creator's policy and priority, whatever attr says. */
	OT_EXPECT_RC(pthread_attr_setinheritsched(&attr, PTHREAD_INHERIT_SCHED), 0);
	s.policy = s.prio = -1;
	if (OT_EXPECT_RC(pthread_create(&t, &attr, report_sched, &s), 0))
		pthread_join(t, NULL);
	OT_EXPECT_EQ(s.policy, SCHED_FIFO);
	OT_EXPECT_EQ(s.prio, OT_PRIO);
	pthread_attr_destroy(&attr);
}

static void thread_setschedparam(void)
{
	struct sched_param sp = { .sched_priority = OT_PRIO + 7 };
	int policy = -1;

	OT_EXPECT_RC(pthread_setschedparam(pthread_self(), SCHED_RR, &sp), 0);
	sp.sched_priority = 0;
	OT_EXPECT_RC(pthread_getschedparam(pthread_self(), &policy, &sp), 0);
	OT_EXPECT_EQ(policy, SCHED_RR);
	OT_EXPECT_EQ(sp.sched_priority, OT_PRIO + 7);
	sp.sched_priority = sched_get_priority_max(SCHED_FIFO) + 1;
	OT_EXPECT_RC(pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp), EINVAL);
	OT_EXPECT_RC(pthread_setschedprio(pthread_self(), OT_PRIO + 3), 0);
	OT_EXPECT_EQ(ot_prio_of(pthread_self()), OT_PRIO + 3);
	OT_EXPECT_RC(ot_set_prio(OT_PRIO), 0);
	OT_EXPECT_EQ(ot_prio_of(pthread_self()), OT_PRIO);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static volatile int once_calls;

static void once_init(void)
{
	once_calls++;
	ot_msleep(10);		/* others must wait for the end, not skip */
}

static void *call_once(void *arg)
{
	pthread_once(&once, once_init);
	*(int *)arg = once_calls;
	return NULL;
}

static void thread_once(void)
{
	pthread_t t[3];
	int seen[3] = { -1, -1, -1 };

	/* A fresh control per round, as the static initialiser gives. */
	once = (pthread_once_t)PTHREAD_ONCE_INIT;
	once_calls = 0;
	for (int i = 0; i < 3; i++)
		OT_EXPECT_RC(pthread_create(&t[i], NULL, call_once, &seen[i]), 0);
	call_once(&(int){ 0 });
	for (int i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		OT_EXPECT_EQ(seen[i], 1);
	}
	OT_EXPECT_EQ(once_calls, 1);
}

static void thread_setname(void)
{
	OT_EXPECT_RC(pthread_setname_np(pthread_self(), "ot-named"), 0);
	OT_EXPECT_RC(pthread_setname_np(pthread_self(),
			"a-name-much-longer-than-any-thread-name-may-be"), ERANGE);
}

OT_AREA(thread,
	OT_CASE(thread, create_join, 5),
	OT_CASE(thread, exit_value, 5),
	OT_CASE(thread, detach, 5),
	OT_CASE(thread, attr_stack, 5),
	OT_CASE(thread, attr_sched, 5),
	OT_CASE(thread, setschedparam, 5),
	OT_CASE(thread, once, 5),
	OT_CASE(thread, setname, 5));
