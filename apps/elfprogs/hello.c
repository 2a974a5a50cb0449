// SPDX-License-Identifier: BSD-2-Clause
/*
 * An EL0 test program (docs/kernel-mode.md): prints its arguments, one
 * a line, and $GREETING, then exits with status argv[1] when that is a
 * number.  `hello sleep MS` waits MS milliseconds first (poll with no
 * descriptors), so a test can look at /proc/<pid>/maps meanwhile.
 * `hello calls` checks system calls from EL0 (clocks, spawn, waitpid,
 * ioctl, message queues, scheduling, uname) and prints "calls: ok" or what
 * failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/fb.h>
#include <sys/ioctl.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vireo/spawn.h>
#include "sys.h"

/* A word of .data and pages of .bss, used through volatile accesses so
 * the program has both segments (the loader's test needs them). */
static volatile char data_word[16] = "data";
static volatile char bss_buf[8192];

static long nanosleep4(long id, long flags, long rq, long left)
{
	return svc6(SYS_clock_nanosleep, id, flags, rq, left, 0, 0);
}

static const char *sleep_check(void)
{
	struct timespec ts = { 0, 10000000 }, left = { 7, 7 };	/* 10 ms */
	uint64_t t0, t1;

	svc3(SYS_clock_read, CLOCK_MONOTONIC, (long)&t0, 0);
	if (nanosleep4(CLOCK_MONOTONIC, 0, (long)&ts, (long)&left))
		return "clock_nanosleep of 10 ms";
	svc3(SYS_clock_read, CLOCK_MONOTONIC, (long)&t1, 0);
	if (t1 - t0 < 10000000 || left.tv_sec != 7)
		return "clock_nanosleep woke early or wrote the time left";
	ts.tv_nsec = 1000000000;
	if (nanosleep4(CLOCK_MONOTONIC, 0, (long)&ts, 0) != -EINVAL)
		return "clock_nanosleep of 1e9 ns in tv_nsec is not EINVAL";
	ts.tv_nsec = 0;
	if (nanosleep4(CLOCK_THREAD_CPUTIME_ID, 0, (long)&ts, 0) != -EINVAL)
		return "clock_nanosleep on the thread's CPU clock is not EINVAL";
	if (nanosleep4(CLOCK_MONOTONIC, 0, 0x40000000L, 0) != -EFAULT)
		return "clock_nanosleep of a kernel address is not EFAULT";
	return NULL;
}

static const char *clock_check(void)
{
	uint64_t t0, t1, res = 0, real = 0;
	struct tms tms = { -1, -1, -1, -1 };

	if (svc3(SYS_clock_read, CLOCK_MONOTONIC, (long)&t0, 0) ||
	    svc3(SYS_poll, 0, 0, 10000000) ||	/* 10 ms */
	    svc3(SYS_clock_read, CLOCK_MONOTONIC, (long)&t1, 0))
		return "monotonic read";
	if (t1 - t0 < 10000000)
		return "10 ms of poll took less on the monotonic clock";
	if (svc3(SYS_clock_read, CLOCK_REALTIME, (long)&real, 0) ||
	    real < 946684800ULL * 1000000000ULL)	/* 2000-01-01 */
		return "realtime";
	if (svc3(SYS_clock_res, CLOCK_MONOTONIC, (long)&res, 0) || !res ||
	    res > 1000000)
		return "resolution";
	if (svc3(SYS_clock_read, 12345, (long)&t0, 0) != -EINVAL)
		return "an unknown clock is not EINVAL";
	if (svc3(SYS_clock_read, CLOCK_MONOTONIC, 0x40000000L, 0) != -EFAULT)
		return "a kernel address is not EFAULT";
	if (svc3(SYS_clock_read, CLOCK_MONOTONIC, (long)clock_check, 0) != -EFAULT)
		return "a read-only page is not EFAULT";
	if (svc3(SYS_clock_setrealtime, -1L, 0, 0) != -EINVAL)
		return "a time past 2262 is not EINVAL";
	if (svc3(SYS_times, (long)&tms, 0, 0) <= 0 || tms.tms_stime != 0 ||
	    svc3(SYS_times, 0x40000000L, 0, 0) != -EFAULT)
		return "times";
	if (svc3(SYS_sysconf, _SC_NPROCESSORS_ONLN, 0, 0) < 1 ||
	    svc3(SYS_sysconf, _SC_PAGESIZE, 0, 0) != 4096 ||
	    svc3(SYS_sysconf, -5, 0, 0) != -EINVAL)
		return "sysconf";
	return sleep_check();
}

