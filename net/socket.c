// SPDX-License-Identifier: BSD-2-Clause
/*
 * BSD sockets as file descriptors, over lwIP's netconn API.
 *
 * A socket is a struct file whose priv is a struct sock around one
 * netconn.  Every netconn is non-blocking: this layer never sleeps inside
 * lwIP.  A call that must wait (recv, accept, connect, send with a full
 * buffer) waits for its readiness with vfs_poll() on its own file, which
 * is what makes signals end the wait with EINTR, SO_RCVTIMEO/SO_SNDTIMEO
 * deadlines and poll/select on sockets beside pipes and the console all
 * the same mechanism: the netconn event callback only calls poll_notify().
 * Readiness is read from the netconn itself (its mailboxes, its pcb, its
 * pending error), so no event counts can drift.
 *
 * Locking: s->rx_lock (a kernel mutex) serialises receivers and guards
 * the partly read buffer (rx_pbuf/rx_off, rx_nb) and rx_eof; lwIP state
 * is read under the core lock (net/net_priv.h).  Senders need no lock of
 * their own: each netconn call is atomic under the core lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <vireo/mm.h>
#include <vireo/clock.h>
#include <vireo/file.h>
#include <vireo/mutex.h>
#include <vireo/signal.h>
#include <vireo/thread.h>
#include <vireo/vfs.h>
#include "lwip/api.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "lwip/priv/tcpip_priv.h"
#include "net_priv.h"
#include "socket_priv.h"

_Static_assert(SOCK_NONBLOCK == O_NONBLOCK, "SOCK_NONBLOCK is O_NONBLOCK");
_Static_assert(SOCK_CLOEXEC == O_CLOEXEC, "SOCK_CLOEXEC is O_CLOEXEC");

#define UDP_MAX_PAYLOAD 65507

static const struct file_ops sock_ops;

int err_to_errno_net(err_t e)
{
	static const int map[] = {
		[-ERR_MEM] = ENOMEM, [-ERR_BUF] = ENOBUFS,
		[-ERR_TIMEOUT] = ETIMEDOUT, [-ERR_RTE] = EHOSTUNREACH,
		[-ERR_INPROGRESS] = EINPROGRESS, [-ERR_VAL] = EINVAL,
		[-ERR_WOULDBLOCK] = EAGAIN, [-ERR_USE] = EADDRINUSE,
		[-ERR_ALREADY] = EALREADY, [-ERR_ISCONN] = EISCONN,
		[-ERR_CONN] = ENOTCONN, [-ERR_IF] = EIO,
		[-ERR_ABRT] = ECONNABORTED, [-ERR_RST] = ECONNRESET,
		[-ERR_CLSD] = ENOTCONN, [-ERR_ARG] = EINVAL,
	};

	if (e == ERR_OK)
		return 0;
	if (-e < (int)(sizeof(map) / sizeof(map[0])) && map[-e])
		return map[-e];
	return EIO;
}

static void conn_event(struct netconn *c, enum netconn_evt ev, u16_t len)
{
	poll_notify();
}

static bool is_tcp(const struct sock *s)
{
	return NETCONNTYPE_GROUP(netconn_type(s->conn)) == NETCONN_TCP;
}

/* ---- the file ---- */

static struct file *sock_file(struct netconn *conn, int domain, int type,
			      int flags)
{
	struct sock *s = kcalloc(1, sizeof(*s));
	struct file *f;

	if (!s)
		return NULL;
	f = file_new(&sock_ops, s, O_RDWR | (flags & O_NONBLOCK));
	if (!f) {
		free(s);
		return NULL;
	}
	s->conn = conn;
	s->domain = domain;
	s->type = type;
	kmutex_init(&s->rx_lock, false);
	netconn_set_nonblocking(conn, 1);
	return f;
}

