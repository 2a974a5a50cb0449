// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of net/csum_offload.c: after netdev_tcp_csum_setup() and the
 * device's part (the ones' complement sum from start, stored at
 * start + offset), an IPv4 and an IPv6 TCP segment carry the checksum
 * RFC 793 defines, computed here independently; frames that are not TCP,
 * are cut short or have a bad header length are left alone.
 */
#include <stdbool.h>
#include <stdint.h>
#include <vireo/netdev.h>
#include "unit.h"

static uint32_t add16(uint32_t s, const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i += 2)
		s += (uint32_t)(b[i] << 8 | (i + 1 < len ? b[i + 1] : 0));
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* What the device does with a NEEDS_CSUM frame. */
static void device_sum(uint8_t *f, size_t len, const struct netdev_csum *c)
{
	uint16_t s = (uint16_t)~fold(add16(0, f + c->start, len - c->start));

	f[c->start + c->offset] = (uint8_t)(s >> 8);
	f[c->start + c->offset + 1] = (uint8_t)s;
}

/* The TCP checksum verifies: pseudo header plus segment sums to 0xffff. */
static bool tcp_sum_ok(const uint8_t *f, size_t len, bool v6)
{
	size_t l4 = v6 ? 54 : 14 + (size_t)(f[14] & 15) * 4;
	uint32_t s = v6 ? add16(0, f + 22, 32) : add16(0, f + 26, 8);

	s += 6 + (uint32_t)(len - l4);
	return fold(add16(s, f + l4, len - l4)) == 0xffff;
}

/* An Ethernet frame with an IPv4 (or IPv6) header and a TCP segment of
 * payload bytes; returns its length. */
static size_t tcp_frame(uint8_t *f, bool v6, size_t payload)
{
	size_t ip = v6 ? 40 : 20, tcp = 20, n = 14 + ip + tcp + payload;

	memset(f, 0, n);
	f[12] = v6 ? 0x86 : 0x08;
	f[13] = v6 ? 0xdd : 0x00;
	if (v6) {
		f[14] = 0x60;
		f[18] = (uint8_t)((tcp + payload) >> 8);
		f[19] = (uint8_t)(tcp + payload);
		f[20] = 6;
		for (int i = 0; i < 32; i++)
			f[22 + i] = (uint8_t)(0xfe + i * 7);
	} else {
		f[14] = 0x45;
		f[16] = (uint8_t)((ip + tcp + payload) >> 8);
		f[17] = (uint8_t)(ip + tcp + payload);
		f[23] = 6;
		memcpy(f + 26, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
	}
	uint8_t *t = f + 14 + ip;
	t[0] = 0x9c; t[1] = 0x40; t[2] = 0x13; t[3] = 0x89;	/* ports */
	t[4] = 0x12; t[7] = 0x34; t[12] = 0x50; t[13] = 0x18;
	t[16] = 0xde; t[17] = 0xad;	/* stale checksum: replaced */
	for (size_t i = 0; i < payload; i++)
		t[tcp + i] = (uint8_t)(i * 131 + 7);
	return n;
}

static void offload_roundtrip(bool v6, size_t payload)
{
	uint8_t f[2048];
	struct netdev_csum c;
	size_t n = tcp_frame(f, v6, payload);

	EXPECT(netdev_tcp_csum_setup(f, n, &c));
	EXPECT_EQ(c.start, v6 ? 54 : 34);
	EXPECT_EQ(c.offset, 16);
	device_sum(f, n, &c);
	EXPECT(tcp_sum_ok(f, n, v6));
}

TEST(ipv4_segments)
{
	offload_roundtrip(false, 0);
	offload_roundtrip(false, 1);		/* odd length */
	offload_roundtrip(false, 1460);
}

TEST(ipv6_segments)
{
	offload_roundtrip(true, 0);
	offload_roundtrip(true, 999);
	offload_roundtrip(true, 1440);
}

TEST(other_frames_untouched)
{
	uint8_t f[256], copy[256];
	struct netdev_csum c;
	size_t n = tcp_frame(f, false, 10);

	f[23] = 17;					/* UDP */
	memcpy(copy, f, n);
	EXPECT(!netdev_tcp_csum_setup(f, n, &c));
	EXPECT(memcmp(f, copy, n) == 0);
	n = tcp_frame(f, false, 10);
	EXPECT(!netdev_tcp_csum_setup(f, 40, &c));	/* cut in the header */
	EXPECT(!netdev_tcp_csum_setup(f, 10, &c));	/* not even Ethernet */
	f[14] = 0x43;					/* IHL 3 */
	EXPECT(!netdev_tcp_csum_setup(f, n, &c));
	n = tcp_frame(f, false, 10);
	f[12] = 0x08;
	f[13] = 0x06;					/* ARP */
	EXPECT(!netdev_tcp_csum_setup(f, n, &c));
}

UNIT_MAIN(UNIT_CASE(ipv4_segments), UNIT_CASE(ipv6_segments),
	  UNIT_CASE(other_frames_untouched))