/* envp NULL (the caller's), default parameters. */
static long spawn(const char *path, char *const *argv,
		  const struct task_fd_action *act, long nact)
{
	return svc6(SYS_spawn, (long)path, (long)argv, 0, (long)act, nact, 0);
}

/* Itself as a child (stdout to /dev/null), its status; and bad input. */
static const char *spawn_check(const char *self)
{
	char *const argv[] = { (char *)self, "5", 0 };
	/* Static: a local would be cleared by memset, which we lack. */
	static struct task_fd_action act = { .op = TASK_FD_OPEN, .fd = 1,
					     .oflag = O_WRONLY,
					     .path = "/dev/null" };
	int st = 0;
	long pid = spawn(self, argv, &act, 1);

	if (pid <= 0)
		return "spawn of itself";
	if (svc3(SYS_waitpid, pid, (long)&st, 0) != pid ||
	    st != 5 << 8)	/* exited with 5 */
		return "waitpid of the child";
	if (spawn("/host/none/such", argv, 0, 0) != -ENOENT)
		return "spawn of a missing file is not ENOENT";
	if (spawn(self, (char *const *)0x40000000L, 0, 0) != -EFAULT)
		return "spawn with argv in the kernel is not EFAULT";
	if (spawn(self, argv, &act, -1) != -EINVAL)
		return "spawn with -1 actions is not EINVAL";
	act.fd = -1;
	if (spawn(self, argv, &act, 1) != -EBADF)
		return "spawn with an action on fd -1 is not EBADF";
	act.fd = 1;
	for (unsigned i = 0; i < sizeof(act.path); i++)
		act.path[i] = 'x';
	if (spawn(self, argv, &act, 1) != -ENAMETOOLONG)
		return "spawn with an unterminated path is not ENAMETOOLONG";
	return NULL;
}

/* On its terminal (stdin): the foreground task, through a pointer the
 * kernel checks; requests with no shape for processes are ENOTTY. */
static const char *ioctl_check(void)
{
	pid_t fg = -1;
	struct fb_planeinfo pi;

	if (svc3(SYS_ioctl, 0, TTY_IOC_GET_FOREGROUND, (long)&fg) || fg <= 0)
		return "the terminal's foreground";
	if (svc3(SYS_ioctl, 0, TTY_IOC_GET_FOREGROUND, 0x40000000L) != -EFAULT)
		return "an ioctl answer into a kernel address is not EFAULT";
	if (svc3(SYS_ioctl, 0, FBIOGET_PLANEINFO, (long)&pi) != -ENOTTY)
		return "FBIOGET_PLANEINFO (a kernel address) is not ENOTTY";
	if (svc3(SYS_ioctl, 0, 0xdead, 0) != -ENOTTY)
		return "an unknown ioctl is not ENOTTY";
	return NULL;
}

/* A queue from EL0: create, send, receive, attributes; a notification
 * thread's registration and its wait; bad pointers are EFAULT. */
static const char *mq_check(void)
{
	static const struct mq_attr want = { .mq_maxmsg = 4, .mq_msgsize = 16 };
	struct mq_attr got;
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD,
			       .sigev_notify_function = (void (*)(union sigval))1 };
	unsigned int prio = 0;
	char buf[16];
	long seq, q = svc6(SYS_mq_open, (long)"/hello", O_CREAT | O_EXCL | O_RDWR,
		      (long)&want, 0, 0, 0);

	if (q < 0)
		return "mq_open";
	svc3(SYS_mq_unlink, (long)"/hello", 0, 0);	/* gone with q */
	if (svc6(SYS_mq_send, q, (long)"ping", 5, 3, 0, 0) ||
	    svc6(SYS_mq_receive, q, (long)buf, sizeof(buf), (long)&prio, 0, 0) != 5 ||
	    !u_streq(buf, "ping") || prio != 3)
		return "mq_send and mq_receive";
	if (svc3(SYS_mq_getsetattr, q, 0, (long)&got) || got.mq_maxmsg != 4 ||
	    got.mq_msgsize != 16 || got.mq_curmsgs != 0)
		return "mq_getattr";
	/* A notification thread's registration: the C library's thread
	 * waits for it (the kernel never calls the function). */
	seq = svc3(SYS_mq_notify, q, (long)&ev, 0);
	if (seq <= 0)
		return "mq_notify of a thread gives no registration number";
	if (svc6(SYS_mq_send, q, (long)"n", 2, 0, 0, 0) ||
	    svc3(SYS_mq_notify_wait, q, seq, 0) != 0 ||
	    svc6(SYS_mq_receive, q, (long)buf, 16, 0, 0, 0) != 2)
		return "mq_notify_wait after a send to the empty queue";
	if (svc3(SYS_mq_notify_wait, q, seq + 1, 0) != -ECANCELED)
		return "mq_notify_wait of no registration is not ECANCELED";
	if (svc6(SYS_mq_send, q, 0x40000000L, 5, 0, 0, 0) != -EFAULT ||
	    svc6(SYS_mq_receive, q, 0x40000000L, 16, 0, 0, 0) != -EFAULT)
		return "mq_send/mq_receive of a kernel address is not EFAULT";
	if (svc6(SYS_mq_send, 99, (long)"x", 1, 0, 0, 0) != -EBADF)
		return "mq_send on no queue is not EBADF";
	if (svc3(SYS_close, q, 0, 0))
		return "close of the queue";
	return NULL;
}

