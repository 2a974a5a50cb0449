// SPDX-License-Identifier: BSD-2-Clause
/*
 * AF_RPMSG sockets (<netpacket/rpmsg.h>): connections to a named service
 * on the CPU at the other end of an rpmsg link, as file descriptors
 * (read, write, poll, close; the socket calls through socket_api.c).
 *
 * Protocol.  A listening socket is an endpoint announced as
 * "rpsock:NAME".  connect() sends CONNECT from a fresh endpoint to it;
 * accept() takes the request, makes an endpoint of its own and answers
 * ACCEPT from it; from then on the two endpoints exchange DATA, CREDIT
 * and CLOSE.  Flow control is by credit: each side may send as many
 * bytes as the other has room for in its receive buffer (RX_BYTES), and
 * a reader gives credit back as it consumes; so nothing is ever dropped.
 * A datagram is stored with a 2-byte length and costs that much more
 * credit.  A message that breaks these rules resets the connection.
 * When the link goes down every connection on it is reset.
 *
 * Waiting is vfs_poll() on the socket's own file (readiness is computed
 * from the state below; the receive callback calls poll_notify()), so
 * signals, O_NONBLOCK and poll/select behave as for every other file.
 *
 * Locking: s->lock (a kernel mutex) guards the state, the receive ring
 * and the credit.  The rpmsg callbacks take it inside the rpmsg device's
 * lock, so this file never calls into rpmsg while holding it.
 */
#include <errno.h>
#include <fcntl.h>
#include <netpacket/rpmsg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <vireo/clock.h>
#include <vireo/file.h>
#include <vireo/mm.h>
#include <vireo/mutex.h>
#include <vireo/ringbuf.h>
#include <vireo/rpmsg.h>
#include <vireo/vfs.h>
#include "socket_priv.h"

#define RX_BYTES	16384		/* receive buffer, a power of two */
#define CREDIT_BATCH	(RX_BYTES / 4)	/* consumed bytes given back at once */
#define BACKLOG_MAX	8
#define CTL_TIMEOUT_NS	(5 * NSEC_PER_SEC)	/* a control message's wait */
#define NS_PREFIX	"rpsock:"
#define NS_ARRIVAL_NS	(2 * NSEC_PER_SEC)	/* a listener's name in flight */
#define DGRAM_LEN_BYTES	2

enum { MSG_CONNECT = 1, MSG_ACCEPT, MSG_DATA, MSG_CREDIT, MSG_CLOSE };

struct wire {
	uint8_t type;
	uint8_t sock_type;	/* CONNECT: SOCK_STREAM or SOCK_DGRAM */
	uint16_t reserved;
	uint32_t credit;	/* CONNECT, ACCEPT, CREDIT */
};

enum state { S_NEW, S_LISTEN, S_CONNECTING, S_CONNECTED, S_RESET };

struct request {
	uint32_t addr, credit;
	uint8_t type;
};

struct rpsock {
	int type;
	struct kmutex lock;		/* see above */
	enum state state;
	int err;			/* why it was reset (a positive errno) */
	bool ept_live, peer_closed, shut_wr;
	struct rpmsg_device *rdev;
	struct rpmsg_endpoint ept;
	uint32_t peer;			/* the remote endpoint */
	unsigned int epoch;		/* the link's, when connected */
	struct sockaddr_rpmsg local, remote;
	struct ringbuf rx;
	uint8_t *rx_mem;
	uint32_t credit;		/* bytes we may still send */
	uint32_t owed;			/* consumed, not yet given back */
	struct request backlog[BACKLOG_MAX];
	int nbacklog;
};

static const struct file_ops rpsock_fops;

static struct rpsock *rps(struct file *f)
{
	return f->priv;
}

/* ---- callbacks (rpmsg thread, device lock held) ---- */

static void reset_locked(struct rpsock *s, int err)
{
	if (s->state == S_CONNECTING || s->state == S_CONNECTED) {
		s->state = S_RESET;
		s->err = err;
	}
}

