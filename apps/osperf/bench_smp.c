// SPDX-License-Identifier: BSD-2-Clause
/*
 * osperf: cross-CPU wake-up.  A thread pinned to CPU 1 waits on a
 * semaphore that a thread pinned to CPU 0 posts; a sample runs from
 * before sem_post to the waiter running, so it includes the
 * inter-processor interrupt and CPU 1 leaving its idle wait.
 */
#include <errno.h>
#include <semaphore.h>
#include <string.h>
#include "osperf.h"

struct cross_wake {
	sem_t wake, ack;
	volatile uint64_t stamp;
	struct samples s;
};

static void *waiter(void *arg)
{
	struct cross_wake *p = arg;

	if (!pair_gate())
		return NULL;
	for (unsigned int i = 0; i < osperf_iterations; i++) {
		while (sem_wait(&p->wake) && errno == EINTR)
			;
		samples_add(&p->s, counter_read() - p->stamp);
		sem_post(&p->ack);
	}
	return NULL;
}

/* Waits for each acknowledgement, so the next post finds the waiter
 * blocked again and its CPU idle. */
static void *poster(void *arg)
{
	struct cross_wake *p = arg;

	if (!pair_gate())
		return NULL;
	for (unsigned int i = 0; i < osperf_iterations; i++) {
		p->stamp = counter_read();
		sem_post(&p->wake);
		while (sem_wait(&p->ack) && errno == EINTR)
			;
	}
	return NULL;
}

void bench_smp(void)
{
	static const int prio[2] = { PRIO_HIGH, PRIO_HIGH };
	static const int cpu[2] = { 1, 0 };
	struct cross_wake p;
	int err;

	if (online_cpus() < 2) {
		report_na("cross_cpu_wake", "one CPU");
		return;
	}
	if (!affinity_available()) {
		report_na("cross_cpu_wake", "no CPU affinity");
		return;
	}
	memset(&p, 0, sizeof(p));
	if (!samples_init(&p.s, osperf_iterations, 1)) {
		report_na("cross_cpu_wake", "out of memory");
		return;
	}
	sem_init(&p.wake, 0, 0);
	sem_init(&p.ack, 0, 0);
	err = run_pair(waiter, poster, &p, prio, cpu);
	if (err)
		report_na("cross_cpu_wake", "cannot start threads: %s", strerror(err));
	else
		report_ns("cross_cpu_wake", &p.s);
	sem_destroy(&p.wake);
	sem_destroy(&p.ack);
	samples_free(&p.s);
}
