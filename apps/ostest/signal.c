// SPDX-License-Identifier: BSD-2-Clause
/*
 * ostest cases for signals: siginfo contents, real-time signals queued in
 * order with values (through handlers and through sigwaitinfo), masks and
 * pending sets, EINTR versus SA_RESTART, floating point in a handler
 * while the interrupted thread has live FP registers, sigtimedwait,
 * sigsuspend, alarm, SA_RESETHAND/SA_NODEFER, thread-directed signals,
 * SIG_IGN, and the default action terminating a child task.  Every case
 * restores the dispositions and the mask it changed.
 */
#include <mqueue.h>
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ostest.h"

#define MAX_REC 16

/* What handlers saw, in order. */
static struct {
	int signo, code, value;
	pthread_t self;
} rec[MAX_REC];
static volatile int nrec;

static void record(int sig, siginfo_t *si, void *uc)
{
	if (nrec < MAX_REC) {
		rec[nrec].signo = sig;
		rec[nrec].code = si ? si->si_code : -1;
		rec[nrec].value = si ? si->si_value.sival_int : -1;
		rec[nrec].self = pthread_self();
	}
	nrec++;
}

/* Installs record() for sig with flags; *old keeps what to restore. */
static int catch(int sig, int flags, const sigset_t *mask, struct sigaction *old)
{
	struct sigaction sa = { .sa_sigaction = record, .sa_flags = SA_SIGINFO | flags };

	if (mask)
		sa.sa_mask = *mask;
	else
		sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, old);
}

static void restore(int sig, const struct sigaction *old)
{
	sigaction(sig, old, NULL);
}

static void reset_rec(void)
{
	nrec = 0;
	memset(rec, 0, sizeof(rec));
}

static void signal_handler_siginfo(void)
{
	struct sigaction old;
	union sigval v = { .sival_int = 77 };

	reset_rec();
	OT_ASSERT_OK(catch(SIGUSR1, 0, NULL, &old));
	/* Unblocked in the sender: delivered before kill/sigqueue return. */
	OT_EXPECT_OK(kill(getpid(), SIGUSR1));
	OT_EXPECT_EQ(nrec, 1);
	OT_EXPECT_EQ(rec[0].signo, SIGUSR1);
	OT_EXPECT_EQ(rec[0].code, SI_USER);
	OT_EXPECT_OK(sigqueue(getpid(), SIGUSR1, v));
	OT_EXPECT_EQ(nrec, 2);
	OT_EXPECT_EQ(rec[1].signo, SIGUSR1);
	OT_EXPECT_EQ(rec[1].code, SI_QUEUE);
	OT_EXPECT_EQ(rec[1].value, 77);
	OT_EXPECT_OK(raise(SIGUSR1));
	OT_EXPECT_EQ(nrec, 3);
	restore(SIGUSR1, &old);
}

static void block(int a, int b, sigset_t *set, sigset_t *old)
{
	sigemptyset(set);
	for (int s = a; s <= b; s++)
		sigaddset(set, s);
	pthread_sigmask(SIG_BLOCK, set, old);
}

/* Queues RTMIN+2:1, RTMIN:2, RTMIN+2:3, RTMIN:4, RTMIN+1:5 (signal:value). */
static void queue_mixed(void)
{
	static const int sig[5] = { 2, 0, 2, 0, 1 };

	for (int i = 0; i < 5; i++) {
		union sigval v = { .sival_int = i + 1 };

		if (sigqueue(getpid(), SIGRTMIN + sig[i], v))
			OT_FAIL("sigqueue %d: errno %d", i, errno);
	}
}

/* Lowest signal number first, FIFO (values in order) per signal. */
static const int want_sig[5] = { 0, 0, 1, 2, 2 }, want_val[5] = { 2, 4, 5, 1, 3 };

