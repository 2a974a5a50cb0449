// SPDX-License-Identifier: BSD-2-Clause
/*
 * osperf: timer and interrupt latency.  The kernel-level part (irqlat.c)
 * times a kernel timer's deadline to its callback and to the thread it
 * wakes; the POSIX part times, as an application sees them, the deadline
 * of clock_nanosleep(TIMER_ABSTIME) to the sleeper running again and the
 * deadline of a POSIX timer to its signal handler.
 */
#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include "osperf.h"

#pragma weak clock_nanosleep
#pragma weak clock_gettime
#pragma weak timer_create
#pragma weak sigaction

#define NS_PER_S 1000000000ull

static uint64_t ns_to_ticks(uint64_t ns)
{
	unsigned __int128 t = (unsigned __int128)ns * counter_freq();

	return (uint64_t)((t + NS_PER_S / 2) / NS_PER_S);
}

static void irq_latency(void)
{
#ifdef VIREO_EL0
	/* A kernel timer's callback: kernel code, not a process's. */
	report_na("irq_latency_handler", "kernel timers: not from a process");
	report_na("irq_latency_thread", "kernel timers: not from a process");
#else
	struct samples handler = { 0 }, thread = { 0 };
	int saved[2];

	if (!samples_init(&handler, osperf_iterations, 1) ||
	    !samples_init(&thread, osperf_iterations, 1)) {
		report_na("irq_latency_handler", "out of memory");
		report_na("irq_latency_thread", "out of memory");
		goto out;
	}
	/* Above the shell and anything else an idle system runs. */
	boost_self(PRIO_HIGH, saved);
	handler.n = thread.n = irqlat_run(handler.ticks, thread.ticks, handler.cap);
	restore_self(saved);
	report_ns("irq_latency_handler", &handler);
	report_ns("irq_latency_thread", &thread);
out:
	samples_free(&handler);
	samples_free(&thread);
#endif
}

static uint64_t timespec_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * NS_PER_S + (uint64_t)ts->tv_nsec;
}

/* Deadline of the next POSIX sleep or timer expiry, in ns on
 * CLOCK_MONOTONIC: 100 us ahead plus an offset that wanders (irqlat.c). */
static uint64_t next_deadline_ns(unsigned int i)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return timespec_ns(&now) + 100000 + (i * 7919u) % 16000u;
}

/* Absolute sleeps 100 us ahead; the latency is read on CLOCK_MONOTONIC,
 * which counts the same counter, and kept in ticks like the rest. */
static void timer_sleep_wake(void)
{
	struct samples s;
	struct timespec now, deadline;
	int saved[2], err = 0;

	if (!clock_nanosleep || !clock_gettime) {
		report_na("timer_sleep_wake", "no clock_nanosleep()");
		return;
	}
	if (!samples_init(&s, osperf_iterations, 1)) {
		report_na("timer_sleep_wake", "out of memory");
		return;
	}
	boost_self(PRIO_HIGH, saved);
	for (unsigned int i = 0; i < osperf_iterations && !err; i++) {
		uint64_t d = next_deadline_ns(i);
		deadline.tv_sec = d / NS_PER_S;
		deadline.tv_nsec = d % NS_PER_S;
		err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!err)
			samples_add(&s, ns_to_ticks(timespec_ns(&now) - d));
	}
	restore_self(saved);
	if (err)
		report_na("timer_sleep_wake", "clock_nanosleep: %s", strerror(err));
	else
		report_ns("timer_sleep_wake", &s);
	samples_free(&s);
}

static volatile uint64_t timer_signal_ns;	/* CLOCK_MONOTONIC in the handler */
static sem_t timer_fired;

static void on_timer_signal(int sig)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	timer_signal_ns = timespec_ns(&now);
	sem_post(&timer_fired);
}

/* Waits for the handler's post, for one second at most: a signal that
 * never comes ends the test rather than hanging osperf. */
static int wait_fired(void)
{
	struct timespec limit;

	clock_gettime(CLOCK_REALTIME, &limit);
	limit.tv_sec += 1;
	while (sem_timedwait(&timer_fired, &limit))
		if (errno != EINTR)
			return errno;
	return 0;
}

/* Arms the timer for each deadline and waits for the handler's post. */
static int timer_signal_loop(timer_t timer, struct samples *s)
{
	for (unsigned int i = 0; i < osperf_iterations; i++) {
		uint64_t d = next_deadline_ns(i);
		struct itimerspec its = {
			.it_value = { .tv_sec = d / NS_PER_S, .tv_nsec = d % NS_PER_S },
		};
		int err;

		if (timer_settime(timer, TIMER_ABSTIME, &its, NULL))
			return errno;
		err = wait_fired();
		if (err)
			return err;
		samples_add(s, ns_to_ticks(timer_signal_ns - d));
	}
	return 0;
}

static void timer_signal(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
	struct sigaction sa, old;
	struct samples s;
	timer_t timer;
	int saved[2], err;

	if (!timer_create || !sigaction || !clock_gettime) {
		report_na("timer_signal", "no timer_create()/sigaction()");
		return;
	}
	if (!samples_init(&s, osperf_iterations, 1)) {
		report_na("timer_signal", "out of memory");
		return;
	}
	sem_init(&timer_fired, 0, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_timer_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR2, &sa, &old)) {
		report_na("timer_signal", "sigaction: %s", strerror(errno));
		goto out;
	}
	if (timer_create(CLOCK_MONOTONIC, &ev, &timer)) {
		report_na("timer_signal", "timer_create: %s", strerror(errno));
		goto out_action;
	}
	boost_self(PRIO_HIGH, saved);
	err = timer_signal_loop(timer, &s);
	restore_self(saved);
	timer_delete(timer);
	if (err == ETIMEDOUT)
		report_na("timer_signal", "expiry %u sent no signal within 1 s", s.n + 1);
	else if (err)
		report_na("timer_signal", "timer_settime: %s", strerror(err));
	else
		report_ns("timer_signal", &s);
out_action:
	sigaction(SIGUSR2, &old, NULL);
out:
	sem_destroy(&timer_fired);
	samples_free(&s);
}

void bench_timer(void)
{
	irq_latency();
	timer_sleep_wake();
	timer_signal();
}
