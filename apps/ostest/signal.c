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
static uint64_t fp_out[32][2];

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
	uint64_t *out = &fp_out[0][0];

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
	pthread_t t;
	int bad = 0;

	fp_stop = 0;
	fp_handled = 0;
	memset(fp_out, 0, sizeof(fp_out));
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, &old);
	/* Below us: it spins while we sleep, and each signal interrupts it. */
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO - 10, fp_spinner, NULL), 0)) {
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
	OT_CASE(signal, default_terminates, 5));
