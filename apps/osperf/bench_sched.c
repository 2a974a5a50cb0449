// SPDX-License-Identifier: BSD-2-Clause
/*
 * osperf: scheduling and synchronisation.  Context switches between two
 * threads of equal priority (sched_yield ping-pong) and from a low to a
 * high priority (sem_post waking the more urgent thread), semaphore
 * post-to-wake between equals, uncontended sem_wait+sem_post and mutex
 * lock+unlock, a null system call (getppid) and a 26-byte write to
 * /dev/null, pthread_create to the new thread's first line,
 * pthread_create+pthread_join and task spawn+wait.
 * Two-thread tests run both threads on CPU 0, so they measure switches
 * rather than two CPUs running side by side.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <semaphore.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "osperf.h"

/* Not every build has tasks yet: see osperf.c on weak references. */
#pragma weak posix_spawn
#pragma weak waitpid

/* The trivial application spawned by task_spawn_wait (osperf_nop.c). */
#define NOP_APP "osperf_nop"
#ifdef VIREO_EL0
#define spawn_nop posix_spawnp	/* a program of its own, by PATH */
#else
#define spawn_nop posix_spawn	/* a built-in application, by name */
#endif

static const int on_cpu0[2] = { 0, 0 };

/* ---- sched_yield ping-pong ---- */

struct yield_pingpong {
	volatile uint64_t stamp;	/* counter before the last yield */
	volatile int owner;		/* thread that took stamp, -1: none */
	struct samples s[2];
};

/* Each sample: from before one thread's sched_yield() to the other's
 * return from its own.  A thread that finds its own stamp (its partner
 * has finished) records nothing. */
static void yield_loop(struct yield_pingpong *p, int me)
{
	if (!pair_gate())
		return;
	for (unsigned int i = 0; i < osperf_iterations; i++) {
		uint64_t now = counter_read();
		if (p->owner >= 0 && p->owner != me)
			samples_add(&p->s[me], now - p->stamp);
		p->owner = me;
		p->stamp = counter_read();
		sched_yield();
	}
}

static void *yield_thread0(void *arg)
{
	yield_loop(arg, 0);
	return NULL;
}

static void *yield_thread1(void *arg)
{
	yield_loop(arg, 1);
	return NULL;
}

static void ctx_switch_yield(void)
{
	static const int prio[2] = { PRIO_EQUAL, PRIO_EQUAL };
	struct yield_pingpong p = { .owner = -1 };
	struct samples all = { 0 };
	int err;

	if (!samples_init(&p.s[0], osperf_iterations, 1) ||
	    !samples_init(&p.s[1], osperf_iterations, 1) ||
	    !samples_init(&all, 2 * osperf_iterations, 1)) {
		report_na("ctx_switch_yield", "out of memory");
		goto out;
	}
	err = run_pair(yield_thread0, yield_thread1, &p, prio, on_cpu0);
	if (err) {
		report_na("ctx_switch_yield", "cannot start threads: %s", strerror(err));
		goto out;
	}
	for (int t = 0; t < 2; t++)
		for (unsigned int i = 0; i < p.s[t].n; i++)
			samples_add(&all, p.s[t].ticks[i]);
	report_ns("ctx_switch_yield", &all);
out:
	samples_free(&p.s[0]);
	samples_free(&p.s[1]);
	samples_free(&all);
}

/* ---- low priority wakes high priority ---- */

struct prio_wake {
	sem_t sem;
	volatile uint64_t stamp;	/* counter before sem_post */
	struct samples s;
};

/* The more urgent thread: each sem_wait return ends one sample. */
static void *prio_high(void *arg)
{
	struct prio_wake *p = arg;

	if (!pair_gate())
		return NULL;
	for (unsigned int i = 0; i < osperf_iterations; i++) {
		while (sem_wait(&p->sem) && errno == EINTR)
			;
		samples_add(&p->s, counter_read() - p->stamp);
	}
	return NULL;
}

/* Runs only while the high thread waits: each post pre-empts it. */
static void *prio_low(void *arg)
{
	struct prio_wake *p = arg;

	if (!pair_gate())
		return NULL;
	for (unsigned int i = 0; i < osperf_iterations; i++) {
		p->stamp = counter_read();
		sem_post(&p->sem);
	}
	return NULL;
}