static void listener_rx(struct rpsock *s, const struct wire *w, uint32_t src)
{
	if (w->type != MSG_CONNECT || s->nbacklog == BACKLOG_MAX)
		return;	/* the client's connect times out */
	s->backlog[s->nbacklog++] = (struct request){ src, w->credit, w->sock_type };
}

static void data_rx(struct rpsock *s, const uint8_t *p, size_t n)
{
	size_t cost = n + (s->type == SOCK_DGRAM ? DGRAM_LEN_BYTES : 0);
	uint16_t len = (uint16_t)n;

	if (cost > ringbuf_space(&s->rx) || s->peer_closed) {
		reset_locked(s, ECONNRESET);	/* beyond the credit we gave */
		return;
	}
	if (s->type == SOCK_DGRAM)
		ringbuf_put(&s->rx, &len, sizeof(len));
	ringbuf_put(&s->rx, p, n);
}

static void conn_rx(struct rpsock *s, const struct wire *w, const uint8_t *p,
		    size_t n, uint32_t src)
{
	if (s->state == S_CONNECTING && w->type == MSG_ACCEPT) {
		s->peer = src;
		s->credit = w->credit;
		s->state = S_CONNECTED;
		return;
	}
	if (s->state == S_CONNECTING && w->type == MSG_CLOSE)
		reset_locked(s, ECONNREFUSED);
	if (s->state != S_CONNECTED || src != s->peer)
		return;
	if (w->type == MSG_DATA)
		data_rx(s, p, n);
	else if (w->type == MSG_CREDIT && w->credit <= RX_BYTES)
		s->credit += w->credit;
	else if (w->type == MSG_CLOSE)
		s->peer_closed = true;
	else
		reset_locked(s, ECONNRESET);
}

static void ept_rx(struct rpmsg_endpoint *ept, const void *data, size_t len,
		   uint32_t src)
{
	struct rpsock *s = ept->priv;
	struct wire w;

	if (len < sizeof(w))
		return;
	memcpy(&w, data, sizeof(w));
	kmutex_lock(&s->lock);
	if (s->state == S_LISTEN)
		listener_rx(s, &w, src);
	else
		conn_rx(s, &w, (const uint8_t *)data + sizeof(w), len - sizeof(w), src);
	kmutex_unlock(&s->lock);
	poll_notify();
}

static void ept_link_down(struct rpmsg_endpoint *ept)
{
	struct rpsock *s = ept->priv;

	kmutex_lock(&s->lock);
	reset_locked(s, ECONNRESET);
	s->nbacklog = 0;
	kmutex_unlock(&s->lock);
	poll_notify();
}

static const struct rpmsg_endpoint_ops rpsock_ept_ops = {
	.rx = ept_rx, .link_down = ept_link_down,
};

/* ---- the socket object ---- */

static struct rpsock *rpsock_new(int type)
{
	struct rpsock *s = kcalloc(1, sizeof(*s));

	if (!s || !(s->rx_mem = kmalloc(RX_BYTES))) {
		free(s);
		return NULL;
	}
	s->type = type;
	kmutex_init(&s->lock, false);
	ringbuf_init(&s->rx, s->rx_mem, RX_BYTES);
	s->local.rp_family = s->remote.rp_family = AF_RPMSG;
	return s;
}

static void rpsock_free(struct rpsock *s)
{
	free(s->rx_mem);
	free(s);
}

static int install(struct rpsock *s, int flags)
{
	struct file *f = file_new(&rpsock_fops, s, O_RDWR | (flags & O_NONBLOCK));
	int fd;

	if (!f) {
		rpsock_free(s);
		return -ENOMEM;
	}
	fd = fd_install(f, 0);
	if (fd < 0)
		file_put(f);	/* releases s */
	else if (flags & O_CLOEXEC)
		fd_set_cloexec(fd, true);
	return fd;
}

static int rpsock_create(int type, int protocol)
{
	int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct rpsock *s;

	type &= ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (type != SOCK_STREAM && type != SOCK_DGRAM)
		return -EPROTOTYPE;
	if (protocol)
		return -EPROTONOSUPPORT;
	s = rpsock_new(type);
	return s ? install(s, flags) : -ENOMEM;
}

