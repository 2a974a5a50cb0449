// SPDX-License-Identifier: BSD-2-Clause
/*
 * Sockets over the loopback interface (127.0.0.1), which every image with
 * the network stack has: TCP and UDP transfer, non-blocking connect with
 * poll, poll on many sockets beside a pipe, accept interrupted by a
 * signal, half-close, the errors EADDRINUSE, ECONNREFUSED and EPIPE,
 * SO_RCVTIMEO, FIONBIO/FIONREAD, dup, the address helpers, and a raw
 * ICMP socket answered by the stack.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <stdio.h>
#include <unistd.h>
#include "ostest.h"

#define NPAIRS 8

static struct sockaddr_in loopback(uint16_t port)
{
	return (struct sockaddr_in){ .sin_family = AF_INET,
				     .sin_port = htons(port),
				     .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
}

/* A TCP listener on 127.0.0.1 at an ephemeral port: fd, port in *port. */
static int listener(uint16_t *port)
{
	struct sockaddr_in a = loopback(0);
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 8) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

/* A connected pair through listener lfd on port: 0 or -1. */
static int tcp_pair(int lfd, uint16_t port, int *client, int *server)
{
	struct sockaddr_in a = loopback(port);

	*client = socket(AF_INET, SOCK_STREAM, 0);
	if (*client < 0)
		return -1;
	if (connect(*client, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(*client);
		return -1;
	}
	*server = accept(lfd, NULL, NULL);
	if (*server < 0) {
		close(*client);
		return -1;
	}
	return 0;
}

/* A port nothing listens on: one that was just bound, then closed. */
static uint16_t unused_port(void)
{
	uint16_t port = 0;
	int fd = listener(&port);

	close(fd);
	return port;
}

/* A listener and one connection through it; false (a failure recorded)
 * when either cannot be made. */
static bool connected(int *lfd, int *c, int *s)
{
	uint16_t port;

	*lfd = listener(&port);
	if (*lfd < 0) {
		OT_FAIL("no listener: %s", strerror(errno));
		return false;
	}
	if (OT_EXPECT_OK(tcp_pair(*lfd, port, c, s)))
		return true;
	close(*lfd);
	return false;
}

static void close3(int a, int b, int c)
{
	close(a);
	close(b);
	close(c);
}

static void net_tcp_loopback(void)
{
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	char buf[5000], big[4000];
	int lfd, c, s, n = 0;

	if (!connected(&lfd, &c, &s))
		return;
	OT_EXPECT_OK(getpeername(s, (struct sockaddr *)&peer, &len));
	OT_EXPECT_EQ(peer.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	OT_EXPECT_EQ(send(c, "hello", 5, 0), 5);
	OT_EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 5);
	OT_EXPECT(memcmp(buf, "hello", 5) == 0);
	/* read/write are the same calls; a large write arrives whole. */
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	OT_EXPECT_EQ(write(s, big, sizeof(big)), (long)sizeof(big));
	while (n < (int)sizeof(big)) {
		int r = (int)read(c, buf + n, sizeof(buf) - (size_t)n);
		if (r <= 0)
			break;
		n += r;
	}
	OT_EXPECT_EQ(n, (int)sizeof(big));
	OT_EXPECT(memcmp(buf, big, sizeof(big)) == 0);
	/* The peer's close is end of file. */
	close(s);
	OT_EXPECT_EQ(recv(c, buf, sizeof(buf), 0), 0);
	close(c);
	close(lfd);
}

static void net_udp_loopback(void)
{
	struct sockaddr_in a = loopback(0), from;
	socklen_t len = sizeof(a);
	char buf[16];
	int u1, u2;

	OT_ASSERT((u1 = socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
	u2 = socket(AF_INET, SOCK_DGRAM, 0);
	OT_EXPECT_OK(bind(u1, (struct sockaddr *)&a, sizeof(a)));
	OT_EXPECT_OK(getsockname(u1, (struct sockaddr *)&a, &len));
	/* A buffer too small for the name: cut to it, the length whole. */
	{
		struct sockaddr_in cut = { 0 };
		socklen_t clen = 4;

		OT_EXPECT_OK(getsockname(u1, (struct sockaddr *)&cut, &clen));
		OT_EXPECT_EQ(clen, sizeof(cut));
		OT_EXPECT_EQ(cut.sin_port, a.sin_port);
		OT_EXPECT_EQ(cut.sin_addr.s_addr, 0);	/* beyond the 4 bytes */
	}
	OT_EXPECT_EQ(sendto(u2, "datagram", 8, 0, (struct sockaddr *)&a,
			    sizeof(a)), 8);
	/* MSG_PEEK leaves it queued; a short buffer truncates it. */
	OT_EXPECT_EQ(recv(u1, buf, sizeof(buf), MSG_PEEK), 8);
	len = sizeof(from);
	OT_EXPECT_EQ(recvfrom(u1, buf, 4, 0, (struct sockaddr *)&from, &len), 4);
	OT_EXPECT(memcmp(buf, "data", 4) == 0);
	OT_EXPECT_EQ(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	OT_EXPECT_ERRNO(recv(u1, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	/* A reply to the sender's address, gathered from two pieces; read
	 * into two pieces, the second too short: MSG_TRUNC. */
	struct iovec out[2] = { { "ba", 2 }, { "ck!", 3 } }, in[2];
	struct msghdr mh = { .msg_name = &from, .msg_namelen = len,
			     .msg_iov = out, .msg_iovlen = 2 };
	OT_EXPECT_EQ(sendmsg(u1, &mh, 0), 5);
	in[0] = (struct iovec){ buf, 2 };
	in[1] = (struct iovec){ buf + 8, 2 };
	mh = (struct msghdr){ .msg_iov = in, .msg_iovlen = 2 };
	OT_EXPECT_EQ(recvmsg(u2, &mh, 0), 4);
	OT_EXPECT(memcmp(buf, "ba", 2) == 0 && memcmp(buf + 8, "ck", 2) == 0);
	OT_EXPECT(mh.msg_flags & MSG_TRUNC);
	close(u1);
	close(u2);
}

static void net_nonblocking_connect(void)
{
	struct sockaddr_in a;
	struct pollfd p;
	socklen_t len = sizeof(int);
	int lfd, c, s, err = -1;
	uint16_t port;

	OT_ASSERT((lfd = listener(&port)) >= 0);
	a = loopback(port);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	OT_EXPECT_ERRNO(connect(c, (struct sockaddr *)&a, sizeof(a)), EINPROGRESS);
	p = (struct pollfd){ .fd = c, .events = POLLOUT };
	OT_EXPECT_EQ(poll(&p, 1, 5000), 1);
	OT_EXPECT(p.revents & POLLOUT);
	OT_EXPECT_OK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len));
	OT_EXPECT_EQ(err, 0);
	s = accept(lfd, NULL, NULL);
	OT_EXPECT(s >= 0);
	/* Nothing to read yet: EAGAIN at once. */
	OT_EXPECT_ERRNO(recv(c, &err, 1, 0), EAGAIN);
	close3(c, s, lfd);

	/* Refused: poll reports it, SO_ERROR says ECONNREFUSED once. */
	a = loopback(unused_port());
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	OT_EXPECT_ERRNO(connect(c, (struct sockaddr *)&a, sizeof(a)), EINPROGRESS);
	p = (struct pollfd){ .fd = c, .events = POLLOUT };
	OT_EXPECT_EQ(poll(&p, 1, 5000), 1);
	OT_EXPECT(p.revents & (POLLERR | POLLHUP));
	OT_EXPECT_OK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len));
	OT_EXPECT_EQ(err, ECONNREFUSED);
	OT_EXPECT_OK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len));
	OT_EXPECT_EQ(err, 0);
	close(c);
}

