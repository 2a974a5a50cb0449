// SPDX-License-Identifier: BSD-2-Clause
/*
 * Pipes, FIFOs, poll and select: blocking and non-blocking transfer, end
 * of file and EPIPE, readiness with timeouts (both the timeout and the
 * early wake), a signal interrupting poll with EINTR, ppoll's mask; and
 * /dev/hwrng's non-blocking reads and poll when a virtio-rng is present.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ostest.h"

#define FIFO_PATH "/tmp/ostest.fifo"

static int fds[2];

static void *write_later(void *arg)
{
	ot_msleep((int)(intptr_t)arg);
	(void)!write(fds[1], "x", 1);
	return NULL;
}

static void io_pipe_basic(void)
{
	char buf[8];

	OT_ASSERT_OK(pipe(fds));
	OT_EXPECT_EQ(write(fds[1], "hello", 5), 5);
	OT_EXPECT_EQ(read(fds[0], buf, sizeof(buf)), 5);
	OT_EXPECT(memcmp(buf, "hello", 5) == 0);
	/* Non-blocking read of an empty pipe. */
	OT_EXPECT_OK(fcntl(fds[0], F_SETFL, O_NONBLOCK));
	OT_EXPECT_ERRNO(read(fds[0], buf, 1), EAGAIN);
	/* All writers gone: end of file. */
	close(fds[1]);
	OT_EXPECT_EQ(read(fds[0], buf, 1), 0);
	close(fds[0]);
	/* All readers gone: EPIPE, with SIGPIPE ignored. */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigaction(SIGPIPE, &ign, &old);
	if (OT_EXPECT_OK(pipe(fds))) {
		close(fds[0]);
		OT_EXPECT_ERRNO(write(fds[1], "x", 1), EPIPE);
		close(fds[1]);
	}
	sigaction(SIGPIPE, &old, NULL);
}

static void io_poll_timeout(void)
{
	struct pollfd p;
	int64_t t0;

	OT_ASSERT_OK(pipe(fds));
	p = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	t0 = ot_now_ns();
	OT_EXPECT_EQ(poll(&p, 1, 50), 0);		/* times out */
	OT_EXPECT_ELAPSED(ot_now_ns() - t0, 50);
	OT_EXPECT_EQ(p.revents, 0);
	p.fd = fds[1];
	p.events = POLLOUT;
	OT_EXPECT_EQ(poll(&p, 1, 0), 1);		/* writable at once */
	OT_EXPECT(p.revents & POLLOUT);
	close(fds[0]);
	close(fds[1]);
}

static void io_poll_early_wake(void)
{
	struct pollfd p;
	pthread_t t;
	int64_t t0;

	OT_ASSERT_OK(pipe(fds));
	p = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	t0 = ot_now_ns();
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO, write_later, (void *)20), 0)) {
		OT_EXPECT_EQ(poll(&p, 1, 5000), 1);
		OT_EXPECT(p.revents & POLLIN);
		OT_EXPECT_ELAPSED(ot_now_ns() - t0, 20);	/* woken, not timed out */
		pthread_join(t, NULL);
		/* The writer closing shows as POLLHUP. */
		close(fds[1]);
		char c;
		OT_EXPECT_EQ(read(fds[0], &c, 1), 1);
		OT_EXPECT_EQ(poll(&p, 1, 0), 1);
		OT_EXPECT(p.revents & POLLHUP);
	} else {
		close(fds[1]);
	}
	close(fds[0]);
}

static void io_select(void)
{
	struct timeval tv = { 0, 30000 };
	fd_set rd;
	pthread_t t;
	int64_t t0;

	OT_ASSERT_OK(pipe(fds));
	FD_ZERO(&rd);
	FD_SET(fds[0], &rd);
	t0 = ot_now_ns();
	OT_EXPECT_EQ(select(fds[0] + 1, &rd, NULL, NULL, &tv), 0);
	OT_EXPECT_ELAPSED(ot_now_ns() - t0, 30);
	OT_EXPECT(!FD_ISSET(fds[0], &rd));
	FD_SET(fds[0], &rd);
	tv = (struct timeval){ 5, 0 };
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO, write_later, (void *)10), 0)) {
		OT_EXPECT_EQ(select(fds[0] + 1, &rd, NULL, NULL, &tv), 1);
		OT_EXPECT(FD_ISSET(fds[0], &rd));
		pthread_join(t, NULL);
	}
	/* A descriptor that is not open: EBADF. */
	FD_ZERO(&rd);
	FD_SET(60, &rd);
	tv = (struct timeval){ 0, 0 };
	OT_EXPECT_ERRNO(select(61, &rd, NULL, NULL, &tv), EBADF);
	close(fds[0]);
	close(fds[1]);
}

/* Shared with the other areas' EINTR cases (ostest.h). */
volatile int ot_handled;

void ot_on_usr1(int sig)
{
	ot_handled = sig;
}

void *ot_usr1_later(void *arg)
{
	ot_msleep(20);
	pthread_kill(*(pthread_t *)arg, SIGUSR1);
	return NULL;
}

