/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What rpsock_server and rpsock_client share: their "stream|dgram
 * block|nonblock" arguments and whole-buffer I/O that waits with poll()
 * on a non-blocking socket.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct rpsock_mode {
	int type;		/* SOCK_STREAM or SOCK_DGRAM */
	bool nonblock;
};

/* Parses "stream|dgram" and "block|nonblock": 0 or -1. */
int rpsock_parse_mode(const char *type, const char *block,
		      struct rpsock_mode *m);
const char *rpsock_type_name(int type);
/* Sends (to_send) or receives up to len bytes on fd: for a stream all of
 * them when all, else what one call moves; one datagram for SOCK_DGRAM
 * (its size returned, at most len).  Returns the count, 0 at end of
 * stream before anything, or -1 (errno). */
ssize_t rpsock_io(int fd, const struct rpsock_mode *m, void *buf, size_t len,
		  bool to_send, bool all);
