// SPDX-License-Identifier: BSD-2-Clause
/*
 * torture: what a hostile application does to the kernel, one attack per
 * argument, for tests/qemu/test_torture.py.  Each attack either ends in
 * a clear result line ("torture: ... ok" / an error) or is meant to be
 * killed (Ctrl-C, kill) or to die of a fault; the test then checks that
 * the system stayed up and gave back everything the task held.
 *
 *   fault        pthread_mutexattr_destroy(NULL): ends with SIGSEGV
 *   stacksize    pthread_create with stack sizes near SIZE_MAX: refused
 *   timers N     N periodic timers at the shortest period, then waits
 *   prio         raises itself to the highest priority and returns
 *   timerexit    arms a periodic SIGALRM timer and returns
 *   mq N         opens N message-queue descriptors and returns
 *   block KIND   blocks in a mutex, barrier, rwlock-rd, rwlock-wr or once
 *                wait (another thread, which blocks SIGALRM, holds it or
 *                runs the pthread_once initialiser) after
 *                an alarm(1): the handler must run and the wait go on
 *   hang KIND    the same wait, never satisfied: must die on Ctrl-C
 *   overflow     recurses with a stat() at every level until the stack
 *                runs out inside a VFS call: ends this task alone
 *   descs        dup2, ioctl and tcgetpgrp on its descriptors, then
 *                waits: none may leave the thread holding a borrowed
 *                file (kills wait for those), so it must die on Ctrl-C
 *   killrace N   spawns N children that exit at once and kills each
 *   killchurn N  N times: spawns a child that churns (creates and joins
 *                threads, spawns and reaps tasks) and kills it from a
 *                higher priority after a varying delay, so that the kill
 *                lands anywhere in thread and task creation
 *   openumount S for S seconds, three threads open, read and close a
 *                file and a FIFO inside a tmpfs mounted at DIR while
 *                the main thread mounts and unmounts it: every umount
 *                either succeeds or says EBUSY, nothing is freed in use
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <vireo/app.h>

static void *idle_thread(void *arg)
{
	return arg;
}

static int attack_fault(void)
{
	printf("torture: fault\n");
	fflush(stdout);
	pthread_mutexattr_destroy(NULL);
	printf("torture: fault did not happen\n");
	return 1;
}

/* Sizes whose rounding or guard-page arithmetic overflows. */
static int attack_stacksize(void)
{
	static const size_t sizes[] = { SIZE_MAX, 0xfffffffffffff000UL,
					SIZE_MAX / 2 + 1 };
	int bad = 0;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		pthread_attr_t a;
		pthread_t t;
		int r;

		pthread_attr_init(&a);
		r = pthread_attr_setstacksize(&a, sizes[i]);
		if (r == 0)
			r = pthread_create(&t, &a, idle_thread, NULL);
		if (r == 0) {
			pthread_join(t, NULL);
			bad++;
		}
		printf("torture: stacksize %#zx: %s\n", sizes[i],
		       r ? strerror(r) : "created");
		pthread_attr_destroy(&a);
	}
	printf("torture: stacksize %s\n", bad ? "FAILED" : "ok");
	return bad;
}

static volatile unsigned long ticks;

static void on_tick(int sig)
{
	ticks++;
}

static int arm_periodic(int n, long interval_ns)
{
	struct sigaction sa = { .sa_handler = on_tick };
	struct itimerspec its = {
		.it_value = { 0, interval_ns }, .it_interval = { 0, interval_ns },
	};

	sigaction(SIGALRM, &sa, NULL);
	for (int i = 0; i < n; i++) {
		timer_t id;
		if (timer_create(CLOCK_MONOTONIC, NULL, &id) ||
		    timer_settime(id, 0, &its, NULL)) {
			printf("torture: timer %d: %s\n", i, strerror(errno));
			return 1;
		}
	}
	return 0;
}

static int attack_timers(int n)
{
	if (arm_periodic(n, 1))
		return 1;
	printf("torture: %d timers armed\n", n);
	fflush(stdout);
	for (;;)
		pause();
}

static int attack_prio(void)
{
	struct sched_param p = { .sched_priority = sched_get_priority_max(SCHED_FIFO) };
	int r = pthread_setschedparam(pthread_self(), SCHED_FIFO, &p);

	printf("torture: prio %d: %s\n", p.sched_priority, r ? strerror(r) : "ok");
	return r != 0;
}

