// SPDX-License-Identifier: BSD-2-Clause
/*
 * osperf: communication between threads.  A message-queue round trip
 * (request and reply through two queues), a signal round trip
 * (pthread_kill to a handler that posts a semaphore back), a one-byte
 * pipe round trip (through two pipes) and pipe throughput with 4 KiB
 * writes.  Both threads of each test run on CPU 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "osperf.h"

/* Optional APIs (see osperf.c on weak references). */
#pragma weak mq_open
#pragma weak pthread_kill
#pragma weak sigaction
#pragma weak pipe

static const int on_cpu0[2] = { 0, 0 };
static const int equal_prio[2] = { PRIO_EQUAL, PRIO_EQUAL };

/* ---- message queues ---- */

#define MQ_REQUEST "/osperf_req"
#define MQ_REPLY "/osperf_rep"
#define MQ_MSGSIZE 16

struct mq_pingpong {
	mqd_t req, rep;
	struct samples s;
	int err;
};

/* Sends a request, waits for the reply: one sample per round trip. */
static void *mq_client(void *arg)
{
	struct mq_pingpong *p = arg;
	char msg[MQ_MSGSIZE] = "ping";

	if (!pair_gate())
		return NULL;
	for (unsigned int i = 0; i < osperf_iterations; i++) {
		uint64_t t0 = counter_read();
		if (mq_send(p->req, msg, sizeof(msg), 0) ||
		    mq_receive(p->rep, msg, sizeof(msg), NULL) < 0) {
			p->err = errno;
			return NULL;
		}
		samples_add(&p->s, counter_read() - t0);
	}
	return NULL;
}

static void *mq_server(void *arg)
{
	struct mq_pingpong *p = arg;
	char msg[MQ_MSGSIZE];

	if (!pair_gate())
		return NULL;
	for (unsigned int i = 0; i < osperf_iterations && !p->err; i++) {
		if (mq_receive(p->req, msg, sizeof(msg), NULL) < 0 ||
		    mq_send(p->rep, msg, sizeof(msg), 0)) {
			p->err = errno;
			return NULL;
		}
	}
	return NULL;
}

static mqd_t open_queue(const char *name)
{
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = MQ_MSGSIZE };

	mq_unlink(name);	/* a queue left by an interrupted run */
	return mq_open(name, O_CREAT | O_RDWR, 0600, &attr);
}

static void mq_roundtrip(void)
{
	struct mq_pingpong p = { .err = 0 };
	int err;

	if (!mq_open) {
		report_na("mq_roundtrip", "no mq_open()");
		return;
	}
	if (!samples_init(&p.s, osperf_iterations, 1)) {
		report_na("mq_roundtrip", "out of memory");
		return;
	}
	p.req = open_queue(MQ_REQUEST);
	p.rep = p.req == (mqd_t)-1 ? (mqd_t)-1 : open_queue(MQ_REPLY);
	if (p.rep == (mqd_t)-1) {
		report_na("mq_roundtrip", "mq_open: %s", strerror(errno));
		goto out;
	}
	err = run_pair(mq_client, mq_server, &p, equal_prio, on_cpu0);
	if (err || p.err)
		report_na("mq_roundtrip", "%s", strerror(err ? err : p.err));
	else
		report_ns("mq_roundtrip", &p.s);
out:
	if (p.req != (mqd_t)-1)
		mq_close(p.req);
	if (p.rep != (mqd_t)-1)
		mq_close(p.rep);
	mq_unlink(MQ_REQUEST);
	mq_unlink(MQ_REPLY);
	samples_free(&p.s);
}

/* ---- signals ---- */

struct sig_pingpong {
	sem_t idle;		/* the target waits here between signals */
	sem_t back;		/* posted by the handler */
	pthread_t target;
	volatile bool stop;
	struct samples s;
};

/* The handler runs in the target thread; it can only reach its state
 * through a static. */
static struct sig_pingpong *sig_state;

static void on_sigusr1(int sig)
{
	sem_post(&sig_state->back);
}

/* More urgent than the sender, so each pthread_kill() switches to it at
 * once; it waits interruptibly in between. */
static void *sig_target(void *arg)
{
	struct sig_pingpong *p = arg;

	p->target = pthread_self();
	if (!pair_gate())
		return NULL;
	while (!p->stop)
		sem_wait(&p->idle);	/* EINTR after each handler */
	return NULL;
}

static void *sig_sender(void *arg)
{
	struct sig_pingpong *p = arg;

	if (!pair_gate())
		return NULL;
	for (unsigned int i = 0; i < osperf_iterations; i++) {
		uint64_t t0 = counter_read();
		if (pthread_kill(p->target, SIGUSR1))
			break;
		while (sem_wait(&p->back) && errno == EINTR)
			;
		samples_add(&p->s, counter_read() - t0);
	}
	p->stop = true;
	sem_post(&p->idle);
	return NULL;
}

static void signal_roundtrip(void)
{
	static const int prio[2] = { PRIO_HIGH, PRIO_LOW };	/* target first */
	struct sig_pingpong p;
	struct sigaction sa, old;
	int err;

	if (!pthread_kill || !sigaction) {
		report_na("signal_roundtrip", "no pthread_kill()/sigaction()");
		return;
	}
	memset(&p, 0, sizeof(p));
	if (!samples_init(&p.s, osperf_iterations, 1)) {
		report_na("signal_roundtrip", "out of memory");
		return;
	}
	sem_init(&p.idle, 0, 0);
	sem_init(&p.back, 0, 0);
	sig_state = &p;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr1;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, &old)) {
		report_na("signal_roundtrip", "sigaction: %s", strerror(errno));
		goto out;
	}
	err = run_pair(sig_target, sig_sender, &p, prio, on_cpu0);
	sigaction(SIGUSR1, &old, NULL);
	if (err)
		report_na("signal_roundtrip", "cannot start threads: %s", strerror(err));
	else
		report_ns("signal_roundtrip", &p.s);
