// SPDX-License-Identifier: BSD-2-Clause
/*
 * ostest cases for POSIX interfaces a portable program expects and the
 * error codes POSIX names (issue 19): the identity calls, the options
 * <unistd.h> announces and sysconf() agreeing with them, pathconf,
 * times() and clock() units, pthread_atfork, guard size and
 * pthread_getattr_np, the XSI signal calls, and EBUSY/ESRCH/EPERM/
 * EINVAL/EOVERFLOW where POSIX requires them.
 */
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ostest.h"

static void posix_ids(void)
{
	OT_EXPECT_EQ(getuid(), 0);
	OT_EXPECT_EQ(geteuid(), 0);
	OT_EXPECT_EQ(getgid(), 0);
	OT_EXPECT_EQ(getegid(), 0);
	OT_EXPECT_OK(setuid(0));
	OT_EXPECT_OK(setgid(0));
	OT_EXPECT_ERRNO(setuid(1000), EPERM);
	OT_EXPECT_ERRNO(seteuid(1), EPERM);
	OT_EXPECT_ERRNO(setgid(100), EPERM);
}

static void posix_options(void)
{
	static const struct { int sc; long want; } opts[] = {
		{ _SC_TIMERS, _POSIX_TIMERS },
		{ _SC_MONOTONIC_CLOCK, _POSIX_MONOTONIC_CLOCK },
		{ _SC_THREAD_PRIORITY_SCHEDULING, _POSIX_THREAD_PRIORITY_SCHEDULING },
		{ _SC_THREAD_PRIO_INHERIT, _POSIX_THREAD_PRIO_INHERIT },
		{ _SC_THREAD_PRIO_PROTECT, _POSIX_THREAD_PRIO_PROTECT },
		{ _SC_CPUTIME, _POSIX_CPUTIME },
		{ _SC_THREAD_CPUTIME, _POSIX_THREAD_CPUTIME },
		{ _SC_SEMAPHORES, _POSIX_SEMAPHORES },
		{ _SC_MESSAGE_PASSING, _POSIX_MESSAGE_PASSING },
		{ _SC_THREADS, _POSIX_THREADS },
	};

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		OT_EXPECT_EQ(opts[i].want, 200809L);
		OT_EXPECT_EQ(sysconf(opts[i].sc), opts[i].want);
	}
	OT_EXPECT_GE(PTHREAD_STACK_MIN, 16384);
	OT_EXPECT_EQ(sysconf(_SC_THREAD_STACK_MIN), PTHREAD_STACK_MIN);
	OT_EXPECT_GT(sysconf(_SC_CLK_TCK), 0);
	OT_EXPECT_ERRNO(sysconf(-5), EINVAL);
}

static void posix_pathconf(void)
{
	int fd = open("/dev/null", O_RDONLY);

	OT_EXPECT_GE(pathconf("/", _PC_NAME_MAX), 14);
	OT_EXPECT_GE(pathconf("/", _PC_PATH_MAX), 256);
	OT_EXPECT_GE(pathconf("/", _PC_PIPE_BUF), 512);
	OT_EXPECT_ERRNO(pathconf("/no/such", _PC_NAME_MAX), ENOENT);
	OT_EXPECT_ERRNO(pathconf("/", 12345), EINVAL);
	OT_EXPECT_EQ(fpathconf(fd, _PC_NAME_MAX), pathconf("/", _PC_NAME_MAX));
	close(fd);
	OT_EXPECT_ERRNO(fpathconf(fd, _PC_NAME_MAX), EBADF);
}

/* clock() counts CLOCKS_PER_SEC = 1000000 per CPU second; times()
 * counts sysconf(_SC_CLK_TCK) per second. */