static void signal_rt_order_handlers(void)
{
	struct sigaction old[3];
	sigset_t set, prev;

	reset_rec();
	block(SIGRTMIN, SIGRTMIN + 2, &set, &prev);
	/* Each handler blocks all three so that deliveries do not nest. */
	for (int i = 0; i < 3; i++)
		catch(SIGRTMIN + i, 0, &set, &old[i]);
	queue_mixed();
	OT_EXPECT_EQ(nrec, 0);
	pthread_sigmask(SIG_SETMASK, &prev, NULL);	/* all five run now */
	OT_EXPECT_EQ(nrec, 5);
	for (int i = 0; i < 5 && i < nrec; i++) {
		if (rec[i].signo != SIGRTMIN + want_sig[i] || rec[i].value != want_val[i] ||
		    rec[i].code != SI_QUEUE)
			OT_FAIL("delivery %d: SIGRTMIN+%d value %d code %d, want SIGRTMIN+%d value %d",
				i, rec[i].signo - SIGRTMIN, rec[i].value, rec[i].code,
				want_sig[i], want_val[i]);
	}
	for (int i = 0; i < 3; i++)
		restore(SIGRTMIN + i, &old[i]);
}

static void signal_rt_order_sigwaitinfo(void)
{
	sigset_t set, prev;
	siginfo_t si;

	block(SIGRTMIN, SIGRTMIN + 2, &set, &prev);
	queue_mixed();
	for (int i = 0; i < 5; i++) {
		memset(&si, 0, sizeof(si));
		int s = sigwaitinfo(&set, &si);

		if (s != SIGRTMIN + want_sig[i] || si.si_signo != s ||
		    si.si_value.sival_int != want_val[i] || si.si_code != SI_QUEUE ||
		    si.si_pid != getpid())
			OT_FAIL("wait %d: SIGRTMIN+%d (si_signo %d) value %d code %d pid %d",
				i, s - SIGRTMIN, si.si_signo, si.si_value.sival_int,
				si.si_code, (int)si.si_pid);
	}
	pthread_sigmask(SIG_SETMASK, &prev, NULL);
}

static void signal_mask_pending(void)
{
	struct sigaction old;
	sigset_t set, prev, pending, cur;

	reset_rec();
	catch(SIGUSR2, 0, NULL, &old);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	OT_EXPECT_OK(sigprocmask(SIG_BLOCK, &set, &prev));
	OT_EXPECT_OK(sigprocmask(SIG_BLOCK, NULL, &cur));
	OT_EXPECT(sigismember(&cur, SIGUSR2));
	OT_EXPECT_OK(pthread_kill(pthread_self(), SIGUSR2));
	OT_EXPECT_OK(pthread_kill(pthread_self(), SIGUSR2));	/* merges */
	OT_EXPECT_EQ(nrec, 0);
	OT_EXPECT_OK(sigpending(&pending));
	OT_EXPECT(sigismember(&pending, SIGUSR2));
	/* Unblocking delivers before the call returns, once. */
	OT_EXPECT_RC(pthread_sigmask(SIG_UNBLOCK, &set, NULL), 0);
	OT_EXPECT_EQ(nrec, 1);
	OT_EXPECT_OK(sigpending(&pending));
	OT_EXPECT(!sigismember(&pending, SIGUSR2));
	OT_EXPECT_ERRNO(sigprocmask(12345, &set, NULL), EINVAL);
	/* SIGKILL and SIGSTOP cannot be blocked or caught. */
	sigemptyset(&set);
	sigaddset(&set, SIGKILL);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	OT_EXPECT(!sigismember(&cur, SIGKILL));
	OT_EXPECT_ERRNO(catch(SIGKILL, 0, NULL, NULL), EINVAL);
	OT_EXPECT_ERRNO(catch(0, 0, NULL, NULL), EINVAL);
	sigprocmask(SIG_SETMASK, &prev, NULL);
	restore(SIGUSR2, &old);
}

static sem_t intr_sem;
static volatile int intr_result, intr_errno;
static volatile bool intr_started;

static void *wait_sem(void *arg)
{
	intr_started = true;
	errno = 0;
	intr_result = sem_wait(&intr_sem);
	intr_errno = errno;
	return NULL;
}

static void signal_eintr(void)
{
	struct sigaction old;
	pthread_t t;

	reset_rec();
	sem_init(&intr_sem, 0, 0);
	intr_result = 99;
	catch(SIGUSR1, 0, NULL, &old);
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO + 10, wait_sem, NULL), 0)) {
		OT_EXPECT(intr_started);
		OT_EXPECT_RC(pthread_kill(t, SIGUSR1), 0);
		ot_msleep(10);
		if (intr_result == 99)
			sem_post(&intr_sem);
		pthread_join(t, NULL);
		OT_EXPECT_EQ(intr_result, -1);
		OT_EXPECT_EQ(intr_errno, EINTR);
		OT_EXPECT_EQ(nrec, 1);
		OT_EXPECT(nrec == 1 && pthread_equal(rec[0].self, t));
	}
	restore(SIGUSR1, &old);
	sem_destroy(&intr_sem);
}