static void net_errors(void)
{
	struct sockaddr_in a;
	uint16_t port;
	int lfd, fd, one = 1;

	OT_ASSERT((lfd = listener(&port)) >= 0);
	a = loopback(port);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	OT_EXPECT_ERRNO(bind(fd, (struct sockaddr *)&a, sizeof(a)), EADDRINUSE);
	close(fd);
	close(lfd);
	/* Blocking connect to a port nobody listens on. */
	a = loopback(unused_port());
	fd = socket(AF_INET, SOCK_STREAM, 0);
	OT_EXPECT_ERRNO(connect(fd, (struct sockaddr *)&a, sizeof(a)), ECONNREFUSED);
	close(fd);
	/* Not a socket; an unknown family. */
	OT_EXPECT_ERRNO(listen(0, 1), ENOTSOCK);
	OT_EXPECT_ERRNO(socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	OT_EXPECT_OK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	OT_EXPECT_OK(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)));
	OT_EXPECT_OK(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)));
	close(fd);
}

static void net_poll_many(void)
{
	int c[NPAIRS], s[NPAIRS], pfd[2], lfd, i, made = 0;
	struct pollfd p[NPAIRS + 1];
	uint16_t port;

	OT_ASSERT((lfd = listener(&port)) >= 0);
	for (i = 0; i < NPAIRS && tcp_pair(lfd, port, &c[i], &s[i]) == 0; i++)
		made++;
	OT_EXPECT_EQ(made, NPAIRS);
	OT_EXPECT_OK(pipe(pfd));
	/* Data on every other pair and on the pipe. */
	for (i = 0; i < made; i += 2)
		OT_EXPECT_EQ(send(c[i], "x", 1, 0), 1);
	OT_EXPECT_EQ(write(pfd[1], "p", 1), 1);
	for (i = 0; i < made; i++)
		p[i] = (struct pollfd){ .fd = s[i], .events = POLLIN };
	p[made] = (struct pollfd){ .fd = pfd[0], .events = POLLIN };
	/* Loopback delivery is asynchronous: poll until all have come. */
	int want = (made + 1) / 2 + 1, got = 0;
	for (int tries = 0; tries < 50 && got < want; tries++) {
		got = poll(p, (nfds_t)made + 1, 5000);
		if (got < want)
			ot_msleep(10);
	}
	OT_EXPECT_EQ(got, want);
	for (i = 0; i < made; i++)
		OT_EXPECT_EQ(!!(p[i].revents & POLLIN), i % 2 == 0);
	OT_EXPECT(p[made].revents & POLLIN);
	for (i = 0; i < made; i++) {
		close(c[i]);
		close(s[i]);
	}
	close(pfd[0]);
	close(pfd[1]);
	close(lfd);
}

