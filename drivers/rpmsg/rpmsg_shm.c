// SPDX-License-Identifier: BSD-2-Clause
/*
 * The shared-memory layout of rpmsg (see rpmsg_shm.h): planning it (the
 * server), checking a header the other side wrote (the proxy), and the
 * two sides of a split ring whose every shared value is checked before
 * use.  Portable: built unchanged into the host unit tests.
 *
 * Locking: none; the caller serialises the calls on one ring.  The
 * barriers order our ring accesses against the other machine's.
 */
#include <errno.h>
#include <string.h>
#include <vireo/dma.h>
#include "rpmsg_shm.h"

#define RING_ALIGN 64u	/* rings and buffer areas start on a cache line */

static uint64_t align64(uint64_t v)
{
	return (v + RING_ALIGN - 1) & ~(uint64_t)(RING_ALIGN - 1);
}

static uint64_t used_off(uint32_t num)
{
	return align64(sizeof(struct virtq_desc) * (uint64_t)num +
		       virtq_avail_bytes(num));
}

size_t rpmsg_ring_bytes(uint32_t num)
{
	return (size_t)align64(used_off(num) + virtq_used_bytes(num));
}

static bool num_valid(uint32_t num)
{
	return num && num <= RPMSG_MAX_BUFS && !(num & (num - 1));
}

static bool buf_size_valid(uint32_t bs)
{
	return bs >= RPMSG_MIN_BUF && bs <= RPMSG_MAX_BUF && !(bs % 16);
}

int rpmsg_layout_plan(struct rpmsg_layout *l, size_t shm_size, uint32_t num,
		      uint32_t buf_size)
{
	uint64_t ring = rpmsg_ring_bytes(num), bufs = (uint64_t)num * buf_size;

	if (!num_valid(num) || !buf_size_valid(buf_size) ||
	    RPMSG_HDR_BYTES + 2 * ring + 2 * bufs > shm_size)
		return -EINVAL;
	l->num = num;
	l->buf_size = buf_size;
	l->ring_off[0] = RPMSG_HDR_BYTES;
	l->ring_off[1] = (uint32_t)(RPMSG_HDR_BYTES + ring);
	l->buf_off[0] = (uint32_t)(RPMSG_HDR_BYTES + 2 * ring);
	l->buf_off[1] = (uint32_t)(l->buf_off[0] + bufs);
	return 0;
}

struct span {
	uint64_t lo, hi;
};

static bool spans_ok(const struct span *s, int n, size_t shm_size)
{
	for (int i = 0; i < n; i++) {
		if (s[i].lo < RPMSG_HDR_BYTES || s[i].lo % RING_ALIGN ||
		    s[i].hi > shm_size)
			return false;
		for (int k = 0; k < i; k++)
			if (s[i].lo < s[k].hi && s[k].lo < s[i].hi)
				return false;
	}
	return true;
}

int rpmsg_layout_check(const struct rpmsg_shm_server *h, size_t shm_size,
		       struct rpmsg_layout *l, const char **why)
{
	struct span s[4];

	if (h->magic != RPMSG_SHM_MAGIC || h->version != RPMSG_SHM_VERSION) {
		*why = "no rpmsg header (magic or version)";
		return -EINVAL;
	}
	if (!num_valid(h->num) || !buf_size_valid(h->buf_size)) {
		*why = "buffer count or size out of range";
		return -EINVAL;
	}
	for (int r = 0; r < 2; r++) {
		s[r] = (struct span){ h->ring_off[r],
				      h->ring_off[r] + (uint64_t)rpmsg_ring_bytes(h->num) };
		s[2 + r] = (struct span){ h->buf_off[r],
					  h->buf_off[r] + (uint64_t)h->num * h->buf_size };
	}
	if (!spans_ok(s, 4, shm_size)) {
		*why = "rings or buffers outside the region or overlapping";
		return -EINVAL;
	}
	*l = (struct rpmsg_layout){ .num = h->num, .buf_size = h->buf_size };
	memcpy(l->ring_off, h->ring_off, sizeof(l->ring_off));
	memcpy(l->buf_off, h->buf_off, sizeof(l->buf_off));
	return 0;
}