static mqd_t rq;

static void *receive_one(void *arg)
{
	char buf[8];

	errno = 0;
	intr_result = (int)mq_receive(rq, buf, sizeof(buf), NULL);
	intr_errno = errno;
	return NULL;
}

/* A signal to a thread blocked in mq_receive: with SA_RESTART the call
 * goes on and gets the message sent after; without, EINTR. */
static void restart_case(int flags, int want_result, int want_errno)
{
	struct mq_attr a = { .mq_maxmsg = 2, .mq_msgsize = 8 };
	struct sigaction old;
	pthread_t t;

	reset_rec();
	intr_result = 99;
	mq_unlink("/ostest-restart");
	rq = mq_open("/ostest-restart", O_CREAT | O_RDWR, 0600, &a);
	OT_ASSERT(rq != (mqd_t)-1);
	catch(SIGUSR1, flags, NULL, &old);
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO + 10, receive_one, NULL), 0)) {
		OT_EXPECT_RC(pthread_kill(t, SIGUSR1), 0);
		ot_msleep(10);
		OT_EXPECT_EQ(nrec, 1);
		mq_send(rq, "hello", 6, 0);
		pthread_join(t, NULL);
		OT_EXPECT_EQ(intr_result, want_result);
		if (want_result < 0)
			OT_EXPECT_EQ(intr_errno, want_errno);
	}
	restore(SIGUSR1, &old);
	mq_close(rq);
	mq_unlink("/ostest-restart");
}

static void signal_sa_restart(void)
{
	restart_case(SA_RESTART, 6, 0);
}

static void signal_no_restart_eintr(void)
{
	restart_case(0, -1, EINTR);
}

/* ---- floating point in a handler ---- */

static volatile int fp_stop;
static volatile int fp_handled;

static void fp_handler(int sig)
{
	volatile double x = 1.0;

	/* Arithmetic, then every vector register overwritten. */
	for (int i = 1; i < 50; i++)
		x = x * 1.5 + (double)i / 3.0;
	__asm__ volatile(
		"mov x9, #0xdead\n"
		".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
		"dup v\\n\\().2d, x9\n"
		".endr\n"
		::: "x9", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9",
		"v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19",
		"v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29",
		"v30", "v31");
	if (x > 1.0)
		fp_handled++;
}

/* Loads v0..v31 with distinct patterns, spins until fp_stop, stores
 * them: all inside one asm statement, so the compiler never touches
 * them in between and only a corrupting kernel can change them. */
static void *fp_spinner(void *arg)
{
	uint64_t *out = arg;	/* v0..v31: 32 pairs */

	__asm__ volatile(
		"mov x9, %[seed]\n"
		".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
		"dup v\\n\\().2d, x9\n"
		"add x9, x9, #0x111\n"
		".endr\n"
		"1: ldr w10, [%[stop]]\n"
		"cbz w10, 1b\n"
		".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
		"str q\\n, [%[out]], #16\n"
		".endr\n"
		: [out] "+r"(out)
		: [seed] "r"((uint64_t)0x1234000000000000ULL), [stop] "r"(&fp_stop)
		: "x9", "x10", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7",
		"v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17",
		"v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27",
		"v28", "v29", "v30", "v31");
	return NULL;
}

static void signal_fp_handler(void)
{
	struct sigaction sa = { .sa_handler = fp_handler }, old;
	volatile double mine = 2.5;
	uint64_t (*fp_out)[2] = calloc(32, sizeof(*fp_out));
	pthread_t t;
	int bad = 0;

	if (!fp_out) {
		OT_FAIL("out of memory");
		return;
	}
	fp_stop = 0;
	fp_handled = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, &old);
	/* Below us: it spins while we sleep, and each signal interrupts it. */
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO - 10, fp_spinner, fp_out), 0)) {
		for (int i = 0; i < 5; i++) {
			ot_msleep(5);
			pthread_kill(t, SIGUSR1);
			mine = mine * 2.0;
			/* Delivered when the spinner next runs.  Standard
			 * signals do not queue: the next is sent only once
			 * this one is handled, or a spinner whose (virtual)
			 * CPU was not running would see two as one. */
			for (int j = 0; j < 200 && fp_handled <= i; j++)
				ot_msleep(5);
		}
		fp_stop = 1;
		pthread_join(t, NULL);
	}
	OT_EXPECT_EQ(fp_handled, 5);
	for (int n = 0; n < 32; n++) {
		uint64_t want = 0x1234000000000000ULL + 0x111ULL * (uint64_t)n;

		if (fp_out[n][0] == want && fp_out[n][1] == want)
			continue;
		if (bad++ == 0)
			OT_FAIL("v%d = %016llx:%016llx, want %016llx", n,
				(unsigned long long)fp_out[n][1],
				(unsigned long long)fp_out[n][0],
				(unsigned long long)want);
	}
	OT_EXPECT(mine == 80.0);
	sigaction(SIGUSR1, &old, NULL);
	free(fp_out);
}