static void net_accept_eintr(void)
{
	struct sigaction sa = { .sa_handler = ot_on_usr1 }, old;
	pthread_t self = pthread_self(), t;
	uint16_t port;
	int lfd;

	ot_handled = 0;
	OT_ASSERT((lfd = listener(&port)) >= 0);
	sigaction(SIGUSR1, &sa, &old);
	if (OT_EXPECT_RC(ot_thread(&t, OT_PRIO, ot_usr1_later, &self), 0)) {
		OT_EXPECT_ERRNO(accept(lfd, NULL, NULL), EINTR);
		OT_EXPECT_EQ(ot_handled, SIGUSR1);
		pthread_join(t, NULL);
	}
	sigaction(SIGUSR1, &old, NULL);
	close(lfd);
}

static void net_half_close(void)
{
	char buf[8];
	int lfd, c, s;

	if (!connected(&lfd, &c, &s))
		return;
	OT_EXPECT_EQ(send(c, "req", 3, 0), 3);
	OT_EXPECT_OK(shutdown(c, SHUT_WR));
	/* The server reads the request, then end of file... */
	OT_EXPECT_EQ(recv(s, buf, 3, MSG_WAITALL), 3);
	OT_EXPECT_EQ(recv(s, buf, sizeof(buf), 0), 0);
	/* ...and can still answer on its half. */
	OT_EXPECT_EQ(send(s, "reply", 5, 0), 5);
	OT_EXPECT_EQ(recv(c, buf, 5, MSG_WAITALL), 5);
	OT_EXPECT(memcmp(buf, "reply", 5) == 0);
	/* Writing on the shut half: EPIPE (with SIGPIPE ignored). */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigaction(SIGPIPE, &ign, &old);
	OT_EXPECT_ERRNO(send(c, "x", 1, 0), EPIPE);
	sigaction(SIGPIPE, &old, NULL);
	close3(c, s, lfd);
}

