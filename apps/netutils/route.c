// SPDX-License-Identifier: BSD-2-Clause
/*
 * route: the IPv4 routing table (the default route and each interface's
 * own network), and setting or deleting the default gateway.
 *
 *   route
 *   route add default gw GATEWAY [dev IFACE]
 *   route del default
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <vireo/app.h>
#include <vireo/net.h>
#include "netutils.h"

#define MAX_IFS 8

static void row(const char *dest, uint32_t gw, uint32_t mask, const char *ifname)
{
	char g[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &gw, g, sizeof(g));
	inet_ntop(AF_INET, &mask, m, sizeof(m));
	printf("%-15s %-15s %-15s %s\n", dest, g, m, ifname);
}

static int show(void)
{
	struct net_if_info ifs[MAX_IFS];
	int n = net_if_list(ifs, MAX_IFS);
	char d[INET_ADDRSTRLEN];

	printf("Destination     Gateway         Genmask         Iface\n");
	for (int i = 0; i < n && i < MAX_IFS; i++)
		if (ifs[i].default_route && ifs[i].gw && ifs[i].up)
			row("default", ifs[i].gw, 0, ifs[i].name);
	for (int i = 0; i < n && i < MAX_IFS; i++) {
		uint32_t net = ifs[i].addr & ifs[i].netmask;

		if (!ifs[i].up || !ifs[i].addr)
			continue;
		inet_ntop(AF_INET, &net, d, sizeof(d));
		row(d, 0, ifs[i].netmask, ifs[i].name);
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "Usage: route\n"
			"       route add default gw GATEWAY [dev IFACE]\n"
			"       route del default\n");
	return 2;
}

static int set_default(const char *ifname, uint32_t gw)
{
	int r = net_route_set_default(ifname, gw);

	if (r)
		fprintf(stderr, "route: %s: %s\n", ifname ? ifname : "default",
			strerror(-r));
	return r ? 1 : 0;
}

static int route_main(int argc, char **argv)
{
	uint32_t gw;

	if (argc == 1)
		return show();
	if (argc == 3 && !strcmp(argv[1], "del") && !strcmp(argv[2], "default"))
		return set_default(NULL, 0);
	if ((argc == 5 || argc == 7) && !strcmp(argv[1], "add") &&
	    !strcmp(argv[2], "default") && !strcmp(argv[3], "gw") &&
	    (argc == 5 || !strcmp(argv[5], "dev"))) {
		if (netutils_ipv4("route", argv[4], &gw))
			return 1;
		return set_default(argc == 7 ? argv[6] : NULL, gw);
	}
	return usage();
}
APP_REGISTER(route, route_main, 0, 0);
