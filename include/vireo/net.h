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
	bool default_route;		/* the default interface */
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

/* One TCP or UDP endpoint as netstat shows it. */
struct net_endpoint {
	int family;			/* AF_INET or AF_INET6 */
	uint8_t addr[16];		/* network byte order; 4 bytes for IPv4 */
	uint16_t port;
};

struct net_conn_info {
	int proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	struct net_endpoint local, remote;
	char state[12];			/* TCP: "LISTEN", "ESTABLISHED"...; UDP: "" */
};

/* Fills out[0..max) with the TCP listeners, connections (TIME_WAIT
 * too) and UDP sockets; returns how many there are (may exceed max).
 * Thread context. */
int net_conn_list(struct net_conn_info *out, int max);
/* Makes interface name (NULL: the default one) the default route's, via
 * gateway gw (network byte order; 0 removes the gateway, so only
 * directly reached hosts are).  0 or -ENODEV.  Thread context. */
int net_route_set_default(const char *name, uint32_t gw);
/* The first DNS server's IPv4 address (network byte order), 0 when
 * none is known. */
uint32_t net_dns_server(void);

/* Wraps the connected TCP socket sockfd (not read from yet) in a telnet
 * terminal (net/telnet.c) and returns a new descriptor of it, with flags
 * O_CLOEXEC, O_NONBLOCK; sockfd may then be closed.  The connection
 * closes when the terminal's last descriptor does; the peer leaving hangs
 * the terminal up (TTY_IOC_SET_SESSION names who gets SIGHUP).
 * -EBADF, -ENOTSOCK, -ENOTCONN, -ENOMEM, -EMFILE.  Thread context. */
int telnet_tty_open(int sockfd, int flags);