/* ---- waiting for signals ---- */

static pthread_t main_thread;

static void *send_late(void *arg)
{
	ot_msleep(30);
	pthread_kill(main_thread, (int)(uintptr_t)arg);
	return NULL;
}

static void signal_sigtimedwait(void)
{
	sigset_t set, prev;
	siginfo_t si;
	struct timespec to = { 0, 80 * NS_PER_MS };
	pthread_t t;
	int64_t t0;
	int sig = 0;

	main_thread = pthread_self();
	block(SIGUSR2, SIGUSR2, &set, &prev);
	t0 = ot_now_ns();
	OT_EXPECT_ERRNO(sigtimedwait(&set, &si, &to), EAGAIN);
	OT_EXPECT_ELAPSED(ot_now_ns() - t0, 80);
	/* Early wake by a signal sent 30 ms later. */
	t0 = ot_now_ns();
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO + 10, send_late, (void *)SIGUSR2), 0)) {
		to.tv_sec = 2;
		memset(&si, 0, sizeof(si));
		OT_EXPECT_EQ(sigtimedwait(&set, &si, &to), SIGUSR2);
		OT_EXPECT_ELAPSED(ot_now_ns() - t0, 30);
		OT_EXPECT_EQ(si.si_signo, SIGUSR2);
		OT_EXPECT_EQ(si.si_code, SI_USER);
		pthread_join(t, NULL);
	}
	/* sigwait. */
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO + 10, send_late, (void *)SIGUSR2), 0)) {
		OT_EXPECT_RC(sigwait(&set, &sig), 0);
		OT_EXPECT_EQ(sig, SIGUSR2);
		pthread_join(t, NULL);
	}
	to.tv_sec = 0;
	to.tv_nsec = 1000000000L;
	OT_EXPECT_ERRNO(sigtimedwait(&set, &si, &to), EINVAL);
	pthread_sigmask(SIG_SETMASK, &prev, NULL);
}

static void signal_sigsuspend(void)
{
	struct sigaction old;
	sigset_t set, prev, during, after;
	pthread_t t;

	reset_rec();
	main_thread = pthread_self();
	catch(SIGUSR1, 0, NULL, &old);
	block(SIGUSR1, SIGUSR1, &set, &prev);
	sigemptyset(&during);
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO + 10, send_late, (void *)SIGUSR1), 0)) {
		OT_EXPECT_ERRNO(sigsuspend(&during), EINTR);
		OT_EXPECT_EQ(nrec, 1);
		pthread_sigmask(SIG_BLOCK, NULL, &after);
		OT_EXPECT(sigismember(&after, SIGUSR1));	/* mask restored */
		pthread_join(t, NULL);
	}
	pthread_sigmask(SIG_SETMASK, &prev, NULL);
	restore(SIGUSR1, &old);
}

static void signal_alarm(void)
{
	struct sigaction old;
	int64_t t0;

	reset_rec();
	catch(SIGALRM, 0, NULL, &old);
	OT_EXPECT_EQ(alarm(5), 0);
	OT_EXPECT_GE(alarm(0), 4);		/* cancelled: 5 s were left */
	t0 = ot_now_ns();
	OT_EXPECT_EQ(alarm(1), 0);
	OT_EXPECT_ERRNO(pause(), EINTR);
	OT_EXPECT_ELAPSED(ot_now_ns() - t0, 1000);
	OT_EXPECT_EQ(nrec, 1);
	OT_EXPECT_EQ(rec[0].signo, SIGALRM);
	restore(SIGALRM, &old);
}

static volatile int blocked_in_handler;