static int attack_timerexit(void)
{
	if (arm_periodic(1, 1000000))
		return 1;
	printf("torture: timerexit ok\n");
	return 0;
}

static int attack_mq(int n)
{
	struct mq_attr attr = { .mq_maxmsg = 2, .mq_msgsize = 16 };
	int opened = 0;

	for (int i = 0; i < n; i++) {
		if (mq_open("/torture", O_RDWR | O_CREAT, 0600, &attr) == (mqd_t)-1) {
			printf("torture: mq_open %d: %s\n", i, strerror(errno));
			break;
		}
		opened++;
	}
	mq_unlink("/torture");
	printf("torture: mq %d of %d %s\n", opened, n, opened == n ? "ok" : "FAILED");
	return opened != n;
}

/* ---- signals reaching blocked threads ---- */

static pthread_mutex_t mutex;
static pthread_barrier_t barrier;
static pthread_rwlock_t rwlock;
static pthread_once_t once;
static volatile int alarms;

static void on_alarm(int sig)
{
	alarms++;
}

static volatile int held;	/* the holder has the object */
static volatile int forever;	/* hang: the holder never lets go */

/* Until the waiter's handler ran (at most 3 s), or with forever never. */
static void hold(void)
{
	struct timespec tick = { 0, 10000000 };

	held = 1;
	while (forever)
		pause();
	for (int i = 0; i < 300 && !alarms; i++)
		nanosleep(&tick, NULL);
}

/* once: the holder is inside the initialiser, the waiter in pthread_once. */
static void once_init(void)
{
	hold();
}

/* Holds the object until the blocked main thread's handler ran (at most
 * 3 s), then lets go: a handler that cannot reach the waiter shows as
 * alarms == 0 in the report.  SIGALRM is blocked here, so the task's
 * alarm can only go to the waiter. */
static void *holder(void *arg)
{
	const char *kind = arg;
	sigset_t alrm;

	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alrm, NULL);
	if (strcmp(kind, "mutex") == 0)
		pthread_mutex_lock(&mutex);
	else if (strcmp(kind, "rwlock-rd") == 0 || strcmp(kind, "rwlock-wr") == 0)
		pthread_rwlock_wrlock(&rwlock);
	else if (strcmp(kind, "once") == 0)
		return pthread_once(&once, once_init), NULL;
	hold();
	if (strcmp(kind, "mutex") == 0)
		pthread_mutex_unlock(&mutex);
	else if (strcmp(kind, "barrier") == 0)
		pthread_barrier_wait(&barrier);
	else
		pthread_rwlock_unlock(&rwlock);
	return NULL;
}

static int attack_block(const char *kind, bool hang)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct timespec tick = { 0, 10000000 };
	pthread_t t;
	int r, ran;

	if (strcmp(kind, "mutex") && strcmp(kind, "barrier") &&
	    strcmp(kind, "rwlock-rd") && strcmp(kind, "rwlock-wr") &&
	    strcmp(kind, "once"))
		return 2;
	/* Statics outlive a task in the flat build: a killed "hang" left
	 * them held by its dead threads. */
	alarms = held = 0;
	forever = hang;
	once = (pthread_once_t)PTHREAD_ONCE_INIT;
	pthread_mutex_init(&mutex, NULL);
	pthread_rwlock_init(&rwlock, NULL);
	pthread_barrier_init(&barrier, NULL, 2);
	sigaction(SIGALRM, &sa, NULL);
	pthread_create(&t, NULL, holder, (void *)kind);
	while (!held)
		nanosleep(&tick, NULL);
	if (hang) {
		printf("torture: hang %s waiting\n", kind);
		fflush(stdout);
	} else {
		alarm(1);
	}
	if (strcmp(kind, "mutex") == 0)
		r = pthread_mutex_lock(&mutex) || pthread_mutex_unlock(&mutex);
	else if (strcmp(kind, "barrier") == 0)
		r = pthread_barrier_wait(&barrier) > 0;
	else if (strcmp(kind, "rwlock-rd") == 0)
		r = pthread_rwlock_rdlock(&rwlock) || pthread_rwlock_unlock(&rwlock);
	else if (strcmp(kind, "once") == 0)
		r = pthread_once(&once, once_init);
	else
		r = pthread_rwlock_wrlock(&rwlock) || pthread_rwlock_unlock(&rwlock);
	ran = alarms;
	pthread_join(t, NULL);
	pthread_barrier_destroy(&barrier);
	printf("torture: block %s: handler %s while blocked, wait %s\n", kind,
	       ran ? "ran" : "did NOT run", r ? "FAILED" : "resumed");
	return r || !ran;
}

