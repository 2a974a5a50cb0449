// SPDX-License-Identifier: BSD-2-Clause
/*
 * The socket system calls (<vireo/socket.h>): each resolves its
 * descriptor to a socket and calls net/socket.c (or another family's
 * operations), with kernel buffers only.  A call a signal interrupted
 * runs the handlers and restarts when they all asked for SA_RESTART (as
 * read and write do), except connect and calls with a timeout, which
 * POSIX says fail with EINTR.  Socket options live here too.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <vireo/file.h>
#include <vireo/signal.h>
#include <vireo/socket.h>
#include <vireo/thread.h>
#include "lwip/priv/tcpip_priv.h"
#include "lwip/tcp.h"
#include "socket_priv.h"

/* Runs op on fd's socket; a -EINTR restarts when the handlers allow. */
#define SOCK_CALL(fd, restart, expr) ({					\
	struct file *f_; struct sock *s_; long r_ = sock_get((fd), &f_, &s_); \
	if (r_ == 0) {							\
		(void)s_;						\
		do { r_ = (expr); } while (r_ == -EINTR &&		\
			signal_deliver_pending() && (restart));		\
		fd_put(f_);						\
	}								\
	r_; })

static const struct sock_family *family_by_domain(int domain)
{
	const struct sock_family *fam = &rpmsg_sock_family;

	return fam && fam->domain == domain ? fam : NULL;
}

/* fd's file and family when it is a socket of another family than
 * lwIP's (a reference the caller puts back), else NULL. */
static const struct sock_family *family_of(int fd, struct file **fp)
{
	const struct sock_family *fam = &rpmsg_sock_family;
	struct file *f = fam ? fd_get(fd) : NULL;

	if (!f)
		return NULL;
	if (f->ops != fam->fops) {
		fd_put(f);
		return NULL;
	}
	*fp = f;
	return fam;
}

/* Returns op's result from the function when fd is such a socket. */
#define FAMILY_CALL(fd, op, ...) do {					\
	struct file *ff_;						\
	const struct sock_family *fam_ = family_of((fd), &ff_);	\
	if (fam_) {							\
		long rr_ = fam_->op ? fam_->op(ff_, __VA_ARGS__) : -EOPNOTSUPP; \
		fd_put(ff_);						\
		return rr_;						\
	}								\
} while (0)

/* The whole address into r (the C library truncates it to the caller's
 * buffer). */
#define ADDR_ARGS(r) ((r) ? (struct sockaddr *)&(r)->addr : NULL), \
		     ((r) ? &(r)->len : NULL)

/* Zeroed: a call that gives no address (a stream's end, a family
 * without addresses) leaves AF_UNSPEC, which the C library reports as
 * no address. */
static void addr_result_init(struct sock_addr_result *r)
{
	if (r) {
		memset(r, 0, sizeof(*r));
		r->len = sizeof(r->addr);
	}
}

int sock_socket_call(int domain, int type, int protocol)
{
	const struct sock_family *fam = family_by_domain(domain);

	return fam ? fam->create(type, protocol) :
		     sock_create(domain, type, protocol);
}

int sock_bind_call(int fd, const void *addr, socklen_t len)
{
	FAMILY_CALL(fd, bind, addr, len);
	return (int)SOCK_CALL(fd, false, sock_bind(s_, addr, len));
}

int sock_listen_call(int fd, int backlog)
{
	FAMILY_CALL(fd, listen, backlog);
	return (int)SOCK_CALL(fd, false, sock_listen(s_, backlog));
}

int sock_accept_call(int fd, struct sock_addr_result *peer, int flags)
{
	addr_result_init(peer);
	FAMILY_CALL(fd, accept, ADDR_ARGS(peer), flags);
	return (int)SOCK_CALL(fd, !s_->rcvtimeo_ns,
			      sock_accept(f_, ADDR_ARGS(peer), flags));
}

int sock_connect_call(int fd, const void *addr, socklen_t len)
{
	FAMILY_CALL(fd, connect, addr, len);
	return (int)SOCK_CALL(fd, false, sock_connect(f_, addr, len));
}

ssize_t sock_sendto_call(int fd, const void *buf, size_t len, int flags,
			 const void *to, socklen_t tolen)
{
	FAMILY_CALL(fd, send, buf, len, flags);
	return SOCK_CALL(fd, !s_->sndtimeo_ns,
			 sock_send(f_, buf, len, flags, to, tolen));
}

ssize_t sock_recvfrom_call(int fd, void *buf, size_t len, int flags,
			   struct sock_addr_result *from, int *msg_flags)
{
	addr_result_init(from);
	if (msg_flags)
		*msg_flags = 0;
	FAMILY_CALL(fd, recv, buf, len, flags);
	return SOCK_CALL(fd, !s_->rcvtimeo_ns,
			 sock_recv(f_, buf, len, flags, ADDR_ARGS(from),
				   msg_flags));
}

int sock_shutdown_call(int fd, int how)
{
	FAMILY_CALL(fd, shutdown, how);
	return (int)SOCK_CALL(fd, false, sock_shutdown(s_, how));
}

int sock_name_call(int fd, struct sock_addr_result *out, int peer)
{
	addr_result_init(out);
	FAMILY_CALL(fd, name, ADDR_ARGS(out), !peer);
	return (int)SOCK_CALL(fd, false, sock_name(s_, ADDR_ARGS(out), !peer));
}

