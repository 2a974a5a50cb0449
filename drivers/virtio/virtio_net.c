// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio network device (Virtio 1.2, 5.1): queue 0 receives, queue 1
 * transmits; every frame is preceded by a struct virtio_net_hdr.
 *
 * Receive: every slot of the receive queue always holds one RX_BUF_SIZE
 * buffer; poll() copies each frame out (netdev_rx) and posts its buffer
 * again at once.  With VIRTIO_NET_F_MRG_RXBUF a frame may span several
 * buffers (num_buffers in the first header).  A frame shorter than an
 * Ethernet header, longer than NETDEV_ETH_MAX or with a num_buffers the
 * ring does not hold is dropped and counted (rx_errors): bad device
 * input is never trusted.
 *
 * Transmit: the stack's buffers go to the device as they are (a header
 * from the per-slot table, then the frame's pieces); the stack keeps
 * them until the device hands them back (netdev_tx_done).  With
 * VIRTIO_NET_F_CSUM the device completes TCP/UDP checksums.
 *
 * Interrupts: the handler masks both queues' callbacks and schedules the
 * network thread, which polls until both rings are quiet and only then
 * unmasks them (<vireo/netdev.h>).
 *
 * Locking: the queues are used only from the network thread or under the
 * stack's core lock (netdev.h), so they need no lock of their own; the
 * interrupt handler only masks callbacks (a flag write the ring code
 * allows from any context) and schedules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/mm.h>
#include <vireo/devfs.h>
#include <vireo/klog.h>
#include <vireo/netdev.h>
#include <vireo/virtio.h>

/* Feature bits (5.1.3) */
#define VIRTIO_NET_F_CSUM	0
#define VIRTIO_NET_F_MTU	3
#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_MRG_RXBUF	15
#define VIRTIO_NET_F_STATUS	16

/* Configuration layout (5.1.4) */
#define CFG_MAC		0
#define CFG_STATUS	6
#define CFG_MTU		10
#define VIRTIO_NET_S_LINK_UP	1

/* virtio_net_hdr.flags (5.1.6) */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM	1
#define VIRTIO_NET_HDR_F_DATA_VALID	2

struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;	/* MRG_RXBUF or VERSION_1 only */
} __attribute__((packed));

/* Legacy devices without MRG_RXBUF use the header without num_buffers. */
#define HDR_LEN_LEGACY	10
#define RX_BUF_SIZE	2048	/* header + a full frame, cache-line multiple */
#define RX_BUDGET_MAX	256

struct tx_slot {
	struct virtio_net_hdr hdr;
	void *token;		/* the stack's; NULL when free */
};

struct vnet {
	struct virtio_device *vdev;
	struct netdev nd;
	struct virtqueue *rxq, *txq;
	size_t hdr_len;
	uint8_t *rx_bufs;		/* rx_count buffers of RX_BUF_SIZE */
	unsigned int rx_count;
	struct tx_slot *tx;		/* txq's size slots */
	unsigned int tx_count;
};

static int post_rx(struct vnet *n, uint8_t *buf)
{
	struct virtq_buf b = { buf, RX_BUF_SIZE };

	return virtqueue_add(n->rxq, &b, 0, 1, buf);
}

/* Takes the next num_buffers - 1 buffers of a merged frame into frags
 * after the first; returns how many pieces the frame has, or 0 when the
 * device's count is impossible (then every buffer taken is reposted). */
static unsigned int take_merged(struct vnet *n, struct netdev_frag *frags,
				uint8_t **bufs, unsigned int want)
{
	unsigned int i;

	for (i = 1; i < want; i++) {
		uint32_t len;
		uint8_t *b = virtqueue_get_buf(n->rxq, &len);

		if (!b)
			break;
		bufs[i] = b;
		frags[i] = (struct netdev_frag){ b, len };
	}
	return i == want ? i : 0;
}

/* Gives the next count buffers back to the device unread: the rest of a
 * frame too long to take. */
static void drop_merged(struct vnet *n, unsigned int count)
{
	uint32_t len;
	uint8_t *b;

	while (count-- && (b = virtqueue_get_buf(n->rxq, &len)))
		post_rx(n, b);
}

/* Receives one frame (first buffer buf, len bytes); reposts every buffer
 * it used. */