static void net_epipe(void)
{
	int lfd, c, s, i, r = 0;

	if (!connected(&lfd, &c, &s))
		return;
	close(s);
	/* The peer is gone: the first writes may still be accepted, its
	 * reset then fails the next with EPIPE (or ECONNRESET, the reset
	 * itself); MSG_NOSIGNAL keeps SIGPIPE away. */
	for (i = 0; i < 100; i++) {
		r = (int)send(c, "data", 4, MSG_NOSIGNAL);
		if (r < 0)
			break;
		ot_msleep(5);
	}
	OT_EXPECT_EQ(r, -1);
	OT_EXPECT(errno == EPIPE || errno == ECONNRESET);
	if (errno == ECONNRESET)
		OT_EXPECT_ERRNO(send(c, "data", 4, MSG_NOSIGNAL), EPIPE);
	close(c);
	close(lfd);
}

static void net_rcvtimeo(void)
{
	struct timeval tv = { 0, 100000 }, got;
	socklen_t len = sizeof(got);
	char buf[4];
	int64_t t0;
	int lfd, c, s;

	if (!connected(&lfd, &c, &s))
		return;
	OT_EXPECT_OK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	OT_EXPECT_OK(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &got, &len));
	OT_EXPECT_EQ(got.tv_usec, 100000);
	t0 = ot_now_ns();
	OT_EXPECT_ERRNO(recv(s, buf, sizeof(buf), 0), EAGAIN);
	OT_EXPECT_ELAPSED(ot_now_ns() - t0, 100);
	/* The listener's timeout bounds accept too. */
	OT_EXPECT_OK(setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	OT_EXPECT_ERRNO(accept(lfd, NULL, NULL), EAGAIN);
	close3(c, s, lfd);
}

static void net_fd_calls(void)
{
	int lfd, c, s, d, on = 1, n = -1;
	char buf[8];

	if (!connected(&lfd, &c, &s))
		return;
	OT_EXPECT_OK(ioctl(s, FIONBIO, &on));
	OT_EXPECT(fcntl(s, F_GETFL) & O_NONBLOCK);
	OT_EXPECT_ERRNO(read(s, buf, 1), EAGAIN);
	/* A duplicate is the same socket. */
	d = dup(c);
	OT_EXPECT_EQ(write(d, "abc", 3), 3);
	close(d);
	for (int i = 0; i < 100 && n != 3; i++) {
		OT_EXPECT_OK(ioctl(s, FIONREAD, &n));
		if (n != 3)
			ot_msleep(5);
	}
	OT_EXPECT_EQ(n, 3);
	OT_EXPECT_EQ(read(s, buf, sizeof(buf)), 3);
	close3(c, s, lfd);
}

static void net_addresses(void)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	unsigned char a6[16];
	char text[INET6_ADDRSTRLEN];
	struct in_addr a;

	OT_EXPECT_EQ(inet_pton(AF_INET, "10.0.2.15", &a), 1);
	OT_EXPECT_EQ(a.s_addr, htonl(0x0a00020f));
	OT_EXPECT_EQ(inet_pton(AF_INET, "10.0.2", &a), 0);
	OT_EXPECT(strcmp(inet_ntop(AF_INET, &a, text, sizeof(text)), "10.0.2.15") == 0);
	OT_EXPECT_EQ(inet_pton(AF_INET6, "fe80::1", a6), 1);
	OT_EXPECT(strcmp(inet_ntop(AF_INET6, a6, text, sizeof(text)), "fe80::1") == 0);
	OT_EXPECT_EQ(inet_addr("127.0.0.1"), htonl(INADDR_LOOPBACK));
	if (OT_EXPECT_RC(getaddrinfo("127.0.0.1", "80", &hints, &res), 0)) {
		struct sockaddr_in *in = (struct sockaddr_in *)res->ai_addr;
		OT_EXPECT_EQ(res->ai_family, AF_INET);
		OT_EXPECT_EQ(in->sin_port, htons(80));
		freeaddrinfo(res);
	}
	OT_EXPECT_RC(getaddrinfo("1.2.3.4", "http", &hints, &res), EAI_SERVICE);
	OT_EXPECT(strcmp(gai_strerror(EAI_NONAME), "Name or service not known") == 0);
}