/* A control message of type from s's endpoint, waiting for a buffer. */
static int send_ctl(struct rpsock *s, uint8_t type, uint32_t credit)
{
	struct wire w = { .type = type, .sock_type = (uint8_t)s->type, .credit = credit };

	return rpmsg_sendv(&s->ept, s->peer, &w, sizeof(w), NULL, 0, CTL_TIMEOUT_NS);
}

/* Refuses a client's connection request (no wait: best effort). */
static void refuse(struct rpsock *ls, uint32_t addr)
{
	struct wire w = { .type = MSG_CLOSE };

	rpmsg_sendv(&ls->ept, addr, &w, sizeof(w), NULL, 0, 0);
}

static void rpsock_release(struct file *f)
{
	struct rpsock *s = rps(f);

	/* A listener's pending clients would wait for ever in connect(). */
	for (int i = 0; i < s->nbacklog; i++)
		refuse(s, s->backlog[i].addr);
	if (s->state == S_CONNECTED && rpmsg_link_epoch(s->rdev) == s->epoch)
		send_ctl(s, MSG_CLOSE, 0);	/* best effort: the peer sees EOF */
	if (s->ept_live)
		rpmsg_ept_destroy(&s->ept);
	rpsock_free(s);
}

/* ---- readiness and waiting ---- */

static int readiness(struct rpsock *s)
{
	int ready = 0;

	kmutex_lock(&s->lock);
	switch (s->state) {
	case S_LISTEN:
		ready = s->nbacklog ? VFS_POLLIN : 0;
		break;
	case S_CONNECTED:
		if (!ringbuf_empty(&s->rx) || s->peer_closed)
			ready |= VFS_POLLIN;
		if (s->credit > (s->type == SOCK_DGRAM ? DGRAM_LEN_BYTES : 0))
			ready |= VFS_POLLOUT;
		break;
	case S_RESET:
		ready = VFS_POLLIN | VFS_POLLOUT | VFS_POLLERR | VFS_POLLHUP;
		break;
	default:
		break;
	}
	kmutex_unlock(&s->lock);
	/* Room at the other end, and a buffer on the link to carry it. */
	if ((ready & VFS_POLLOUT) && s->state == S_CONNECTED &&
	    !rpmsg_tx_ready(s->rdev))
		ready &= ~VFS_POLLOUT;
	return ready;
}

static int rpsock_poll(struct file *f, int events)
{
	return readiness(rps(f)) & (events | VFS_POLLERR | VFS_POLLHUP);
}

/* Waits until f has one of events: 0, -EAGAIN (O_NONBLOCK), -EINTR. */
static int wait_for(struct file *f, int events)
{
	struct vfs_pollfd p = { .f = f, .events = events };
	int r;

	if (f->flags & O_NONBLOCK)
		return -EAGAIN;
	r = vfs_poll(&p, 1, -1);
	return r < 0 ? r : 0;
}

/* ---- addresses ---- */

static int addr_in(const struct sockaddr *sa, socklen_t len,
		   struct sockaddr_rpmsg *out)
{
	if (!sa || len < sizeof(*out))
		return -EINVAL;
	memcpy(out, sa, sizeof(*out));
	if (out->rp_family != AF_RPMSG)
		return -EAFNOSUPPORT;
	if (!memchr(out->rp_cpu, 0, sizeof(out->rp_cpu)) ||
	    !memchr(out->rp_name, 0, sizeof(out->rp_name)) || !out->rp_name[0])
		return -EINVAL;
	return 0;
}

static int rpsock_bind(struct file *f, const struct sockaddr *sa, socklen_t len)
{
	struct rpsock *s = rps(f);
	struct sockaddr_rpmsg a;
	int r = addr_in(sa, len, &a);

	if (r)
		return r;
	if (s->state != S_NEW || s->local.rp_name[0])
		return -EINVAL;
	s->local = a;
	return 0;
}