static void posix_times_clock(void)
{
	struct tms a, b;
	clock_t c0, c1, t0, t1;
	long hz = sysconf(_SC_CLK_TCK);

	OT_EXPECT_EQ(CLOCKS_PER_SEC, 1000000);
	c0 = clock();
	t0 = times(&a);
	ot_spin_ms(100);
	c1 = clock();
	t1 = times(&b);
	OT_EXPECT_GE(c1 - c0, 80000);
	OT_EXPECT_LE(c1 - c0, 1000000);
	OT_EXPECT_GE(t1 - t0, hz * 8 / 100);
	OT_EXPECT_GE(b.tms_utime - a.tms_utime, hz * 8 / 100);
	OT_EXPECT_GE(b.tms_cutime, a.tms_cutime);
}

static void never(void)
{
}


static void *report_attr(void *arg)
{
	pthread_attr_t *a = arg;
	char here;
	void *lo;
	size_t size;

	if (pthread_getattr_np(pthread_self(), a) == 0) {
		pthread_attr_getstack(a, &lo, &size);
		/* the stack reported holds this frame */
		return (void *)(uintptr_t)(&here >= (char *)lo &&
					   &here < (char *)lo + size);
	}
	return NULL;
}

static void posix_thread_attrs(void)
{
	pthread_attr_t attr, got;
	size_t guard = 0, size = 0;
	pthread_t t;
	void *inside = NULL;
	int detach = -1;

	OT_EXPECT_RC(pthread_atfork(never, never, never), 0);
	OT_EXPECT_RC(pthread_atfork(NULL, NULL, NULL), 0);
	pthread_attr_init(&attr);
	OT_EXPECT_RC(pthread_attr_getguardsize(&attr, &guard), 0);
	OT_EXPECT_GE(guard, 4096);
	OT_EXPECT_RC(pthread_attr_setguardsize(&attr, 8192), 0);
	OT_EXPECT_RC(pthread_attr_getguardsize(&attr, &guard), 0);
	OT_EXPECT_EQ(guard, 8192);
	OT_EXPECT_RC(pthread_attr_setstacksize(&attr, 65536), 0);
	if (OT_EXPECT_RC(pthread_create(&t, &attr, report_attr, &got), 0)) {
		OT_EXPECT_RC(pthread_join(t, &inside), 0);
		OT_EXPECT(inside != NULL);
		pthread_attr_getstacksize(&got, &size);
		OT_EXPECT_EQ(size, 65536);
		pthread_attr_getdetachstate(&got, &detach);
		OT_EXPECT_EQ(detach, PTHREAD_CREATE_JOINABLE);
		pthread_attr_destroy(&got);
	}
	pthread_attr_destroy(&attr);
	OT_EXPECT_RC(pthread_getattr_np(999999, &got), ESRCH);
}

static volatile sig_atomic_t usr1_seen;

static void on_usr1(int sig)
{
	usr1_seen++;
}

static void posix_xsi_signals(void)
{
	struct sigaction old;
	sigset_t pend;

	sigaction(SIGUSR1, NULL, &old);
	usr1_seen = 0;
	OT_EXPECT(sigset(SIGUSR1, on_usr1) != SIG_ERR);
	OT_EXPECT_OK(sighold(SIGUSR1));
	raise(SIGUSR1);
	OT_EXPECT_EQ(usr1_seen, 0);
	sigpending(&pend);
	OT_EXPECT(sigismember(&pend, SIGUSR1));
	OT_EXPECT_OK(sigrelse(SIGUSR1));
	OT_EXPECT_EQ(usr1_seen, 1);
	OT_EXPECT(sigset(SIGUSR1, SIG_HOLD) == on_usr1);
	OT_EXPECT(sigset(SIGUSR1, on_usr1) == SIG_HOLD);	/* was held */
	OT_EXPECT_EQ(usr1_seen, 1);
	OT_EXPECT_OK(sigignore(SIGUSR1));
	raise(SIGUSR1);
	OT_EXPECT_EQ(usr1_seen, 1);
	OT_EXPECT_ERRNO(sighold(0), EINVAL);
	sigaction(SIGUSR1, &old, NULL);
}

static volatile uintptr_t handler_sp;
static volatile int handler_flags, handler_fp;