int sock_create(int domain, int type, int protocol)
{
	int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
	enum netconn_type t;
	struct netconn *conn;
	struct file *f;

	type &= ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (domain != AF_INET && domain != AF_INET6)
		return -EAFNOSUPPORT;
	if (type == SOCK_STREAM && (!protocol || protocol == IPPROTO_TCP))
		t = NETCONN_TCP;
	else if (type == SOCK_DGRAM && (!protocol || protocol == IPPROTO_UDP))
		t = NETCONN_UDP;
	else if (type == SOCK_RAW && protocol > 0 && protocol < 256)
		t = NETCONN_RAW;	/* IPv4: whole packets in, payload out */
	else if (type == SOCK_STREAM || type == SOCK_DGRAM)
		return -EPROTONOSUPPORT;
	else
		return -EPROTOTYPE;
	if (domain == AF_INET6)
		t = (enum netconn_type)(t | NETCONN_TYPE_IPV6);
	conn = netconn_new_with_proto_and_callback(
		t, type == SOCK_RAW ? (u8_t)protocol : 0, conn_event);
	if (!conn)
		return -ENOBUFS;
	f = sock_file(conn, domain, type, flags);
	if (!f) {
		netconn_delete(conn);
		return -ENOMEM;
	}
	return fd_install_new(f, flags);
}

/* The socket behind fd, with a file reference in *fp: 0, -EBADF,
 * -ENOTSOCK. */
int sock_get(int fd, struct file **fp, struct sock **sp)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	if (f->ops != &sock_ops) {
		fd_put(f);
		return -ENOTSOCK;
	}
	*fp = f;
	*sp = f->priv;
	return 0;
}

static void sock_release(struct file *f)
{
	struct sock *s = f->priv;

	if (s->rx_pbuf)
		pbuf_free(s->rx_pbuf);
	if (s->rx_nb)
		netbuf_delete(s->rx_nb);
	netconn_delete(s->conn);
	free(s);
}

/* ---- readiness ---- */

/* The connection's pending error without clearing it (core lock). */
static err_t pending_err_locked(struct sock *s)
{
	return s->conn->pending_err;
}

/* Notes that the connection came up (core lock): a later error is then
 * a reset or an EPIPE, not a refusal. */
static void note_connected_locked(struct sock *s)
{
	struct tcp_pcb *pcb = s->conn->pcb.tcp;

	if (pcb && !s->listening && s->conn->state != NETCONN_CONNECT &&
	    pcb->state >= ESTABLISHED)
		s->connected_once = true;
}

static int tcp_ready_locked(struct sock *s)
{
	struct tcp_pcb *pcb = s->conn->pcb.tcp;
	int ready = 0;

	/* A listening pcb is a struct tcp_pcb_listen: no send state. */
	if (s->listening)
		return 0;
	if (!pcb)
		return VFS_POLLHUP | VFS_POLLOUT;
	if (s->conn->state == NETCONN_CONNECT)
		return 0;
	note_connected_locked(s);
	if ((pcb->state == ESTABLISHED || pcb->state == CLOSE_WAIT) &&
	    tcp_sndbuf(pcb) > 0 && pcb->snd_queuelen < TCP_SND_QUEUELEN)
		ready |= VFS_POLLOUT;
	if (pcb->state == CLOSED && s->connected_once)
		ready |= VFS_POLLHUP;
	return ready;
}

int sock_readiness(struct sock *s)
{
	int ready = 0;

	kmutex_lock(&s->rx_lock);
	if (s->rx_pbuf || s->rx_nb || s->rx_eof)
		ready |= VFS_POLLIN;
	kmutex_unlock(&s->rx_lock);
	if (sys_mbox_pending(&s->conn->recvmbox) ||
	    sys_mbox_pending(&s->conn->acceptmbox))
		ready |= VFS_POLLIN;
	LOCK_TCPIP_CORE();
	if (pending_err_locked(s) != ERR_OK)
		ready |= VFS_POLLERR | VFS_POLLIN | VFS_POLLOUT;
	if (is_tcp(s))
		ready |= tcp_ready_locked(s);
	else
		ready |= VFS_POLLOUT;
	UNLOCK_TCPIP_CORE();
	return ready;
}

static int sock_poll(struct file *f, int events)
{
	return sock_readiness(f->priv) & (events | VFS_POLLERR | VFS_POLLHUP);
}

/* Waits until f has one of events, for at most timeout_ns (0: no
 * limit): 0, -EAGAIN (timed out), -EINTR. */