static int rpsock_listen(struct file *f, int backlog)
{
	struct rpsock *s = rps(f);
	char ns[RPMSG_NAME_SIZE];
	int r;

	if (s->state == S_LISTEN)
		return 0;
	if (s->state != S_NEW || !s->local.rp_name[0])
		return -EINVAL;
	s->rdev = rpmsg_device_find(s->local.rp_cpu);
	if (!s->rdev)
		return -ENETUNREACH;
	strcpy(ns, NS_PREFIX);
	strcat(ns, s->local.rp_name);
	r = rpmsg_ept_create(s->rdev, &s->ept, ns, RPMSG_ADDR_ANY,
			     &rpsock_ept_ops, s);
	if (r)
		return r;
	s->ept_live = true;
	s->state = S_LISTEN;
	return 0;
}

static int put_addr(struct sockaddr *sa, socklen_t *len,
		    const struct sockaddr_rpmsg *a)
{
	if (!sa || !len)
		return -EINVAL;
	memcpy(sa, a, MIN(*len, sizeof(*a)));
	*len = sizeof(*a);
	return 0;
}

static int rpsock_name(struct file *f, struct sockaddr *sa, socklen_t *len,
		       bool local)
{
	struct rpsock *s = rps(f);

	if (!local && s->state != S_CONNECTED)
		return -ENOTCONN;
	return put_addr(sa, len, local ? &s->local : &s->remote);
}

/* ---- connections ---- */

/* Makes s a connection on rdev (an endpoint of its own). */
static int open_conn(struct rpsock *s, struct rpmsg_device *rdev)
{
	int r = rpmsg_ept_create(rdev, &s->ept, "", RPMSG_ADDR_ANY,
				 &rpsock_ept_ops, s);

	if (r)
		return r;
	s->rdev = rdev;
	s->ept_live = true;
	s->epoch = rpmsg_link_epoch(rdev);
	return 0;
}

/* The next request in the listener's backlog: 0 or -EAGAIN. */
static int take_request(struct rpsock *s, struct request *req)
{
	int r = -EAGAIN;

	kmutex_lock(&s->lock);
	if (s->nbacklog) {
		*req = s->backlog[0];
		memmove(s->backlog, s->backlog + 1, --s->nbacklog * sizeof(*req));
		r = 0;
	}
	kmutex_unlock(&s->lock);
	return r;
}

/* A socket connected to req's client: a descriptor or -errno. */
static int accept_one(struct rpsock *ls, const struct request *req, int flags)
{
	struct rpsock *s = rpsock_new(ls->type);
	int r;

	if (!s)
		return -ENOMEM;
	if ((r = open_conn(s, ls->rdev))) {
		rpsock_free(s);
		return r;
	}
	s->peer = req->addr;
	s->credit = req->credit;
	s->local = ls->local;
	s->remote = ls->local;
	strcpy(s->remote.rp_cpu, rpmsg_device_cpu(ls->rdev));
	s->state = S_CONNECTED;
	if ((r = send_ctl(s, MSG_ACCEPT, RX_BYTES))) {
		rpmsg_ept_destroy(&s->ept);
		rpsock_free(s);
		return r == -EINTR ? r : -ECONNABORTED;
	}
	return install(s, flags);
}

static int rpsock_accept(struct file *f, struct sockaddr *sa, socklen_t *len,
			 int flags)
{
	struct rpsock *s = rps(f);
	struct request req;
	int r;

	if (s->state != S_LISTEN)
		return -EINVAL;
	for (;;) {
		while ((r = take_request(s, &req)) == -EAGAIN)
			if ((r = wait_for(f, VFS_POLLIN)))
				return r;
		if (req.type == s->type)
			break;
		refuse(s, req.addr);	/* a datagram client at a stream service */
	}
	r = accept_one(s, &req, flags);
	if (r >= 0 && sa) {
		struct sockaddr_rpmsg peer = { .rp_family = AF_RPMSG };
		strcpy(peer.rp_cpu, rpmsg_device_cpu(s->rdev));
		strcpy(peer.rp_name, s->local.rp_name);
		put_addr(sa, len, &peer);
	}
	return r;
}

