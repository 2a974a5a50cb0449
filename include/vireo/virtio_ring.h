/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The split virtqueue's memory format (Virtio 1.2, 2.7): descriptor
 * table, available ring and used ring, little-endian.  Shared by the
 * virtio driver's queues (drivers/virtio/virtqueue.c) and rpmsg's rings in
 * memory shared with another machine (drivers/rpmsg/vring.c), which use
 * the same format with both roles.
 */
#pragma once

#include <stdint.h>

/* Descriptor flags (2.7.5) */
#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2
#define VIRTQ_DESC_F_INDIRECT	4
/* Available ring flags (2.7.6) and used ring flags (2.7.8) */
#define VIRTQ_AVAIL_F_NO_INTERRUPT	1
#define VIRTQ_USED_F_NO_NOTIFY		1

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* ring[size] is followed by used_event (2.7.6). */
struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

/* ring[size] is followed by avail_event (2.7.8). */
struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];
};

/* Shared 16-bit fields: one access each, never merged, split or cached
 * in a register across a barrier. */
static inline uint16_t virtq_read16(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void virtq_write16(uint16_t *p, uint16_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

/* Bytes of the available ring of size entries, used_event included. */
static inline unsigned long virtq_avail_bytes(unsigned int size)
{
	return sizeof(struct virtq_avail) + sizeof(uint16_t) * (size + 1ul);
}

/* Bytes of the used ring of size entries, avail_event included. */
static inline unsigned long virtq_used_bytes(unsigned int size)
{
	return sizeof(struct virtq_used) + sizeof(struct virtq_used_elem) * size +
	       sizeof(uint16_t);
}
