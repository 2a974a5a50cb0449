// SPDX-License-Identifier: BSD-2-Clause
/*
 * The rpmsg transport over memory shared with another machine: the link
 * (who lays out the memory, how each side finds, watches and drops the
 * other), the two rings, endpoints and the name service.
 *
 * The link.  The master ("server") writes the layout with a new
 * generation number and advances a heartbeat every RPMSG_BEAT_NS; the
 * other side ("proxy") waits until it sees a valid layout and a moving
 * heartbeat, attaches and acknowledges the generation; the link is up
 * when the master sees its generation acknowledged and the proxy's
 * heartbeat moving.  Either side drops the link when the other's
 * heartbeat stops for RPMSG_DEAD_NS, when the other restarts (new
 * generation, new proxy boot number, acknowledgement withdrawn), or when
 * anything read from the shared memory is inconsistent; the master then
 * lays the memory out again with the next generation and the link comes
 * back when the proxy attaches to it.  So either may start first, and
 * either may restart.
 *
 * The thread.  Each link has a kernel thread that does everything that
 * reads the other side: heartbeats, link checks, receiving and
 * dispatching messages.  It sleeps on a semaphore posted by the
 * doorbell interrupt and by a ktimer whose callback only compares the
 * ring indices the other side moves with the values the thread last saw
 * (a few loads), so an idle polled link costs one timer interrupt per
 * period and no thread switch.
 *
 * Locking: rdev->lock (a kernel mutex) guards the link state, the rings,
 * the endpoint list and the remote names; senders take it too.  The
 * timer callback reads rdev->up and the ring indices without it: the
 * ring views only ever point inside the shared memory, and a stale
 * answer costs one extra or one later wake-up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <time.h>
#include <vireo/clock.h>
#include <vireo/dma.h>
#include <vireo/klog.h>
#include <vireo/mm.h>
#include <vireo/thread.h>
#include <vireo/vfs.h>
#include "rpmsg_priv.h"

#define RPMSG_BEAT_NS		(100 * NSEC_PER_MSEC)
#define RPMSG_DEAD_NS		(5 * NSEC_PER_SEC)	/* TCG on a busy host */
#define RPMSG_FIRST_ADDR	1024u
#define RPMSG_THREAD_PRIO	200
#define RPMSG_THREAD_STACK	8192
#define NS_CREATE		0u
#define NS_DESTROY		1u

struct rpmsg_ns_msg {
	char name[RPMSG_NAME_SIZE];
	uint32_t addr, flags;
};

static struct rpmsg_device *devices;	/* appended at probe, never removed */

/* ---- the rings, as each role uses them ---- */

/* Master: ring 0's buffers the proxy gave back join the free stack. */
static int reclaim_tx(struct rpmsg_device *rdev, const char **why)
{
	uint32_t id, len;
	int r;

	while ((r = rpmsg_vring_reclaim(&rdev->ring[0], &id, &len, why)) == 0)
		rdev->free_ids[rdev->nfree++] = id;
	return r == -EAGAIN ? 0 : r;
}

/* An empty buffer to send in: 0 with *id, *buf, *cap; -EAGAIN; -EIO. */
static int tx_get(struct rpmsg_device *rdev, uint32_t *id, uint8_t **buf,
		  uint32_t *cap, const char **why)
{
	uint32_t off;
	int r;

	if (!rdev->master) {
		r = rpmsg_vring_take(&rdev->ring[1], id, &off, cap, why);
		*buf = rdev->shm + off;
		return r;
	}
	if ((r = reclaim_tx(rdev, why)))
		return r;
	if (!rdev->nfree)
		return -EAGAIN;
	*id = rdev->free_ids[--rdev->nfree];
	*buf = rdev->shm + rdev->lay.buf_off[0] + *id * rdev->lay.buf_size;
	*cap = rdev->lay.buf_size;
	return 0;
}

static void tx_put(struct rpmsg_device *rdev, uint32_t id, uint32_t len)
{
	if (rdev->master)
		rpmsg_vring_post(&rdev->ring[0], id, len);
	else
		rpmsg_vring_give(&rdev->ring[1], id, len);
}

