// SPDX-License-Identifier: BSD-2-Clause
/*
 * What netstat and route show (<vireo/net.h>): the stack's TCP and UDP
 * endpoints, read from lwIP's pcb lists under the core lock, and the
 * default route (lwIP's default interface and its gateway).
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <vireo/net.h>
#include "lwip/dns.h"
#include "lwip/netif.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/priv/tcpip_priv.h"

/* lwIP's enum tcp_state, in its order. */
static const char *const tcp_states[] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED",
	"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK",
	"TIME_WAIT",
};

static void addr_out(const ip_addr_t *ip, uint16_t port, struct net_endpoint *e)
{
	e->port = port;
	if (IP_IS_V6_VAL(*ip)) {
		e->family = AF_INET6;
		memcpy(e->addr, ip_2_ip6(ip)->addr, 16);
	} else {
		e->family = AF_INET;
		memcpy(e->addr, &ip_2_ip4(ip)->addr, 4);
	}
}

/* One pcb's entry (all pcb kinds start with the IP and local port). */
static void add(struct net_conn_info *out, int max, int *n, int proto,
		const ip_addr_t *local, u16_t lport, const ip_addr_t *remote,
		u16_t rport, const char *state)
{
	if (*n < max) {
		struct net_conn_info *c = &out[*n];

		memset(c, 0, sizeof(*c));
		c->proto = proto;
		addr_out(local, lport, &c->local);
		addr_out(remote, rport, &c->remote);
		strncpy(c->state, state, sizeof(c->state) - 1);
	}
	(*n)++;
}

static void add_tcp(struct tcp_pcb *pcb, struct net_conn_info *out, int max,
		    int *n)
{
	for (; pcb; pcb = pcb->next)
		add(out, max, n, IPPROTO_TCP, &pcb->local_ip, pcb->local_port,
		    &pcb->remote_ip, pcb->remote_port,
		    (unsigned)pcb->state < ARRAY_SIZE(tcp_states) ?
		    tcp_states[pcb->state] : "?");
}

int net_conn_list(struct net_conn_info *out, int max)
{
	static const ip_addr_t any = IPADDR4_INIT(0);
	struct tcp_pcb_listen *l;
	struct udp_pcb *u;
	int n = 0;

	LOCK_TCPIP_CORE();
	for (l = tcp_listen_pcbs.listen_pcbs; l; l = l->next)
		add(out, max, &n, IPPROTO_TCP, &l->local_ip, l->local_port,
		    IP_IS_V6_VAL(l->local_ip) ? IP6_ADDR_ANY : &any, 0, "LISTEN");
	add_tcp(tcp_active_pcbs, out, max, &n);
	add_tcp(tcp_tw_pcbs, out, max, &n);
	for (u = udp_pcbs; u; u = u->next)
		add(out, max, &n, IPPROTO_UDP, &u->local_ip, u->local_port,
		    &u->remote_ip, u->remote_port, "");
	UNLOCK_TCPIP_CORE();
	return n;
}

int net_route_set_default(const char *name, uint32_t gw)
{
	struct netif *ni = NULL;
	int r = 0;

	LOCK_TCPIP_CORE();
	if (name) {
		NETIF_FOREACH(ni)
			if (ni->state && !strcmp(((struct netdev *)ni->state)->name, name))
				break;
	} else {
		ni = netif_default;
	}
	if (!ni) {
		r = -ENODEV;
	} else {
		ip4_addr_t g = { gw };

		netif_set_gw(ni, &g);
		netif_set_default(ni);
	}
	UNLOCK_TCPIP_CORE();
	return r;
}

uint32_t net_dns_server(void)
{
	const ip_addr_t *ip;
	uint32_t a = 0;

	LOCK_TCPIP_CORE();
	ip = dns_getserver(0);
	if (IP_IS_V4(ip))
		a = ip4_addr_get_u32(ip_2_ip4(ip));
	UNLOCK_TCPIP_CORE();
	return a;
}
