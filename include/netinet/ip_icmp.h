/* SPDX-License-Identifier: BSD-2-Clause */
/* ICMP for IPv4 (RFC 792): the header ping builds and reads. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define ICMP_ECHOREPLY	0
#define ICMP_UNREACH	3
#define ICMP_ECHO	8
#define ICMP_TIMXCEED	11

struct icmphdr {
	uint8_t type;
	uint8_t code;
	uint16_t checksum;
	uint16_t id;		/* echo: network byte order */
	uint16_t sequence;
};

#ifdef __cplusplus
extern "C" {
#endif
/* The Internet checksum (RFC 1071) of len bytes, ready to store (network
 * byte order).  A Vireo extension with the traditional BSD name. */
uint16_t in_cksum(const void *data, size_t len);
#ifdef __cplusplus
}
#endif