static void on_alt(int sig)
{
	volatile double x = 2.0;
	char here;
	stack_t cur;

	handler_sp = (uintptr_t)&here;
	handler_flags = sigaltstack(NULL, &cur) == 0 ? cur.ss_flags : -1;
	/* A switch away and back disables FP/SIMD (lazy FPU), so the FP
	 * below traps: an exception taken on the alternate stack. */
	ot_msleep(1);
	x *= 1.5;
	handler_fp = (int)x;
}

static bool in_block(uintptr_t p, const char *mem, size_t size)
{
	return p >= (uintptr_t)mem && p < (uintptr_t)mem + size;
}

/* sigaltstack + SA_ONSTACK: the handler runs on the alternate stack
 * (and takes an FP trap there), reports SS_ONSTACK; without SA_ONSTACK
 * it runs on the thread's stack; bad requests fail. */
static void *altstack_body(void *arg)
{
	const size_t size = SIGSTKSZ;
	struct sigaction sa = { .sa_handler = on_alt, .sa_flags = SA_ONSTACK }, prev;
	char *mem = arg;
	stack_t ss, old;

	OT_EXPECT_OK(sigaltstack(NULL, &old));
	OT_EXPECT(old.ss_flags & SS_DISABLE);
	ss = (stack_t){ .ss_sp = mem, .ss_size = MINSIGSTKSZ - 1 };
	OT_EXPECT_ERRNO(sigaltstack(&ss, NULL), ENOMEM);
	ss = (stack_t){ .ss_sp = mem, .ss_size = size, .ss_flags = 0x100 };
	OT_EXPECT_ERRNO(sigaltstack(&ss, NULL), EINVAL);
	ss.ss_flags = 0;
	OT_EXPECT_OK(sigaltstack(&ss, NULL));
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, &prev);
	raise(SIGUSR2);
	OT_EXPECT(in_block(handler_sp, mem, size));
	OT_EXPECT_EQ(handler_flags, SS_ONSTACK);
	OT_EXPECT_EQ(handler_fp, 3);
	sa.sa_flags = 0;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	OT_EXPECT(!in_block(handler_sp, mem, size));
	OT_EXPECT_EQ(handler_flags, 0);
	ss.ss_flags = SS_DISABLE;
	OT_EXPECT_OK(sigaltstack(&ss, NULL));
	OT_EXPECT_OK(sigaltstack(NULL, &old));
	OT_EXPECT(old.ss_flags & SS_DISABLE);
	sigaction(SIGUSR2, &prev, NULL);
	return NULL;
}

/* The body runs on the higher of two blocks with the lower one as its
 * alternate stack: a trap taken there is below the thread's stack and
 * passes the overflow check only as the registered alternate stack. */
static void posix_sigaltstack(void)
{
	const size_t size = 65536;
	char *a = malloc(size), *b = malloc(size);
	char *low = a < b ? a : b, *high = a < b ? b : a;
	pthread_attr_t attr;
	pthread_t t;

	OT_EXPECT(a && b);
	if (a && b) {
		pthread_attr_init(&attr);
		pthread_attr_setstack(&attr, high, size);
		if (OT_EXPECT_RC(pthread_create(&t, &attr, altstack_body, low), 0))
			pthread_join(t, NULL);
		pthread_attr_destroy(&attr);
	}
	free(a);
	free(b);
}

static volatile int alarms;

static void on_alarm(int sig)
{
	alarms++;
}

/* setitimer(ITIMER_REAL): a first expiry, then periodic ones, read back
 * with getitimer; alarm() shares the timer; disarming stops it. */
