// SPDX-License-Identifier: BSD-2-Clause
/*
 * The POSIX socket calls: each resolves its descriptor to a socket,
 * calls net/socket.c and turns -errno into -1 with errno set.  A call a
 * signal interrupted runs the handlers and restarts when they all asked
 * for SA_RESTART (as libc/posix_io.c does for read/write), except
 * connect and calls with a timeout, which POSIX says fail with EINTR.
 * Socket options live here too.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <vireo/file.h>
#include <vireo/libc.h>
#include <vireo/signal.h>
#include <vireo/thread.h>
#include "lwip/priv/tcpip_priv.h"
#include "lwip/tcp.h"
#include "socket_priv.h"

#define result libc_result

/* Runs op on fd's socket; a -EINTR restarts when the handlers allow. */
#define SOCK_CALL(fd, restart, expr) ({					\
	struct file *f_; struct sock *s_; long r_ = sock_get((fd), &f_, &s_); \
	if (r_ == 0) {							\
		(void)s_;						\
		do { r_ = (expr); } while (r_ == -EINTR &&		\
			signal_deliver_pending() && (restart));		\
		fd_put(f_);						\
	}								\
	result(r_); })

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
#define FAMILY_CALL(fd, op, ...) do {						struct file *ff_;							const struct sock_family *fam_ = family_of((fd), &ff_);			if (fam_) {									long rr_ = fam_->op ? fam_->op(ff_, __VA_ARGS__) : -EOPNOTSUPP; 		fd_put(ff_);								return result(rr_);						}								} while (0)

int socket(int domain, int type, int protocol)
{
	const struct sock_family *fam = family_by_domain(domain);

	if (fam)
		return (int)result(fam->create(type, protocol));
	return (int)result(sock_create(domain, type, protocol));
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	FAMILY_CALL(fd, bind, addr, len);
	return (int)SOCK_CALL(fd, false, sock_bind(s_, addr, len));
}

int listen(int fd, int backlog)
{
	FAMILY_CALL(fd, listen, backlog);
	return (int)SOCK_CALL(fd, false, sock_listen(s_, backlog));
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	FAMILY_CALL(fd, accept, addr, len, flags);
	return (int)SOCK_CALL(fd, !s_->rcvtimeo_ns,
			      sock_accept(f_, addr, len, flags));
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return accept4(fd, addr, len, 0);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	FAMILY_CALL(fd, connect, addr, len);
	return (int)SOCK_CALL(fd, false, sock_connect(f_, addr, len));
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *to, socklen_t tolen)
{
	if (!buf && len)
		return result(-EFAULT);
	FAMILY_CALL(fd, send, buf, len, flags);
	return SOCK_CALL(fd, !s_->sndtimeo_ns,
			 sock_send(f_, buf, len, flags, to, tolen));
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
		 struct sockaddr *from, socklen_t *fromlen)
{
	if (!buf && len)
		return result(-EFAULT);
	FAMILY_CALL(fd, recv, buf, len, flags);
	return SOCK_CALL(fd, !s_->rcvtimeo_ns,
			 sock_recv(f_, buf, len, flags, from, fromlen, NULL));
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
		if (msg->msg_iov[i].iov_len > SSIZE_MAX - n)
			return -EINVAL;
		n += msg->msg_iov[i].iov_len;
	}
	return (ssize_t)n;
}

/* A datagram or a stream write must go as one piece: the iovecs are
 * gathered into one buffer (bounce), filled (to_buf) or spread. */
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
	uint8_t *buf;
	ssize_t n = bounce_alloc(msg, &buf);

	if (n < 0)
		return result(n);
	msg->msg_flags = 0;
	msg->msg_controllen = 0;
	n = SOCK_CALL(fd, !s_->rcvtimeo_ns,
		      sock_recv(f_, buf, (size_t)n, flags, msg->msg_name,
				msg->msg_name ? &msg->msg_namelen : NULL,
				&msg->msg_flags));
	if (n > 0)
		iov_copy(msg, buf, (size_t)n, false);
	free(buf);
	return n;
}

int shutdown(int fd, int how)
{
	FAMILY_CALL(fd, shutdown, how);
	return (int)SOCK_CALL(fd, false, sock_shutdown(s_, how));
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	FAMILY_CALL(fd, name, addr, len, true);
	return (int)SOCK_CALL(fd, false, sock_name(s_, addr, len, true));
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	FAMILY_CALL(fd, name, addr, len, false);
	return (int)SOCK_CALL(fd, false, sock_name(s_, addr, len, false));
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	FAMILY_CALL(fd, getopt, level, name, val, len);
	return (int)SOCK_CALL(fd, false, sock_getopt(s_, level, name, val, len));
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
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