/* One level of the overflow: a frame the compiler cannot fold away (the
 * sum comes after the call) and a VFS call, which takes the VFS lock.
 * The path does not exist, so only the stack ends it. */
static int overflow_level(int n)
{
	volatile char pad[256];
	struct stat st;

	pad[0] = (char)n;
	if (stat("/tmp/a/b/c/d", &st) == 0)
		return 0;
	return overflow_level(n + 1) + pad[0];
}

/* Calls that borrow a descriptor's file inside the kernel, each of which
 * must give the borrow back (the request and the results do not matter:
 * 0 is no ioctl request of any device). */
static int attack_descs(void)
{
	if (dup2(STDOUT_FILENO, 9) < 0 || dup2(9, 9) < 0)
		return 1;
	ioctl(STDOUT_FILENO, 0);
	tcgetpgrp(STDIN_FILENO);
	printf("torture: descs waiting\n");
	fflush(stdout);
	for (;;)
		pause();
}

/* kill() against tasks that are ending at that moment. */
static int attack_killrace(int n)
{
	char *argv[] = { "osperf_nop", NULL };

	for (int i = 0; i < n; i++) {
		pid_t pid;
		if (posix_spawn(&pid, argv[0], NULL, NULL, argv, NULL))
			continue;
		for (int k = 0; k < 50 && kill(pid, SIGTERM) == 0; k++)
			;
		waitpid(pid, NULL, 0);
	}
	printf("torture: killrace %d ok\n", n);
	return 0;
}

/* killchurn's child: thread and task creation until a creation fails,
 * below the priority of its killer (which it inherited). */
static int attack_churn(void)
{
	struct sched_param p = { .sched_priority = 100 };
	char *argv[] = { "osperf_nop", NULL };

	pthread_setschedparam(pthread_self(), SCHED_FIFO, &p);
	for (;;) {
		pthread_t t;
		pid_t pid;

		if (pthread_create(&t, NULL, idle_thread, NULL))
			return 1;
		pthread_join(t, NULL);
		if (posix_spawn(&pid, argv[0], NULL, NULL, argv, NULL))
			return 1;
		waitpid(pid, NULL, 0);
	}
}

/* Kills churning children from above their priority: the timer interrupt
 * that ends the sleep pre-empts the child wherever it is, and the kill
 * takes effect at that interrupt's exit, when the child runs again.
 * Whatever the kernel allocated for a creation under way must be freed
 * (the test compares the heap before and after). */
static int attack_killchurn(int n)
{
	struct sched_param p = { .sched_priority = 200 };
	char *argv[] = { "torture", "churn", NULL };
	int killed = 0;

	pthread_setschedparam(pthread_self(), SCHED_FIFO, &p);
	for (int i = 0; i < n; i++) {
		struct timespec delay = { 0, 1000000 + (i % 40) * 97000 };
		pid_t pid;
		int status;

		if (posix_spawn(&pid, argv[0], NULL, NULL, argv, NULL))
			break;
		nanosleep(&delay, NULL);
		kill(pid, SIGKILL);
		if (waitpid(pid, &status, 0) == pid && WIFSIGNALED(status))
			killed++;
	}
	printf("torture: killchurn %d of %d %s\n", killed, n,
	       killed == n ? "ok" : "FAILED");
	return killed != n;
}

#define OU_DIR "/tmp/ou"

static volatile int ou_stop, ou_hold;	/* set by the main thread */
static int ou_inside;			/* openers between open and close */

/* Opens inside the mount while it comes and goes: ENOENT when it is
 * gone; a FIFO open without O_NONBLOCK would wait, so the FIFO is opened
 * for reading with O_NONBLOCK (it does not wait, but holds a reference
 * across the same window). */
