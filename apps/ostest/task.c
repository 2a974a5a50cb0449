// SPDX-License-Identifier: BSD-2-Clause
/*
 * ostest cases for tasks: posix_spawn with argv and an environment, exit
 * status through waitpid (WNOHANG, any child, ECHILD), getppid, atexit,
 * a child's own descriptor table, SIGKILL, the environment calls; and the
 * child side (ot_child_main), which the cases spawn as
 * "ostest --child MODE ARGS...".
 */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ostest.h"

static void exit_77(void)
{
	_exit(77);
}

static int child_args(int argc, char **argv)
{
	const char *v = getenv("OT_VAR");

	if (argc != 3)
		return 10 + argc;
	if (strcmp(argv[1], "a b") || strcmp(argv[2], "c"))
		return 20;
	if (!v || strcmp(v, "xyz"))
		return 21;
	return getenv("OT_UNSET") ? 22 : 0;
}

/* Starts in the parent's directory (/proc), then moves to /dev. */
static int child_cwd(void)
{
	char buf[64];

	if (!getcwd(buf, sizeof(buf)) || strcmp(buf, "/proc"))
		return 31;
	if (chdir("/dev") || !getcwd(buf, sizeof(buf)) || strcmp(buf, "/dev"))
		return 32;
	return 0;
}

int ot_child_main(int argc, char **argv)
{
	const char *mode = argc > 0 ? argv[0] : "";
	int arg = argc > 1 ? atoi(argv[1]) : 0;

	if (strcmp(mode, "pause") == 0) {
		for (;;)
			pause();
	} else if (strcmp(mode, "exit") == 0) {
		return arg;
	} else if (strcmp(mode, "sleep") == 0) {
		ot_msleep(arg);
		return 0;
	} else if (strcmp(mode, "args") == 0) {
		return child_args(argc, argv);
	} else if (strcmp(mode, "ppid") == 0) {
		return getppid() == arg && getpid() != arg ? 0 : 1;
	} else if (strcmp(mode, "atexit") == 0) {
		atexit(exit_77);
		exit(0);
	} else if (strcmp(mode, "closefd") == 0) {
		close(0);
		close(1);
		close(2);
		return 3;
	} else if (strcmp(mode, "overflow") == 0) {
		return ot_child_overflow();
	} else if (strcmp(mode, "guard") == 0) {
		return ot_child_guard();
	} else if (strcmp(mode, "getopt") == 0) {
		return ot_child_getopt(argc, argv);
	} else if (strcmp(mode, "keys") == 0) {
		return ot_child_keys();
#if defined(CONFIG_NET) && !defined(VIREO_EL0)	/* net.c */
	} else if (strcmp(mode, "listen") == 0) {
		return ot_child_listen(arg);
#endif
	} else if (strcmp(mode, "cwd") == 0) {
		return child_cwd();
	} else if (strcmp(mode, "print") == 0 && argc > 1) {
		printf("%s\n", argv[1]);
		return 0;
	}
	return 100;
}