int sock_getopt_call(int fd, int level, int name, socklen_t cap,
		     struct sock_opt_result *out)
{
	out->len = cap < sizeof(out->val) ? cap : sizeof(out->val);
	FAMILY_CALL(fd, getopt, level, name, out->val, &out->len);
	return (int)SOCK_CALL(fd, false,
			      sock_getopt(s_, level, name, out->val, &out->len));
}

int sock_setopt_call(int fd, int level, int name, const void *val,
		     socklen_t len)
{
	return (int)SOCK_CALL(fd, false, sock_setopt(s_, level, name, val, len));
}

/* ---- options ---- */

static int put_int(void *val, socklen_t *len, int v)
{
	if (!val || !len || *len < sizeof(int))
		return -EINVAL;
	*(int *)val = v;
	*len = sizeof(int);
	return 0;
}

static int put_tv(void *val, socklen_t *len, uint64_t ns)
{
	struct timeval tv = { (time_t)(ns / 1000000000),
			      (suseconds_t)(ns % 1000000000 / 1000) };

	if (!val || !len || *len < sizeof(tv))
		return -EINVAL;
	memcpy(val, &tv, sizeof(tv));
	*len = sizeof(tv);
	return 0;
}

static int get_tv(const void *val, socklen_t len, uint64_t *ns)
{
	struct timeval tv;

	if (!val || len < sizeof(tv))
		return -EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	*ns = (uint64_t)tv.tv_sec * 1000000000 + (uint64_t)tv.tv_usec * 1000;
	return 0;
}

/* Sets or clears a pcb option bit under the core lock. */
static void pcb_flag(struct sock *s, u8_t opt, bool on)
{
	LOCK_TCPIP_CORE();
	if (s->conn->pcb.ip) {
		if (on)
			ip_set_option(s->conn->pcb.ip, opt);
		else
			ip_reset_option(s->conn->pcb.ip, opt);
	}
	UNLOCK_TCPIP_CORE();
}

static bool is_stream(const struct sock *s)
{
	return s->type == SOCK_STREAM;
}

static int tcp_opt(struct sock *s, int name, int v, bool set, int *out)
{
	struct tcp_pcb *pcb;
	int r = 0;

	if (name != TCP_NODELAY)
		return -ENOPROTOOPT;
	if (!is_stream(s))
		return -EOPNOTSUPP;
	LOCK_TCPIP_CORE();
	pcb = s->conn->pcb.tcp;
	if (!pcb)
		r = -EINVAL;
	else if (!set)
		*out = tcp_nagle_disabled(pcb) ? 1 : 0;
	else if (v)
		tcp_nagle_disable(pcb);
	else
		tcp_nagle_enable(pcb);
	UNLOCK_TCPIP_CORE();
	return r;
}

int sock_getopt(struct sock *s, int level, int name, void *val, socklen_t *len)
{
	int v = 0, r;

	if (level == IPPROTO_TCP) {
		r = tcp_opt(s, name, 0, false, &v);
		return r ? r : put_int(val, len, v);
	}
	if (level != SOL_SOCKET)
		return -ENOPROTOOPT;
	switch (name) {
	case SO_RCVTIMEO:
		return put_tv(val, len, s->rcvtimeo_ns);
	case SO_SNDTIMEO:
		return put_tv(val, len, s->sndtimeo_ns);
	case SO_ERROR:
		return put_int(val, len, sock_take_error(s));
	case SO_TYPE:
		return put_int(val, len, s->type);
	case SO_DOMAIN:
		return put_int(val, len, s->domain);
	case SO_ACCEPTCONN:
		return put_int(val, len, s->listening);
	case SO_REUSEADDR:
		return put_int(val, len, s->reuseaddr);
	case SO_KEEPALIVE:
		return put_int(val, len, s->keepalive);
	case SO_RCVBUF:
		return put_int(val, len, s->rcvbuf ? s->rcvbuf :
				   (is_stream(s) ? TCP_WND : 65536));
	case SO_SNDBUF:
		return put_int(val, len, s->sndbuf ? s->sndbuf :
				   (is_stream(s) ? TCP_SND_BUF : 65536));
	default:
		return -ENOPROTOOPT;
	}
}

int sock_setopt(struct sock *s, int level, int name, const void *val,
		socklen_t len)
{
	int v;

	if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO))
		return get_tv(val, len, name == SO_RCVTIMEO ? &s->rcvtimeo_ns :
							       &s->sndtimeo_ns);
	if (!val || len < sizeof(int))
		return -EINVAL;
	memcpy(&v, val, sizeof(v));
	if (level == IPPROTO_TCP)
		return tcp_opt(s, name, v, true, NULL);
	if (level != SOL_SOCKET)
		return -ENOPROTOOPT;
	switch (name) {
	case SO_REUSEADDR:
		s->reuseaddr = v;
		pcb_flag(s, SOF_REUSEADDR, v);
		return 0;
	case SO_KEEPALIVE:
		s->keepalive = v;
		pcb_flag(s, SOF_KEEPALIVE, v);
		return 0;
	case SO_RCVBUF:
		/* TCP's window is the stack's; a datagram queue is capped. */
		s->rcvbuf = v < 256 ? 256 : v;
		if (!is_stream(s))
			netconn_set_recvbufsize(s->conn, s->rcvbuf);
		return 0;
	case SO_SNDBUF:
		s->sndbuf = v < 256 ? 256 : v;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}