/* The next message received: 0 with *id, *buf, *len; -EAGAIN; -EIO. */
static int rx_get(struct rpmsg_device *rdev, uint32_t *id, uint8_t **buf,
		  uint32_t *len, const char **why)
{
	uint32_t off;
	int r;

	if (rdev->master) {
		r = rpmsg_vring_reclaim(&rdev->ring[1], id, len, why);
		*buf = rdev->shm + rdev->lay.buf_off[1] + *id * rdev->lay.buf_size;
		return r;
	}
	r = rpmsg_vring_take(&rdev->ring[0], id, &off, len, why);
	*buf = rdev->shm + off;
	return r;
}

static void rx_put(struct rpmsg_device *rdev, uint32_t id)
{
	if (rdev->master)
		rpmsg_vring_post(&rdev->ring[1], id, rdev->lay.buf_size);
	else
		rpmsg_vring_give(&rdev->ring[0], id, 0);
}

static void notify_peer(struct rpmsg_device *rdev)
{
	if (rdev->ops->notify && rdev->peer_doorbell)
		rdev->ops->notify(rdev->ctx);
}

/* ---- sending ---- */

size_t rpmsg_max_payload_locked(const struct rpmsg_device *rdev)
{
	uint32_t bs = rdev->lay.buf_size;

	return bs ? MIN(bs - sizeof(struct rpmsg_hdr), (size_t)UINT16_MAX) : 0;
}

/* Sends the message a (alen bytes) followed by b (blen). */
static int sendv_locked(struct rpmsg_device *rdev, uint32_t src, uint32_t dst,
			const void *a, size_t alen, const void *b, size_t blen)
{
	struct rpmsg_hdr h = { .src = src, .dst = dst };
	size_t len = alen + blen;
	const char *why;
	uint32_t id, cap;
	uint8_t *buf;
	int r;

	if (!rdev->up || rdev->fault)
		return -ENOTCONN;
	if (blen > SIZE_MAX - alen || len > rpmsg_max_payload_locked(rdev))
		return -EMSGSIZE;
	r = tx_get(rdev, &id, &buf, &cap, &why);
	if (r == -EIO) {
		rdev->fault = why;	/* the thread drops the link */
		ksem_post(&rdev->wake);
		return -ENOTCONN;
	}
	if (r)
		return r;
	if (cap < sizeof(h) + len) {	/* the proxy offered a short buffer */
		rdev->fault = "receive buffer shorter than the layout's";
		ksem_post(&rdev->wake);
		return -ENOTCONN;
	}
	h.len = (uint16_t)len;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), a, alen);
	if (blen)
		memcpy(buf + sizeof(h) + alen, b, blen);
	tx_put(rdev, id, (uint32_t)(sizeof(h) + len));
	notify_peer(rdev);
	return 0;
}

int rpmsg_send_locked(struct rpmsg_device *rdev, uint32_t src, uint32_t dst,
		      const void *data, size_t len)
{
	return sendv_locked(rdev, src, dst, data, len, NULL, 0);
}

int rpmsg_sendv(struct rpmsg_endpoint *ept, uint32_t dst, const void *a,
		size_t alen, const void *b, size_t blen, uint64_t timeout_ns)
{
	struct rpmsg_device *rdev = ept->rdev;
	uint64_t deadline = timeout_ns ? clock_monotonic_ns() + timeout_ns : 0;
	int r;

	kmutex_lock(&rdev->lock);
	while ((r = sendv_locked(rdev, ept->addr, dst, a, alen, b, blen)) == -EAGAIN &&
	       timeout_ns) {
		r = kcond_wait(&rdev->tx_cond, &rdev->lock, deadline, WAIT_SIGNALS);
		if (r)
			break;
	}
	kmutex_unlock(&rdev->lock);
	return r;
}

int rpmsg_send(struct rpmsg_endpoint *ept, uint32_t dst, const void *data,
	       size_t len)
{
	return rpmsg_sendv(ept, dst, data, len, NULL, 0, 0);
}

bool rpmsg_tx_ready(struct rpmsg_device *rdev)
{
	const char *why;
	bool ready;

	kmutex_lock(&rdev->lock);
	if (!rdev->up || rdev->fault)
		ready = true;	/* a send fails at once */
	else if (rdev->master)
		ready = reclaim_tx(rdev, &why) || rdev->nfree;
	else
		ready = rpmsg_vring_pending(&rdev->ring[1], false);
	kmutex_unlock(&rdev->lock);
	return ready;
}

/* ---- endpoints and names ---- */