void rpmsg_vring_attach(struct rpmsg_vring *vr, uint8_t *shm,
			const struct rpmsg_layout *l, int r, uint8_t *held)
{
	uint8_t *base = shm + l->ring_off[r];

	*vr = (struct rpmsg_vring){
		.desc = (struct virtq_desc *)base,
		.avail = (struct virtq_avail *)(base + sizeof(struct virtq_desc) * l->num),
		.used = (struct virtq_used *)(base + used_off(l->num)),
		.num = l->num, .buf_size = l->buf_size,
		.buf_lo = l->buf_off[r],
		.buf_hi = l->buf_off[r] + l->num * l->buf_size,
		.held = held,
	};
	if (held)
		memset(held, 0, l->num);
}

void rpmsg_vring_format(struct rpmsg_vring *vr, uint16_t desc_flags)
{
	memset(vr->desc, 0, rpmsg_ring_bytes(vr->num));
	for (uint32_t i = 0; i < vr->num; i++)
		vr->desc[i] = (struct virtq_desc){
			.addr = vr->buf_lo + (uint64_t)i * vr->buf_size,
			.len = vr->buf_size, .flags = desc_flags };
}

void rpmsg_vring_post(struct rpmsg_vring *vr, uint32_t id, uint32_t len)
{
	vr->desc[id].len = len;
	vr->avail->ring[vr->next_avail & (vr->num - 1)] = (uint16_t)id;
	vr->held[id] = 1;
	vr->outstanding++;
	/* Descriptor and buffer contents before the index that hands them
	 * over. */
	dma_wmb();
	virtq_write16(&vr->avail->idx, ++vr->next_avail);
}

int rpmsg_vring_reclaim(struct rpmsg_vring *vr, uint32_t *id, uint32_t *len,
			const char **why)
{
	uint16_t idx = virtq_read16(&vr->used->idx);
	const struct virtq_used_elem *e;
	uint32_t i, n;

	if (idx == vr->next_used)
		return -EAGAIN;
	if ((uint16_t)(idx - vr->next_used) > vr->outstanding) {
		*why = "used index ran ahead of the buffers handed over";
		return -EIO;
	}
	dma_rmb();	/* the element after the index that covers it */
	e = &vr->used->ring[vr->next_used & (vr->num - 1)];
	i = __atomic_load_n(&e->id, __ATOMIC_RELAXED);
	n = __atomic_load_n(&e->len, __ATOMIC_RELAXED);
	if (i >= vr->num || !vr->held[i]) {
		*why = "used ring names a buffer not handed over";
		return -EIO;
	}
	if (n > vr->buf_size) {
		*why = "used length exceeds the buffer";
		return -EIO;
	}
	vr->held[i] = 0;
	vr->outstanding--;
	vr->next_used++;
	*id = i;
	*len = n;
	return 0;
}

int rpmsg_vring_take(struct rpmsg_vring *vr, uint32_t *id, uint32_t *off,
		     uint32_t *len, const char **why)
{
	uint16_t idx = virtq_read16(&vr->avail->idx);
	uint64_t addr;
	uint32_t i, n;

	if (idx == vr->next_avail)
		return -EAGAIN;
	if ((uint16_t)(idx - vr->next_avail) > vr->num) {
		*why = "available index ran ahead of the ring";
		return -EIO;
	}
	dma_rmb();	/* the entry and descriptor after the index */
	i = virtq_read16(&vr->avail->ring[vr->next_avail & (vr->num - 1)]);
	if (i >= vr->num) {
		*why = "available ring names a descriptor outside the table";
		return -EIO;
	}
	addr = __atomic_load_n(&vr->desc[i].addr, __ATOMIC_RELAXED);
	n = __atomic_load_n(&vr->desc[i].len, __ATOMIC_RELAXED);
	if (addr < vr->buf_lo || addr >= vr->buf_hi || n > vr->buf_hi - addr ||
	    n > vr->buf_size) {
		*why = "descriptor points outside the buffer area";
		return -EIO;
	}
	vr->next_avail++;
	*id = i;
	*off = (uint32_t)addr;
	*len = n;
	return 0;
}

void rpmsg_vring_give(struct rpmsg_vring *vr, uint32_t id, uint32_t len)
{
	struct virtq_used_elem *e = &vr->used->ring[vr->next_used & (vr->num - 1)];

	__atomic_store_n(&e->id, id, __ATOMIC_RELAXED);
	__atomic_store_n(&e->len, len, __ATOMIC_RELAXED);
	/* The buffer's contents and the element before the index. */
	dma_wmb();
	virtq_write16(&vr->used->idx, ++vr->next_used);
}

bool rpmsg_vring_pending(const struct rpmsg_vring *vr, bool driver)
{
	if (driver)
		return virtq_read16(&vr->used->idx) != vr->next_used;
	return virtq_read16(&vr->avail->idx) != vr->next_avail;
}
