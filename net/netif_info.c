// SPDX-License-Identifier: BSD-2-Clause
/*
 * What ifconfig shows and sets (<vireo/net.h>): every lwIP interface with
 * its addresses and counters, read and changed under the core lock.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <vireo/net.h>
#include "lwip/dhcp.h"
#include "lwip/netif.h"
#include "lwip/priv/tcpip_priv.h"

/* The user's name of ni: its netdev's ("eth0"), or "lo" for the
 * loopback interface, the one without a device. */
static const char *if_name(struct netif *ni)
{
	struct netdev *nd = ni->state;

	return nd ? nd->name : "lo";
}

static void fill(struct netif *ni, struct net_if_info *o)
{
	struct netdev *nd = ni->state;

	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", if_name(ni));
	memcpy(o->mac, ni->hwaddr, LWIP_MIN(sizeof(o->mac), (size_t)ni->hwaddr_len));
	o->mtu = ni->mtu;
	o->up = netif_is_up(ni);
	o->link_up = netif_is_link_up(ni);
	o->loopback = !nd;
	o->dhcp = dhcp_supplied_address(ni);
	o->default_route = ni == netif_default;
	o->addr = ip4_addr_get_u32(netif_ip4_addr(ni));
	o->netmask = ip4_addr_get_u32(netif_ip4_netmask(ni));
	o->gw = ip4_addr_get_u32(netif_ip4_gw(ni));
	for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES && o->nr_addr6 < NET_IF_ADDR6_MAX; i++)
		if (ip6_addr_isvalid(netif_ip6_addr_state(ni, i)) ||
		    ip6_addr_istentative(netif_ip6_addr_state(ni, i)))
			memcpy(o->addr6[o->nr_addr6++], netif_ip6_addr(ni, i)->addr, 16);
	if (nd)
		o->stats = nd->stats;
}

int net_if_list(struct net_if_info *out, int max)
{
	struct netif *ni;
	int n = 0;

	LOCK_TCPIP_CORE();
	NETIF_FOREACH(ni) {
		if (n < max)
			fill(ni, &out[n]);
		n++;
	}
	UNLOCK_TCPIP_CORE();
	return n;
}

/* The interface called name (core lock held), or NULL. */
static struct netif *find_locked(const char *name)
{
	struct netif *ni;

	NETIF_FOREACH(ni)
		if (!strcmp(if_name(ni), name))
			return ni;
	return NULL;
}

int net_if_set_addr(const char *name, uint32_t addr, uint32_t netmask,
		    uint32_t gw)
{
	uint32_t m = lwip_ntohl(netmask);
	struct netif *ni;
	int r = 0;

	if (m & (~m >> 1))	/* ones must be contiguous from the top */
		return -EINVAL;
	LOCK_TCPIP_CORE();
	ni = find_locked(name);
	if (!ni) {
		r = -ENODEV;
	} else {
		ip4_addr_t a = { addr }, k = { netmask }, g = { gw };

		dhcp_stop(ni);
		netif_set_addr(ni, &a, &k, &g);
	}
	UNLOCK_TCPIP_CORE();
	return r;
}

int net_if_set_up(const char *name, bool up)
{
	struct netif *ni;
	int r = 0;

	LOCK_TCPIP_CORE();
	ni = find_locked(name);
	if (!ni)
		r = -ENODEV;
	else if (up)
		netif_set_up(ni);
	else
		netif_set_down(ni);
	UNLOCK_TCPIP_CORE();
	return r;
}