static int rpsock_connect(struct file *f, const struct sockaddr *sa,
			  socklen_t len)
{
	struct rpsock *s = rps(f);
	struct rpmsg_device *rdev;
	char ns[RPMSG_NAME_SIZE];
	int r;

	if (s->state == S_CONNECTING || s->state == S_CONNECTED)
		return s->state == S_CONNECTED ? -EISCONN : -EALREADY;
	if (s->state != S_NEW)
		return -EINVAL;
	if ((r = addr_in(sa, len, &s->remote)))
		return r;
	if (!(rdev = rpmsg_device_find(s->remote.rp_cpu)))
		return -ENETUNREACH;
	strcpy(ns, NS_PREFIX);
	strcat(ns, s->remote.rp_name);
	/* Nobody listens there: refused, once a listener announced just
	 * before has had time to arrive.  Like resolving a host name before
	 * a TCP connect, this wait comes before the non-blocking part. */
	r = rpmsg_ns_lookup(rdev, ns, &s->peer, NS_ARRIVAL_NS);
	if (r)
		return r == -EINTR ? r : -ECONNREFUSED;
	if ((r = open_conn(s, rdev)))
		return r;
	s->state = S_CONNECTING;
	if ((r = send_ctl(s, MSG_CONNECT, RX_BYTES))) {
		s->state = S_NEW;
		rpmsg_ept_destroy(&s->ept);
		s->ept_live = false;
		return r == -EINTR ? r : -ECONNREFUSED;
	}
	if (f->flags & O_NONBLOCK)
		return -EINPROGRESS;
	if ((r = wait_for(f, VFS_POLLOUT)))
		return r;
	return s->state == S_CONNECTED ? 0 : -s->err;
}

/* ---- data ---- */

/* Bytes of buf that go in one message now (their credit taken): > 0,
 * -EAGAIN, or why nothing can go. */
static ssize_t reserve(struct rpsock *s, size_t len, size_t max, uint32_t *cost)
{
	size_t extra = s->type == SOCK_DGRAM ? DGRAM_LEN_BYTES : 0;
	ssize_t n;

	kmutex_lock(&s->lock);
	if (s->state == S_RESET)
		n = -s->err;
	else if (s->state != S_CONNECTED)
		n = -ENOTCONN;
	else if (s->shut_wr || s->peer_closed)
		n = -EPIPE;
	else if (extra && len > max)
		n = -EMSGSIZE;
	else if (s->credit <= extra || (extra && s->credit < len + extra))
		n = -EAGAIN;
	else
		n = (ssize_t)MIN(MIN(len, max), (size_t)s->credit - extra);
	if (n > 0) {
		*cost = (uint32_t)(n + extra);
		s->credit -= *cost;
	}
	kmutex_unlock(&s->lock);
	return n;
}

static void refund(struct rpsock *s, uint32_t cost)
{
	kmutex_lock(&s->lock);
	s->credit += cost;
	kmutex_unlock(&s->lock);
}

/* One message of at most len bytes: the count sent, or -errno. */
static ssize_t send_some(struct rpsock *s, const uint8_t *buf, size_t len)
{
	size_t max = rpmsg_max_payload(s->rdev) - sizeof(struct wire);
	struct wire w = { .type = MSG_DATA };
	uint32_t cost;
	ssize_t n = reserve(s, len, max, &cost);
	int r;

	if (n <= 0)
		return n;
	r = rpmsg_sendv(&s->ept, s->peer, &w, sizeof(w), buf, (size_t)n, 0);
	if (r) {
		refund(s, cost);
		return r == -ENOTCONN ? -ECONNRESET : r;
	}
	return n;
}

static ssize_t rpsock_send(struct file *f, const void *buf, size_t len,
			   int flags)
{
	struct rpsock *s = rps(f);
	size_t done = 0;
	ssize_t n;

	if (s->type == SOCK_DGRAM && !len)
		return 0;
	while (done < len) {
		n = send_some(s, (const uint8_t *)buf + done, len - done);
		if (n > 0) {
			done += (size_t)n;
			if (s->type == SOCK_DGRAM)
				break;
			continue;
		}
		if (n == -EAGAIN && !(flags & MSG_DONTWAIT))
			n = wait_for(f, VFS_POLLOUT);
		if (n)
			return done ? (ssize_t)done : n;
	}
	return (ssize_t)done;
}

