// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-console (Virtio 1.2, 5.3): QEMU's virtio-serial-device and
 * virtio-serial-pci with their virtconsole and virtserialport ports.
 * Each port is a tty (<vireo/tty.h>) named /dev/ttyV<port id>: a console
 * port (virtconsole) is a terminal (ONLCR, Ctrl-C), a serial port
 * (virtserialport) a raw byte pipe.  With VIRTIO_CONSOLE_F_MULTIPORT the
 * device announces its ports on the control queue; without it, port 0
 * alone exists and is the console.
 *
 * Receiving: a port keeps receive buffers posted whenever its ring has
 * room for what they could bring (a credit: never more posted than the
 * ring can take), so the interrupt handler copies every used buffer into
 * the ring whole and nothing is ever dropped; a reader that falls behind
 * stops the device, and the host's socket, instead.  Sending: write()
 * queues bytes in the port's transmit ring; one buffer at a time goes to
 * the device, refilled from the ring by the completion interrupt.
 *
 * The host side of a port (PORT_OPEN from the device) is tracked:
 * while the host has the port closed, output waits in the ring and
 * write() blocks once it is full (-EAGAIN with O_NONBLOCK), as on a serial
 * line whose peer holds CTS low, because the device would discard it.
 * read() blocks until data comes, whether the host is connected or not:
 * a shell on the port survives a telnet client leaving and serves the
 * next one (Enter gets a prompt).  QEMU keeps a virtconsole's host side
 * always open.  The guest side is always open (PORT_OPEN 1 right after
 * PORT_READY): receive buffers are always posted.
 *
 * The rings, their wait queues and the read/write loops are a tty_port
 * (kernel/tty_port.c); this file adds the virtqueues under them.
 *
 * Locking:
 *   p->port.lock (IRQ-safe) protects the port's two rings, its two
 *   virtqueues, the free receive buffers, the transmit state and
 *   host_open.  Innermost: the scheduler lock (wait queues) is taken
 *   first or after release, never inside it.
 *   dev->ctrl_lock (IRQ-safe) protects both control queues and the pool
 *   of control messages being sent.
 *   Control messages are handled one at a time: at probe (the device's
 *   first answers, before the scheduler runs) and afterwards only by the
 *   device's work item, which runs on one work queue thread.
 *
 * A transport offers at most ARRAY_SIZE(vdev->vqs) queues; two are the
 * control queues, so ports beyond (that - 2) / 2 are refused with
 * PORT_READY 0 and a log line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/compiler.h>
#include <vireo/klog.h>
#include <vireo/mm.h>
#include <vireo/ringbuf.h>
#include <vireo/spinlock.h>
#include <vireo/tty.h>
#include <vireo/virtio.h>
#include <vireo/wait.h>
#include <vireo/workqueue.h>

_Static_assert((CONFIG_VIRTIO_CONSOLE_RXBUF & (CONFIG_VIRTIO_CONSOLE_RXBUF - 1)) == 0,
	       "CONFIG_VIRTIO_CONSOLE_RXBUF must be a power of two");
_Static_assert((CONFIG_VIRTIO_CONSOLE_TXBUF & (CONFIG_VIRTIO_CONSOLE_TXBUF - 1)) == 0,
	       "CONFIG_VIRTIO_CONSOLE_TXBUF must be a power of two");

/* Feature bits (5.3.3) */
#define VCON_F_MULTIPORT	1

/* Configuration layout (5.3.4): cols, rows (le16), max_nr_ports (le32) */
#define VCON_CFG_MAX_NR_PORTS	4

/* Control events (5.3.6.2) */
#define VCON_DEVICE_READY	0
#define VCON_PORT_ADD		1
#define VCON_PORT_REMOVE	2
#define VCON_PORT_READY		3
#define VCON_CONSOLE_PORT	4
#define VCON_RESIZE		5
#define VCON_PORT_OPEN		6
#define VCON_PORT_NAME		7

/* Queue numbers (5.3.2): port 0 is 0/1, control 2/3, port n 2n+2/2n+3. */
#define VCON_CTRL_RXQ		2
#define VCON_CTRL_TXQ		3