static void *opener(void *arg)
{
	unsigned long *opens = arg;
	char c;

	while (!ou_stop) {
		int fd;

		__atomic_add_fetch(&ou_inside, 1, __ATOMIC_SEQ_CST);
		if (ou_hold) {		/* re-checked after counting in */
			__atomic_sub_fetch(&ou_inside, 1, __ATOMIC_SEQ_CST);
			sched_yield();
			continue;
		}
		fd = open(OU_DIR "/f", O_RDONLY);
		if (fd >= 0) {
			read(fd, &c, 1);
			close(fd);
			++*opens;
		}
		fd = open(OU_DIR "/p", O_RDONLY | O_NONBLOCK);
		if (fd >= 0)
			close(fd);
		__atomic_sub_fetch(&ou_inside, 1, __ATOMIC_SEQ_CST);
		sched_yield();	/* SCHED_FIFO peers on one CPU */
	}
	return NULL;
}

/* One mount/populate/umount round: 0, or the errno of what failed.  A
 * umount racing the openers may say EBUSY (a hundred tries); then they
 * are held off and, once none is inside, the umount must succeed: a
 * reference or busy count left behind would show here. */
static int ou_round(unsigned long *busy)
{
	int fd, r;

	if (mount(NULL, OU_DIR, "tmpfs", 0, NULL))
		return errno;
	fd = open(OU_DIR "/f", O_WRONLY | O_CREAT, 0644);
	if (fd >= 0) {
		write(fd, "x", 1);
		close(fd);
	}
	mkfifo(OU_DIR "/p", 0644);
	for (int tries = 0; umount(OU_DIR); tries++) {
		if (errno != EBUSY)
			return errno;
		++*busy;
		if (tries == 100) {
			ou_hold = 1;
			while (__atomic_load_n(&ou_inside, __ATOMIC_SEQ_CST))
				sched_yield();
			r = umount(OU_DIR) ? errno : 0;
			ou_hold = 0;
			return r;
		}
		sched_yield();
	}
	return 0;
}

static int attack_openumount(int seconds)
{
	unsigned long opens[3] = { 0 }, busy = 0, rounds = 0;
	pthread_t t[3];
	time_t end = time(NULL) + seconds;
	int r = 0;

	mkdir(OU_DIR, 0755);
	ou_stop = ou_hold = ou_inside = 0;	/* statics outlive a task */
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, opener, &opens[i]);
	while (time(NULL) < end && (r = ou_round(&busy)) == 0)
		rounds++;
	ou_stop = 1;
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	rmdir(OU_DIR);
	printf("torture: openumount %lu rounds, %lu busy, %lu opens: %s\n",
	       rounds, busy, opens[0] + opens[1] + opens[2],
	       r ? strerror(r) : "ok");
	return r != 0;
}

static int torture_main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 1;

	if (argc < 2)
		goto usage;
	if (strcmp(argv[1], "fault") == 0)
		return attack_fault();
	if (strcmp(argv[1], "stacksize") == 0)
		return attack_stacksize();
	if (strcmp(argv[1], "timers") == 0)
		return attack_timers(n);
	if (strcmp(argv[1], "prio") == 0)
		return attack_prio();
	if (strcmp(argv[1], "timerexit") == 0)
		return attack_timerexit();
	if (strcmp(argv[1], "mq") == 0)
		return attack_mq(n);
	if ((strcmp(argv[1], "block") == 0 || strcmp(argv[1], "hang") == 0) &&
	    argc > 2 && (n = attack_block(argv[2], argv[1][0] == 'h')) != 2)
		return n;
	if (strcmp(argv[1], "overflow") == 0)
		return overflow_level(0);
	if (strcmp(argv[1], "descs") == 0)
		return attack_descs();
	if (strcmp(argv[1], "killrace") == 0)
		return attack_killrace(n);
	if (strcmp(argv[1], "openumount") == 0)
		return attack_openumount(n);
	if (strcmp(argv[1], "churn") == 0)
		return attack_churn();
	if (strcmp(argv[1], "killchurn") == 0)
		return attack_killchurn(n);
usage:
	fprintf(stderr, "usage: torture fault|stacksize|timers N|prio|timerexit|"
		"mq N|block|hang mutex|barrier|rwlock-rd|rwlock-wr|once|overflow|descs|"
		"killrace N|openumount SECONDS|killchurn N\n");
	return 2;
}

APP_REGISTER(torture, torture_main, 0, 0);