static void rx_frame(struct vnet *n, uint8_t *buf, uint32_t len)
{
	struct virtio_net_hdr *h = (struct virtio_net_hdr *)buf;
	struct netdev_frag frags[NETDEV_MAX_FRAGS];
	uint8_t *bufs[NETDEV_MAX_FRAGS] = { buf };
	unsigned int want = 1, nr = 1, i;
	size_t total = 0;

	if (virtio_has_feature(n->vdev, VIRTIO_NET_F_MRG_RXBUF))
		want = h->num_buffers;
	if (len < n->hdr_len || want == 0 || want > NETDEV_MAX_FRAGS) {
		if (len >= n->hdr_len && want > NETDEV_MAX_FRAGS &&
		    want <= n->rx_count)
			drop_merged(n, want - 1u);
		nr = 0;
	} else {
		frags[0] = (struct netdev_frag){ buf + n->hdr_len,
						 len - (uint32_t)n->hdr_len };
		if (want > 1)
			nr = take_merged(n, frags, bufs, want);
	}
	for (i = 0; i < nr; i++)
		total += frags[i].len;
	if (nr == 0 || total < 14 || total > NETDEV_ETH_MAX) {
		n->nd.stats.rx_errors++;
	} else {
		n->nd.stats.rx_packets++;
		n->nd.stats.rx_bytes += total;
		netdev_rx(&n->nd, frags, nr,
			  (h->flags & VIRTIO_NET_HDR_F_DATA_VALID) ?
			  NETDEV_RX_CSUM_VALID : 0);
	}
	for (i = 0; i < want && i < NETDEV_MAX_FRAGS && bufs[i]; i++)
		post_rx(n, bufs[i]);
}

static void reap_tx(struct vnet *n)
{
	struct tx_slot *s;
	uint32_t len;

	while ((s = virtqueue_get_buf(n->txq, &len))) {
		void *token = s->token;

		s->token = NULL;
		netdev_tx_done(&n->nd, token);
	}
}

static struct tx_slot *free_slot(struct vnet *n)
{
	for (unsigned int i = 0; i < n->tx_count; i++)
		if (!n->tx[i].token)
			return &n->tx[i];
	return NULL;
}

static int vnet_xmit(struct netdev *nd, const struct netdev_frag *frags,
		     unsigned int nr, const struct netdev_csum *csum,
		     void *token)
{
	struct vnet *n = nd->priv;
	struct virtq_buf b[NETDEV_MAX_FRAGS + 1];
	struct tx_slot *s;
	int err;

	if (nr == 0 || nr > NETDEV_MAX_FRAGS)
		return -EINVAL;
	reap_tx(n);
	s = free_slot(n);
	if (!s)
		return -ENOSPC;
	memset(&s->hdr, 0, sizeof(s->hdr));
	if (csum) {
		s->hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		s->hdr.csum_start = csum->start;
		s->hdr.csum_offset = csum->offset;
	}
	b[0] = (struct virtq_buf){ &s->hdr, (uint32_t)n->hdr_len };
	for (unsigned int i = 0; i < nr; i++)
		b[i + 1] = (struct virtq_buf){ (void *)frags[i].addr, frags[i].len };
	s->token = token;
	err = virtqueue_add(n->txq, b, nr + 1, 0, s);
	if (err) {
		s->token = NULL;
		return err;
	}
	virtqueue_kick(n->txq);
	return 0;
}

static int vnet_poll(struct netdev *nd, int budget)
{
	struct vnet *n = nd->priv;
	uint8_t *buf;
	uint32_t len;
	int done = 0;

	nd->stats.polls++;
	reap_tx(n);
	while (done < budget && (buf = virtqueue_get_buf(n->rxq, &len))) {
		rx_frame(n, buf, len);
		done++;
	}
	if (done)
		virtqueue_kick(n->rxq);
	return done;
}

static bool vnet_irq_enable(struct netdev *nd)
{
	struct vnet *n = nd->priv;
	bool rx_quiet = virtqueue_enable_cb(n->rxq);
	bool tx_quiet = virtqueue_enable_cb(n->txq);

	return rx_quiet && tx_quiet;
}

static const struct netdev_ops vnet_ops = {
	.xmit = vnet_xmit,
	.poll = vnet_poll,
	.irq_enable = vnet_irq_enable,
};

/* Either queue's interrupt: poll both from the network thread. */
static void vnet_interrupt(struct virtqueue *vq)
{
	struct vnet *n = virtqueue_device(vq)->priv;

	virtqueue_disable_cb(n->rxq);
	virtqueue_disable_cb(n->txq);
	n->nd.stats.irqs++;
	netdev_schedule(&n->nd);
}

