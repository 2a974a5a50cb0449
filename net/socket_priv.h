/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to net/: the socket object of net/socket.c and the operations
 * the POSIX calls (net/socket_api.c) are built from.  Every function
 * returns 0 (or a count) or -errno.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <vireo/mutex.h>
#include "lwip/api.h"

struct file;

struct sock {
	struct netconn *conn;
	int domain, type;
	struct kmutex rx_lock;		/* see net/socket.c */
	struct pbuf *rx_pbuf;		/* TCP: partly read buffer */
	u16_t rx_off;
	struct netbuf *rx_nb;		/* UDP: a peeked datagram */
	bool rx_eof;
	bool shut_wr;
	bool listening;
	bool connecting;		/* connect() was called */
	bool connected_once;		/* the connection came up */
	uint64_t rcvtimeo_ns, sndtimeo_ns;	/* 0: none */
	int rcvbuf, sndbuf;		/* as set (SO_RCVBUF/SO_SNDBUF) */
	bool reuseaddr, keepalive;
};

int err_to_errno_net(err_t e);
int sock_create(int domain, int type, int protocol);
int sock_get(int fd, struct file **fp, struct sock **sp);
int sock_readiness(struct sock *s);
int sock_wait(struct file *f, int events, uint64_t timeout_ns);
int sock_take_error(struct sock *s);
ssize_t sock_recv(struct file *f, void *buf, size_t len, int flags,
		  struct sockaddr *from, socklen_t *fromlen, int *msg_flags);
ssize_t sock_send(struct file *f, const void *buf, size_t len, int flags,
		  const struct sockaddr *to, socklen_t tolen);
int sock_addr_in(struct sock *s, const struct sockaddr *sa, socklen_t len,
		 ip_addr_t *ip, u16_t *port);
int sock_name(struct sock *s, struct sockaddr *sa, socklen_t *len, bool local);
int sock_bind(struct sock *s, const struct sockaddr *sa, socklen_t len);
int sock_listen(struct sock *s, int backlog);
int sock_accept(struct file *f, struct sockaddr *sa, socklen_t *len, int flags);
int sock_connect(struct file *f, const struct sockaddr *sa, socklen_t len);
int sock_connect_result(struct sock *s);
int sock_shutdown(struct sock *s, int how);
int sock_getopt(struct sock *s, int level, int name, void *val, socklen_t *len);
int sock_setopt(struct sock *s, int level, int name, const void *val,
		socklen_t len);

/*
 * A socket family beside lwIP's (AF_RPMSG, net/rpmsg_sock.c): its
 * sockets are files with fops (read, write, poll, release); the POSIX
 * calls of socket_api.c route a descriptor whose file has those fops to
 * these operations (thread context; 0, a count or a descriptor, or
 * -errno; a NULL operation is -EOPNOTSUPP).
 */
struct sock_family {
	int domain;
	const struct file_ops *fops;
	int (*create)(int type, int protocol);	/* a descriptor */
	int (*bind)(struct file *f, const struct sockaddr *sa, socklen_t len);
	int (*listen)(struct file *f, int backlog);
	int (*accept)(struct file *f, struct sockaddr *sa, socklen_t *len,
		      int flags);		/* a descriptor */
	int (*connect)(struct file *f, const struct sockaddr *sa, socklen_t len);
	ssize_t (*send)(struct file *f, const void *buf, size_t len, int flags);
	ssize_t (*recv)(struct file *f, void *buf, size_t len, int flags);
	int (*shutdown)(struct file *f, int how);
	int (*name)(struct file *f, struct sockaddr *sa, socklen_t *len,
		    bool local);
	int (*getopt)(struct file *f, int level, int name, void *val,
		      socklen_t *len);
};

/* Built when its option is on; a weak reference is NULL otherwise. */
extern const struct sock_family rpmsg_sock_family __attribute__((weak));