static void mask_probe(int sig)
{
	sigset_t cur;

	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	blocked_in_handler = sigismember(&cur, sig);
	nrec++;
}

static void signal_resethand_nodefer(void)
{
	struct sigaction sa = { .sa_handler = mask_probe }, old, now;

	reset_rec();
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, &old);
	blocked_in_handler = -1;
	raise(SIGUSR1);
	OT_EXPECT_EQ(blocked_in_handler, 1);	/* blocked while handled */
	sa.sa_flags = SA_NODEFER | SA_RESETHAND;
	sigaction(SIGUSR1, &sa, NULL);
	blocked_in_handler = -1;
	raise(SIGUSR1);
	OT_EXPECT_EQ(blocked_in_handler, 0);
	OT_EXPECT_EQ(nrec, 2);
	sigaction(SIGUSR1, NULL, &now);
	OT_EXPECT(now.sa_handler == SIG_DFL);	/* reset by the delivery */
	sigaction(SIGUSR1, &old, NULL);
}

static sem_t target_sem;

static void *target_body(void *arg)
{
	sem_post(&target_sem);
	while (sem_wait(&target_sem) != 0)
		;
	return NULL;
}

static void signal_thread_directed(void)
{
	struct sigaction old;
	pthread_t t;

	reset_rec();
	sem_init(&target_sem, 0, 0);
	catch(SIGUSR2, 0, NULL, &old);
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO - 10, target_body, NULL), 0)) {
		sem_wait(&target_sem);		/* it runs now and blocks */
		OT_EXPECT_RC(pthread_kill(t, 0), 0);
		OT_EXPECT_RC(pthread_kill(t, SIGUSR2), 0);
		ot_msleep(5);
		OT_EXPECT_EQ(nrec, 1);
		OT_EXPECT(nrec == 1 && pthread_equal(rec[0].self, t));
		OT_EXPECT_RC(pthread_kill(t, 9999), EINVAL);
		sem_post(&target_sem);
		pthread_join(t, NULL);
	}
	OT_EXPECT_OK(kill(getpid(), 0));
	OT_EXPECT_ERRNO(kill(30000, 0), ESRCH);
	OT_EXPECT_ERRNO(kill(getpid(), 9999), EINVAL);
	restore(SIGUSR2, &old);
	sem_destroy(&target_sem);
}

static void signal_ignore(void)
{
	struct sigaction sa = { .sa_handler = SIG_IGN }, old;
	sigset_t set, prev, pending;

	sigemptyset(&sa.sa_mask);
	OT_ASSERT_OK(sigaction(SIGUSR1, &sa, &old));
	OT_EXPECT_OK(raise(SIGUSR1));		/* nothing happens */
	block(SIGUSR1, SIGUSR1, &set, &prev);
	raise(SIGUSR1);
	sigpending(&pending);
	OT_EXPECT(!sigismember(&pending, SIGUSR1));	/* discarded */
	pthread_sigmask(SIG_SETMASK, &prev, NULL);
	sigaction(SIGUSR1, &old, NULL);
}

static void signal_default_terminates(void)
{
	char *args[] = { "pause", NULL };
	int status = 0;
	pid_t pid = ot_spawn_child(args, NULL);

	OT_ASSERT_OK(pid);
	ot_msleep(20);
	OT_EXPECT_EQ(waitpid(pid, &status, WNOHANG), 0);	/* still there */
	OT_EXPECT_OK(kill(pid, SIGTERM));
	if (ot_wait_child(pid, &status, 2000) != pid) {
		OT_FAIL("SIGTERM did not end the child");
		kill(pid, SIGKILL);	/* not left pausing forever */
		ot_wait_child(pid, &status, 2000);
		return;
	}
	OT_EXPECT(WIFSIGNALED(status));
	OT_EXPECT_EQ(WTERMSIG(status), SIGTERM);
}

/* ---- a signal reaches a thread blocked on a lock, and the wait goes on ---- */

static pthread_mutex_t lw_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t lw_rwlock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_barrier_t lw_barrier;
static volatile int lw_result;

enum lock_wait { LW_MUTEX, LW_RDLOCK, LW_WRLOCK, LW_BARRIER };

