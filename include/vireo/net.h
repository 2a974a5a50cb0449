/* SPDX-License-Identifier: BSD-2-Clause */
/* The network stack's start (net/netif.c). */
#pragma once

/* Brings up the stack: the tcpip thread, loopback 127.0.0.1, every
 * registered netdev (DHCP, falling back to 10.0.2.15/24 gw 10.0.2.2), the
 * network thread.  Thread context, once, at boot after the drivers. */
void net_init(void);

#include <stdbool.h>
#include <stdint.h>
#include <vireo/netdev.h>

#define NET_IF_ADDR6_MAX 3

/* One interface as ifconfig shows it.  Addresses in network byte order. */
struct net_if_info {
	char name[8];			/* "eth0", "lo" */
	uint8_t mac[6];
	uint16_t mtu;
	bool up, link_up, loopback, dhcp;
	uint32_t addr, netmask, gw;
	uint8_t addr6[NET_IF_ADDR6_MAX][16];	/* valid (preferred or
						 * tentative) IPv6 addresses */
	int nr_addr6;
	struct netdev_stats stats;	/* the device's (zero for lo) */
};

/* Fills out[0..max) with the interfaces; returns how many there are
 * (may exceed max).  Thread context. */
int net_if_list(struct net_if_info *out, int max);
/* Sets an IPv4 address of interface name (stops its DHCP client): 0,
 * -ENODEV, -EINVAL (a bad netmask). */
int net_if_set_addr(const char *name, uint32_t addr, uint32_t netmask,
		    uint32_t gw);
/* Takes it up or down: 0 or -ENODEV. */
int net_if_set_up(const char *name, bool up);