static struct rpmsg_endpoint *ept_at(struct rpmsg_device *rdev, uint32_t addr)
{
	struct list_node *n;

	list_for_each(n, &rdev->epts) {
		struct rpmsg_endpoint *e = list_entry(n, struct rpmsg_endpoint, node);
		if (e->addr == addr)
			return e;
	}
	return NULL;
}

static void announce_locked(struct rpmsg_device *rdev,
			    const struct rpmsg_endpoint *ept, uint32_t flags)
{
	struct rpmsg_ns_msg m = { .addr = ept->addr, .flags = flags };

	memcpy(m.name, ept->name, sizeof(m.name));
	/* A fresh link has every buffer free; a full one loses the name
	 * until the next link up, which is logged. */
	if (rpmsg_send_locked(rdev, ept->addr, RPMSG_NS_ADDR, &m, sizeof(m)) &&
	    rdev->up)
		pr_warn("rpmsg: cannot announce %s to %s\n", ept->name, rdev->peer);
}

int rpmsg_ept_create(struct rpmsg_device *rdev, struct rpmsg_endpoint *ept,
		     const char *name, uint32_t addr,
		     const struct rpmsg_endpoint_ops *ops, void *priv)
{
	int r = 0;

	if (strlen(name) >= RPMSG_NAME_SIZE || addr == RPMSG_NS_ADDR)
		return -EINVAL;
	kmutex_lock(&rdev->lock);
	if (addr == RPMSG_ADDR_ANY) {
		while (ept_at(rdev, rdev->next_addr))
			rdev->next_addr = MAX(rdev->next_addr + 1, RPMSG_FIRST_ADDR);
		addr = rdev->next_addr++;
	} else if (ept_at(rdev, addr)) {
		r = -EADDRINUSE;
	}
	if (!r) {
		*ept = (struct rpmsg_endpoint){ .rdev = rdev, .ops = ops,
						.priv = priv, .addr = addr };
		strcpy(ept->name, name);
		list_add_tail(&rdev->epts, &ept->node);
		if (name[0] && rdev->up)
			announce_locked(rdev, ept, NS_CREATE);
	}
	kmutex_unlock(&rdev->lock);
	return r;
}

void rpmsg_ept_destroy(struct rpmsg_endpoint *ept)
{
	struct rpmsg_device *rdev = ept->rdev;

	kmutex_lock(&rdev->lock);
	if (ept->name[0] && rdev->up)
		announce_locked(rdev, ept, NS_DESTROY);
	list_del(&ept->node);
	kmutex_unlock(&rdev->lock);
}

int rpmsg_ns_lookup_locked(struct rpmsg_device *rdev, const char *name,
			   uint32_t *addr)
{
	for (int i = 0; i < RPMSG_NS_MAX; i++)
		if (rdev->ns[i].name[0] && !strcmp(rdev->ns[i].name, name)) {
			*addr = rdev->ns[i].addr;
			return 0;
		}
	return -ENOENT;
}

int rpmsg_ns_lookup(struct rpmsg_device *rdev, const char *name,
		    uint32_t *addr, uint64_t timeout_ns)
{
	uint64_t deadline = timeout_ns ? clock_monotonic_ns() + timeout_ns : 0;
	int r;

	kmutex_lock(&rdev->lock);
	while ((r = rpmsg_ns_lookup_locked(rdev, name, addr)) == -ENOENT &&
	       timeout_ns) {
		int w = kcond_wait(&rdev->ns_cond, &rdev->lock, deadline, WAIT_SIGNALS);

		if (w) {
			r = w == -EINTR ? w : -ENOENT;
			break;
		}
	}
	kmutex_unlock(&rdev->lock);
	return r;
}

static void ns_rx(struct rpmsg_device *rdev, const void *data, size_t len)
{
	struct rpmsg_ns_msg m;
	int slot = -1;

	if (len != sizeof(m)) {
		pr_warn("rpmsg: %s sent a name-service message of %zu bytes\n",
			rdev->peer, len);
		return;
	}
	memcpy(&m, data, sizeof(m));
	m.name[RPMSG_NAME_SIZE - 1] = '\0';
	for (int i = 0; i < RPMSG_NS_MAX; i++) {
		if (!strcmp(rdev->ns[i].name, m.name))
			rdev->ns[i].name[0] = '\0';	/* replaced or gone */
		if (slot < 0 && !rdev->ns[i].name[0])
			slot = i;
	}
	if (m.flags != NS_CREATE || !m.name[0])
		return;
	if (slot < 0) {
		pr_warn("rpmsg: no room for %s's name %s\n", rdev->peer, m.name);
		return;
	}
	memcpy(rdev->ns[slot].name, m.name, RPMSG_NAME_SIZE);
	rdev->ns[slot].addr = m.addr;
	kcond_broadcast(&rdev->ns_cond);
}

