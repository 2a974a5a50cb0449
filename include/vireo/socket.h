/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The socket system calls (net/socket_calls.c; kernel/syscalls.tbl).  An
 * address or option the kernel gives back has a length the caller's
 * buffer may not match (POSIX value-result arguments): it comes whole in
 * a fixed-size result with its length, and the C library
 * (net/socket_api.c) copies what fits into the caller's buffer, so the
 * kernel never writes past one.  Every call returns a value >= 0 or
 * -errno; a signal interrupts as read and write do (restarted when the
 * handlers have SA_RESTART, except connect and calls with a timeout).
 */
#pragma once

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

/* An address the kernel gives back: len bytes of addr are the address;
 * none (a stream's end, a family without addresses) when addr's family
 * is AF_UNSPEC. */
struct sock_addr_result {
	socklen_t len;
	struct sockaddr_storage addr;
};

/* The largest option value (struct timeval). */
#define SOCK_OPT_MAX 16

/* An option value given back: len bytes of val. */
struct sock_opt_result {
	socklen_t len;
	unsigned char val[SOCK_OPT_MAX];
};

int sock_socket_call(int domain, int type, int protocol);
int sock_bind_call(int fd, const void *addr, socklen_t len);
int sock_listen_call(int fd, int backlog);
/* peer may be NULL. */
int sock_accept_call(int fd, struct sock_addr_result *peer, int flags);
int sock_connect_call(int fd, const void *addr, socklen_t len);
/* to may be NULL (tolen 0). */
ssize_t sock_sendto_call(int fd, const void *buf, size_t len, int flags,
			 const void *to, socklen_t tolen);
/* from and msg_flags (recvmsg's) may be NULL. */
ssize_t sock_recvfrom_call(int fd, void *buf, size_t len, int flags,
			   struct sock_addr_result *from, int *msg_flags);
int sock_shutdown_call(int fd, int how);
/* The local (peer 0) or peer address. */
int sock_name_call(int fd, struct sock_addr_result *out, int peer);
/* cap: the caller's buffer size, which some options check. */
int sock_getopt_call(int fd, int level, int name, socklen_t cap,
		     struct sock_opt_result *out);
int sock_setopt_call(int fd, int level, int name, const void *val,
		     socklen_t len);