#define VCON_QUEUE_SIZE		16
#define RX_BUF_SIZE		512	/* one posted receive buffer */
#define RX_BUFS			(CONFIG_VIRTIO_CONSOLE_RXBUF / RX_BUF_SIZE)
#define TX_BUF_SIZE		1024	/* the buffer in flight */
/* QEMU drops a control message when no buffer is posted, and answers
 * DEVICE_READY with one PORT_ADD per port (up to 31) at once. */
#define CTRL_QUEUE_SIZE		32
#define CTRL_RX_BUFS		32
#define CTRL_BUF_SIZE		128	/* header and a port name */
#define CTRL_TX_SLOTS		8
#define CTRL_BATCH		64	/* messages handled per work run */
#define PORT_NAME_MAX		40

_Static_assert(RX_BUFS >= 2 && RX_BUFS <= VCON_QUEUE_SIZE,
	       "CONFIG_VIRTIO_CONSOLE_RXBUF: 1 to 8 KiB");
_Static_assert(CTRL_RX_BUFS <= CTRL_QUEUE_SIZE && CTRL_TX_SLOTS <= CTRL_QUEUE_SIZE &&
	       CTRL_TX_SLOTS <= 32,
	       "control buffers must fit their queues and the slot mask");

struct vcon_control {		/* 5.3.6.2, little-endian */
	uint32_t id;
	uint16_t event;
	uint16_t value;
};

struct vcon_dev;

struct vcon_port {
	struct tty tty;
	struct vcon_dev *dev;
	unsigned int id;
	struct virtqueue *rxq, *txq;
	struct tty_port port;		/* rings and lock: see the top */
	void *rx_free[RX_BUFS];		/* receive buffers not posted */
	unsigned int nr_free;
	unsigned int nr_posted;		/* receive buffers the device has */
	uint32_t tx_len;		/* bytes of tx_buf with the device
					 * (still in the ring); 0: idle */
	bool host_open;
	char name[PORT_NAME_MAX];	/* PORT_NAME, "" if none */
	char devname[12];		/* "ttyV0" */
	uint8_t rx_mem[CONFIG_VIRTIO_CONSOLE_RXBUF];
	uint8_t tx_mem[CONFIG_VIRTIO_CONSOLE_TXBUF];
	uint8_t rx_bufs[RX_BUFS][RX_BUF_SIZE];
	uint8_t tx_buf[TX_BUF_SIZE];
};

#define VCON_MAX_PORTS \
	((ARRAY_SIZE(((struct virtio_device *)0)->vqs) - 2) / 2)

struct vcon_dev {
	struct virtio_device *vdev;
	bool multiport;
	unsigned int nr_ports;		/* queues set up: ids 0..nr_ports-1 */
	unsigned int max_nr_ports;	/* what the device may announce */
	unsigned int first;		/* ttyV number of port 0 */
	struct virtqueue *ctrl_rxq, *ctrl_txq;
	spinlock_t ctrl_lock;		/* see the top of the file */
	uint32_t ctrl_tx_free;		/* bit n: ctrl_tx[n] is free */
	struct wait_queue ctrl_tx_wq;	/* scheduler lock */
	struct work ctrl_work;
	/* Written once by the control handler; read by interrupts. */
	struct vcon_port *ports[VCON_MAX_PORTS];
	struct vcon_control ctrl_tx[CTRL_TX_SLOTS];
	uint8_t ctrl_rx[CTRL_RX_BUFS][CTRL_BUF_SIZE];
};

/* ttyV numbers handed out so far, so that a second device's ports do
 * not collide with the first's.  Probing is serial (boot). */
static unsigned int next_tty;

static unsigned int rxq_index(unsigned int id)
{
	return id == 0 ? 0 : 2 * id + 2;
}

static struct vcon_port *port_of_queue(struct virtqueue *vq)
{
	struct vcon_dev *d = virtqueue_device(vq)->priv;
	unsigned int idx = virtqueue_index(vq);
	unsigned int id = idx < 2 ? 0 : (idx - 2) / 2;

	if (!d || id >= d->nr_ports)
		return NULL;
	return __atomic_load_n(&d->ports[id], __ATOMIC_ACQUIRE);
}

