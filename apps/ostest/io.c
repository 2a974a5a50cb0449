// SPDX-License-Identifier: BSD-2-Clause
/*
 * Pipes, FIFOs, poll and select: blocking and non-blocking transfer, end
 * of file and EPIPE, readiness with timeouts (both the timeout and the
 * early wake), a signal interrupting poll with EINTR, ppoll's mask;
 * /dev/hwrng's non-blocking reads and poll when a virtio-rng is present;
 * a terminal's foreground task (tcsetpgrp).
 *
 * The tty area: a raw serial port whose peer echoes every byte back
 * ($OSTEST_TTY, by default /dev/ttyV1, where tests/qemu/test_console.py
 * puts a virtio serial port with an echoing host): non-blocking reads and
 * writes, poll, a blocking read woken by data and by a signal, and a
 * transfer larger than every buffer on the way.  It runs only when named
 * (`ostest tty`).
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
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
	/* With a handler: it has run when write returns (the signal is
	 * the calling thread's own). */
	struct sigaction catch = { .sa_handler = ot_on_usr1 };
	sigaction(SIGPIPE, &catch, NULL);
	ot_handled = 0;
	if (OT_EXPECT_OK(pipe(fds))) {
		close(fds[0]);
		OT_EXPECT_ERRNO(write(fds[1], "x", 1), EPIPE);
		OT_EXPECT_EQ(ot_handled, SIGPIPE);
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

/* tcsetpgrp names the task that gets the terminal's Ctrl-C. */
static void io_tty_foreground(void)
{
	int fd = open("/dev/console", O_RDWR);
	pid_t old;

	OT_ASSERT(fd >= 0);
	old = tcgetpgrp(fd);
	OT_EXPECT_GE(old, 0);
	OT_EXPECT_OK(tcsetpgrp(fd, getpid()));
	OT_EXPECT_EQ(tcgetpgrp(fd), getpid());
	OT_EXPECT_ERRNO(tcsetpgrp(fd, -1), EINVAL);
	OT_EXPECT_OK(tcsetpgrp(fd, old));
	close(fd);
	if (OT_EXPECT_OK(pipe(fds))) {
		OT_EXPECT_ERRNO(tcgetpgrp(fds[0]), ENOTTY);
		OT_EXPECT_ERRNO(tcsetpgrp(fds[0], getpid()), ENOTTY);
		close(fds[0]);
		close(fds[1]);
	}
}

/* ---- the tty area: a port with an echoing peer ---- */

#define TTY_ECHO_MS 5000	/* the echo's round trip, generously */
#define TTY_BULK 24576		/* more than every ring on the way */

/* Opens the port and drops what an earlier case left in it. */
static int tty_open(int flags)
{
	const char *path = getenv("OSTEST_TTY");
	char junk[64];
	int fd = open(path ? path : "/dev/ttyV1", O_RDWR | O_NONBLOCK);

	if (fd < 0) {
		OT_FAIL("open %s: %s", path ? path : "/dev/ttyV1", strerror(errno));
		return -1;
	}
	while (read(fd, junk, sizeof(junk)) > 0)
		;
	fcntl(fd, F_SETFL, flags);
	return fd;
}

/* Reads exactly len bytes, each wait bounded by poll; false on failure. */
static bool tty_read_all(int fd, void *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t got = 0;

	while (got < len) {
		ssize_t n;

		if (poll(&p, 1, TTY_ECHO_MS) != 1) {
			OT_FAIL("%zu of %zu bytes came back", got, len);
			return false;
		}
		n = read(fd, (char *)buf + got, len - got);
		if (n <= 0 && !(n < 0 && errno == EAGAIN)) {
			OT_FAIL("read: %zd (%s)", n, strerror(errno));
			return false;
		}
		got += n > 0 ? (size_t)n : 0;
	}
	return true;
}

static void tty_nonblock_poll(void)
{
	struct pollfd p;
	char buf[8];
	int fd = tty_open(O_NONBLOCK);

	if (fd < 0)
		return;
	p = (struct pollfd){ .fd = fd, .events = POLLIN | POLLOUT };
	OT_EXPECT_ERRNO(read(fd, buf, sizeof(buf)), EAGAIN);
	OT_EXPECT_EQ(poll(&p, 1, 0), 1);
	OT_EXPECT_EQ(p.revents, POLLOUT);		/* writable, nothing to read */
	OT_EXPECT_EQ(write(fd, "ping", 4), 4);
	p.events = POLLIN;
	OT_EXPECT_EQ(poll(&p, 1, TTY_ECHO_MS), 1);	/* woken by the echo */
	OT_EXPECT(p.revents & POLLIN);
	if (tty_read_all(fd, buf, 4))
		OT_EXPECT(memcmp(buf, "ping", 4) == 0);
	OT_EXPECT_ERRNO(read(fd, buf, sizeof(buf)), EAGAIN);
	close(fd);
}

static int tty_fd;

static void *tty_write_later(void *arg)
{
	ot_msleep(20);
	(void)!write(tty_fd, arg, strlen(arg));
	return NULL;
}

/* A blocking read waits for data; a signal ends the wait with EINTR. */
static void tty_blocking_read(void)
{
	struct sigaction sa = { .sa_handler = ot_on_usr1 }, old;
	pthread_t self = pthread_self(), t;
	char buf[8] = "";
	int64_t t0 = ot_now_ns();

	tty_fd = tty_open(0);
	if (tty_fd < 0)
		return;
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO, tty_write_later, "pong"), 0)) {
		ssize_t n = read(tty_fd, buf, 4);	/* waits for the echo */

		OT_EXPECT_GE(ot_now_ns() - t0, 20 * NS_PER_MS);
		if (OT_CMP_(n, >=, 1) && tty_read_all(tty_fd, buf + n, 4 - n))
			OT_EXPECT(memcmp(buf, "pong", 4) == 0);
		pthread_join(t, NULL);
	}
	ot_handled = 0;
	sigaction(SIGUSR1, &sa, &old);
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO, ot_usr1_later, &self), 0)) {
		OT_EXPECT_ERRNO(read(tty_fd, buf, 1), EINTR);
		OT_EXPECT_EQ(ot_handled, SIGUSR1);
		pthread_join(t, NULL);
	}
	sigaction(SIGUSR1, &old, NULL);
	close(tty_fd);
}

