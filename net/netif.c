// SPDX-License-Identifier: BSD-2-Clause
/*
 * The glue between network devices (<vireo/netdev.h>) and lwIP: one lwIP
 * netif per netdev, the network thread that polls devices, DHCP with its
 * static fallback.
 *
 * Received frames are copied into pbufs from the kernel heap, at most
 * RX_MAX_FRAMES in the stack at a time (a flood is dropped there, as a
 * fixed pool would), and fed to ethernet_input() in the network thread
 * under the core lock.  A static pool of that size would be 400 KB of
 * bss in every image, with or without a network device.  Transmitted frames go to
 * the driver as the pbuf chain's pieces, without a copy: the pbuf is
 * referenced until the device is done with it (lwIP does not rewrite a
 * TCP segment whose pbuf is still referenced, tcp_output_segment_busy()).
 * The socket layer never hands the stack a pbuf that points at
 * application memory (PBUF_REF), so a piece never changes under the
 * device.  A chain of more than NETDEV_MAX_FRAGS pieces is copied into
 * one.  With NETDEV_F_TX_CSUM, TCP checksums are left to the device
 * (lwIP's per-netif generation is turned off for TCP; UDP keeps lwIP's
 * because a fragmented datagram's checksum covers every fragment).
 *
 * Network thread: one for all devices; netdev_schedule() (interrupt
 * context) marks a device and posts net_wake.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/mm.h>
#include <vireo/klog.h>
#include <vireo/netdev.h>
#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"
#include <vireo/net.h>
#include "net_priv.h"

#define POLL_BUDGET		64
#define DHCP_FALLBACK_MS	6000	/* QEMU answers within milliseconds */

static struct netdev *netdevs;		/* boot probing, then read-only */
static unsigned int nr_netdevs;
static sys_sem_t net_wake;
static bool net_running;

struct netdev *netdev_first(void)
{
	return netdevs;
}

int netdev_register(struct netdev *nd)
{
	struct netdev **pp = &netdevs;

	while (*pp)
		pp = &(*pp)->next;
	snprintf(nd->name, sizeof(nd->name), "eth%u", nr_netdevs++);
	*pp = nd;
	return 0;
}

void netdev_schedule(struct netdev *nd)
{
	__atomic_store_n(&nd->scheduled, true, __ATOMIC_RELEASE);
	if (__atomic_load_n(&net_running, __ATOMIC_ACQUIRE))
		sys_sem_signal(&net_wake);
}

void netdev_link_changed(struct netdev *nd, bool up)
{
	__atomic_store_n(&nd->link_up, up, __ATOMIC_RELEASE);
	netdev_schedule(nd);
}

#define RX_MAX_FRAMES 256

/* A received frame: its pbuf and the bytes, in one heap block. */
struct rx_frame {
	struct pbuf_custom pc;
	uint8_t data[];
};

static unsigned int rx_frames;	/* in the stack now (atomic) */

static void rx_frame_free(struct pbuf *p)
{
	free(p);	/* pc is the first member */
	__atomic_fetch_sub(&rx_frames, 1, __ATOMIC_RELAXED);
}

/* A pbuf for a frame of len bytes, or NULL (out of memory or too many
 * frames in the stack). */
static struct pbuf *rx_frame_alloc(u16_t len)
{
	struct rx_frame *f;