static bool broken(const struct vcon_port *p)
{
	return virtio_device_is_broken(p->dev->vdev);
}

/* ---- receive ---- */

static struct vcon_port *port_of(struct tty_port *port)
{
	return container_of(port, struct vcon_port, port);
}

/* Posts free buffers while the ring can take all they may bring. */
static void rx_refill_locked(struct tty_port *port)
{
	struct vcon_port *p = port_of(port);
	bool added = false;

	while (p->nr_free &&
	       (p->nr_posted + 1) * RX_BUF_SIZE <= ringbuf_space(&p->port.rx)) {
		void *buf = p->rx_free[p->nr_free - 1];
		struct virtq_buf b = { buf, RX_BUF_SIZE };

		if (virtqueue_add(p->rxq, &b, 0, 1, buf) < 0)
			break;
		p->nr_free--;
		p->nr_posted++;
		added = true;
	}
	if (added)
		virtqueue_kick(p->rxq);
}

/* Moves a used buffer into the ring (the credit guarantees room); a
 * console port's Ctrl-C bytes become *intr instead.  Returns the bytes
 * queued. */
static size_t rx_take_locked(struct vcon_port *p, const uint8_t *buf,
			     uint32_t len, size_t *intr)
{
	size_t queued = 0;

	for (uint32_t i = 0; i < len && i < RX_BUF_SIZE; i++) {
		if (tty_rx_is_intr(&p->tty, buf[i]))
			(*intr)++;
		else
			queued += ringbuf_putc(&p->port.rx, buf[i]) == 0;
	}
	return queued;
}

static void port_rx_done(struct virtqueue *vq)
{
	struct vcon_port *p = port_of_queue(vq);
	size_t queued = 0, intr = 0;
	uint32_t len;
	void *buf;

	if (!p)
		return;
	irqflags_t f = spin_lock_irqsave(&p->port.lock);
	while ((buf = virtqueue_get_buf(vq, &len))) {
		p->nr_posted--;
		queued += rx_take_locked(p, buf, len, &intr);
		p->rx_free[p->nr_free++] = buf;
	}
	rx_refill_locked(&p->port);
	spin_unlock_irqrestore(&p->port.lock, f);

	if (queued || broken(p))
		tty_port_wake(&p->port);
	if (intr)
		tty_rx_intr(&p->tty);
}

/* ---- transmit ---- */

/* Hands the next run of queued bytes to the device unless one is in
 * flight or the host has the port closed. */
static void tx_start_locked(struct tty_port *port)
{
	struct vcon_port *p = port_of(port);
	struct virtq_buf b = { p->tx_buf, 0 };

	if (p->tx_len || !p->host_open || ringbuf_empty(&p->port.tx))
		return;
	b.len = (uint32_t)ringbuf_peek(&p->port.tx, 0, p->tx_buf, TX_BUF_SIZE);
	if (virtqueue_add(p->txq, &b, 1, 0, p->tx_buf) < 0)
		return;			/* broken: writers are woken */
	p->tx_len = b.len;
	virtqueue_kick(p->txq);
}

static void port_tx_done(struct virtqueue *vq)
{
	struct vcon_port *p = port_of_queue(vq);
	bool done = false;
	uint32_t len;

	if (!p)
		return;
	irqflags_t f = spin_lock_irqsave(&p->port.lock);
	while (virtqueue_get_buf(vq, &len)) {
		/* The bytes sent leave the ring only now: tx_buf was a
		 * copy of its head. */
		ringbuf_skip(&p->port.tx, p->tx_len);
		p->tx_len = 0;
		done = true;
	}
	tx_start_locked(&p->port);
	spin_unlock_irqrestore(&p->port.lock, f);

	if (done || broken(p))
		tty_port_wake(&p->port);
}

static bool port_dead(struct tty_port *port)
{
	return broken(port_of(port));
}

static const struct tty_port_ops port_ops = {
	.tx_start_locked = tx_start_locked,
	.rx_drained_locked = rx_refill_locked,
	.dead = port_dead,
};

/* ---- control queue ---- */