/* Spawns a child with args and waits (2 s) for it: its status or -1. */
static int run_child(char *const args[], char *const envp[])
{
	int status = -1;
	pid_t pid = ot_spawn_child(args, envp);

	if (pid < 0) {
		OT_FAIL("spawn %s: errno %d (%s)", args[0], errno, strerror(errno));
		return -1;
	}
	if (ot_wait_child(pid, &status, 2000) != pid) {
		OT_FAIL("child %s (pid %d) did not end", args[0], (int)pid);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return status;
}

static void task_spawn_args_env(void)
{
	char *args[] = { "args", "a b", "c", NULL };
	char *envp[] = { "OT_VAR=xyz", "OTHER=1", NULL };
	int status = run_child(args, envp);

	OT_EXPECT(WIFEXITED(status));
	OT_EXPECT_EQ(WEXITSTATUS(status), 0);
}

static void task_exit_status(void)
{
	char *args[] = { "exit", "42", NULL };
	int status = run_child(args, NULL);

	OT_EXPECT(WIFEXITED(status));
	OT_EXPECT(!WIFSIGNALED(status));
	OT_EXPECT_EQ(WEXITSTATUS(status), 42);
}

static void task_waitpid_nohang(void)
{
	char *args[] = { "sleep", "100", NULL };
	int status = -1;
	pid_t pid = ot_spawn_child(args, NULL);

	OT_ASSERT_OK(pid);
	OT_EXPECT_GT(pid, 0);
	OT_EXPECT_EQ(waitpid(pid, &status, WNOHANG), 0);
	errno = 0;
	if (waitpid(pid, &status, 0) != pid)
		OT_FAIL("waitpid(%d, 0): errno %d (%s)", (int)pid, errno, strerror(errno));
	OT_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* Collected: no longer a child. */
	OT_EXPECT_ERRNO(waitpid(pid, &status, WNOHANG), ECHILD);
	OT_EXPECT_ERRNO(waitpid(-1, &status, WNOHANG), ECHILD);
	OT_EXPECT_ERRNO(waitpid(pid, &status, 0x4000), EINVAL);
}

static void task_waitpid_any(void)
{
	char *a1[] = { "exit", "1", NULL }, *a2[] = { "exit", "2", NULL };
	pid_t p1 = ot_spawn_child(a1, NULL), p2 = ot_spawn_child(a2, NULL);
	int seen = 0, status;

	if (!(p1 > 0 && p2 > 0)) {
		OT_FAIL("spawn: %d %d", (int)p1, (int)p2);
		/* Collect the one that started. */
		ot_wait_child(p1 > 0 ? p1 : p2, &status, 2000);
		return;
	}
	for (int i = 0; i < 2; i++) {
		errno = 0;
		pid_t r = waitpid(-1, &status, 0);

		if (r == p1 && WEXITSTATUS(status) == 1)
			seen |= 1;
		else if (r == p2 && WEXITSTATUS(status) == 2)
			seen |= 2;
		else
			OT_FAIL("waitpid(-1) gave %d status %#x errno %d", (int)r,
				status, errno);
	}
	OT_EXPECT_EQ(seen, 3);
}

static void task_ppid(void)
{
	char pid[16];
	char *args[] = { "ppid", pid, NULL };
	int status;

	OT_EXPECT_GT(getpid(), 0);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	status = run_child(args, NULL);
	OT_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void task_atexit(void)
{
	char *args[] = { "atexit", NULL };
	int status = run_child(args, NULL);

	OT_EXPECT(WIFEXITED(status));
	OT_EXPECT_EQ(WEXITSTATUS(status), 77);
}

static void task_own_fds(void)
{
	char *args[] = { "closefd", NULL };
	int status = run_child(args, NULL);

	OT_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	/* The child closed its copies, not ours. */
	OT_EXPECT_EQ(write(STDOUT_FILENO, "", 0), 0);
	OT_EXPECT_EQ(write(STDERR_FILENO, "", 0), 0);
}

/* Text the parent left in its stdout buffer (no newline yet) is not
 * flushed by a child onto the child's descriptor 1: each has its own
 * buffer, as in separate processes.  The parent's stdout is a pipe
 * around the test, so nothing reaches the console. */
static void task_own_stdout_buffer(void)
{
	char *args[] = { "print", "child", NULL };
	int mine[2], childs[2], saved = dup(STDOUT_FILENO);
	char buf[16] = "";

	OT_ASSERT(saved >= 0);
	if (!OT_EXPECT_OK(pipe(mine)) || !OT_EXPECT_OK(pipe(childs)))
		goto out;
	fflush(stdout);
	dup2(mine[1], STDOUT_FILENO);
	printf("parent");			/* stays in our buffer */
	dup2(childs[1], STDOUT_FILENO);		/* what the child inherits */
	OT_EXPECT_EQ(run_child(args, NULL), 0);
	OT_EXPECT_EQ(read(childs[0], buf, sizeof(buf)), 6);
	OT_EXPECT(memcmp(buf, "child\n", 6) == 0);
	dup2(mine[1], STDOUT_FILENO);
	fflush(stdout);
	OT_EXPECT_EQ(read(mine[0], buf, sizeof(buf)), 6);
	OT_EXPECT(memcmp(buf, "parent", 6) == 0);
	close(childs[0]);
	close(childs[1]);
	close(mine[0]);
	close(mine[1]);
out:
	dup2(saved, STDOUT_FILENO);
	close(saved);
}

static void task_own_cwd(void)
{
	char *args[] = { "cwd", NULL }, old[64] = "/", now[64] = "";
	int status;

	OT_EXPECT(getcwd(old, sizeof(old)) != NULL);
	OT_ASSERT_OK(chdir("/proc"));
	status = run_child(args, NULL);
	OT_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The child's chdir moved the child only. */
	OT_EXPECT(getcwd(now, sizeof(now)) && strcmp(now, "/proc") == 0);
	OT_EXPECT_OK(chdir(old));
}

static void task_sigkill(void)
{
	char *args[] = { "pause", NULL };
	int status = -1;
	pid_t pid = ot_spawn_child(args, NULL);

	OT_ASSERT_OK(pid);
	ot_msleep(10);
	OT_EXPECT_OK(kill(pid, SIGKILL));
	OT_EXPECT_EQ(ot_wait_child(pid, &status, 2000), pid);
	OT_EXPECT(WIFSIGNALED(status));
	OT_EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

static void task_environment(void)
{
	bool found = false;

	OT_EXPECT_OK(setenv("OT_ENV", "one", 1));
	OT_EXPECT(getenv("OT_ENV") && strcmp(getenv("OT_ENV"), "one") == 0);
	OT_EXPECT_OK(setenv("OT_ENV", "two", 0));	/* kept */
	OT_EXPECT(getenv("OT_ENV") && strcmp(getenv("OT_ENV"), "one") == 0);
	OT_EXPECT_OK(setenv("OT_ENV", "three", 1));
	OT_EXPECT(getenv("OT_ENV") && strcmp(getenv("OT_ENV"), "three") == 0);
	for (char **e = environ; e && *e; e++)
		found |= strcmp(*e, "OT_ENV=three") == 0;
	OT_EXPECT(found);
	OT_EXPECT_OK(unsetenv("OT_ENV"));
	OT_EXPECT(getenv("OT_ENV") == NULL);
	OT_EXPECT_ERRNO(setenv("A=B", "x", 1), EINVAL);
	OT_EXPECT_ERRNO(setenv("", "x", 1), EINVAL);
}

static void task_spawn_errors(void)
{
	char *argv[] = { "no-such-app", NULL };
	char *ok[] = { "ostest", "--child", "exit", "3", NULL };
	pid_t pid = -1;
	int status = -1;

	OT_EXPECT_RC(posix_spawn(&pid, "no-such-app", NULL, NULL, argv, environ), ENOENT);
	if (OT_EXPECT_RC(posix_spawnp(&pid, "ostest", NULL, NULL, ok, environ), 0)) {
		OT_EXPECT_EQ(ot_wait_child(pid, &status, 2000), pid);
		OT_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	}
}

OT_AREA(task,
	OT_CASE(task, spawn_args_env, 5),
	OT_CASE(task, exit_status, 5),
	OT_CASE(task, waitpid_nohang, 5),
	OT_CASE(task, waitpid_any, 5),
	OT_CASE(task, ppid, 5),
	OT_CASE(task, atexit, 5),
	OT_CASE(task, own_cwd, 5),
	OT_CASE(task, own_fds, 5),
	OT_CASE(task, own_stdout_buffer, 5),
	OT_CASE(task, sigkill, 5),
	OT_CASE(task, environment, 5),
	OT_CASE(task, spawn_errors, 5));