int sock_wait(struct file *f, int events, uint64_t timeout_ns)
{
	struct vfs_pollfd p = { .f = f, .events = events };
	int r = vfs_poll(&p, 1, timeout_ns ? (int64_t)timeout_ns : -1);

	if (r < 0)
		return r;
	return r ? 0 : -EAGAIN;
}

/* The error a failed connection left, once (SO_ERROR and the calls that
 * report it); 0 when none. */
int sock_take_error(struct sock *s)
{
	LOCK_TCPIP_CORE();
	note_connected_locked(s);
	UNLOCK_TCPIP_CORE();
	err_t e = netconn_err(s->conn);

	if (e == ERR_OK)
		return 0;
	/* A connection that never came up was refused. */
	if (!s->connected_once && s->connecting &&
	    (e == ERR_RST || e == ERR_ABRT || e == ERR_CLSD))
		return ECONNREFUSED;
	return err_to_errno_net(e);
}

static bool nonblocking(struct file *f, int msg_flags)
{
	return (f->flags & O_NONBLOCK) || (msg_flags & MSG_DONTWAIT);
}

/* ---- receiving ---- */

/* Fetches the next TCP buffer into s->rx_pbuf (rx_lock held): 0,
 * -EAGAIN when none is queued, 1 at end of stream, -errno. */
static int tcp_fetch(struct sock *s)
{
	struct pbuf *p;
	err_t e;

	if (s->rx_eof)
		return 1;
	e = netconn_recv_tcp_pbuf_flags(s->conn, &p, NETCONN_DONTBLOCK);
	if (e == ERR_OK) {
		s->rx_pbuf = p;
		s->rx_off = 0;
		return 0;
	}
	if (e == ERR_WOULDBLOCK)
		return -EAGAIN;
	if (e == ERR_CLSD) {
		s->rx_eof = true;
		return 1;
	}
	return -err_to_errno_net(e);
}

/* Copies from the TCP stream (rx_lock held); returns bytes or -errno. */
static ssize_t tcp_take(struct sock *s, uint8_t *buf, size_t len, int flags)
{
	size_t done = 0;

	while (done < len) {
		if (!s->rx_pbuf) {
			int r = tcp_fetch(s);
			if (r)
				return done ? (ssize_t)done : (r > 0 ? 0 : r);
		}
		u16_t avail = (u16_t)(s->rx_pbuf->tot_len - s->rx_off);
		u16_t n = (u16_t)MIN((size_t)avail, len - done);

		pbuf_copy_partial(s->rx_pbuf, buf + done, n, s->rx_off);
		done += n;
		if (flags & MSG_PEEK)
			break;
		s->rx_off = (u16_t)(s->rx_off + n);
		if (s->rx_off == s->rx_pbuf->tot_len) {
			pbuf_free(s->rx_pbuf);
			s->rx_pbuf = NULL;
		}
	}
	return (ssize_t)done;
}

static void addr_out(struct sock *s, const ip_addr_t *ip, u16_t port,
		     struct sockaddr *sa, socklen_t *len);

/* One datagram (rx_lock held): bytes copied, -EAGAIN, -errno. */
static ssize_t udp_take(struct sock *s, uint8_t *buf, size_t len, int flags,
			struct sockaddr *from, socklen_t *fromlen,
			int *msg_flags)
{
	struct netbuf *nb = s->rx_nb;
	u16_t n;

	if (!nb) {
		err_t e = netconn_recv(s->conn, &nb);
		if (e == ERR_WOULDBLOCK)
			return -EAGAIN;
		if (e != ERR_OK)
			return -err_to_errno_net(e);
	}
	n = (u16_t)MIN(len, (size_t)netbuf_len(nb));
	netbuf_copy(nb, buf, n);
	if (n < netbuf_len(nb) && msg_flags)
		*msg_flags |= MSG_TRUNC;
	if (from)
		addr_out(s, netbuf_fromaddr(nb), netbuf_fromport(nb), from,
			 fromlen);
	if (flags & MSG_PEEK) {
		s->rx_nb = nb;
	} else {
		netbuf_delete(nb);
		s->rx_nb = NULL;
	}
	return (flags & MSG_TRUNC) ? (ssize_t)netbuf_len(nb) : n;
}