/* Blocks in the wait of kind (another thread holds the object). */
static void *lock_waiter(void *arg)
{
	switch ((enum lock_wait)(intptr_t)arg) {
	case LW_MUTEX:
		lw_result = pthread_mutex_lock(&lw_mutex);
		pthread_mutex_unlock(&lw_mutex);
		break;
	case LW_RDLOCK:
		lw_result = pthread_rwlock_rdlock(&lw_rwlock);
		pthread_rwlock_unlock(&lw_rwlock);
		break;
	case LW_WRLOCK:
		lw_result = pthread_rwlock_wrlock(&lw_rwlock);
		pthread_rwlock_unlock(&lw_rwlock);
		break;
	case LW_BARRIER:
		lw_result = pthread_barrier_wait(&lw_barrier);
		if (lw_result == PTHREAD_BARRIER_SERIAL_THREAD)
			lw_result = 0;
		break;
	}
	return NULL;
}

/* The case thread holds the object; the waiter blocks on it, gets
 * SIGUSR1 (its handler must run while it still waits: POSIX), and its
 * wait then resumes and succeeds once the object is released. */
static void lock_wait_case(enum lock_wait kind)
{
	struct sigaction old;
	pthread_t t;

	reset_rec();
	lw_result = 99;
	if (kind == LW_MUTEX)
		pthread_mutex_lock(&lw_mutex);
	else if (kind == LW_BARRIER)
		pthread_barrier_init(&lw_barrier, NULL, 2);
	else
		pthread_rwlock_wrlock(&lw_rwlock);
	catch(SIGUSR1, 0, NULL, &old);
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO + 10, lock_waiter,
				   (void *)(intptr_t)kind), 0)) {
		OT_EXPECT(ot_wait_blocked(t, 1000));
		OT_EXPECT_RC(pthread_kill(t, SIGUSR1), 0);
		for (int i = 0; i < 100 && nrec == 0; i++)
			ot_msleep(10);
		OT_EXPECT_EQ(nrec, 1);		/* the handler ran... */
		OT_EXPECT_EQ(lw_result, 99);	/* ...and the wait goes on */
		OT_EXPECT(ot_wait_blocked(t, 1000));
		if (kind == LW_MUTEX)
			pthread_mutex_unlock(&lw_mutex);
		else if (kind == LW_BARRIER)
			pthread_barrier_wait(&lw_barrier);
		else
			pthread_rwlock_unlock(&lw_rwlock);
		pthread_join(t, NULL);
		OT_EXPECT_EQ(lw_result, 0);
	}
	restore(SIGUSR1, &old);
	if (kind == LW_BARRIER)
		pthread_barrier_destroy(&lw_barrier);
}

static void signal_mutex_wait(void)
{
	lock_wait_case(LW_MUTEX);
}

static void signal_rwlock_rd_wait(void)
{
	lock_wait_case(LW_RDLOCK);
}

static void signal_rwlock_wr_wait(void)
{
	lock_wait_case(LW_WRLOCK);
}

static void signal_barrier_wait(void)
{
	lock_wait_case(LW_BARRIER);
}

/* ---- every blocking call against a signal ---- */

#define BK_FIFO "/tmp/ostest-bk-fifo"

/* What the calls below block on. */
static struct {
	int empty[2], full[2];	/* pipes: nothing to read, no room */
	mqd_t qempty, qfull;
	sem_t sem;
	pid_t child;		/* runs until killed */
	pthread_mutex_t m;
	pthread_cond_t cv;
	bool go;
	pthread_t sleeper;
} bk;