static bool read_link(struct virtio_device *vdev)
{
	uint16_t st;

	if (!virtio_has_feature(vdev, VIRTIO_NET_F_STATUS))
		return true;	/* 5.1.4: link assumed up */
	virtio_config_read(vdev, CFG_STATUS, &st, sizeof(st));
	return st & VIRTIO_NET_S_LINK_UP;
}

static void vnet_config_changed(struct virtio_device *vdev)
{
	struct vnet *n = vdev->priv;

	if (n)
		netdev_link_changed(&n->nd, read_link(vdev));
}

static void read_identity(struct vnet *n)
{
	struct virtio_device *vdev = n->vdev;
	uint16_t mtu;

	if (virtio_has_feature(vdev, VIRTIO_NET_F_MAC)) {
		virtio_config_read(vdev, CFG_MAC, n->nd.mac, 6);
	} else {
		/* 5.1.5: no MAC offered, the driver picks a local one. */
		devfs_random_bytes(n->nd.mac, 6);
		n->nd.mac[0] = (n->nd.mac[0] & 0xfe) | 0x02;
	}
	n->nd.mtu = 1500;
	if (virtio_has_feature(vdev, VIRTIO_NET_F_MTU)) {
		virtio_config_read(vdev, CFG_MTU, &mtu, sizeof(mtu));
		if (mtu >= 68 && mtu < 1500)
			n->nd.mtu = mtu;
	}
	n->nd.link_up = read_link(vdev);
}

static int setup_queues(struct vnet *n)
{
	n->rxq = virtio_find_vq(n->vdev, 0, 0, vnet_interrupt, "receiveq");
	n->txq = virtio_find_vq(n->vdev, 1, 0, vnet_interrupt, "transmitq");
	if (!n->rxq || !n->txq)
		return -ENODEV;
	n->rx_count = virtqueue_size(n->rxq);
	n->tx_count = virtqueue_size(n->txq);
	n->rx_bufs = kaligned_alloc(64, (size_t)n->rx_count * RX_BUF_SIZE);
	n->tx = kcalloc(n->tx_count, sizeof(*n->tx));
	if (!n->rx_bufs || !n->tx)
		return -ENOMEM;
	for (unsigned int i = 0; i < n->rx_count; i++)
		if (post_rx(n, n->rx_bufs + (size_t)i * RX_BUF_SIZE))
			return -EIO;
	return 0;
}

static int vnet_probe(struct virtio_device *vdev)
{
	struct vnet *n = kcalloc(1, sizeof(*n));
	int err;

	if (!n)
		return -ENOMEM;
	n->vdev = vdev;
	n->hdr_len = (vdev->legacy &&
		      !virtio_has_feature(vdev, VIRTIO_NET_F_MRG_RXBUF)) ?
		     HDR_LEN_LEGACY : sizeof(struct virtio_net_hdr);
	n->nd.ops = &vnet_ops;
	n->nd.priv = n;
	snprintf(n->nd.dev_name, sizeof(n->nd.dev_name), "%s", vdev->name);
	if (virtio_has_feature(vdev, VIRTIO_NET_F_CSUM))
		n->nd.features |= NETDEV_F_TX_CSUM;
	read_identity(n);
	err = setup_queues(n);
	if (!err)
		err = netdev_register(&n->nd);
	if (err) {
		free(n->rx_bufs);
		free(n->tx);
		free(n);
		return err;
	}
	vdev->priv = n;
	virtio_device_ready(vdev);
	virtqueue_kick(n->rxq);
	pr_info("%s: %s, MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s%s%s\n",
		vdev->name, n->nd.name, n->nd.mac[0], n->nd.mac[1],
		n->nd.mac[2], n->nd.mac[3], n->nd.mac[4], n->nd.mac[5],
		n->nd.link_up ? "up" : "down",
		virtio_has_feature(vdev, VIRTIO_NET_F_MRG_RXBUF) ?
		", mergeable rx buffers" : "",
		(n->nd.features & NETDEV_F_TX_CSUM) ? ", tx checksum offload" : "");
	return 0;
}

VIRTIO_DRIVER_DECLARE(net, .name = "virtio-net", .device_id = VIRTIO_ID_NET,
		      .features = VIRTIO_FEATURE(VIRTIO_NET_F_CSUM) |
				  VIRTIO_FEATURE(VIRTIO_NET_F_MTU) |
				  VIRTIO_FEATURE(VIRTIO_NET_F_MAC) |
				  VIRTIO_FEATURE(VIRTIO_NET_F_MRG_RXBUF) |
				  VIRTIO_FEATURE(VIRTIO_NET_F_STATUS),
		      .probe = vnet_probe, .config_changed = vnet_config_changed);
