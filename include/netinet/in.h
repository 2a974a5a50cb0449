/* SPDX-License-Identifier: BSD-2-Clause */
/* Internet addresses (POSIX <netinet/in.h>); values are Linux's. */
#pragma once

#include <stdint.h>
#include <sys/socket.h>
#include <arpa/inet.h>

typedef uint16_t in_port_t;
typedef uint32_t in_addr_t;

struct in_addr {
	in_addr_t s_addr;		/* network byte order */
};

struct sockaddr_in {
	sa_family_t sin_family;
	in_port_t sin_port;		/* network byte order */
	struct in_addr sin_addr;
	unsigned char sin_zero[8];
};

struct in6_addr {
	uint8_t s6_addr[16];
};

struct sockaddr_in6 {
	sa_family_t sin6_family;
	in_port_t sin6_port;
	uint32_t sin6_flowinfo;
	struct in6_addr sin6_addr;
	uint32_t sin6_scope_id;
};

#define IPPROTO_IP	0
#define IPPROTO_ICMP	1
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#define IPPROTO_IPV6	41
#define IPPROTO_ICMPV6	58
#define IPPROTO_RAW	255

#define INADDR_ANY		((in_addr_t)0x00000000)
#define INADDR_BROADCAST	((in_addr_t)0xffffffff)
#define INADDR_NONE		((in_addr_t)0xffffffff)
#define INADDR_LOOPBACK		((in_addr_t)0x7f000001)	/* host order */
#define INET_ADDRSTRLEN		16
#define INET6_ADDRSTRLEN	46

#define IPV6_V6ONLY	26

extern const struct in6_addr in6addr_any;
extern const struct in6_addr in6addr_loopback;
#define IN6ADDR_ANY_INIT	{ { 0 } }
#define IN6ADDR_LOOPBACK_INIT	{ { 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1 } }