static long blk_read(void) { char c; return read(bk.empty[0], &c, 1); }
static long blk_write(void) { return write(bk.full[1], "x", 1); }
static long blk_select(void)
{
	fd_set r;

	FD_ZERO(&r);
	FD_SET(bk.empty[0], &r);
	return select(bk.empty[0] + 1, &r, NULL, NULL, NULL);
}
static long blk_pselect(void)
{
	struct timespec to = { 5, 0 };
	fd_set r;

	FD_ZERO(&r);
	FD_SET(bk.empty[0], &r);
	return pselect(bk.empty[0] + 1, &r, NULL, NULL, &to, NULL);
}
static long blk_open_fifo(void)
{
	int fd = open(BK_FIFO, O_RDONLY);	/* waits for a writer */

	if (fd >= 0)
		close(fd);
	return fd < 0 ? -1 : 0;
}
static long blk_usleep(void) { return usleep(5000000); }
static long blk_mq_send(void) { return mq_send(bk.qfull, "x", 1, 0); }
static long blk_mq_timedsend(void)
{
	struct timespec dl = ot_deadline(CLOCK_REALTIME, 5000);

	return mq_timedsend(bk.qfull, "x", 1, 0, &dl);
}
static long blk_mq_timedreceive(void)
{
	struct timespec dl = ot_deadline(CLOCK_REALTIME, 5000);
	char buf[8];

	return mq_timedreceive(bk.qempty, buf, sizeof(buf), NULL, &dl);
}
static long blk_sem_timedwait(void)
{
	struct timespec dl = ot_deadline(CLOCK_REALTIME, 5000);

	return sem_timedwait(&bk.sem, &dl);
}
static long blk_waitpid(void) { return waitpid(bk.child, NULL, 0); }
static long blk_sigwaitinfo(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	return sigwaitinfo(&set, NULL);
}
static long blk_sigtimedwait(void)
{
	struct timespec to = { 5, 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	return sigtimedwait(&set, NULL, &to);
}
/* These three must not fail with EINTR: the handler runs, then the wait
 * goes on until released (POSIX; a condition wait may also return 0
 * early, so it waits for its predicate). */
static long blk_cond_wait(void)
{
	long r = 0;

	pthread_mutex_lock(&bk.m);
	while (!bk.go && r == 0)
		r = pthread_cond_wait(&bk.cv, &bk.m);
	pthread_mutex_unlock(&bk.m);
	return r;
}
static long blk_join(void) { return pthread_join(bk.sleeper, NULL); }
static long blk_sigwait(void)
{
	sigset_t set;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	return sigwait(&set, &sig) ? -1 : sig == SIGUSR2 ? 0 : -2;
}

struct blocking_call {
	const char *name;
	long (*fn)(void);
	bool eintr;		/* fails with EINTR, else resumes */
};

static const struct blocking_call blocking_calls[] = {
	{ "read", blk_read, true }, { "write", blk_write, true },
	{ "select", blk_select, true }, { "pselect", blk_pselect, true },
	{ "open of a FIFO", blk_open_fifo, true }, { "usleep", blk_usleep, true },
	{ "mq_send", blk_mq_send, true },
	{ "mq_timedsend", blk_mq_timedsend, true },
	{ "mq_timedreceive", blk_mq_timedreceive, true },
	{ "sem_timedwait", blk_sem_timedwait, true },
	{ "waitpid", blk_waitpid, true },
	{ "sigwaitinfo", blk_sigwaitinfo, true },
	{ "sigtimedwait", blk_sigtimedwait, true },
	{ "pthread_cond_wait", blk_cond_wait, false },
	{ "pthread_join", blk_join, false }, { "sigwait", blk_sigwait, false },
};

static volatile long blk_result;
static volatile int blk_errno;

static void *run_blocking(void *arg)
{
	const struct blocking_call *c = arg;

	errno = 0;
	blk_result = c->fn();
	blk_errno = errno;
	return NULL;
}

static void *sleep_200(void *arg)
{
	ot_msleep(200);
	return NULL;
}

/* Releases a resuming call: its wait ends the ordinary way. */
static void release(const struct blocking_call *c, pthread_t t)
{
	if (c->fn == blk_cond_wait) {
		pthread_mutex_lock(&bk.m);
		bk.go = true;
		pthread_cond_signal(&bk.cv);
		pthread_mutex_unlock(&bk.m);
	} else if (c->fn == blk_sigwait) {
		pthread_kill(t, SIGUSR2);
	}		/* pthread_join: the sleeper ends by itself */
}

static bool blocking_setup(void)
{
	struct mq_attr a = { .mq_maxmsg = 1, .mq_msgsize = 8 };
	char *pause_args[] = { "pause", NULL };

	memset(&bk, 0, sizeof(bk));
	if (pipe(bk.empty) || pipe(bk.full))
		return false;
	fcntl(bk.full[1], F_SETFL, O_NONBLOCK);
	while (write(bk.full[1], "xxxxxxxxxxxxxxxx", 16) > 0)
		;
	fcntl(bk.full[1], F_SETFL, 0);
	mq_unlink("/ostest-bk");
	bk.qempty = mq_open("/ostest-bk", O_CREAT | O_RDWR, 0600, &a);
	mq_unlink("/ostest-bk");
	bk.qfull = mq_open("/ostest-bk", O_CREAT | O_RDWR, 0600, &a);
	mq_unlink("/ostest-bk");
	if (bk.qempty == (mqd_t)-1 || bk.qfull == (mqd_t)-1 ||
	    mq_send(bk.qfull, "x", 1, 0))
		return false;
	unlink(BK_FIFO);
	if (mkfifo(BK_FIFO, 0600))
		return false;
	sem_init(&bk.sem, 0, 0);
	pthread_mutex_init(&bk.m, NULL);
	pthread_cond_init(&bk.cv, NULL);
	bk.child = ot_spawn_child(pause_args, NULL);
	return bk.child > 0;
}

static void blocking_teardown(void)
{
	close(bk.empty[0]);
	close(bk.empty[1]);
	close(bk.full[0]);
	close(bk.full[1]);
	mq_close(bk.qempty);
	mq_close(bk.qfull);
	unlink(BK_FIFO);
	sem_destroy(&bk.sem);
	pthread_cond_destroy(&bk.cv);
	pthread_mutex_destroy(&bk.m);
	if (bk.child > 0) {
		kill(bk.child, SIGKILL);
		ot_wait_child(bk.child, NULL, 2000);
	}
}

/* Each blocking call, blocked, gets a signal whose handler has no
 * SA_RESTART: the handler runs on its thread, then the call fails with
 * EINTR or, where POSIX forbids EINTR, goes on waiting and completes. */
static void signal_blocking_calls(void)
{
	struct sigaction old;
	sigset_t usr2, prev;

	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &usr2, &prev);	/* the threads inherit it */
	catch(SIGUSR1, 0, NULL, &old);
	if (!blocking_setup())
		OT_FAIL("setup: errno %d", errno);
	for (size_t i = 0; i < sizeof(blocking_calls) / sizeof(blocking_calls[0]) && !ot_failures(); i++) {
		const struct blocking_call *c = &blocking_calls[i];
		pthread_t t;

		reset_rec();
		blk_result = 99;
		if (c->fn == blk_join &&
		    !OT_EXPECT_RC(ot_thread(&bk.sleeper, OT_PRIO, sleep_200, NULL), 0))
			break;
		if (!OT_EXPECT_RC(ot_thread(&t, OT_PRIO, run_blocking, (void *)c), 0))
			break;
		if (!ot_wait_blocked(t, 2000))
			OT_FAIL("%s: never blocked", c->name);
		pthread_kill(t, SIGUSR1);
		if (!c->eintr) {
			ot_msleep(20);
			if (blk_result != 99)
				OT_FAIL("%s: returned %ld (errno %d) on the signal",
					c->name, blk_result, blk_errno);
			release(c, t);
		}
		pthread_join(t, NULL);
		if (nrec != 1 || !pthread_equal(rec[0].self, t))
			OT_FAIL("%s: handler ran %d times", c->name, nrec);
		if (c->eintr && (blk_result != -1 || blk_errno != EINTR))
			OT_FAIL("%s: returned %ld errno %d, want EINTR", c->name,
				blk_result, blk_errno);
		if (!c->eintr && blk_result != 0)
			OT_FAIL("%s: returned %ld after release", c->name, blk_result);
	}
	blocking_teardown();
	restore(SIGUSR1, &old);
	pthread_sigmask(SIG_SETMASK, &prev, NULL);
}

OT_AREA(signal,
	OT_CASE(signal, handler_siginfo, 5),
	OT_CASE(signal, rt_order_handlers, 5),
	OT_CASE(signal, rt_order_sigwaitinfo, 5),
	OT_CASE(signal, mask_pending, 5),
	OT_CASE(signal, eintr, 5),
	OT_CASE(signal, sa_restart, 5),
	OT_CASE(signal, no_restart_eintr, 5),
	OT_CASE(signal, fp_handler, 5),
	OT_CASE(signal, sigtimedwait, 5),
	OT_CASE(signal, sigsuspend, 5),
	OT_CASE(signal, alarm, 5),
	OT_CASE(signal, resethand_nodefer, 5),
	OT_CASE(signal, thread_directed, 5),
	OT_CASE(signal, ignore, 5),
	OT_CASE(signal, default_terminates, 5),
	OT_CASE(signal, mutex_wait, 5),
	OT_CASE(signal, rwlock_rd_wait, 5),
	OT_CASE(signal, rwlock_wr_wait, 5),
	OT_CASE(signal, barrier_wait, 5),
	OT_CASE(signal, blocking_calls, 20));