ssize_t sock_recv(struct file *f, void *buf, size_t len, int flags,
		  struct sockaddr *from, socklen_t *fromlen, int *msg_flags)
{
	struct sock *s = f->priv;
	size_t done = 0;
	ssize_t r;

	for (;;) {
		kmutex_lock(&s->rx_lock);
		if (is_tcp(s)) {
			r = tcp_take(s, (uint8_t *)buf + done, len - done, flags);
			if (r > 0 && from)
				sock_name(s, from, fromlen, false);
		} else {
			r = udp_take(s, buf, len, flags, from, fromlen,
				     msg_flags);
		}
		kmutex_unlock(&s->rx_lock);
		if (r > 0)
			done += (size_t)r;
		if (r == 0 || (r > 0 && (!(flags & MSG_WAITALL) ||
					 done == len || !is_tcp(s))))
			return (ssize_t)done;
		if (r < 0 && r != -EAGAIN)
			return done ? (ssize_t)done : r;
		if (r < 0 && len == 0)
			return 0;
		if (nonblocking(f, flags))
			return done ? (ssize_t)done : -EAGAIN;
		r = sock_wait(f, VFS_POLLIN, s->rcvtimeo_ns);
		if (r)
			return done ? (ssize_t)done : r;
	}
}

/* ---- sending ---- */

static ssize_t stream_send(struct file *f, struct sock *s, const void *buf,
			size_t len, int flags)
{
	size_t done = 0;

	if (s->shut_wr)
		return -EPIPE;
	LOCK_TCPIP_CORE();
	note_connected_locked(s);
	UNLOCK_TCPIP_CORE();
	while (done < len) {
		size_t n = 0;
		err_t e = netconn_write_partly(s->conn, (const uint8_t *)buf + done,
					       len - done,
					       NETCONN_COPY | NETCONN_DONTBLOCK,
					       &n);
		int r;

		done += n;
		if (e != ERR_OK && e != ERR_WOULDBLOCK) {
			if (done)
				break;
			if (e == ERR_CONN && s->connected_once)
				return -EPIPE;
			r = sock_take_error(s);
			return -(r ? (r == ENOTCONN && s->connected_once ?
				      EPIPE : r) : err_to_errno_net(e));
		}
		if (done == len)
			break;
		if (nonblocking(f, flags))
			return done ? (ssize_t)done : -EAGAIN;
		r = sock_wait(f, VFS_POLLOUT, s->sndtimeo_ns);
		if (r)
			return done ? (ssize_t)done : r;
	}
	return (ssize_t)done;
}

static ssize_t dgram_send(struct sock *s, const void *buf, size_t len,
			const ip_addr_t *to, u16_t port)
{
	struct netbuf *nb;
	err_t e;

	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	nb = netbuf_new();
	if (!nb)
		return -ENOBUFS;
	/* A copy: the stack may keep the buffer after this call returns
	 * (ARP queue, the device's transmit ring), see net/netif.c. */
	if (!netbuf_alloc(nb, (u16_t)len)) {
		netbuf_delete(nb);
		return -ENOBUFS;
	}
	pbuf_take(nb->p, buf, (u16_t)len);
	e = to ? netconn_sendto(s->conn, nb, to, port) : netconn_send(s->conn, nb);
	netbuf_delete(nb);
	if (e == ERR_OK)
		return (ssize_t)len;
	if (e == ERR_CONN || e == ERR_VAL)
		return to ? -EINVAL : -EDESTADDRREQ;
	return -err_to_errno_net(e);
}

ssize_t sock_send(struct file *f, const void *buf, size_t len, int flags,
		  const struct sockaddr *to, socklen_t tolen)
{
	struct sock *s = f->priv;
	ip_addr_t ip;
	u16_t port;
	int r;

	if (is_tcp(s)) {
		ssize_t n = stream_send(f, s, buf, len, flags);

		if (n == -EPIPE && !(flags & MSG_NOSIGNAL)) {
			siginfo_t si = { .si_signo = SIGPIPE, .si_code = SI_USER };

			signal_send_thread(thread_current(), &si);
		}
		return n;
	}
	if (!to)
		return dgram_send(s, buf, len, NULL, 0);
	r = sock_addr_in(s, to, tolen, &ip, &port);
	return r ? r : dgram_send(s, buf, len, &ip, port);
}

