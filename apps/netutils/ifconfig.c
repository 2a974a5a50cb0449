// SPDX-License-Identifier: BSD-2-Clause
/*
 * ifconfig: shows the network interfaces (addresses, MAC, MTU, counters)
 * and sets an IPv4 address or takes an interface up or down.
 *
 *   ifconfig [IFACE]
 *   ifconfig IFACE ADDR [netmask MASK] [gw GATEWAY]
 *   ifconfig IFACE up|down
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <vireo/app.h>
#include <vireo/net.h>
#include "netutils.h"

#define MAX_IFS 8

static void show(const struct net_if_info *i)
{
	char a[INET6_ADDRSTRLEN], m[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	uint32_t bcast = i->addr | ~i->netmask;

	if (i->loopback)
		printf("%-9s Link encap:Local Loopback\n", i->name);
	else
		printf("%-9s Link encap:Ethernet  HWaddr %02x:%02x:%02x:%02x:%02x:%02x\n",
		       i->name, i->mac[0], i->mac[1], i->mac[2], i->mac[3],
		       i->mac[4], i->mac[5]);
	inet_ntop(AF_INET, &i->addr, a, sizeof(a));
	inet_ntop(AF_INET, &i->netmask, m, sizeof(m));
	inet_ntop(AF_INET, &bcast, b, sizeof(b));
	printf("          inet addr:%s  Bcast:%s  Mask:%s%s\n", a, b, m,
	       i->dhcp ? "  (DHCP)" : "");
	for (int k = 0; k < i->nr_addr6; k++)
		printf("          inet6 addr: %s\n",
		       inet_ntop(AF_INET6, i->addr6[k], a, sizeof(a)));
	printf("          %s%sMTU:%u\n", i->up ? "UP " : "DOWN ",
	       i->link_up ? "RUNNING  " : " ", i->mtu);
	if (i->loopback)
		return;
	printf("          RX packets:%llu errors:%llu dropped:%llu bytes:%llu\n",
	       (unsigned long long)i->stats.rx_packets,
	       (unsigned long long)i->stats.rx_errors,
	       (unsigned long long)i->stats.rx_dropped,
	       (unsigned long long)i->stats.rx_bytes);
	printf("          TX packets:%llu errors:%llu dropped:%llu bytes:%llu\n",
	       (unsigned long long)i->stats.tx_packets,
	       (unsigned long long)i->stats.tx_errors,
	       (unsigned long long)i->stats.tx_dropped,
	       (unsigned long long)i->stats.tx_bytes);
	printf("          Interrupts:%llu polls:%llu\n",
	       (unsigned long long)i->stats.irqs,
	       (unsigned long long)i->stats.polls);
}

static int list(const char *only)
{
	struct net_if_info ifs[MAX_IFS];
	int n = net_if_list(ifs, MAX_IFS), shown = 0;

	for (int i = 0; i < n && i < MAX_IFS; i++) {
		if (only && strcmp(only, ifs[i].name))
			continue;
		if (shown++)
			printf("\n");
		show(&ifs[i]);
	}
	if (only && !shown) {
		fprintf(stderr, "ifconfig: %s: no such interface\n", only);
		return 1;
	}
	return 0;
}

static int parse(const char *text, uint32_t *out)
{
	return netutils_ipv4("ifconfig", text, out);
}

/* IFACE ADDR [netmask MASK] [gw GATEWAY] */
static int set_addr(int argc, char **argv)
{
	uint32_t addr, mask = htonl(0xffffff00), gw = 0;
	int r;

	if (parse(argv[2], &addr))
		return 1;
	for (int i = 3; i + 1 < argc; i += 2) {
		uint32_t *v = !strcmp(argv[i], "netmask") ? &mask :
			      !strcmp(argv[i], "gw") ? &gw : NULL;
		if (!v) {
			fprintf(stderr, "ifconfig: unknown option %s\n", argv[i]);
			return 2;
		}
		if (parse(argv[i + 1], v))
			return 1;
	}
	if (argc % 2 == 0) {
		fprintf(stderr, "ifconfig: %s needs a value\n", argv[argc - 1]);
		return 2;
	}
	r = net_if_set_addr(argv[1], addr, mask, gw);
	if (r)
		fprintf(stderr, "ifconfig: %s: %s\n", argv[1], strerror(-r));
	return r ? 1 : 0;
}

static int ifconfig_main(int argc, char **argv)
{
	int r;

	if (argc <= 2)
		return list(argc == 2 ? argv[1] : NULL);
	if (argc == 3 && (!strcmp(argv[2], "up") || !strcmp(argv[2], "down"))) {
		r = net_if_set_up(argv[1], argv[2][0] == 'u');
		if (r)
			fprintf(stderr, "ifconfig: %s: %s\n", argv[1], strerror(-r));
		return r ? 1 : 0;
	}
	if (argv[2][0] >= '0' && argv[2][0] <= '9')
		return set_addr(argc, argv);
	fprintf(stderr, "usage: ifconfig [IFACE]\n"
			"       ifconfig IFACE ADDR [netmask MASK] [gw GATEWAY]\n"
			"       ifconfig IFACE up|down\n");
	return 2;
}

APP_REGISTER(ifconfig, ifconfig_main, 0, 0);