static uint8_t tty_pattern(size_t i)
{
	return (uint8_t)(i * 7 + i / 251);
}

static void *tty_bulk_writer(void *arg)
{
	uint8_t *out = arg;
	size_t done = 0;

	while (done < TTY_BULK) {
		ssize_t n = write(tty_fd, out + done, TTY_BULK - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	return (void *)done;
}

/* Blocking writes that fill the transmit ring, the device and the peer,
 * read back in order while they go on. */
static void tty_bulk(void)
{
	uint8_t *out = malloc(TTY_BULK), *in = malloc(TTY_BULK);
	void *written;
	pthread_t t;

	tty_fd = tty_open(0);
	if (!out || !in || tty_fd < 0) {
		OT_EXPECT(out && in);
		goto out;
	}
	for (size_t i = 0; i < TTY_BULK; i++)
		out[i] = tty_pattern(i);
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO, tty_bulk_writer, out), 0)) {
		if (tty_read_all(tty_fd, in, TTY_BULK))
			OT_EXPECT(memcmp(in, out, TTY_BULK) == 0);
		pthread_join(t, &written);
		OT_EXPECT_EQ((size_t)written, TTY_BULK);
	}
out:
	if (tty_fd >= 0)
		close(tty_fd);
	free(out);
	free(in);
}

OT_AREA(tty,
	OT_CASE(tty, nonblock_poll, 15),
	OT_CASE(tty, blocking_read, 15),
	OT_CASE(tty, bulk, 30));

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

/* pread/pwrite on seekable devices read and write at the offset and
 * leave the file's own alone; pipes say ESPIPE.  /dev/null is no
 * terminal; its lseek checks whence. */
static void io_device_offsets(void)
{
	char buf[4] = "abc";
	int fd = open("/dev/zero", O_RDWR);

	OT_ASSERT_OK(fd);
	OT_EXPECT_EQ(lseek(fd, 7, SEEK_SET), 7);
	OT_EXPECT_EQ(pread(fd, buf, sizeof(buf), 4096), 4);
	OT_EXPECT(buf[0] == 0 && buf[3] == 0);
	OT_EXPECT_EQ(pwrite(fd, "xy", 2, 100), 2);
	OT_EXPECT_ERRNO(pread(fd, buf, 1, -1), EINVAL);
	OT_EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 7);
	OT_EXPECT_EQ(lseek(fd, 5, SEEK_CUR), 12);
	OT_EXPECT_ERRNO(lseek(fd, 0, 42), EINVAL);
	OT_EXPECT_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL);
	close(fd);
	fd = open("/dev/null", O_RDWR);
	OT_ASSERT_OK(fd);
	OT_EXPECT_EQ(pread(fd, buf, 1, 10), 0);
	OT_EXPECT_EQ(isatty(fd), 0);
	OT_EXPECT_EQ(errno, ENOTTY);
	close(fd);
	OT_ASSERT_OK(pipe(fds));
	OT_EXPECT_ERRNO(pread(fds[0], buf, 1, 0), ESPIPE);
	OT_EXPECT_ERRNO(pwrite(fds[1], buf, 1, 0), ESPIPE);
	OT_EXPECT_EQ(isatty(fds[0]), 0);
	close(fds[0]);
	close(fds[1]);
	OT_EXPECT_EQ(isatty(-1), 0);
	OT_EXPECT_EQ(errno, EBADF);
}

OT_AREA(io,
	OT_CASE(io, device_offsets, 5),
	OT_CASE(io, pipe_basic, 5),
	OT_CASE(io, poll_timeout, 5),
	OT_CASE(io, poll_early_wake, 10),
	OT_CASE(io, select, 10),
	OT_CASE(io, poll_eintr, 10),
	OT_CASE(io, ppoll_mask, 10),
	OT_CASE(io, fifo, 10),
	OT_CASE(io, hwrng, 10),
	OT_CASE(io, tty_foreground, 5));