static ssize_t sock_read(struct file *f, void *buf, size_t len)
{
	return sock_recv(f, buf, len, 0, NULL, NULL, NULL);
}

static ssize_t sock_write(struct file *f, const void *buf, size_t len)
{
	return sock_send(f, buf, len, 0, NULL, 0);
}

/* Bytes ready to read without blocking. */
static int bytes_ready(struct sock *s)
{
	int n = 0;

	kmutex_lock(&s->rx_lock);
	if (s->rx_pbuf)
		n = s->rx_pbuf->tot_len - s->rx_off;
	else if (s->rx_nb)
		n = netbuf_len(s->rx_nb);
	kmutex_unlock(&s->rx_lock);
	LOCK_TCPIP_CORE();
	n += s->conn->recv_avail;
	UNLOCK_TCPIP_CORE();
	return n;
}

static int sock_ioctl(struct file *f, unsigned long req, unsigned long arg)
{
	int *p = (int *)arg;

	if (req != FIONREAD)
		return -ENOTTY;
	if (!p)
		return -EFAULT;
	*p = bytes_ready(f->priv);
	return 0;
}

static int sock_stat(struct file *f, struct stat *st)
{
	st->st_mode = S_IFSOCK | 0777;
	return 0;
}

static const struct file_ops sock_ops = {
	.read = sock_read,
	.write = sock_write,
	.poll = sock_poll,
	.ioctl = sock_ioctl,
	.stat = sock_stat,
	.release = sock_release,
};

/* ---- addresses ---- */

int sock_addr_in(struct sock *s, const struct sockaddr *sa, socklen_t len,
		 ip_addr_t *ip, u16_t *port)
{
	if (!sa)
		return -EFAULT;
	if (s->domain == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		if (len < sizeof(*in))
			return -EINVAL;
		if (in->sin_family != AF_INET)
			return -EAFNOSUPPORT;
		ip_addr_set_ip4_u32_val(*ip, in->sin_addr.s_addr);
		*port = lwip_ntohs(in->sin_port);
		return 0;
	}
	const struct sockaddr_in6 *in6 = (const void *)sa;

	if (len < sizeof(*in6))
		return -EINVAL;
	if (in6->sin6_family != AF_INET6)
		return -EAFNOSUPPORT;
	IP_SET_TYPE_VAL(*ip, IPADDR_TYPE_V6);
	memcpy(ip_2_ip6(ip)->addr, in6->sin6_addr.s6_addr, 16);
	ip6_addr_clear_zone(ip_2_ip6(ip));
	*port = lwip_ntohs(in6->sin6_port);
	return 0;
}

static void addr_out(struct sock *s, const ip_addr_t *ip, u16_t port,
		     struct sockaddr *sa, socklen_t *len)
{
	struct sockaddr_storage ss;
	socklen_t n;