static void io_poll_eintr(void)
{
	struct sigaction sa = { .sa_handler = ot_on_usr1 }, old;
	pthread_t self = pthread_self(), t;
	struct pollfd p;

	ot_handled = 0;
	OT_ASSERT_OK(pipe(fds));
	sigaction(SIGUSR1, &sa, &old);
	p = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO, ot_usr1_later, &self), 0)) {
		/* poll is never restarted, SA_RESTART or not (POSIX 2.4.4). */
		OT_EXPECT_ERRNO(poll(&p, 1, 5000), EINTR);
		OT_EXPECT_EQ(ot_handled, SIGUSR1);
		pthread_join(t, NULL);
	}
	sigaction(SIGUSR1, &old, NULL);
	close(fds[0]);
	close(fds[1]);
}

/* ppoll's mask applies during the wait only: SIGUSR1, blocked around
 * the call, interrupts it, and is blocked again afterwards. */
static void io_ppoll_mask(void)
{
	struct sigaction sa = { .sa_handler = ot_on_usr1 }, old;
	pthread_t self = pthread_self(), t;
	sigset_t usr1, during, now;
	struct timespec ts = { 5, 0 };
	struct pollfd p;

	ot_handled = 0;
	OT_ASSERT_OK(pipe(fds));
	sigaction(SIGUSR1, &sa, &old);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	pthread_sigmask(SIG_SETMASK, NULL, &during);
	sigdelset(&during, SIGUSR1);
	p = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO, ot_usr1_later, &self), 0)) {
		OT_EXPECT_ERRNO(ppoll(&p, 1, &ts, &during), EINTR);
		OT_EXPECT_EQ(ot_handled, SIGUSR1);
		pthread_sigmask(SIG_SETMASK, NULL, &now);
		OT_EXPECT(sigismember(&now, SIGUSR1));
		ts.tv_nsec = 1000000000;
		OT_EXPECT_ERRNO(ppoll(&p, 1, &ts, NULL), EINVAL);
		pthread_join(t, NULL);
	}
	pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
	sigaction(SIGUSR1, &old, NULL);
	close(fds[0]);
	close(fds[1]);
}

static void *fifo_writer(void *arg)
{
	int fd = open(FIFO_PATH, O_WRONLY);	/* blocks until a reader */

	if (fd >= 0) {
		(void)!write(fd, "fifo", 4);
		close(fd);
	}
	return (void *)(intptr_t)fd;
}

static void io_fifo(void)
{
	char buf[8] = "";
	pthread_t t;
	void *wfd;
	int fd;

	unlink(FIFO_PATH);
	OT_ASSERT_OK(mkfifo(FIFO_PATH, 0600));
	OT_EXPECT_ERRNO(mkfifo(FIFO_PATH, 0600), EEXIST);
	/* No reader yet: a non-blocking writer is refused. */
	OT_EXPECT_ERRNO(open(FIFO_PATH, O_WRONLY | O_NONBLOCK), ENXIO);
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO, fifo_writer, NULL), 0)) {
		fd = open(FIFO_PATH, O_RDONLY);		/* meets the writer */
		OT_EXPECT_GE(fd, 0);
		if (fd >= 0) {
			OT_EXPECT_EQ(read(fd, buf, sizeof(buf)), 4);
			OT_EXPECT(memcmp(buf, "fifo", 4) == 0);
			OT_EXPECT_EQ(read(fd, buf, 1), 0);	/* writer closed */
			close(fd);
		}
		pthread_join(t, &wfd);
		OT_EXPECT_GE((intptr_t)wfd, 0);
	}
	OT_EXPECT_OK(unlink(FIFO_PATH));
}

/* /dev/hwrng (virtio-rng), when the machine has one: a non-blocking read
 * returns what the driver has (its pool, and what refills complete while
 * it copies) or EAGAIN, and poll then announces the refill; a blocking
 * read waits for refills until it is served whole. */
static void io_hwrng(void)
{
	uint8_t buf[512];
	size_t got = 0;
	int waits = 0, fd = open("/dev/hwrng", O_RDONLY | O_NONBLOCK);

	if (fd < 0 && errno == ENOENT) {
		ot_log("io.hwrng: no /dev/hwrng on this machine\n");
		return;
	}
	OT_ASSERT_OK(fd);
	for (int i = 0; i < 128 && got < 4096; i++) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		OT_EXPECT_EQ(n, -1);
		OT_EXPECT_EQ(errno, EAGAIN);
		waits++;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		OT_EXPECT_EQ(poll(&p, 1, 2000), 1);
		OT_EXPECT(p.revents & POLLIN);
	}
	OT_EXPECT_GE(got, 4096);
	OT_EXPECT_OK(fcntl(fd, F_SETFL, 0));
	for (int i = 0; i < 4; i++)
		OT_EXPECT_EQ(read(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	ot_log("io.hwrng: %zu bytes without blocking (%d EAGAIN), 4 x %zu "
	       "blocking\n", got, waits, sizeof(buf));
	close(fd);
}

OT_AREA(io,
	OT_CASE(io, pipe_basic, 5),
	OT_CASE(io, poll_timeout, 5),
	OT_CASE(io, poll_early_wake, 10),
	OT_CASE(io, select, 10),
	OT_CASE(io, poll_eintr, 10),
	OT_CASE(io, ppoll_mask, 10),
	OT_CASE(io, fifo, 10),
	OT_CASE(io, hwrng, 10));