/* ---- receiving ---- */

/* One message of len bytes at buf: dispatched, or -EIO (*why). */
static int deliver(struct rpmsg_device *rdev, const uint8_t *buf,
		   uint32_t len, const char **why)
{
	struct rpmsg_endpoint *ept;
	struct rpmsg_hdr h;

	if (len < sizeof(h)) {
		*why = "message shorter than its header";
		return -EIO;
	}
	memcpy(&h, buf, sizeof(h));	/* read once: the other side may change it */
	if (h.len > len - sizeof(h)) {
		*why = "message length exceeds its buffer";
		return -EIO;
	}
	if (h.dst == RPMSG_NS_ADDR)
		ns_rx(rdev, buf + sizeof(h), h.len);
	else if ((ept = ept_at(rdev, h.dst)))
		ept->ops->rx(ept, buf + sizeof(h), h.len, h.src);
	return 0;
}

/* Takes what arrived (at most a ring's worth per pass, so a flood
 * cannot hold the lock for ever): true when anything moved. */
static bool rx_pass(struct rpmsg_device *rdev)
{
	uint32_t id, len, n = 0;
	const char *why = NULL;
	uint8_t *buf;
	int r = 0;

	while (n < rdev->lay.num && !(r = rx_get(rdev, &id, &buf, &len, &why))) {
		r = deliver(rdev, buf, len, &why);
		rx_put(rdev, id);
		n++;
		if (r)
			break;
	}
	if (r == -EIO)
		rdev->fault = why;
	if (n)
		notify_peer(rdev);
	if (n == rdev->lay.num)
		ksem_post(&rdev->wake);	/* more may wait */
	return n;
}

/* ---- the link ---- */

static void link_up_locked(struct rpmsg_device *rdev)
{
	struct list_node *n;

	rdev->up = true;
	rdev->epoch++;
	memset(rdev->ns, 0, sizeof(rdev->ns));
	pr_info("rpmsg: link to %s up (%u buffers of %u bytes each way)\n",
		rdev->peer, rdev->lay.num, rdev->lay.buf_size);
	list_for_each(n, &rdev->epts) {
		struct rpmsg_endpoint *e = list_entry(n, struct rpmsg_endpoint, node);
		if (e->name[0])
			announce_locked(rdev, e, NS_CREATE);
	}
}

static void link_down_locked(struct rpmsg_device *rdev, const char *why)
{
	struct list_node *n;

	if (!rdev->up)
		return;
	rdev->up = false;
	pr_warn("rpmsg: link to %s down: %s\n", rdev->peer, why);
	memset(rdev->ns, 0, sizeof(rdev->ns));
	list_for_each(n, &rdev->epts) {
		struct rpmsg_endpoint *e = list_entry(n, struct rpmsg_endpoint, node);
		if (e->ops->link_down)
			e->ops->link_down(e);
	}
}

/* The other side's name, as printable text (it is the other side's to
 * write, and it goes into our log lines). */
static void set_peer_name(struct rpmsg_device *rdev, const char *name)
{
	memcpy(rdev->peer, name, RPMSG_NAME_LEN);
	rdev->peer[RPMSG_NAME_LEN - 1] = '\0';
	for (char *c = rdev->peer; *c; c++)
		if (*c < 0x21 || *c > 0x7e)
			*c = '?';
}

/* Tracks the other side's heartbeat: is it alive now? */
static bool peer_alive(struct rpmsg_device *rdev, uint32_t beat, uint64_t now)
{
	if (beat != rdev->peer_beat) {
		rdev->peer_beat = beat;
		rdev->peer_beat_ns = now;
	}
	return rdev->peer_beat_ns && now - rdev->peer_beat_ns < RPMSG_DEAD_NS;
}

