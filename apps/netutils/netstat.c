// SPDX-License-Identifier: BSD-2-Clause
/*
 * netstat: the TCP listeners and connections with their states, the UDP
 * sockets, and the interfaces with their packet counters.
 *
 *   netstat [-t] [-u] [-i]     (no option: all three)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/app.h>
#include <vireo/net.h>

#define MAX_CONNS 160
#define MAX_IFS 8

/* "addr:port" ("*" for port 0, IPv6 in brackets). */
static const char *endpoint(const struct net_endpoint *e, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], p[8] = "*";

	inet_ntop(e->family, e->addr, a, sizeof(a));
	if (e->port)
		snprintf(p, sizeof(p), "%u", e->port);
	snprintf(buf, len, e->family == AF_INET6 ? "[%s]:%s" : "%s:%s", a, p);
	return buf;
}

static int show_conns(bool tcp, bool udp)
{
	struct net_conn_info *c = calloc(MAX_CONNS, sizeof(*c));
	char l[INET6_ADDRSTRLEN + 10], r[INET6_ADDRSTRLEN + 10];
	int n;

	if (!c) {
		perror("netstat");
		return 1;
	}
	n = net_conn_list(c, MAX_CONNS);

	printf("Proto Local Address          Foreign Address        State\n");
	for (int i = 0; i < n && i < MAX_CONNS; i++) {
		bool is_tcp = c[i].proto == IPPROTO_TCP;

		if (is_tcp ? !tcp : !udp)
			continue;
		printf("%-5s %-22s %-22s %s\n", is_tcp ? "tcp" : "udp",
		       endpoint(&c[i].local, l, sizeof(l)),
		       endpoint(&c[i].remote, r, sizeof(r)), c[i].state);
	}
	if (n > MAX_CONNS)
		printf("(%d more)\n", n - MAX_CONNS);
	free(c);
	return 0;
}

static void show_ifs(void)
{
	struct net_if_info ifs[MAX_IFS];
	int n = net_if_list(ifs, MAX_IFS);

	printf("Iface   MTU     RX-OK  RX-ERR  RX-DRP     TX-OK  TX-ERR  TX-DRP\n");
	for (int i = 0; i < n && i < MAX_IFS; i++) {
		const struct netdev_stats *s = &ifs[i].stats;

		printf("%-7s %5u %9llu %7llu %7llu %9llu %7llu %7llu\n",
		       ifs[i].name, ifs[i].mtu,
		       (unsigned long long)s->rx_packets,
		       (unsigned long long)s->rx_errors,
		       (unsigned long long)s->rx_dropped,
		       (unsigned long long)s->tx_packets,
		       (unsigned long long)s->tx_errors,
		       (unsigned long long)s->tx_dropped);
	}
}

static int netstat_main(int argc, char **argv)
{
	bool tcp = false, udp = false, ifs = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-t")) {
			tcp = true;
		} else if (!strcmp(argv[i], "-u")) {
			udp = true;
		} else if (!strcmp(argv[i], "-i")) {
			ifs = true;
		} else {
			fprintf(stderr, "Usage: netstat [-t] [-u] [-i]\n");
			return 2;
		}
	}
	if (!tcp && !udp && !ifs)
		tcp = udp = ifs = true;
	if ((tcp || udp) && show_conns(tcp, udp))
		return 1;
	if (ifs)
		show_ifs();
	return 0;
}
APP_REGISTER(netstat, netstat_main, 0, 0);
