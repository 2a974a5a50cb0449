// SPDX-License-Identifier: BSD-2-Clause
/*
 * Transmit checksum offload: the device sums a TCP segment from its
 * header on and adds the pseudo-header sum it finds in the checksum
 * field (Virtio 1.2, 5.1.6.2: VIRTIO_NET_HDR_F_NEEDS_CSUM, as in
 * "partial" checksums).  Portable: the host tests check it against a
 * full checksum (tests/host/test_csum_offload.c).
 */
#include <vireo/netdev.h>

/* Sum of 16-bit big-endian words, unfolded. */
static uint32_t sum16(const uint8_t *b, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

bool netdev_tcp_csum_setup(uint8_t *f, size_t len, struct netdev_csum *c)
{
	uint16_t type, l4len;
	uint32_t s;
	size_t l4;

	if (len < 14)
		return false;
	type = (uint16_t)(f[12] << 8 | f[13]);
	if (type == 0x0800 && len >= 34 && f[23] == 6 && (f[14] & 15) >= 5) {
		size_t ihl = (size_t)(f[14] & 15) * 4;
		uint16_t total = (uint16_t)(f[16] << 8 | f[17]);

		if (total < ihl)
			return false;
		l4 = 14 + ihl;
		l4len = (uint16_t)(total - ihl);
		s = sum16(f + 26, 8) + 6;		/* addresses, protocol */
	} else if (type == 0x86dd && len >= 54 && f[20] == 6) {
		l4 = 54;				/* no extension headers */
		l4len = (uint16_t)(f[18] << 8 | f[19]);
		s = sum16(f + 22, 32) + 6;
	} else {
		return false;
	}
	if (len < l4 + 18)
		return false;
	s = fold(s + l4len);
	f[l4 + 16] = (uint8_t)(s >> 8);
	f[l4 + 17] = (uint8_t)s;
	c->start = (uint16_t)l4;
	c->offset = 16;
	return true;
}