/* Master: lays the memory out afresh under the next generation. */
static void lay_out(struct rpmsg_device *rdev)
{
	struct rpmsg_shm_server *s = rdev->srv;
	const struct rpmsg_layout *l = &rdev->lay;

	rdev->gen = rdev->gen + 1 ? rdev->gen + 1 : 1;
	s->magic = 0;	/* invalid while the rest changes */
	dma_wmb();
	for (int r = 0; r < 2; r++)
		rpmsg_vring_attach(&rdev->ring[r], rdev->shm, l, r, rdev->held[r]);
	rpmsg_vring_format(&rdev->ring[0], 0);
	rpmsg_vring_format(&rdev->ring[1], VIRTQ_DESC_F_WRITE);
	rdev->nfree = 0;
	for (uint32_t i = 0; i < l->num; i++) {
		rdev->free_ids[rdev->nfree++] = l->num - 1 - i;
		rpmsg_vring_post(&rdev->ring[1], i, l->buf_size);
	}
	*s = (struct rpmsg_shm_server){
		.version = RPMSG_SHM_VERSION, .num = l->num, .buf_size = l->buf_size,
		.ring_off = { l->ring_off[0], l->ring_off[1] },
		.buf_off = { l->buf_off[0], l->buf_off[1] },
		.beat = rdev->my_beat, .doorbell = rdev->doorbell };
	strncpy(s->name, CONFIG_RPMSG_CPUNAME, RPMSG_NAME_LEN - 1);
	dma_wmb();	/* everything before the magic and generation */
	s->magic = RPMSG_SHM_MAGIC;
	s->gen = rdev->gen;
	rdev->peer_beat_ns = 0;
	rdev->fault = NULL;
}

/* Master: is the header still what we wrote? */
static bool header_intact(const struct rpmsg_device *rdev)
{
	struct rpmsg_shm_server h;
	struct rpmsg_layout l;
	const char *why;

	memcpy(&h, rdev->srv, sizeof(h));
	return h.gen == rdev->gen && !rpmsg_layout_check(&h, rdev->size, &l, &why) &&
	       !memcmp(&l, &rdev->lay, sizeof(l));
}

static void master_check(struct rpmsg_device *rdev, uint64_t now)
{
	struct rpmsg_shm_proxy p;
	const char *why = NULL;

	memcpy(&p, rdev->prx, sizeof(p));
	bool alive = peer_alive(rdev, p.beat, now);
	if (rdev->fault)
		why = rdev->fault;
	else if (!header_intact(rdev))
		why = "shared header overwritten";
	else if (rdev->up && p.ack != rdev->gen)
		why = "the proxy left the link";
	else if (rdev->up && p.boot != rdev->peer_boot)
		why = "the proxy restarted";
	else if (rdev->up && !alive)
		why = "no heartbeat";
	else if (!rdev->up && p.boot != rdev->peer_boot)
		why = "a new proxy";	/* it refuses the layout it found */
	if (why) {
		rdev->peer_boot = p.boot;
		link_down_locked(rdev, why);
		lay_out(rdev);
		return;
	}
	if (!rdev->up && p.ack == rdev->gen && alive) {
		set_peer_name(rdev, p.name);
		rdev->peer_doorbell = p.doorbell;
		link_up_locked(rdev);
	}
}

/* Proxy: our half of the header, all but the acknowledgement. */
static void write_proxy_half(struct rpmsg_device *rdev)
{
	struct rpmsg_shm_proxy *p = rdev->prx;

	p->boot = rdev->my_boot;
	p->doorbell = rdev->doorbell;
	memset(p->name, 0, sizeof(p->name));
	strncpy(p->name, CONFIG_RPMSG_CPUNAME, RPMSG_NAME_LEN - 1);
}

/* Proxy: attaches to the layout in h, already checked as l. */
static void attach(struct rpmsg_device *rdev, const struct rpmsg_shm_server *h,
		   const struct rpmsg_layout *l)
{
	rdev->lay = *l;
	for (int r = 0; r < 2; r++)
		rpmsg_vring_attach(&rdev->ring[r], rdev->shm, l, r, NULL);
	rdev->gen = h->gen;
	set_peer_name(rdev, h->name);
	rdev->peer_doorbell = h->doorbell;
	rdev->fault = NULL;
	write_proxy_half(rdev);	/* garbage may have hit it */
	dma_mb();	/* our view is set before we say so */
	rdev->prx->ack = rdev->gen;
	link_up_locked(rdev);
}