/* Its own scheduling may change; its parent's (the shell) may not. */
static const char *sched_check(void)
{
	int policy = -1, prio = -1, ppolicy, pprio;
	uint32_t mask = 0;
	long parent = svc3(SYS_getppid, 0, 0, 0);

	if (svc3(SYS_sched_get, 0, (long)&policy, (long)&prio) || prio <= 0 ||
	    svc3(SYS_sched_set, 0, policy, prio - 1) ||
	    svc3(SYS_sched_get, 0, (long)&policy, (long)&pprio) ||
	    pprio != prio - 1)
		return "its own priority";
	if (svc3(SYS_sched_get, parent, (long)&ppolicy, (long)&pprio) ||
	    svc3(SYS_sched_set, parent, ppolicy, pprio) != -EPERM ||
	    svc3(SYS_affinity_set, parent, 1, 0) != -EPERM)
		return "the parent's scheduling is not EPERM to change";
	if (svc3(SYS_affinity_get, 0, (long)&mask, 0) || !(mask & 1) ||
	    svc3(SYS_sched_yield, 0, 0, 0) || svc3(SYS_getcpu, 0, 0, 0) < 0)
		return "affinity, yield or getcpu";
	if (svc3(SYS_sched_get, 0, 0x40000000L, (long)&prio) != -EFAULT)
		return "sched_get into a kernel address is not EFAULT";
	return NULL;
}

static const char *uname_check(void)
{
	struct utsname u;

	if (svc3(SYS_uname, (long)&u, 0, 0) || !u_streq(u.sysname, "Vireo") ||
	    !u_streq(u.machine, "aarch64") || !u.release[0])
		return "uname";
	if (svc3(SYS_uname, 0x40000000L, 0, 0) != -EFAULT)
		return "uname into a kernel address is not EFAULT";
	return NULL;
}

static const char *wait_check(void)
{
	int st = 12345;

	if (svc3(SYS_waitpid, -1, (long)&st, 0) != -ECHILD || st != 12345)
		return "waitpid without children is not ECHILD";
	if (svc3(SYS_waitpid, -1, 0, WNOHANG) != -ECHILD)
		return "waitpid WNOHANG, NULL status";
	if (svc3(SYS_waitpid, -1, 0x40000000L, 0) != -EFAULT)
		return "waitpid into a kernel address is not EFAULT";
	if (svc3(SYS_waitpid, -1, (long)&st, 0x7f00) != -EINVAL)
		return "waitpid with unknown options is not EINVAL";
	return NULL;
}

int main(int argc, char **argv, char **envp)
{
	long status = 0;

	if (argc == 2 && u_streq(argv[1], "calls")) {
		const char *bad = clock_check();

		if (!bad)
			bad = wait_check();
		if (!bad)
			bad = spawn_check(argv[0]);
		if (!bad)
			bad = ioctl_check();
		if (!bad)
			bad = mq_check();
		if (!bad)
			bad = sched_check();
		if (!bad)
			bad = uname_check();
		u_puts("calls: ");
		u_puts(bad ? bad : "ok");
		u_puts("\n");
		return 0;
	}

	if (argc >= 3 && u_streq(argv[1], "sleep"))
		svc3(SYS_poll, 0, 0, u_atol(argv[2]) * 1000000);
	for (int i = 0; i < argc; i++) {
		u_puts("argv: ");
		u_puts(argv[i]);
		u_puts("\n");
	}
	for (char **e = envp; *e; e++) {
		const char *k = "GREETING=", *s = *e;

		while (*k && *k == *s)
			k++, s++;
		if (!*k) {
			u_puts("env: ");
			u_puts(s);
			u_puts("\n");
		}
	}
	bss_buf[sizeof(bss_buf) - 1] = data_word[0];	/* both writable */
	if (argc >= 2 && argv[1][0] >= '0' && argv[1][0] <= '9')
		status = u_atol(argv[1]);
	return (int)status + (bss_buf[sizeof(bss_buf) - 1] != 'd');
}