/* Takes what the reader may have: a count, 0 at end of stream, -EAGAIN. */
static ssize_t take(struct rpsock *s, uint8_t *buf, size_t len, uint32_t *give)
{
	ssize_t n = -EAGAIN;
	uint16_t dlen;

	kmutex_lock(&s->lock);
	if (!ringbuf_empty(&s->rx) && s->type == SOCK_DGRAM) {
		ringbuf_get(&s->rx, &dlen, sizeof(dlen));
		n = (ssize_t)ringbuf_get(&s->rx, buf, MIN(len, (size_t)dlen));
		ringbuf_skip(&s->rx, dlen - (size_t)n);	/* the rest is dropped */
		s->owed += dlen + DGRAM_LEN_BYTES;
	} else if (!ringbuf_empty(&s->rx)) {
		n = (ssize_t)ringbuf_get(&s->rx, buf, len);
		s->owed += (uint32_t)n;
	} else if (s->state == S_RESET) {
		n = -s->err;
	} else if (s->peer_closed) {
		n = 0;
	} else if (s->state != S_CONNECTED) {
		n = -ENOTCONN;
	}
	/* A blocked sender has less credit than one message while the
	 * ring is empty, so what is owed then is at least a batch. */
	*give = s->owed >= CREDIT_BATCH ? s->owed : 0;
	s->owed -= *give;
	kmutex_unlock(&s->lock);
	return n;
}

static void refund_owed(struct rpsock *s, uint32_t give)
{
	kmutex_lock(&s->lock);
	s->owed += give;
	kmutex_unlock(&s->lock);
}

static ssize_t rpsock_recv(struct file *f, void *buf, size_t len, int flags)
{
	struct rpsock *s = rps(f);
	uint32_t give;
	ssize_t n;

	while ((n = take(s, buf, len, &give)) == -EAGAIN) {
		if (flags & MSG_DONTWAIT)
			return n;
		if ((n = wait_for(f, VFS_POLLIN)))
			return n;
	}
	/* The credit goes back before we return, so a sender never waits on
	 * room it cannot be told about; if the link fails meanwhile the
	 * connection is reset anyway. */
	if (give && send_ctl(s, MSG_CREDIT, give) == -EINTR)
		refund_owed(s, give);
	return n;
}

static int rpsock_shutdown(struct file *f, int how)
{
	struct rpsock *s = rps(f);

	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return -EINVAL;
	if (s->state != S_CONNECTED)
		return -ENOTCONN;
	if (how == SHUT_RD || s->shut_wr)
		return 0;
	s->shut_wr = true;
	return send_ctl(s, MSG_CLOSE, 0) == -EINTR ? -EINTR : 0;
}

static int rpsock_getopt(struct file *f, int level, int name, void *val,
			 socklen_t *len)
{
	struct rpsock *s = rps(f);
	int v;

	if (level != SOL_SOCKET)
		return -ENOPROTOOPT;
	if (name == SO_TYPE)
		v = s->type;
	else if (name == SO_DOMAIN)
		v = AF_RPMSG;
	else if (name == SO_ERROR)
		v = s->state == S_RESET ? s->err : 0;
	else
		return -ENOPROTOOPT;
	if (!val || !len || *len < sizeof(int))
		return -EINVAL;
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

static ssize_t rpsock_read(struct file *f, void *buf, size_t len)
{
	return rpsock_recv(f, buf, len, 0);
}

static ssize_t rpsock_write(struct file *f, const void *buf, size_t len)
{
	return rpsock_send(f, buf, len, 0);
}

static const struct file_ops rpsock_fops = {
	.read = rpsock_read, .write = rpsock_write, .poll = rpsock_poll,
	.release = rpsock_release,
};

const struct sock_family rpmsg_sock_family = {
	.domain = AF_RPMSG, .fops = &rpsock_fops, .create = rpsock_create,
	.bind = rpsock_bind, .listen = rpsock_listen, .accept = rpsock_accept,
	.connect = rpsock_connect, .send = rpsock_send, .recv = rpsock_recv,
	.shutdown = rpsock_shutdown, .name = rpsock_name, .getopt = rpsock_getopt,
};