static void proxy_check(struct rpmsg_device *rdev, uint64_t now)
{
	struct rpmsg_shm_server h;
	struct rpmsg_layout l;
	const char *why = NULL;

	memcpy(&h, rdev->srv, sizeof(h));
	bool alive = peer_alive(rdev, h.beat, now);
	if (rdev->up) {
		if (rdev->fault)
			rdev->bad_gen = rdev->gen, why = rdev->fault;
		else if (h.gen != rdev->gen)
			why = "the server restarted the link";
		else if (!alive)
			why = "no heartbeat";
		if (why) {
			link_down_locked(rdev, why);
			rdev->prx->ack = 0;
		}
		return;
	}
	if (!alive || !h.gen || h.gen == rdev->bad_gen || h.gen == rdev->gen)
		return;
	dma_rmb();	/* the layout after the generation that covers it */
	if (rpmsg_layout_check(&h, rdev->size, &l, &why)) {
		pr_warn("rpmsg: layout %u refused: %s\n", h.gen, why);
		rdev->bad_gen = h.gen;
		return;
	}
	attach(rdev, &h, &l);
}

static void beat(struct rpmsg_device *rdev, uint64_t now)
{
	rdev->my_beat++;
	if (rdev->master) {
		rdev->srv->beat = rdev->my_beat;
		master_check(rdev, now);
	} else {
		rdev->prx->beat = rdev->my_beat;
		proxy_check(rdev, now);
	}
}

/* The index each ring's other side moves, for the timer's comparison. */
static uint16_t watched(const struct rpmsg_device *rdev, int r)
{
	const struct rpmsg_vring *vr = &rdev->ring[r];

	return virtq_read16(rdev->master ? &vr->used->idx : &vr->avail->idx);
}

static bool moved(struct rpmsg_device *rdev, uint16_t seen[2])
{
	bool any = false;

	for (int r = 0; r < 2; r++) {
		uint16_t v = watched(rdev, r);
		any |= v != seen[r];
		seen[r] = v;
	}
	return any;
}

static void pass(struct rpmsg_device *rdev)
{
	uint64_t now = clock_monotonic_ns();
	bool wake_senders = false;

	kmutex_lock(&rdev->lock);
	if (now >= rdev->next_beat_ns || rdev->fault) {
		rdev->next_beat_ns = now + RPMSG_BEAT_NS;
		bool was_up = rdev->up;
		beat(rdev, now);
		wake_senders = was_up != rdev->up;
	}
	if (rdev->up) {
		wake_senders |= moved(rdev, rdev->seen);
		if (rx_pass(rdev))
			wake_senders = true;
		if (IS_ENABLED(CONFIG_RPMSG_SYSLOG))
			rpmsg_syslog_pass_locked(rdev);
	}
	kmutex_unlock(&rdev->lock);
	if (wake_senders) {
		kcond_broadcast(&rdev->tx_cond);
		poll_notify();
	}
}

static void rpmsg_thread(void *arg)
{
	struct rpmsg_device *rdev = arg;

	for (;;) {
		ksem_wait(&rdev->wake);
		pass(rdev);
	}
}

/* Timer interrupt, scheduler lock held: wakes the thread when its
 * heartbeat is due or the other side moved an index. */
static void poll_timer(struct ktimer *t)
{
	struct rpmsg_device *rdev = t->arg;
	uint64_t now = clock_monotonic_ns();
	bool due = now >= rdev->next_beat_ns;

	for (int r = 0; r < 2 && !due && rdev->up; r++)
		due = watched(rdev, r) != rdev->seen[r];
	if (due && ksem_value(&rdev->wake) == 0)
		ksem_post_locked(&rdev->wake);
	ktimer_arm_locked(t, now + rdev->period_ns, poll_timer);
}

void rpmsg_shm_kick(struct rpmsg_device *rdev)
{
	if (ksem_value(&rdev->wake) == 0)
		ksem_post(&rdev->wake);
}

/* ---- start and queries ---- */