static void posix_itimer(void)
{
	struct sigaction sa = { .sa_handler = on_alarm }, prev;
	struct itimerval it = { .it_value = { 0, 50000 }, .it_interval = { 0, 20000 } };
	struct itimerval cur, zero = { 0 };
	int64_t start;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &prev);
	alarms = 0;
	OT_EXPECT_ERRNO(setitimer(ITIMER_VIRTUAL, &it, NULL), EINVAL);
	it.it_interval.tv_usec = 1000000;
	OT_EXPECT_ERRNO(setitimer(ITIMER_REAL, &it, NULL), EINVAL);
	it.it_interval.tv_usec = 20000;
	OT_EXPECT_OK(setitimer(ITIMER_REAL, &it, NULL));
	OT_EXPECT_OK(getitimer(ITIMER_REAL, &cur));
	OT_EXPECT_EQ(cur.it_interval.tv_usec, 20000);
	OT_EXPECT_LE(cur.it_value.tv_usec, 50000);
	start = ot_now_ns();
	while (ot_now_ns() - start < 150 * NS_PER_MS)
		ot_msleep(10);
	OT_EXPECT_OK(setitimer(ITIMER_REAL, &zero, &cur));
	OT_EXPECT_EQ(cur.it_interval.tv_usec, 20000);	/* the old one */
	OT_EXPECT_GE(alarms, 3);
	OT_EXPECT_LE(alarms, 6);
	start = alarms;
	ot_msleep(60);
	OT_EXPECT_EQ(alarms, start);			/* disarmed */
	alarm(100);					/* the same timer */
	OT_EXPECT_OK(getitimer(ITIMER_REAL, &cur));
	OT_EXPECT_GE(cur.it_value.tv_sec, 98);
	OT_EXPECT_EQ(alarm(0), 100);
	OT_EXPECT_OK(getitimer(ITIMER_REAL, &cur));
	OT_EXPECT_EQ(cur.it_value.tv_sec + cur.it_value.tv_usec, 0);
	sigaction(SIGALRM, &prev, NULL);
}

static void posix_error_codes(void)
{
	pthread_mutexattr_t ma;
	pthread_mutex_t m;
	pthread_spinlock_t s;
	struct timespec huge = { .tv_sec = (time_t)1 << 40 };
	int fd = open("/dev/zero", O_RDONLY);
	int tfd = open("/tmp/ostest-lseek", O_RDWR | O_CREAT | O_TRUNC, 0600);

	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&m, &ma);
	OT_EXPECT_RC(pthread_mutex_lock(&m), 0);
	OT_EXPECT_RC(pthread_mutex_trylock(&m), EBUSY);
	OT_EXPECT_RC(pthread_mutex_unlock(&m), 0);
	pthread_mutex_destroy(&m);
	pthread_mutexattr_destroy(&ma);
	OT_EXPECT_RC(pthread_join(999999, NULL), ESRCH);
	OT_EXPECT_RC(pthread_detach(999999), ESRCH);
	pthread_spin_init(&s, PTHREAD_PROCESS_PRIVATE);
	OT_EXPECT_RC(pthread_spin_unlock(&s), EPERM);
	pthread_spin_destroy(&s);
	OT_EXPECT_ERRNO(kill(INT_MIN, 0), ESRCH);
	OT_EXPECT_ERRNO(clock_settime(CLOCK_REALTIME, &huge), EINVAL);
	OT_EXPECT_LT(ot_clock_ns(CLOCK_REALTIME) / 1000000000LL, 1LL << 40);
	OT_EXPECT(tfd >= 0);
	if (tfd >= 0) {
		OT_EXPECT_EQ(lseek(tfd, 100, SEEK_SET), 100);
		OT_EXPECT_ERRNO(lseek(tfd, INT64_MAX, SEEK_CUR), EOVERFLOW);
		OT_EXPECT_EQ(lseek(tfd, 0, SEEK_CUR), 100);	/* unchanged */
		close(tfd);
		unlink("/tmp/ostest-lseek");
	}
	close(fd);
}

static void posix_sem_unlink(void)
{
	sem_t *s = sem_open("/ostest-unlink", O_CREAT | O_EXCL, 0600, 1);

	OT_EXPECT(s != SEM_FAILED);
	if (s == SEM_FAILED)
		return;
	OT_EXPECT_OK(sem_unlink("/ostest-unlink"));
	OT_EXPECT_ERRNO((long)(sem_open("/ostest-unlink", 0) == SEM_FAILED ? -1 : 0),
			ENOENT);
	OT_EXPECT_ERRNO(sem_unlink("/ostest-unlink"), ENOENT);
	sem_close(s);
}

/* POSIX getopt: clusters, attached and separate arguments, "--",
 * unknown letters and a missing argument (':' first: reported as ':'). */