	if (__atomic_fetch_add(&rx_frames, 1, __ATOMIC_RELAXED) >= RX_MAX_FRAMES ||
	    !(f = kmalloc(sizeof(*f) + len))) {
		__atomic_fetch_sub(&rx_frames, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	f->pc.custom_free_function = rx_frame_free;
	return pbuf_alloced_custom(PBUF_RAW, len, PBUF_REF, &f->pc, f->data, len);
}

void netdev_rx(struct netdev *nd, const struct netdev_frag *frags,
	       unsigned int nr, unsigned int flags)
{
	struct netif *ni = nd->stack;
	struct pbuf *p;
	u16_t total = 0, off = 0;

	for (unsigned int i = 0; i < nr; i++)
		total = (u16_t)(total + frags[i].len);
	p = rx_frame_alloc(total);
	if (!p) {
		nd->stats.rx_dropped++;
		return;
	}
	for (unsigned int i = 0; i < nr; i++) {
		pbuf_take_at(p, frags[i].addr, (u16_t)frags[i].len, off);
		off = (u16_t)(off + frags[i].len);
	}
	if (ni->input(p, ni) != ERR_OK) {
		pbuf_free(p);
		nd->stats.rx_dropped++;
	}
}

void netdev_tx_done(struct netdev *nd, void *token)
{
	pbuf_free(token);
}

static err_t link_output(struct netif *ni, struct pbuf *p)
{
	struct netdev *nd = ni->state;
	struct netdev_frag frags[NETDEV_MAX_FRAGS];
	struct netdev_csum csum, *cp = NULL;
	unsigned int nr = 0;
	struct pbuf *q;

	if (pbuf_clen(p) > NETDEV_MAX_FRAGS) {
		p = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
		if (!p)
			goto drop;
	} else {
		pbuf_ref(p);
	}
	for (q = p; q; q = q->next)
		if (q->len)
			frags[nr++] = (struct netdev_frag){ q->payload, q->len };
	if ((nd->features & NETDEV_F_TX_CSUM) &&
	    netdev_tcp_csum_setup(p->payload, p->len, &csum))
		cp = &csum;
	if (nd->ops->xmit(nd, frags, nr, cp, p)) {
		pbuf_free(p);
		goto drop;
	}
	nd->stats.tx_packets++;
	nd->stats.tx_bytes += p->tot_len;
	return ERR_OK;
drop:
	nd->stats.tx_dropped++;
	return ERR_OK;	/* lost on the wire as far as the stack knows */
}

static err_t netif_setup(struct netif *ni)
{
	struct netdev *nd = ni->state;

	ni->name[0] = 'e';
	ni->name[1] = 't';
	ni->hwaddr_len = 6;
	memcpy(ni->hwaddr, nd->mac, 6);
	ni->mtu = nd->mtu;
	ni->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
		    NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
	ni->output = etharp_output;
	ni->output_ip6 = ethip6_output;
	ni->linkoutput = link_output;
	if (nd->features & NETDEV_F_TX_CSUM)
		NETIF_SET_CHECKSUM_CTRL(ni, NETIF_CHECKSUM_ENABLE_ALL &
					    ~NETIF_CHECKSUM_GEN_TCP);
	return ERR_OK;
}

/* No DHCP answer in time: QEMU user networking's fixed addresses. */
static void dhcp_fallback(void *arg)
{
	struct netif *ni = arg;
	struct netdev *nd = ni->state;
	ip4_addr_t a, m, g, d;

	if (dhcp_supplied_address(ni))
		return;
	dhcp_stop(ni);
	IP4_ADDR(&a, 10, 0, 2, 15);
	IP4_ADDR(&m, 255, 255, 255, 0);
	IP4_ADDR(&g, 10, 0, 2, 2);
	IP4_ADDR(&d, 10, 0, 2, 3);
	netif_set_addr(ni, &a, &m, &g);
	dns_setserver(0, &(ip_addr_t)IPADDR4_INIT(d.addr));
	pr_warn("net: %s: no DHCP answer in %d s, using static 10.0.2.15/24 gw 10.0.2.2\n",
		nd->name, DHCP_FALLBACK_MS / 1000);
}

/* An lwIP interface and what was last said about it. */
struct vnetif {
	struct netif ni;		/* first: the callbacks get &ni */
	u32_t logged_addr;
};

/* Called on every address change (IPv6 ones too): logs a new DHCP lease. */
static void status_changed(struct netif *ni)
{
	struct vnetif *v = (struct vnetif *)ni;
	struct netdev *nd = ni->state;
	char a[16], g[16];

	if (!dhcp_supplied_address(ni) ||
	    v->logged_addr == ip4_addr_get_u32(netif_ip4_addr(ni)))
		return;
	v->logged_addr = ip4_addr_get_u32(netif_ip4_addr(ni));
	ip4addr_ntoa_r(netif_ip4_addr(ni), a, sizeof(a));
	ip4addr_ntoa_r(netif_ip4_gw(ni), g, sizeof(g));
	pr_info("net: %s: DHCP address %s/%d gw %s\n", nd->name, a,
		__builtin_popcount(netif_ip4_netmask(ni)->addr),
		g);
}

int netif_attach_locked(struct netdev *nd)
{
	struct vnetif *v = kcalloc(1, sizeof(*v));
	struct netif *ni = &v->ni;

	if (!v)
		return -ENOMEM;
	if (!netif_add(ni, NULL, NULL, NULL, nd, netif_setup, ethernet_input)) {
		free(v);
		return -ENOMEM;
	}
	nd->stack = ni;
	if (!netif_default)
		netif_set_default(ni);
	netif_set_status_callback(ni, status_changed);
	netif_create_ip6_linklocal_address(ni, 1);
	netif_set_ip6_autoconfig_enabled(ni, 1);
	netif_set_up(ni);
	if (nd->link_up)
		netif_set_link_up(ni);
	dhcp_start(ni);
	sys_timeout(DHCP_FALLBACK_MS, dhcp_fallback, ni);
	return 0;
}

/* Polls nd until it is quiet with its interrupts unmasked. */
static void service(struct netdev *nd)
{
	struct netif *ni = nd->stack;

	do {
		int n;

		do {
			LOCK_TCPIP_CORE();
			if (nd->link_up != !!netif_is_link_up(ni)) {
				if (nd->link_up)
					netif_set_link_up(ni);
				else
					netif_set_link_down(ni);
			}
			n = nd->ops->poll(nd, POLL_BUDGET);
			UNLOCK_TCPIP_CORE();	/* socket calls get a turn */
		} while (n == POLL_BUDGET);
	} while (!nd->ops->irq_enable(nd));
}

static void net_thread(void *arg)
{
	for (;;) {
		sys_arch_sem_wait(&net_wake, 0);
		for (struct netdev *nd = netdevs; nd; nd = nd->next)
			if (__atomic_exchange_n(&nd->scheduled, false,
						__ATOMIC_ACQ_REL))
				service(nd);
	}
}

static void tcpip_ready(void *arg)
{
	sys_sem_signal(arg);
}

void net_init(void)
{
	sys_sem_t done;

	sys_sem_new(&done, 0);
	tcpip_init(tcpip_ready, &done);
	sys_arch_sem_wait(&done, 0);
	sys_sem_new(&net_wake, 0);
	LOCK_TCPIP_CORE();
	for (struct netdev *nd = netdevs; nd; nd = nd->next)
		if (netif_attach_locked(nd))
			pr_err("net: %s: out of memory\n", nd->name);
	UNLOCK_TCPIP_CORE();
	sys_thread_new("netdev", net_thread, NULL, 8192, TCPIP_THREAD_PRIO);
	__atomic_store_n(&net_running, true, __ATOMIC_RELEASE);
	/* Work that arrived before the thread ran. */
	for (struct netdev *nd = netdevs; nd; nd = nd->next)
		netdev_schedule(nd);
	pr_info("net: lwIP %s, %u interface(s) and lo 127.0.0.1\n",
		LWIP_VERSION_STRING, nr_netdevs);
}
