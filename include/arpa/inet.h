/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Byte order and address text (POSIX <arpa/inet.h>).  Replaces picolibc's
 * header of the same name, which has only the byte-order macros.
 */
#pragma once

#include <endian.h>
#include <stdint.h>
#include <sys/socket.h>

struct in_addr;

static inline uint16_t htons(uint16_t v) { return __bswap16(v); }
static inline uint16_t ntohs(uint16_t v) { return __bswap16(v); }
static inline uint32_t htonl(uint32_t v) { return __bswap32(v); }
static inline uint32_t ntohl(uint32_t v) { return __bswap32(v); }

#ifdef __cplusplus
extern "C" {
#endif
/* 1 converted, 0 not an address of af, -1 with EAFNOSUPPORT. */
int inet_pton(int af, const char *src, void *dst);
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);
/* Network-order address, or INADDR_NONE. */
uint32_t inet_addr(const char *cp);
int inet_aton(const char *cp, struct in_addr *inp);
/* Static buffer: not thread-safe, as POSIX allows. */
char *inet_ntoa(struct in_addr in);
#ifdef __cplusplus
}
#endif