static void posix_getopt(void)
{
	char *v[] = { "prog", "-ab", "-c", "val", "-dxy", "-z", "--", "-a", NULL };
	char *w[] = { "prog", "-c", NULL };
	int c, got[6], n = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt(8, v, "abc:d:")) != -1 && n < 6)
		got[n++] = c;
	OT_EXPECT_EQ(n, 5);
	OT_EXPECT_EQ(got[0], 'a');
	OT_EXPECT_EQ(got[1], 'b');
	OT_EXPECT_EQ(got[2], 'c');
	OT_EXPECT_EQ(got[3], 'd');
	OT_EXPECT_EQ(got[4], '?');
	OT_EXPECT_EQ(optopt, 'z');
	OT_EXPECT_EQ(optind, 7);		/* past "--": "-a" is an operand */
	optind = 1;
	OT_EXPECT_EQ(getopt(2, w, ":c:"), ':');
	OT_EXPECT_EQ(optopt, 'c');
	optind = 1;
	OT_EXPECT_EQ(getopt(2, w, "c:"), '?');
	optind = 1;
	OT_EXPECT_EQ(getopt(4, v, "abc:d:"), 'a');
	OT_EXPECT_EQ(getopt(4, v, "abc:d:"), 'b');
	OT_EXPECT_EQ(getopt(4, v, "abc:d:"), 'c');
	OT_EXPECT(optarg && strcmp(optarg, "val") == 0);
	OT_EXPECT_EQ(getopt(4, v, "abc:d:"), -1);
	opterr = 1;
	optind = 1;
}

/* Starts with optind 1 whatever the parent's is, and parses its own. */
int ot_child_getopt(int argc, char **argv)
{
	char *v[] = { "child", "-q", "x", NULL };

	if (optind != 1)
		return 1;
	if (getopt(3, v, "q") != 'q' || getopt(3, v, "q") != -1)
		return 2;
	return optind == 2 ? 0 : 3;
}

/* Takes every key it can and ends without deleting them. */
int ot_child_keys(void)
{
	pthread_key_t k;

	for (int i = 0; i < PTHREAD_KEYS_MAX; i++)
		if (pthread_key_create(&k, NULL))
			return 1;
	return pthread_key_create(&k, NULL) == EAGAIN ? 0 : 2;
}

/* getopt's place and the pthread keys are the task's own: a child does
 * not see the parent's, nor keep its keys past its end. */
static void posix_task_state(void)
{
	char *getopt_args[] = { "getopt", NULL };
	char *key_args[] = { "keys", NULL };
	pthread_key_t mine;
	int status = -1;
	pid_t pid;

	optind = 5;
	OT_ASSERT_RC(pthread_key_create(&mine, NULL), 0);
	for (int round = 0; round < 2; round++) {
		pid = ot_spawn_child(round ? key_args : getopt_args, NULL);
		if (!OT_EXPECT_OK(pid))
			break;
		OT_EXPECT_EQ(ot_wait_child(pid, &status, 3000), pid);
		OT_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	OT_EXPECT_EQ(optind, 5);
	optind = 1;
	/* The child's keys went with it. */
	pid = ot_spawn_child(key_args, NULL);
	if (OT_EXPECT_OK(pid)) {
		OT_EXPECT_EQ(ot_wait_child(pid, &status, 3000), pid);
		OT_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	OT_EXPECT_RC(pthread_key_delete(mine), 0);
}

OT_AREA(posix,
	OT_CASE(posix, ids, 5),
	OT_CASE(posix, options, 5),
	OT_CASE(posix, pathconf, 5),
	OT_CASE(posix, times_clock, 5),
	OT_CASE(posix, thread_attrs, 5),
	OT_CASE(posix, xsi_signals, 5),
	OT_CASE(posix, sigaltstack, 5),
	OT_CASE(posix, itimer, 5),
	OT_CASE(posix, error_codes, 5),
	OT_CASE(posix, sem_unlink, 5),
	OT_CASE(posix, getopt, 5),
	OT_CASE(posix, task_state, 10));