/* Takes back the control messages the device has consumed. */
static void ctrl_reap_locked(struct vcon_dev *d)
{
	struct vcon_control *m;
	uint32_t len;

	while ((m = virtqueue_get_buf(d->ctrl_txq, &len)))
		d->ctrl_tx_free |= 1u << (m - d->ctrl_tx);
}

static bool ctrl_tx_waiting(void *arg)
{
	struct vcon_dev *d = arg;

	return d->ctrl_tx_free == 0 && !virtio_device_is_broken(d->vdev);
}

/* Sends a control message; waits for a free slot when the device holds
 * them all (never at probe: QEMU consumes each as it is kicked).
 * Thread context.  0 or -EIO. */
static int ctrl_send(struct vcon_dev *d, uint32_t id, uint16_t event,
		     uint16_t value)
{
	for (;;) {
		irqflags_t f = spin_lock_irqsave(&d->ctrl_lock);
		ctrl_reap_locked(d);
		if (d->ctrl_tx_free) {
			unsigned int slot = __builtin_ctz(d->ctrl_tx_free);
			struct vcon_control *m = &d->ctrl_tx[slot];
			struct virtq_buf b = { m, sizeof(*m) };
			int r;

			*m = (struct vcon_control){ id, event, value };
			r = virtqueue_add(d->ctrl_txq, &b, 1, 0, m);
			if (r == 0) {
				d->ctrl_tx_free &= ~(1u << slot);
				virtqueue_kick(d->ctrl_txq);
			}
			spin_unlock_irqrestore(&d->ctrl_lock, f);
			return r;
		}
		spin_unlock_irqrestore(&d->ctrl_lock, f);
		if (virtio_device_is_broken(d->vdev))
			return -EIO;
		wait_while_intr(&d->ctrl_tx_wq, &d->ctrl_lock, ctrl_tx_waiting, d);
	}
}

static void ctrl_tx_done(struct virtqueue *vq)
{
	wait_wake_all(&((struct vcon_dev *)virtqueue_device(vq)->priv)->ctrl_tx_wq);
}

static struct vcon_port *port_new(struct vcon_dev *d, unsigned int id)
{
	struct vcon_port *p = kcalloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->dev = d;
	p->id = id;
	p->rxq = d->vdev->vqs[rxq_index(id)];
	p->txq = d->vdev->vqs[rxq_index(id) + 1];
	tty_port_init(&p->port, &port_ops, p->rx_mem, sizeof(p->rx_mem),
		      p->tx_mem, sizeof(p->tx_mem));
	for (unsigned int i = 0; i < RX_BUFS; i++)
		p->rx_free[p->nr_free++] = p->rx_bufs[i];
	tty_init(&p->tty, &tty_port_tty_ops, &p->port);
	p->tty.raw = d->multiport;	/* until CONSOLE_PORT says otherwise */
	p->host_open = !d->multiport;	/* no PORT_OPEN without MULTIPORT */
	snprintf(p->devname, sizeof(p->devname), "ttyV%u", d->first + id);
	return p;
}

/* PORT_ADD (or port 0 of a single-port device): the port's buffers,
 * its device file, then PORT_READY and the guest side open. */
static void port_add(struct vcon_dev *d, uint32_t id)
{
	const char *why = id >= d->max_nr_ports ? "beyond max_nr_ports"
		: id >= d->nr_ports ? "beyond the transport's queues"
		: d->ports[id] ? "added twice" : NULL;
	struct vcon_port *p;
	int r;

	if (why) {
		pr_warn("%s: port %u: %s, refused\n", d->vdev->name, id, why);
		/* A valid id that we cannot serve gets its answer. */
		if (id < d->max_nr_ports && id >= d->nr_ports)
			ctrl_send(d, id, VCON_PORT_READY, 0);
		return;
	}
	p = port_new(d, id);
	r = p ? tty_register(&p->tty, p->devname) : -ENOMEM;
	if (r) {
		pr_err("%s: port %u: no device file (%d)\n", d->vdev->name, id, r);
		free(p);
		if (d->multiport)
			ctrl_send(d, id, VCON_PORT_READY, 0);
		return;
	}
	irqflags_t f = spin_lock_irqsave(&p->port.lock);
	rx_refill_locked(&p->port);
	spin_unlock_irqrestore(&p->port.lock, f);
	__atomic_store_n(&d->ports[id], p, __ATOMIC_RELEASE);
	pr_info("%s: %s: port %u\n", d->vdev->name, p->devname, id);
	if (d->multiport) {
		ctrl_send(d, id, VCON_PORT_READY, 1);
		ctrl_send(d, id, VCON_PORT_OPEN, 1);
	}
}

