// SPDX-License-Identifier: BSD-2-Clause
/*
 * ostest cases for stacks: a thread may use most of a small stack, and a
 * child task that overflows its stack on purpose is stopped (its waitpid
 * status shows it was killed by a signal, SIGSEGV) while the system, and
 * ostest, go on.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include "ostest.h"

/* Recurses with 512-byte frames until the guard below the stack stops
 * it; the buffer is used after the call so that it is not a tail call. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winfinite-recursion"
static int __attribute__((noinline)) dive(int depth)
{
	volatile char frame[512];

	frame[0] = (char)depth;
	frame[511] = (char)(depth >> 8);
	return dive(depth + 1) + frame[0] + frame[511];
}
#pragma GCC diagnostic pop

int ot_child_overflow(void)
{
	return dive(0) & 0x7f;		/* never returns */
}

#define BIG_GUARD (64 * 1024)

/* A thread with a BIG_GUARD guard: the attribute reads back. */
static void *guard_of_self(void *arg)
{
	pthread_attr_t a;
	size_t g = 1;

	if (pthread_getattr_np(pthread_self(), &a) == 0) {
		pthread_attr_getguardsize(&a, &g);
		pthread_attr_destroy(&a);
	}
	return (void *)g;
}

/* Reads 48 KiB below its stack: inside a BIG_GUARD guard (a fault that
 * ends the task), in whatever lies there with a one-page guard. */
static void *read_below_stack(void *arg)
{
	pthread_attr_t a;
	void *lo;
	size_t size;

	if (pthread_getattr_np(pthread_self(), &a) ||
	    pthread_attr_getstack(&a, &lo, &size))
		return NULL;
	pthread_attr_destroy(&a);
	return (void *)(uintptr_t)*(volatile char *)((char *)lo - 48 * 1024);
}

static int guarded_thread(pthread_t *t, size_t guard, void *(*fn)(void *))
{
	pthread_attr_t attr;
	int r;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 16384);
	pthread_attr_setguardsize(&attr, guard);
	r = pthread_create(t, &attr, fn, NULL);
	pthread_attr_destroy(&attr);
	return r;
}

int ot_child_guard(void)
{
	pthread_t t;

	if (guarded_thread(&t, BIG_GUARD, read_below_stack))
		return 2;
	pthread_join(t, NULL);
	return 0;		/* the guard did not stop the read */
}

static void stack_guard_size(void)
{
	char *args[] = { "guard", NULL };
	pthread_attr_t attr;
	size_t g = 0;
	void *r = NULL;
	int status = -1;
	pthread_t t;
	pid_t pid;

	/* Reported as set (POSIX), though stacks round it to pages. */
	pthread_attr_init(&attr);
	OT_EXPECT_RC(pthread_attr_setguardsize(&attr, 100), 0);
	OT_EXPECT_RC(pthread_attr_getguardsize(&attr, &g), 0);
	OT_EXPECT_EQ(g, 100);
	pthread_attr_destroy(&attr);
	/* The thread's guard is that large (or absent). */
	if (OT_EXPECT_RC(guarded_thread(&t, BIG_GUARD, guard_of_self), 0)) {
		OT_EXPECT_RC(pthread_join(t, &r), 0);
		OT_EXPECT_EQ((size_t)r, BIG_GUARD);
	}
	if (OT_EXPECT_RC(guarded_thread(&t, 0, guard_of_self), 0)) {
		OT_EXPECT_RC(pthread_join(t, &r), 0);
		OT_EXPECT_EQ((size_t)r, 0);
	}
	/* And it protects: a read deep in it ends the task with SIGSEGV. */
	pid = ot_spawn_child(args, NULL);
	OT_ASSERT_OK(pid);
	OT_EXPECT_EQ(ot_wait_child(pid, &status, 3000), pid);
	OT_EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

static void stack_overflow_child(void)
{
	char *args[] = { "overflow", NULL };
	char *after[] = { "exit", "5", NULL };
	int status = -1;
	pid_t pid = ot_spawn_child(args, NULL);

	OT_ASSERT_OK(pid);
	OT_EXPECT_EQ(ot_wait_child(pid, &status, 3000), pid);
	OT_EXPECT(WIFSIGNALED(status));
	OT_EXPECT_EQ(WTERMSIG(status), SIGSEGV);
	/* The system goes on: another child runs and exits normally. */
	pid = ot_spawn_child(after, NULL);
	OT_ASSERT_OK(pid);
	OT_EXPECT_EQ(ot_wait_child(pid, &status, 2000), pid);
	OT_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 5);
}

static void *use_stack(void *arg)
{
	volatile char buf[6 * 1024];

	for (size_t i = 0; i < sizeof(buf); i += 64)
		buf[i] = (char)i;
	return (void *)(uintptr_t)buf[64];
}

static void stack_small_thread(void)
{
	pthread_attr_t attr;
	pthread_t t;
	void *r = NULL;

	pthread_attr_init(&attr);
	OT_EXPECT_RC(pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN), 0);
	if (OT_EXPECT_RC(pthread_create(&t, &attr, use_stack, NULL), 0)) {
		OT_EXPECT_RC(pthread_join(t, &r), 0);
		OT_EXPECT_EQ((uintptr_t)r, 64);
	}
	pthread_attr_destroy(&attr);
}

OT_AREA(stack,
	OT_CASE(stack, small_thread, 5),
	OT_CASE(stack, overflow_child, 10),
	OT_CASE(stack, guard_size, 10));
