/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Network devices: the contract between Ethernet drivers
 * (drivers/virtio/virtio_net.c) and the network stack (net/netif.c).
 * A driver never sees lwIP; the stack never sees the hardware.
 *
 * A driver fills a struct netdev and calls netdev_register() at probe.
 * From its interrupt handler it masks its own interrupts and calls
 * netdev_schedule(); the network thread then calls ops->poll() until the
 * device has nothing more and ops->irq_enable() agrees (interrupt
 * mitigation: while traffic flows the rings are polled, not interrupted).
 * poll() hands received frames to netdev_rx() and finished transmits to
 * netdev_tx_done().  Every op and every netdev_rx/tx_done call runs in the
 * network thread or under the stack's core lock, which serialises them:
 * a driver needs a lock only for state its interrupt handler touches.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETDEV_MAX_FRAGS 8	/* pieces of one transmitted frame */
#define NETDEV_ETH_MAX 1514	/* largest frame without FCS or VLAN tag */

/* One piece of a frame. */
struct netdev_frag {
	const void *addr;
	uint32_t len;
};

/* Checksum the device computes for a transmitted frame (NETDEV_F_TX_CSUM):
 * the ones' complement sum from byte start to the end, stored at
 * start + offset (which holds the pseudo-header sum on entry). */
struct netdev_csum {
	uint16_t start;
	uint16_t offset;
};

/* netdev.features */
#define NETDEV_F_TX_CSUM	(1u << 0)

/* netdev_rx() flags */
#define NETDEV_RX_CSUM_VALID	(1u << 0)	/* device checked it */

struct netdev_stats {
	uint64_t rx_packets, rx_bytes, rx_dropped, rx_errors;
	uint64_t tx_packets, tx_bytes, tx_dropped, tx_errors;
	uint64_t irqs, polls;
};

struct netdev;

struct netdev_ops {
	/*
	 * Queues one frame of nr pieces (nr <= NETDEV_MAX_FRAGS; the first
	 * starts with the Ethernet header).  The pieces stay untouched until
	 * the driver calls netdev_tx_done(token).  csum: NULL, or the
	 * checksum to compute (only with NETDEV_F_TX_CSUM).  0, -ENOSPC (no
	 * room: the frame is dropped by the stack), -EIO (device broken).
	 */
	int (*xmit)(struct netdev *nd, const struct netdev_frag *frags,
		    unsigned int nr, const struct netdev_csum *csum,
		    void *token);
	/* Hands at most budget received frames to netdev_rx() and every
	 * finished transmit to netdev_tx_done(); returns the frames
	 * received. */
	int (*poll)(struct netdev *nd, int budget);
	/* Unmasks the device's interrupts; false when work arrived while
	 * they were masked (poll again first). */
	bool (*irq_enable)(struct netdev *nd);
};

struct netdev {
	const struct netdev_ops *ops;
	void *priv;			/* the driver's */
	char name[8];			/* "eth0" (set by netdev_register) */
	char dev_name[40];		/* where it sits ("virtio-mmio@a003e00") */
	uint8_t mac[6];
	uint16_t mtu;
	unsigned int features;		/* NETDEV_F_* */
	bool link_up;			/* written by netdev_link_changed() */
	struct netdev_stats stats;	/* rx/tx by the network thread,
					 * irqs by the driver */
	/* The stack's own (net/netif.c). */
	void *stack;
	bool scheduled;			/* atomic */
	struct netdev *next;
};

/* Driver side. */
/* Names it ethN and hands it to the stack, which brings it up once the
 * network starts.  Thread context (probe).  0 or -ENOMEM. */
int netdev_register(struct netdev *nd);
/* Asks the network thread to poll nd.  Any context (interrupt). */
void netdev_schedule(struct netdev *nd);
/* A frame received, in nr pieces (header first); copied before return.
 * From ops->poll only. */
void netdev_rx(struct netdev *nd, const struct netdev_frag *frags,
	       unsigned int nr, unsigned int flags);
/* The frame queued with token is sent and its pieces released.  From
 * ops->poll or ops->xmit only. */
void netdev_tx_done(struct netdev *nd, void *token);
/* The link went up or down.  Any context. */
void netdev_link_changed(struct netdev *nd, bool up);

/*
 * For a frame whose first piece f (len bytes) holds an IPv4 or IPv6
 * (without extension headers) TCP segment's headers: stores the
 * pseudo-header sum in the TCP checksum field and fills *c for the
 * device (net/csum_offload.c).  false, the frame untouched, for anything
 * else.  Any context.
 */
bool netdev_tcp_csum_setup(uint8_t *f, size_t len, struct netdev_csum *c);

/* Stack side: every registered device, first then ->next.  Any context
 * after boot probing. */
struct netdev *netdev_first(void);
