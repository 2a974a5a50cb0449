// SPDX-License-Identifier: BSD-2-Clause
/*
 * Address text and name resolution: inet_pton/inet_ntop and friends on
 * lwIP's address parsers, getaddrinfo() on its DNS client (servers from
 * DHCP, or 10.0.2.3 with the static fallback), interface indexes.
 */
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/ip_icmp.h>
#include <stdlib.h>
#include <string.h>
#include "lwip/api.h"
#include "lwip/inet_chksum.h"
#include "lwip/ip_addr.h"
#include "lwip/priv/tcpip_priv.h"
#include "lwip/netif.h"

const struct in6_addr in6addr_any = IN6ADDR_ANY_INIT;
const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;

int inet_pton(int af, const char *src, void *dst)
{
	ip4_addr_t a4;
	ip6_addr_t a6;

	if (af == AF_INET) {
		/* inet_pton takes dotted quads only, no shorthand. */
		int dots = 0;
		for (const char *p = src; *p; p++) {
			if (*p == '.')
				dots++;
			else if (*p < '0' || *p > '9')
				return 0;
		}
		if (dots != 3 || !ip4addr_aton(src, &a4))
			return 0;
		memcpy(dst, &a4.addr, 4);
		return 1;
	}
	if (af == AF_INET6) {
		if (!ip6addr_aton(src, &a6))
			return 0;
		memcpy(dst, a6.addr, 16);
		return 1;
	}
	errno = EAFNOSUPPORT;
	return -1;
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
	ip4_addr_t a4;
	ip6_addr_t a6;
	const char *r;

	if (af == AF_INET) {
		memcpy(&a4.addr, src, 4);
		r = ip4addr_ntoa_r(&a4, dst, (int)size);
	} else if (af == AF_INET6) {
		memcpy(a6.addr, src, 16);
		ip6_addr_clear_zone(&a6);
		r = ip6addr_ntoa_r(&a6, dst, (int)size);
		/* lwIP writes upper-case hex digits; RFC 5952 4.3 lower. */
		for (char *p = r ? dst : ""; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	} else {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	if (!r)
		errno = ENOSPC;
	return r;
}

int inet_aton(const char *cp, struct in_addr *inp)
{
	ip4_addr_t a;

	if (!ip4addr_aton(cp, &a))
		return 0;
	if (inp)
		inp->s_addr = a.addr;
	return 1;
}

uint32_t inet_addr(const char *cp)
{
	struct in_addr a;

	return inet_aton(cp, &a) ? a.s_addr : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in)
{
	static char buf[INET_ADDRSTRLEN];

	return (char *)inet_ntop(AF_INET, &in.s_addr, buf, sizeof(buf));
}

uint16_t in_cksum(const void *data, size_t len)
{
	/* lwIP's sum is in the data's byte order already. */
	return inet_chksum(data, (u16_t)len);
}

/* ---- getaddrinfo ---- */

const char *gai_strerror(int err)
{
	switch (err) {
	case 0: return "Success";
	case EAI_BADFLAGS: return "Bad value for ai_flags";
	case EAI_NONAME: return "Name or service not known";
	case EAI_AGAIN: return "Temporary failure in name resolution";
	case EAI_FAIL: return "Non-recoverable failure in name resolution";
	case EAI_FAMILY: return "ai_family not supported";
	case EAI_SOCKTYPE: return "ai_socktype not supported";
	case EAI_SERVICE: return "Servname not supported for ai_socktype";
	case EAI_MEMORY: return "Memory allocation failure";
	case EAI_SYSTEM: return "System error";
	default: return "Unknown error";
	}
}

static int parse_service(const char *service, int flags, uint16_t *port)
{
	char *end;
	unsigned long v;

	*port = 0;
	if (!service)
		return 0;
	v = strtoul(service, &end, 10);
	if (*service && !*end && v <= 65535) {
		*port = (uint16_t)v;
		return 0;
	}
	return (flags & AI_NUMERICSERV) ? EAI_NONAME : EAI_SERVICE;
}

/* The address of node for family (AF_UNSPEC: either): 0 or EAI_*. */
static int resolve(const char *node, int family, int flags, ip_addr_t *ip)
{
	u8_t type = family == AF_INET ? NETCONN_DNS_IPV4 :
		    family == AF_INET6 ? NETCONN_DNS_IPV6 :
		    NETCONN_DNS_IPV4_IPV6;
	err_t e;

	if (!node) {	/* the wildcard (AI_PASSIVE) or loopback address */
		if (flags & AI_PASSIVE)
			ip_addr_set_any(family == AF_INET6, ip);
		else
			ip_addr_set_loopback(family == AF_INET6, ip);
		return 0;
	}
	if (ipaddr_aton(node, ip)) {
		if ((family == AF_INET && !IP_IS_V4(ip)) ||
		    (family == AF_INET6 && !IP_IS_V6(ip)))
			return EAI_FAMILY;
		return 0;
	}
	if (flags & AI_NUMERICHOST)
		return EAI_NONAME;
	e = netconn_gethostbyname_addrtype(node, ip, type);
	if (e == ERR_OK)
		return 0;
	return e == ERR_VAL || e == ERR_ARG ? EAI_NONAME : EAI_FAIL;
}

struct ai_block {
	struct addrinfo ai;
	struct sockaddr_storage ss;
};

int getaddrinfo(const char *node, const char *service,
		const struct addrinfo *hints, struct addrinfo **res)
{
	struct addrinfo h = { 0 };
	struct ai_block *b;
	uint16_t port;
	ip_addr_t ip;
	int r;

	if (hints)
		h = *hints;
	if (!res || (!node && !service))
		return EAI_NONAME;
	if (h.ai_family != AF_UNSPEC && h.ai_family != AF_INET &&
	    h.ai_family != AF_INET6)
		return EAI_FAMILY;
	if (h.ai_socktype && h.ai_socktype != SOCK_STREAM &&
	    h.ai_socktype != SOCK_DGRAM)
		return EAI_SOCKTYPE;
	r = parse_service(service, h.ai_flags, &port);
	if (!r)
		r = resolve(node, h.ai_family, h.ai_flags, &ip);
	if (r)
		return r;
	b = calloc(1, sizeof(*b));	/* the caller's memory */
	if (!b)
		return EAI_MEMORY;
	b->ai.ai_socktype = h.ai_socktype ? h.ai_socktype : SOCK_STREAM;
	b->ai.ai_protocol = b->ai.ai_socktype == SOCK_STREAM ? IPPROTO_TCP :
			    IPPROTO_UDP;
	b->ai.ai_addr = (struct sockaddr *)&b->ss;
	if (IP_IS_V4(&ip)) {
		struct sockaddr_in *in = (void *)&b->ss;
		in->sin_family = AF_INET;
		in->sin_port = lwip_htons(port);
		in->sin_addr.s_addr = ip4_addr_get_u32(ip_2_ip4(&ip));
		b->ai.ai_addrlen = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (void *)&b->ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = lwip_htons(port);
		memcpy(in6->sin6_addr.s6_addr, ip_2_ip6(&ip)->addr, 16);
		b->ai.ai_addrlen = sizeof(*in6);
	}
	b->ai.ai_family = b->ss.ss_family;
	if ((h.ai_flags & AI_CANONNAME) && node)
		b->ai.ai_canonname = strdup(node);	/* the caller's */
	*res = &b->ai;
	return 0;
}

void freeaddrinfo(struct addrinfo *res)
{
	while (res) {
		struct addrinfo *next = res->ai_next;

		free(res->ai_canonname);
		free(res);	/* the addrinfo starts its ai_block */
		res = next;
	}
}

/* ---- interface names ---- */

unsigned int if_nametoindex(const char *name)
{
	u8_t idx;

	LOCK_TCPIP_CORE();
	idx = netif_name_to_index(name);
	UNLOCK_TCPIP_CORE();
	return idx;
}

char *if_indextoname(unsigned int index, char *name)
{
	char *r;

	LOCK_TCPIP_CORE();
	r = netif_index_to_name((u8_t)index, name);
	UNLOCK_TCPIP_CORE();
	if (!r)
		errno = ENXIO;
	return r;
}
