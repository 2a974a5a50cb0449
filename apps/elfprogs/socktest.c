// SPDX-License-Identifier: BSD-2-Clause
/*
 * An EL0 test program for the socket system calls (<vireo/socket.h>),
 * over the loopback interface: UDP to itself with the sender's address,
 * a TCP connection to its own listener with data both ways, names,
 * options, a receive timeout, shutdown, and the errors: addresses
 * given back that do not fit the buffer are cut to it (the length says
 * the whole), kernel addresses are EFAULT, a console is no socket.
 * Prints "sockets ok" when all checks passed; "FAIL ..." and status 1
 * otherwise.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <vireo/socket.h>
#include "sys.h"

#define KERNEL_ADDR 0x40000000L

static uint16_t be16(uint16_t v)
{
	return (uint16_t)(v << 8 | v >> 8);
}

static struct sockaddr_in loopback(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = be16(port),
				 .sin_addr.s_addr = 0x0100007f };	/* 127.0.0.1 */

	return a;
}

static long sock(int type)
{
	return svc3(SYS_socket, AF_INET, type, 0);
}

/* The local (peer 0) or peer address of fd. */
static long name(long fd, struct sock_addr_result *r, int peer)
{
	return svc3(SYS_sockname, fd, (long)r, peer);
}

static void udp(void)
{
	struct sockaddr_in a = loopback(0);
	struct sock_addr_result r, from;
	long u = sock(SOCK_DGRAM);
	char buf[16];

	u_expect(u >= 0, "socket(SOCK_DGRAM)", u);
	u_expect(svc3(SYS_bind, u, (long)&a, sizeof(a)) == 0, "bind", 0);
	u_expect(name(u, &r, 0) == 0 && r.len == sizeof(a), "sockname", r.len);
	struct sockaddr_in *me = (struct sockaddr_in *)&r.addr;
	u_expect(me->sin_port != 0 && me->sin_addr.s_addr == 0x0100007f,
		 "bound to 127.0.0.1:port", me->sin_port);
	u_expect(svc6(SYS_sendto, u, (long)"ping", 4, 0, (long)me, sizeof(*me)) == 4,
		 "sendto itself", 0);
	u_expect(svc6(SYS_recvfrom, u, (long)buf, sizeof(buf), 0, (long)&from, 0) == 4 &&
		 buf[0] == 'p' && buf[3] == 'g', "recvfrom", 0);
	u_expect(from.len == sizeof(a) &&
		 ((struct sockaddr_in *)&from.addr)->sin_port == me->sin_port,
		 "the sender's address", from.len);
	u_expect(svc6(SYS_recvfrom, u, KERNEL_ADDR, 4, 0, 0, 0) == -EFAULT,
		 "recvfrom into a kernel address", 0);
	u_expect(svc3(SYS_bind, u, KERNEL_ADDR, sizeof(a)) == -EFAULT,
		 "bind of a kernel address", 0);
	u_expect(name(u, (struct sock_addr_result *)KERNEL_ADDR, 0) == -EFAULT,
		 "sockname into a kernel address", 0);
	svc3(SYS_close, u, 0, 0);
}

static void tcp(void)
{
	struct sockaddr_in a = loopback(0);
	struct sock_addr_result r, peer;
	struct sock_opt_result opt;
	struct timeval tv = { 0, 50000 };
	long l = sock(SOCK_STREAM), c = sock(SOCK_STREAM), s;
	char buf[16];

	u_expect(l >= 0 && c >= 0, "socket(SOCK_STREAM)", l);
	u_expect(svc3(SYS_bind, l, (long)&a, sizeof(a)) == 0, "bind", 0);
	u_expect(svc3(SYS_listen, l, 4, 0) == 0, "listen", 0);
	name(l, &r, 0);
	u_expect(svc3(SYS_connect, c, (long)&r.addr, r.len) == 0, "connect", 0);
	s = svc3(SYS_accept, l, (long)&peer, 0);
	u_expect(s >= 0, "accept", s);
	u_expect(peer.len == sizeof(a), "the peer's address", peer.len);
	u_expect(name(c, &r, 0) == 0 &&
		 ((struct sockaddr_in *)&r.addr)->sin_port ==
		 ((struct sockaddr_in *)&peer.addr)->sin_port, "accept's peer is connect's end", 0);
	u_expect(svc6(SYS_sendto, c, (long)"hello", 5, 0, 0, 0) == 5, "send", 0);
	u_expect(svc6(SYS_recvfrom, s, (long)buf, sizeof(buf), 0, 0, 0) == 5 &&
		 buf[4] == 'o', "recv", 0);
	u_expect(svc6(SYS_sendto, s, (long)"back", 4, 0, 0, 0) == 4, "send back", 0);
	u_expect(svc6(SYS_recvfrom, c, (long)buf, sizeof(buf), 0, 0, 0) == 4, "recv back", 0);
	u_expect(name(s, &r, 1) == 0 && r.len == sizeof(a), "peername", r.len);
	u_expect(svc6(SYS_getsockopt, s, SOL_SOCKET, SO_TYPE, sizeof(int), (long)&opt, 0) == 0 &&
		 opt.len == sizeof(int) && *(int *)opt.val == SOCK_STREAM, "SO_TYPE", opt.len);
	u_expect(svc6(SYS_getsockopt, s, SOL_SOCKET, SO_TYPE, 2, (long)&opt, 0) == -EINVAL,
		 "an option buffer too small", 0);
	/* A receive timeout: EAGAIN after 50 ms. */
	u_expect(svc6(SYS_setsockopt, s, SOL_SOCKET, SO_RCVTIMEO, (long)&tv, sizeof(tv), 0) == 0,
		 "SO_RCVTIMEO", 0);
	long t0 = u_now_ns();
	u_expect(svc6(SYS_recvfrom, s, (long)buf, sizeof(buf), 0, 0, 0) == -EAGAIN,
		 "recv timed out", 0);
	u_expect(u_now_ns() - t0 >= 50000000, "after 50 ms", u_now_ns() - t0);
	u_expect(svc6(SYS_setsockopt, s, SOL_SOCKET, SO_RCVTIMEO, KERNEL_ADDR, sizeof(tv), 0) ==
		 -EFAULT, "setsockopt of a kernel address", 0);
	/* Half-close: the other end reads the end of the stream. */
	u_expect(svc3(SYS_shutdown, c, SHUT_WR, 0) == 0, "shutdown", 0);
	peer.addr.ss_family = AF_INET;
	u_expect(svc6(SYS_recvfrom, s, (long)buf, sizeof(buf), 0, (long)&peer, 0) == 0,
		 "end of stream", 0);
	u_expect(peer.addr.ss_family == AF_UNSPEC, "no address at the end", peer.addr.ss_family);
	svc3(SYS_close, s, 0, 0);
	svc3(SYS_close, c, 0, 0);
	svc3(SYS_close, l, 0, 0);
}

int main(int argc, char **argv)
{
	udp();
	tcp();
	u_expect(svc3(SYS_socket, 12345, SOCK_STREAM, 0) == -EAFNOSUPPORT,
		 "an unknown domain", 0);
	u_expect(svc3(SYS_listen, 1, 1, 0) == -ENOTSOCK, "listen on the console", 0);
	u_expect(svc3(SYS_listen, 99, 1, 0) == -EBADF, "listen on no descriptor", 0);
	return u_verdict("sockets");
}