	memset(&ss, 0, sizeof(ss));
	if (IP_IS_V4(ip) && s->domain == AF_INET) {
		struct sockaddr_in *in = (void *)&ss;

		in->sin_family = AF_INET;
		in->sin_port = lwip_htons(port);
		in->sin_addr.s_addr = ip4_addr_get_u32(ip_2_ip4(ip));
		n = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (void *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = lwip_htons(port);
		if (IP_IS_V4(ip)) {	/* IPv4-mapped */
			in6->sin6_addr.s6_addr[10] = in6->sin6_addr.s6_addr[11] = 0xff;
			memcpy(&in6->sin6_addr.s6_addr[12], &ip_2_ip4(ip)->addr, 4);
		} else {
			memcpy(in6->sin6_addr.s6_addr, ip_2_ip6(ip)->addr, 16);
		}
		n = sizeof(*in6);
	}
	if (len) {
		memcpy(sa, &ss, MIN(n, *len));
		*len = n;
	}
}

int sock_name(struct sock *s, struct sockaddr *sa, socklen_t *len, bool local)
{
	ip_addr_t ip;
	u16_t port;
	err_t e;

	if (!sa || !len)
		return -EFAULT;
	e = netconn_getaddr(s->conn, &ip, &port, local);
	if (e != ERR_OK)
		return local ? -err_to_errno_net(e) : -ENOTCONN;
	addr_out(s, &ip, port, sa, len);
	return 0;
}

/* ---- connection set-up ---- */

int sock_bind(struct sock *s, const struct sockaddr *sa, socklen_t len)
{
	ip_addr_t ip;
	u16_t port;
	int r = sock_addr_in(s, sa, len, &ip, &port);

	if (r)
		return r;
	return -err_to_errno_net(netconn_bind(s->conn, &ip, port));
}

int sock_listen(struct sock *s, int backlog)
{
	err_t e;

	if (!is_tcp(s))
		return -EOPNOTSUPP;
	if (backlog < 1)
		backlog = 1;
	e = netconn_listen_with_backlog(s->conn, (u8_t)MIN(backlog, 255));
	if (e == ERR_OK)
		s->listening = true;
	return -err_to_errno_net(e);
}

int sock_accept(struct file *f, struct sockaddr *sa, socklen_t *len,
		int flags)
{
	struct sock *s = f->priv, *ns;
	struct netconn *nc;
	struct file *nf;
	int r;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (!s->listening)
		return -EINVAL;
	for (;;) {
		err_t e = netconn_accept(s->conn, &nc);

		if (e == ERR_OK)
			break;
		if (e != ERR_WOULDBLOCK)
			return -err_to_errno_net(e);
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		r = sock_wait(f, VFS_POLLIN, s->rcvtimeo_ns);
		if (r)
			return r;
	}
	nf = sock_file(nc, s->domain, s->type, flags);
	if (!nf) {
		netconn_delete(nc);
		return -ENOMEM;
	}
	ns = nf->priv;
	ns->connected_once = true;
	if (sa)
		sock_name(ns, sa, len, false);
	return fd_install_new(nf, flags);
}

int sock_connect(struct file *f, const struct sockaddr *sa, socklen_t len)
{
	struct sock *s = f->priv;
	ip_addr_t ip;
	u16_t port;
	err_t e;
	int r = sock_addr_in(s, sa, len, &ip, &port);

	if (r)
		return r;
	if (!is_tcp(s))
		return -err_to_errno_net(netconn_connect(s->conn, &ip, port));
	if (s->connecting)
		return s->connected_once ? -EISCONN : -EALREADY;
	if (s->listening)
		return -EISCONN;
	s->connecting = true;
	e = netconn_connect(s->conn, &ip, port);
	if (e != ERR_OK && e != ERR_INPROGRESS) {
		s->connecting = false;
		return e == ERR_RTE ? -ENETUNREACH : -err_to_errno_net(e);
	}
	if (f->flags & O_NONBLOCK)
		return -EINPROGRESS;
	r = sock_wait(f, VFS_POLLOUT, s->sndtimeo_ns);
	if (r)
		return r == -EAGAIN ? -ETIMEDOUT : r;
	return sock_connect_result(s);
}

int sock_connect_result(struct sock *s)
{
	int err = sock_take_error(s);

	if (!err)
		s->connected_once = true;
	else
		s->connecting = false;
	return -err;
}

int sock_shutdown(struct sock *s, int how)
{
	bool rd = how == SHUT_RD || how == SHUT_RDWR;
	bool wr = how == SHUT_WR || how == SHUT_RDWR;
	err_t e;

	if (!rd && !wr)
		return -EINVAL;
	if (!is_tcp(s))
		return -EOPNOTSUPP;
	e = netconn_shutdown(s->conn, rd, wr);
	if (e != ERR_OK)
		return -err_to_errno_net(e);
	if (wr)
		s->shut_wr = true;
	if (rd) {
		kmutex_lock(&s->rx_lock);
		s->rx_eof = true;
		kmutex_unlock(&s->rx_lock);
	}
	return 0;
}
