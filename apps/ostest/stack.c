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
	OT_CASE(stack, overflow_child, 10));