static void port_host_open(struct vcon_port *p, bool open)
{
	irqflags_t f = spin_lock_irqsave(&p->port.lock);
	bool changed = p->host_open != open;

	p->host_open = open;
	tx_start_locked(&p->port);
	spin_unlock_irqrestore(&p->port.lock, f);
	if (changed)
		pr_info("%s: %s: host %s\n", p->dev->vdev->name, p->devname,
			open ? "connected" : "disconnected");
	tty_port_wake(&p->port);
}

/* The name as the device sent it (NUL-terminated or not), printable. */
static void port_set_name(struct vcon_port *p, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < sizeof(p->name) - 1 && name[i]; i++)
		p->name[i] = name[i] >= 0x20 && name[i] < 0x7f ? name[i] : '?';
	p->name[i] = '\0';
	pr_info("%s: %s: name \"%s\"\n", p->dev->vdev->name, p->devname, p->name);
}

/* One message from the device; msg has len bytes (a NUL-free name may
 * follow the header). */
static void ctrl_handle(struct vcon_dev *d, const uint8_t *msg, uint32_t len)
{
	struct vcon_control c;
	struct vcon_port *p;

	if (len < sizeof(c)) {
		pr_warn("%s: control message of %u bytes ignored\n",
			d->vdev->name, len);
		return;
	}
	memcpy(&c, msg, sizeof(c));
	if (c.event == VCON_PORT_ADD) {
		port_add(d, c.id);
		return;
	}
	p = c.id < d->nr_ports ? d->ports[c.id] : NULL;
	if (!p) {
		pr_warn("%s: control event %u for unknown port %u ignored\n",
			d->vdev->name, c.event, c.id);
		return;
	}
	switch (c.event) {
	case VCON_CONSOLE_PORT:
		WRITE_ONCE(p->tty.raw, false);
		pr_info("%s: %s: console port\n", d->vdev->name, p->devname);
		break;
	case VCON_PORT_OPEN:
		port_host_open(p, c.value != 0);
		break;
	case VCON_PORT_NAME:
		port_set_name(p, (const char *)msg + sizeof(c), len - sizeof(c));
		break;
	case VCON_PORT_REMOVE:
		/* Device files stay: the port reads as a closed host. */
		port_host_open(p, false);
		break;
	case VCON_RESIZE:	/* no window size to keep */
		break;
	default:
		pr_warn("%s: unknown control event %u ignored\n",
			d->vdev->name, c.event);
	}
}

static void ctrl_work(void *arg);

/* Handles the messages the device has sent, reposting each buffer. */
static void ctrl_process(struct vcon_dev *d)
{
	uint8_t msg[CTRL_BUF_SIZE];

	for (int i = 0; i < CTRL_BATCH; i++) {
		irqflags_t f = spin_lock_irqsave(&d->ctrl_lock);
		uint32_t len = 0;
		uint8_t *buf = virtqueue_get_buf(d->ctrl_rxq, &len);

		if (buf) {
			struct virtq_buf b = { buf, CTRL_BUF_SIZE };

			len = MIN(len, (uint32_t)CTRL_BUF_SIZE);
			memcpy(msg, buf, len);
			if (virtqueue_add(d->ctrl_rxq, &b, 0, 1, buf) == 0)
				virtqueue_kick(d->ctrl_rxq);
		}
		spin_unlock_irqrestore(&d->ctrl_lock, f);
		if (!buf)
			return;
		ctrl_handle(d, msg, len);
	}
	/* More than a batch: go on later, letting other work run. */
	work_queue(HPWORK, &d->ctrl_work, ctrl_work, d, 0);
}

static void ctrl_work(void *arg)
{
	ctrl_process(arg);
}

static void ctrl_rx_done(struct virtqueue *vq)
{
	struct vcon_dev *d = virtqueue_device(vq)->priv;

	work_queue(HPWORK, &d->ctrl_work, ctrl_work, d, 0);
}

