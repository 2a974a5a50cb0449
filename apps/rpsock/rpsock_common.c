// SPDX-License-Identifier: BSD-2-Clause
/*
 * The argument parsing and I/O loops rpsock_server and rpsock_client
 * share (see rpsock.h).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include "rpsock.h"

int rpsock_parse_mode(const char *type, const char *block,
		      struct rpsock_mode *m)
{
	if (!strcmp(type, "stream"))
		m->type = SOCK_STREAM;
	else if (!strcmp(type, "dgram"))
		m->type = SOCK_DGRAM;
	else
		return -1;
	if (!strcmp(block, "block"))
		m->nonblock = false;
	else if (!strcmp(block, "nonblock"))
		m->nonblock = true;
	else
		return -1;
	return 0;
}

const char *rpsock_type_name(int type)
{
	return type == SOCK_STREAM ? "SOCK_STREAM" : "SOCK_DGRAM";
}

/* Waits until fd is ready for the transfer: 0 or -1 (errno). */
static int await(int fd, bool to_send)
{
	struct pollfd p = { .fd = fd, .events = to_send ? POLLOUT : POLLIN };

	return poll(&p, 1, -1) < 0 ? -1 : 0;
}

ssize_t rpsock_io(int fd, const struct rpsock_mode *m, void *buf, size_t len,
		  bool to_send, bool all)
{
	size_t done = 0;

	while (done < len) {
		char *p = (char *)buf + done;
		ssize_t n = to_send ? send(fd, p, len - done, 0)
				    : recv(fd, p, len - done, 0);
		if (n < 0 && errno == EAGAIN && m->nonblock) {
			if (await(fd, to_send))
				return -1;
			continue;
		}
		if (n <= 0)
			return done ? (ssize_t)done : n;
		done += (size_t)n;
		if (m->type == SOCK_DGRAM || !all)
			break;	/* one datagram, or what came */
	}
	return (ssize_t)done;
}