static void ctx_switch_prio(void)
{
	/* The high thread first, so it is waiting before the first post. */
	static const int prio[2] = { PRIO_HIGH, PRIO_LOW };
	struct prio_wake p;
	int err;

	if (!samples_init(&p.s, osperf_iterations, 1)) {
		report_na("ctx_switch_prio", "out of memory");
		return;
	}
	if (sem_init(&p.sem, 0, 0)) {
		report_na("ctx_switch_prio", "sem_init: %s", strerror(errno));
		goto out;
	}
	err = run_pair(prio_high, prio_low, &p, prio, on_cpu0);
	if (err)
		report_na("ctx_switch_prio", "cannot start threads: %s", strerror(err));
	else
		report_ns("ctx_switch_prio", &p.s);
	sem_destroy(&p.sem);
out:
	samples_free(&p.s);
}

/* ---- semaphore ping-pong between equals ---- */

struct sem_pingpong {
	sem_t sem[2];			/* sem[i]: thread i waits on it */
	volatile uint64_t stamp;	/* counter before the last sem_post */
	struct samples s[2];
};

/* Each sample: from before one thread's sem_post() to the other's return
 * from sem_wait().  The poster keeps the CPU (equal priority) until it
 * blocks in its own sem_wait(), so a sample covers post, block, switch
 * and wake-up. */
static void sem_loop(struct sem_pingpong *p, int me)
{
	if (!pair_gate())
		return;
	if (me == 0) {
		p->stamp = counter_read();
		sem_post(&p->sem[1]);
	}
	for (unsigned int i = 0; i < osperf_iterations; i++) {
		while (sem_wait(&p->sem[me]) && errno == EINTR)
			;
		samples_add(&p->s[me], counter_read() - p->stamp);
		p->stamp = counter_read();
		sem_post(&p->sem[!me]);
	}
}

static void *sem_thread0(void *arg)
{
	sem_loop(arg, 0);
	return NULL;
}

static void *sem_thread1(void *arg)
{
	sem_loop(arg, 1);
	return NULL;
}

static void sem_wake(void)
{
	static const int prio[2] = { PRIO_EQUAL, PRIO_EQUAL };
	struct sem_pingpong p;
	struct samples all = { 0 };
	int err;

	memset(&p, 0, sizeof(p));
	if (!samples_init(&p.s[0], osperf_iterations, 1) ||
	    !samples_init(&p.s[1], osperf_iterations, 1) ||
	    !samples_init(&all, 2 * osperf_iterations, 1)) {
		report_na("sem_wake", "out of memory");
		goto out;
	}
	if (sem_init(&p.sem[0], 0, 0) || sem_init(&p.sem[1], 0, 0)) {
		report_na("sem_wake", "sem_init: %s", strerror(errno));
		goto out;
	}
	err = run_pair(sem_thread0, sem_thread1, &p, prio, on_cpu0);
	sem_destroy(&p.sem[0]);
	sem_destroy(&p.sem[1]);
	if (err) {
		report_na("sem_wake", "cannot start threads: %s", strerror(err));
		goto out;
	}
	for (int t = 0; t < 2; t++)
		for (unsigned int i = 0; i < p.s[t].n; i++)
			samples_add(&all, p.s[t].ticks[i]);
	report_ns("sem_wake", &all);
out:
	samples_free(&p.s[0]);
	samples_free(&p.s[1]);
	samples_free(&all);
}

/* ---- uncontended operations ---- */

static void sem_wait_post(void *arg)
{
	sem_wait(arg);
	sem_post(arg);
}

static void mutex_lock_unlock(void *arg)
{
	pthread_mutex_lock(arg);
	pthread_mutex_unlock(arg);
}

/* The cheapest kernel service, and a write that touches no page: what
 * entering the kernel costs (a call in the flat build, svc at EL0). */
static void null_call(void *arg)
{
	getppid();
}

static void write_null(void *arg)
{
	write(*(int *)arg, "osperf: 26 bytes to null\n", 26);
}