static int alloc_master(struct rpmsg_device *rdev)
{
	if (rpmsg_layout_plan(&rdev->lay, rdev->size, CONFIG_RPMSG_BUFS,
			      CONFIG_RPMSG_BUF_SIZE)) {
		pr_err("rpmsg: %u buffers of %u bytes do not fit in %zu bytes\n",
		       CONFIG_RPMSG_BUFS, CONFIG_RPMSG_BUF_SIZE, rdev->size);
		return -EINVAL;
	}
	rdev->held[0] = kcalloc(2, rdev->lay.num);
	rdev->free_ids = kcalloc(rdev->lay.num, sizeof(*rdev->free_ids));
	if (!rdev->held[0] || !rdev->free_ids) {
		free(rdev->held[0]);
		free(rdev->free_ids);
		return -ENOMEM;
	}
	rdev->held[1] = rdev->held[0] + rdev->lay.num;
	rdev->gen = rdev->srv->gen;	/* continue after the last run's */
	lay_out(rdev);
	return 0;
}

static void init_proxy(struct rpmsg_device *rdev)
{
	rdev->prx->ack = 0;
	rdev->my_boot = rdev->prx->boot + 1;	/* any change tells the server */
	write_proxy_half(rdev);
	/* Not the generation we may find there: that one is stale. */
	rdev->bad_gen = rdev->srv->gen;
}

int rpmsg_shm_start(void *shm, size_t size, const struct rpmsg_shm_ops *ops,
		    void *ctx, uint32_t doorbell, struct rpmsg_device **out)
{
	struct rpmsg_device *rdev = kcalloc(1, sizeof(*rdev));
	struct thread *t;
	int r;

	if (!rdev)
		return -ENOMEM;
	*rdev = (struct rpmsg_device){
		.shm = shm, .size = size, .ops = ops, .ctx = ctx,
		.master = IS_ENABLED(CONFIG_RPMSG_MASTER), .doorbell = doorbell,
		.srv = shm, .prx = (void *)((uint8_t *)shm + RPMSG_PROXY_OFF),
		.next_addr = RPMSG_FIRST_ADDR,
		.period_ns = ops->notify ? RPMSG_BEAT_NS
					 : CONFIG_RPMSG_POLL_US * NSEC_PER_USEC };
	kmutex_init(&rdev->lock, false);
	kcond_init(&rdev->tx_cond, CLOCK_MONOTONIC);
	kcond_init(&rdev->ns_cond, CLOCK_MONOTONIC);
	ksem_init(&rdev->wake, 0);
	list_init(&rdev->epts);
	if (size < RPMSG_HDR_BYTES)
		r = -EINVAL;
	else if (rdev->master)
		r = alloc_master(rdev);
	else
		r = (init_proxy(rdev), 0);
	if (!r)
		r = thread_create(&t, "rpmsg", RPMSG_THREAD_PRIO, SCHED_FIFO,
				  RPMSG_THREAD_STACK, rpmsg_thread, rdev);
	if (r) {
		free(rdev);
		return r;
	}
	rpmsg_syslog_init(rdev);
	rdev->next = devices;
	devices = rdev;
	pr_info("rpmsg: cpu %s, %s, %s every %llu us\n", CONFIG_RPMSG_CPUNAME,
		rdev->master ? "lays out the shared memory" : "waits for the server's layout",
		ops->notify ? "doorbell, heartbeat" : "polled",
		(unsigned long long)(rdev->period_ns / NSEC_PER_USEC));
	ktimer_start(&rdev->timer, rdev->period_ns, poll_timer, rdev);
	*out = rdev;
	return 0;
}

struct rpmsg_device *rpmsg_device_find(const char *cpu)
{
	for (struct rpmsg_device *d = devices; d; d = d->next)
		if (!cpu || !cpu[0] || !strcmp(d->peer, cpu))
			return d;
	return NULL;
}

const char *rpmsg_device_cpu(const struct rpmsg_device *rdev)
{
	return rdev->peer;
}

bool rpmsg_link_up(const struct rpmsg_device *rdev)
{
	return rdev->up;
}

unsigned int rpmsg_link_epoch(struct rpmsg_device *rdev)
{
	return READ_ONCE(rdev->epoch);
}

size_t rpmsg_max_payload(struct rpmsg_device *rdev)
{
	size_t n;

	kmutex_lock(&rdev->lock);
	n = rpmsg_max_payload_locked(rdev);
	kmutex_unlock(&rdev->lock);
	return n;
}

uint32_t rpmsg_peer_doorbell(const struct rpmsg_device *rdev)
{
	return READ_ONCE(rdev->peer_doorbell);
}