/* A raw ICMP socket (what ping uses): an echo request to 127.0.0.1 is
 * answered by the stack; the reply comes with its IPv4 header. */
/* The child side of net.closed_at_task_end: listens on port for ever. */
int ot_child_listen(int port)
{
	struct sockaddr_in a = loopback((uint16_t)port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 4))
		return 1;
	for (;;)
		pause();
}

/* A task killed while it listens loses its socket with it: the port is
 * free again and the connection it never accepted is reset. */
static void net_closed_at_task_end(void)
{
	uint16_t port = unused_port();
	char arg[8], *args[] = { "listen", arg, NULL };
	struct sockaddr_in a = loopback(port);
	int c = -1, lfd, status, i;
	pid_t pid;
	char b;

	snprintf(arg, sizeof(arg), "%u", port);
	OT_ASSERT((pid = ot_spawn_child(args, NULL)) > 0);
	for (i = 0; i < 100; i++) {	/* until the child listens */
		c = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(c, (struct sockaddr *)&a, sizeof(a)) == 0)
			break;
		close(c);
		c = -1;
		ot_msleep(10);
	}
	OT_EXPECT_GE(c, 0);
	OT_EXPECT_OK(kill(pid, SIGKILL));
	OT_EXPECT_EQ(ot_wait_child(pid, &status, 2000), pid);
	if (c >= 0) {
		OT_EXPECT_LE(recv(c, &b, 1, 0), 0);
		close(c);
	}
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	OT_EXPECT_OK(bind(lfd, (struct sockaddr *)&a, sizeof(a)));
	close(lfd);
}

static void net_raw_icmp(void)
{
	uint8_t req[16] = { 8, 0, 0, 0, 0x12, 0x34, 0, 1, 'v', 'i', 'r', 'e', 'o' };
	struct sockaddr_in a = loopback(0);
	struct timeval tv = { 2, 0 };
	uint8_t buf[128];
	uint16_t sum = in_cksum(req, sizeof(req));
	int fd, n = -1;

	memcpy(req + 2, &sum, 2);
	OT_ASSERT_OK(fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
	OT_EXPECT_OK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	OT_EXPECT_EQ(sendto(fd, req, sizeof(req), 0, (struct sockaddr *)&a,
			    sizeof(a)), (long)sizeof(req));
	/* The request itself passes by on loopback too: wait for type 0. */
	for (int i = 0; i < 4; i++) {
		n = (int)recv(fd, buf, sizeof(buf), 0);
		if (n < 20 + 8 || buf[20] == 0)
			break;
	}
	OT_EXPECT_EQ(n, 20 + (int)sizeof(req));
	if (n == 20 + (int)sizeof(req)) {
		OT_EXPECT_EQ(buf[0] >> 4, 4);		/* IPv4 header first */
		OT_EXPECT_EQ(buf[20], 0);		/* echo reply */
		OT_EXPECT(memcmp(buf + 24, req + 4, sizeof(req) - 4) == 0);
	}
	close(fd);
}

OT_AREA(net,
	OT_CASE(net, tcp_loopback, 20),
	OT_CASE(net, udp_loopback, 20),
	OT_CASE(net, nonblocking_connect, 20),
	OT_CASE(net, errors, 20),
	OT_CASE(net, poll_many, 30),
	OT_CASE(net, accept_eintr, 20),
	OT_CASE(net, half_close, 20),
	OT_CASE(net, epipe, 20),
	OT_CASE(net, rcvtimeo, 20),
	OT_CASE(net, fd_calls, 20),
	OT_CASE(net, addresses, 20),
	OT_CASE(net, raw_icmp, 20),
	OT_CASE(net, closed_at_task_end, 20));