static void uncontended(void)
{
	sem_t sem;
	pthread_mutex_t mutex;
	int fd;

	if (sem_init(&sem, 0, 1)) {
		report_na("sem_uncontended", "sem_init: %s", strerror(errno));
	} else {
		measure_loop("sem_uncontended", sem_wait_post, &sem);
		sem_destroy(&sem);
	}
	if (pthread_mutex_init(&mutex, NULL)) {
		report_na("mutex_uncontended", "pthread_mutex_init failed");
	} else {
		measure_loop("mutex_uncontended", mutex_lock_unlock, &mutex);
		pthread_mutex_destroy(&mutex);
	}
	measure_loop("syscall_getppid", null_call, NULL);
	fd = open("/dev/null", O_WRONLY);
	if (fd < 0) {
		report_na("write_devnull", "/dev/null: %s", strerror(errno));
	} else {
		measure_loop("write_devnull", write_null, &fd);
		close(fd);
	}
}

void bench_sched(void)
{
	ctx_switch_yield();
	ctx_switch_prio();
	sem_wake();
	uncontended();
}

/* ---- creation ---- */

static void *nop_thread(void *arg)
{
	return arg;
}

/* ---- pthread_create to the new thread's first line ---- */

static volatile uint64_t first_line;

static void *stamp_thread(void *arg)
{
	first_line = counter_read();
	return arg;
}

/* The new thread is more urgent than its creator, so it runs at once:
 * each sample is pthread_create's entry to the new thread's first line
 * (on SMP, when the creator is not on CPU 0, that of another CPU). */
static void thread_create_first(void)
{
	struct samples s;
	pthread_t t;
	int saved[2], err;

	if (!samples_init(&s, osperf_iterations, 1)) {
		report_na("thread_create_first", "out of memory");
		return;
	}
	err = boost_self(PRIO_EQUAL, saved);
	bool boosted = !err;
	for (unsigned int i = 0; i < osperf_iterations && !err; i++) {
		uint64_t t0 = counter_read();
		err = start_thread(&t, stamp_thread, NULL, PRIO_HIGH, 0);
		if (!err) {
			samples_add(&s, first_line - t0);
			err = pthread_join(t, NULL);
		}
	}
	if (boosted)
		restore_self(saved);
	if (err)
		report_na("thread_create_first", "%s", strerror(err));
	else
		report_ns("thread_create_first", &s);
	samples_free(&s);
}

static void thread_create_join(void)
{
	struct samples s;
	pthread_t t;
	int err = 0;

	if (!samples_init(&s, osperf_iterations, 1)) {
		report_na("thread_create_join", "out of memory");
		return;
	}
	for (unsigned int i = 0; i < osperf_iterations && !err; i++) {
		uint64_t t0 = counter_read();
		err = pthread_create(&t, NULL, nop_thread, NULL);
		if (!err)
			err = pthread_join(t, NULL);
		samples_add(&s, counter_read() - t0);
	}
	if (err)
		report_na("thread_create_join", "%s", strerror(err));
	else
		report_ns("thread_create_join", &s);
	samples_free(&s);
}

/* 0 once pid has exited, else an errno value.  SIGCHLD may interrupt
 * the wait (it should not, being ignored by default, but costs nothing
 * to allow for). */
static int wait_child(pid_t pid)
{
	int status;
	pid_t r;

	while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	return r == pid ? 0 : errno;
}

static void task_spawn_wait(void)
{
	char *argv[] = { NOP_APP, NULL };
	struct samples s;
	pid_t pid;
	int err = 0;

	if (!posix_spawn || !waitpid) {
		report_na("task_spawn_wait", "no posix_spawn()/waitpid()");
		return;
	}
	if (!samples_init(&s, osperf_iterations, 1)) {
		report_na("task_spawn_wait", "out of memory");
		return;
	}
	for (unsigned int i = 0; i < osperf_iterations && !err; i++) {
		uint64_t t0 = counter_read();
		err = spawn_nop(&pid, NOP_APP, NULL, NULL, argv, NULL);
		if (!err)
			err = wait_child(pid);
		samples_add(&s, counter_read() - t0);
	}
	if (err)
		report_na("task_spawn_wait", "posix_spawn %s: %s", NOP_APP, strerror(err));
	else
		report_ns("task_spawn_wait", &s);
	samples_free(&s);
}

void bench_threads(void)
{
	thread_create_join();
	thread_create_first();
	task_spawn_wait();
}