out:
	sem_destroy(&p.idle);
	sem_destroy(&p.back);
	samples_free(&p.s);
}

/* ---- pipes ---- */

/* ---- pipe round trip ---- */

struct pipe_pingpong {
	int req[2], rep[2];	/* pipe(): [0] read end, [1] write end */
	struct samples s;
	int err;
};

/* Moves one byte from fd in to fd out (either may be -1: only the
 * other way); 0 or an errno value. */
static int pipe_step(int in, int out)
{
	char c = 'p';

	if (in >= 0 && read(in, &c, 1) != 1)
		return errno ? errno : EIO;
	if (out >= 0 && write(out, &c, 1) != 1)
		return errno ? errno : EIO;
	return 0;
}

static void *pipe_client(void *arg)
{
	struct pipe_pingpong *p = arg;

	if (!pair_gate())
		return NULL;
	for (unsigned int i = 0; i < osperf_iterations && !p->err; i++) {
		uint64_t t0 = counter_read();
		if ((p->err = pipe_step(-1, p->req[1])) ||
		    (p->err = pipe_step(p->rep[0], -1)))
			break;
		samples_add(&p->s, counter_read() - t0);
	}
	close(p->req[1]);	/* the server reads the end and stops */
	p->req[1] = -1;
	return NULL;
}

static void *pipe_server(void *arg)
{
	struct pipe_pingpong *p = arg;

	if (!pair_gate())
		return NULL;
	while (!pipe_step(p->req[0], p->rep[1]))
		;
	return NULL;
}

static void pipe_roundtrip(void)
{
	struct pipe_pingpong p = { .req = { -1, -1 }, .rep = { -1, -1 } };
	int err;

	if (!pipe) {
		report_na("pipe_roundtrip", "no pipe()");
		return;
	}
	if (!samples_init(&p.s, osperf_iterations, 1)) {
		report_na("pipe_roundtrip", "out of memory");
		return;
	}
	if (pipe(p.req) || pipe(p.rep)) {
		report_na("pipe_roundtrip", "pipe: %s", strerror(errno));
		goto out;
	}
	err = run_pair(pipe_client, pipe_server, &p, equal_prio, on_cpu0);
	if (err || p.err)
		report_na("pipe_roundtrip", "%s", strerror(err ? err : p.err));
	else
		report_ns("pipe_roundtrip", &p.s);
out:
	for (int i = 0; i < 2; i++) {
		if (p.req[i] >= 0)
			close(p.req[i]);
		if (p.rep[i] >= 0)
			close(p.rep[i]);
	}
	samples_free(&p.s);
}

/* ---- pipe throughput ---- */

#define PIPE_CHUNK 4096
#define PIPE_TOTAL (4u << 20)

struct pipe_flow {
	int fd[2];
	uint64_t start, end;
	int err;
	char *wbuf, *rbuf;	/* PIPE_CHUNK each: heap, not bss (used here only) */
};

static void *pipe_writer(void *arg)
{
	struct pipe_flow *p = arg;

	if (!pair_gate())
		return NULL;
	p->start = counter_read();
	for (size_t done = 0; done < PIPE_TOTAL; done += PIPE_CHUNK)
		if (write(p->fd[1], p->wbuf, PIPE_CHUNK) != PIPE_CHUNK) {
			p->err = errno ? errno : EIO;
			break;
		}
	close(p->fd[1]);	/* the reader sees the end of the data */
	p->fd[1] = -1;
	return NULL;
}

static void *pipe_reader(void *arg)
{
	struct pipe_flow *p = arg;
	size_t got = 0;
	ssize_t n;

	if (!pair_gate())
		return NULL;
	while ((n = read(p->fd[0], p->rbuf, PIPE_CHUNK)) > 0)
		got += (size_t)n;
	p->end = counter_read();
	if (got != PIPE_TOTAL && !p->err)
		p->err = n < 0 ? errno : EIO;
	return NULL;
}

static void pipe_throughput(void)
{
	struct pipe_flow p = { .err = 0 };
	int err;

	if (!pipe) {
		report_na("pipe_throughput", "no pipe()");
		return;
	}
	p.wbuf = calloc(1, PIPE_CHUNK);
	p.rbuf = malloc(PIPE_CHUNK);
	if (!p.wbuf || !p.rbuf) {
		report_na("pipe_throughput", "out of memory");
		goto out;
	}
	if (pipe(p.fd)) {
		report_na("pipe_throughput", "pipe: %s", strerror(errno));
		goto out;
	}
	err = run_pair(pipe_writer, pipe_reader, &p, equal_prio, on_cpu0);
	close(p.fd[0]);
	if (p.fd[1] >= 0)
		close(p.fd[1]);
	if (err || p.err)
		report_na("pipe_throughput", "%s", strerror(err ? err : p.err));
	else
		report_mb_s("pipe_throughput_mb_s", PIPE_TOTAL, p.end - p.start);
out:
	free(p.wbuf);
	free(p.rbuf);
}

void bench_ipc(void)
{
	mq_roundtrip();
	signal_roundtrip();
	pipe_roundtrip();
	pipe_throughput();
}
