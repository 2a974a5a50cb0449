// SPDX-License-Identifier: BSD-2-Clause
/*
 * The POSIX socket calls of the C library, over the socket system calls
 * (<vireo/socket.h>, net/socket_calls.c): -errno becomes -1 and errno.
 * Value-result addresses and options come back whole with their length;
 * here what fits goes into the caller's buffer and *len says the whole
 * length, as POSIX has it.  sendmsg and recvmsg gather and scatter their
 * iovecs through one buffer, as a datagram goes in one piece.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <vireo/compiler.h>
#include <vireo/libc.h>
#include <vireo/socket.h>
#include <generated/syscalls.h>

#define result libc_result

/* r's address into addr (*len bytes at most); *len becomes its length,
 * 0 when the call gave none (AF_UNSPEC). */
static void put_addr(const struct sock_addr_result *r, struct sockaddr *addr,
		     socklen_t *len)
{
	socklen_t n = r->addr.ss_family == AF_UNSPEC ? 0 : r->len;

	if (!addr || !len)
		return;
	memcpy(addr, &r->addr, MIN(*len, n));
	*len = n;
}

int socket(int domain, int type, int protocol)
{
	return (int)result(sys_socket(domain, type, protocol));
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	return (int)result(sys_bind(fd, addr, len));
}

int listen(int fd, int backlog)
{
	return (int)result(sys_listen(fd, backlog));
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	struct sock_addr_result peer;
	long r;

	if (addr && !len)
		return (int)result(-EFAULT);
	r = sys_accept(fd, addr ? &peer : NULL, flags);
	if (r >= 0)
		put_addr(&peer, addr, len);
	return (int)result(r);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return accept4(fd, addr, len, 0);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	return (int)result(sys_connect(fd, addr, len));
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *to, socklen_t tolen)
{
	if (!buf && len)
		return result(-EFAULT);
	return result(sys_sendto(fd, buf, len, flags, to, to ? tolen : 0));
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
		 struct sockaddr *from, socklen_t *fromlen)
{
	struct sock_addr_result peer;
	long r;

	if (!buf && len)
		return result(-EFAULT);
	r = sys_recvfrom(fd, buf, len, flags, from && fromlen ? &peer : NULL,
			 NULL);
	if (r >= 0)
		put_addr(&peer, from, fromlen);
	return result(r);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return recvfrom(fd, buf, len, flags, NULL, NULL);
}

/* The bytes of msg's iovecs; -EINVAL when they overflow. */
static ssize_t iov_total(const struct msghdr *msg)
{
	size_t n = 0;

	if (msg->msg_iovlen < 0 || (msg->msg_iovlen && !msg->msg_iov))
		return -EINVAL;
	for (int i = 0; i < msg->msg_iovlen; i++) {
		if (msg->msg_iov[i].iov_len > (size_t)LONG_MAX - n)
			return -EINVAL;
		n += msg->msg_iov[i].iov_len;
	}
	return (ssize_t)n;
}

/* Gathers the iovecs into buf (to_buf) or spreads buf over them. */
static void iov_copy(const struct msghdr *msg, uint8_t *buf, size_t len,
		     bool to_buf)
{
	for (int i = 0; i < msg->msg_iovlen && len; i++) {
		size_t n = MIN(len, msg->msg_iov[i].iov_len);

		if (to_buf)
			memcpy(buf, msg->msg_iov[i].iov_base, n);
		else
			memcpy(msg->msg_iov[i].iov_base, buf, n);
		buf += n;
		len -= n;
	}
}

/* A buffer for all of msg's bytes: their count, or -errno. */
static ssize_t bounce_alloc(const struct msghdr *msg, uint8_t **buf)
{
	ssize_t n = msg ? iov_total(msg) : -EFAULT;

	if (n < 0)
		return n;
	*buf = malloc((size_t)n + 1);
	return *buf ? n : -ENOMEM;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	uint8_t *buf;
	ssize_t n = bounce_alloc(msg, &buf);

	if (n < 0)
		return result(n);
	iov_copy(msg, buf, (size_t)n, true);
	n = sendto(fd, buf, (size_t)n, flags, msg->msg_name, msg->msg_namelen);
	free(buf);
	return n;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct sock_addr_result peer;
	uint8_t *buf;
	ssize_t n = bounce_alloc(msg, &buf);
	int mflags = 0;

	if (n < 0)
		return result(n);
	msg->msg_controllen = 0;
	n = sys_recvfrom(fd, buf, (size_t)n, flags,
			 msg->msg_name ? &peer : NULL, &mflags);
	if (n >= 0) {
		iov_copy(msg, buf, (size_t)n, false);
		put_addr(&peer, msg->msg_name, &msg->msg_namelen);
		msg->msg_flags = mflags;
	}
	free(buf);
	return result(n);
}

int shutdown(int fd, int how)
{
	return (int)result(sys_shutdown(fd, how));
}

static int sock_addr_get(int fd, struct sockaddr *addr, socklen_t *len,
			 int peer)
{
	struct sock_addr_result r;
	long rc;

	if (!addr || !len)
		return (int)result(-EFAULT);
	rc = sys_sockname(fd, &r, peer);
	if (rc >= 0)
		put_addr(&r, addr, len);
	return (int)result(rc);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	return sock_addr_get(fd, addr, len, 0);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	return sock_addr_get(fd, addr, len, 1);
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct sock_opt_result r;
	long rc;

	if (!val || !len)
		return (int)result(-EFAULT);
	rc = sys_getsockopt(fd, level, name, *len, &r);
	if (rc >= 0) {
		memcpy(val, r.val, MIN(*len, r.len));
		*len = r.len;
	}
	return (int)result(rc);
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	return (int)result(sys_setsockopt(fd, level, name, val, len));
}