/* ---- probe ---- */

static int find_queues(struct vcon_dev *d)
{
	struct virtio_device *vdev = d->vdev;

	for (unsigned int id = 0; id < d->nr_ports; id++) {
		if (!virtio_find_vq(vdev, rxq_index(id), VCON_QUEUE_SIZE,
				    port_rx_done, "rx") ||
		    !virtio_find_vq(vdev, rxq_index(id) + 1, VCON_QUEUE_SIZE,
				    port_tx_done, "tx"))
			return -ENODEV;
	}
	if (!d->multiport)
		return 0;
	d->ctrl_rxq = virtio_find_vq(vdev, VCON_CTRL_RXQ, CTRL_QUEUE_SIZE,
				     ctrl_rx_done, "control-rx");
	d->ctrl_txq = virtio_find_vq(vdev, VCON_CTRL_TXQ, CTRL_QUEUE_SIZE,
				     ctrl_tx_done, "control-tx");
	return d->ctrl_rxq && d->ctrl_txq ? 0 : -ENODEV;
}

/* How many ports the device may have, validated. */
static int read_port_count(struct vcon_dev *d)
{
	uint32_t max = 1;

	if (d->multiport) {
		virtio_config_read(d->vdev, VCON_CFG_MAX_NR_PORTS, &max, sizeof(max));
		if (max == 0) {
			pr_err("%s: virtio-console: max_nr_ports is 0\n", d->vdev->name);
			return -EINVAL;
		}
	}
	d->max_nr_ports = max;
	d->nr_ports = MIN(max, (uint32_t)VCON_MAX_PORTS);
	return 0;
}

static void post_ctrl_buffers(struct vcon_dev *d)
{
	irqflags_t f = spin_lock_irqsave(&d->ctrl_lock);

	for (unsigned int i = 0; i < CTRL_RX_BUFS; i++) {
		struct virtq_buf b = { d->ctrl_rx[i], CTRL_BUF_SIZE };
		virtqueue_add(d->ctrl_rxq, &b, 0, 1, d->ctrl_rx[i]);
	}
	virtqueue_kick(d->ctrl_rxq);
	spin_unlock_irqrestore(&d->ctrl_lock, f);
}

static int vcon_probe(struct virtio_device *vdev)
{
	struct vcon_dev *d = kcalloc(1, sizeof(*d));
	int r;

	if (!d)
		return -ENOMEM;
	d->vdev = vdev;
	d->multiport = virtio_has_feature(vdev, VCON_F_MULTIPORT);
	spin_init(&d->ctrl_lock);
	d->ctrl_tx_free = (1u << CTRL_TX_SLOTS) - 1;
	wait_queue_init_kind(&d->ctrl_tx_wq, WAIT_IO);
	r = read_port_count(d);
	if (!r)
		r = find_queues(d);
	if (r)
		goto err_free;
	d->first = next_tty;
	next_tty += d->nr_ports;
	vdev->priv = d;
	pr_info("%s: virtio-console, %s, ttyV%u..ttyV%u\n", vdev->name,
		d->multiport ? "multiport" : "single port", d->first,
		d->first + d->nr_ports - 1);
	if (d->multiport)
		post_ctrl_buffers(d);
	virtio_device_ready(vdev);
	if (!d->multiport) {		/* port 0 alone, a console */
		port_add(d, 0);
		return d->ports[0] ? 0 : -ENOMEM;
	}
	/* QEMU answers DEVICE_READY with its PORT_ADDs at once: handle them
	 * now, so the ports exist when the start-up script runs.  A failed
	 * send means the device broke, which the core has logged. */
	if (ctrl_send(d, 0, VCON_DEVICE_READY, 1) == 0)
		ctrl_process(d);
	return 0;

err_free:
	vdev->priv = NULL;
	free(d);
	return r;
}

VIRTIO_DRIVER_DECLARE(console, .name = "virtio-console",
		      .device_id = VIRTIO_ID_CONSOLE,
		      .features = VIRTIO_FEATURE(VCON_F_MULTIPORT),
		      .probe = vcon_probe);
