// SPDX-License-Identifier: BSD-2-Clause
/*
 * The split virtqueue (Virtio 1.2, 2.7), the one ring implementation every
 * virtio driver uses, on every transport.  Portable: built unchanged into
 * the host unit tests, where a fake device plays the other side.
 *
 * Ownership.  The descriptor table and the available ring are written only
 * by us and never read back: the free list, chain lengths, tokens and
 * buffer sizes live in a private shadow (struct slot), so a device that
 * scribbles on the shared rings cannot redirect our bookkeeping.  The used
 * ring is the device's; every value read from it (its index, the id and
 * length of each element) is checked against the shadow before it is
 * used, and a violation marks the device broken (virtio_device_break())
 * instead of freeing the wrong chain or trusting a wrong length.
 *
 * Locking: none here (see <vireo/virtio.h>); the driver serialises calls on
 * one queue.  The barriers order our ring accesses against the device's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/compiler.h>
#include <vireo/dma.h>
#include <vireo/mm.h>
#include <vireo/virtio.h>
#include <vireo/virtio_ring.h>
#include "virtio_priv.h"

/* The rings are little-endian (spec 2.7 for VERSION_1; legacy devices use
 * the guest's order, which is little-endian too): no conversions needed. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "virtqueue.c assumes a little-endian CPU");

#define VIRTQ_MAX_SIZE		32768	/* 2.7: Queue Size at most 32768 */
#define VIRTQ_USED_ALIGN	4096	/* legacy QueueAlign we program */

/* Our shadow of descriptor i.  For the head of a request in flight,
 * token is non-NULL; for every other descriptor it is NULL. */
struct slot {
	void *token;
	struct virtq_desc *indirect;	/* the request's table, or NULL */
	uint32_t in_len;		/* bytes the device may write */
	uint16_t ndesc;			/* ring descriptors the request holds */
	uint16_t next;			/* free list / chain link */
};

struct virtqueue {
	struct virtio_device *vdev;
	const char *name;
	virtqueue_callback_t cb;
	unsigned int index;
	uint16_t size;			/* a power of two */
	bool indirect;			/* RING_INDIRECT_DESC negotiated */
	bool event_idx;			/* RING_EVENT_IDX negotiated */
	bool cb_enabled;		/* interrupts asked for */
	void *ring;			/* the one zeroed block */
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	uint16_t *used_event;		/* avail->ring[size] */
	uint16_t *avail_event;		/* used->ring[size] */
	uint16_t free_head;
	uint16_t num_free;
	uint16_t in_flight;		/* requests made available, not used */
	uint16_t avail_idx;		/* our copy of avail->idx */
	uint16_t kicked_idx;		/* avail_idx at the last kick */
	uint16_t last_used;		/* next used element to consume */
	struct slot slots[];
};

static size_t used_offset(unsigned int size)
{
	return ALIGN_UP(sizeof(struct virtq_desc) * size + virtq_avail_bytes(size),
			(size_t)VIRTQ_USED_ALIGN);
}

size_t virtqueue_ring_bytes(unsigned int size)
{
	return used_offset(size) + virtq_used_bytes(size);
}

static bool size_valid(unsigned int size)
{
	return size > 0 && size <= VIRTQ_MAX_SIZE && !(size & (size - 1));
}

static void lay_out(struct virtqueue *vq)
{
	uint8_t *base = vq->ring;

	vq->desc = (struct virtq_desc *)base;
	vq->avail = (struct virtq_avail *)(base + sizeof(struct virtq_desc) * vq->size);
	vq->used = (struct virtq_used *)(base + used_offset(vq->size));
	vq->used_event = &vq->avail->ring[vq->size];
	vq->avail_event = (uint16_t *)&vq->used->ring[vq->size];
	for (unsigned int i = 0; i < vq->size; i++)
		vq->slots[i].next = (uint16_t)(i + 1);
	vq->free_head = 0;
	vq->num_free = vq->size;
	vq->cb_enabled = true;
}

struct virtqueue *virtqueue_new(struct virtio_device *vdev, unsigned int index,
				unsigned int size, virtqueue_callback_t cb,
				const char *name)
{
	struct virtqueue *vq;
	size_t bytes;

	if (!size_valid(size))
		return NULL;
	vq = kcalloc(1, sizeof(*vq) + sizeof(struct slot) * size);
	if (!vq)
		return NULL;
	bytes = ALIGN_UP(virtqueue_ring_bytes(size), (size_t)VIRTQ_USED_ALIGN);
	vq->ring = kaligned_alloc(VIRTQ_USED_ALIGN, bytes);
	if (!vq->ring) {
		free(vq);
		return NULL;
	}
	memset(vq->ring, 0, bytes);
	vq->vdev = vdev;
	vq->name = name;
	vq->cb = cb;
	vq->index = index;
	vq->size = (uint16_t)size;
	vq->indirect = virtio_has_feature(vdev, VIRTIO_F_RING_INDIRECT_DESC);
	vq->event_idx = virtio_has_feature(vdev, VIRTIO_F_RING_EVENT_IDX);
	lay_out(vq);
	return vq;
}

void virtqueue_free(struct virtqueue *vq)
{
	if (!vq)
		return;
	for (unsigned int i = 0; i < vq->size; i++)
		free(vq->slots[i].indirect);
	free(vq->ring);
	free(vq);
}

/* The entry after i in a chain: the free-list order in the ring (slots),
 * simply the next entry in an indirect table (slots NULL). */
static uint16_t chain_next(const struct slot *slots, uint16_t i)
{
	return slots ? slots[i].next : (uint16_t)(i + 1);
}

/* Fills the n descriptors of bufs into table, starting at first and
 * following chain_next(); the last one gets no NEXT flag.  Returns the
 * bytes the device may write. */
static uint32_t fill_descs(struct virtq_desc *table, const struct slot *slots,
			   uint16_t first, const struct virtq_buf *bufs,
			   unsigned int nr_out, unsigned int n)
{
	uint32_t in_len = 0;
	uint16_t i = first;

	for (unsigned int k = 0; k < n; k++) {
		struct virtq_desc *d = &table[i];
		bool last = k + 1 == n;
		uint16_t flags = last ? 0 : VIRTQ_DESC_F_NEXT;

		if (k >= nr_out) {
			flags |= VIRTQ_DESC_F_WRITE;
			in_len += bufs[k].len;
		}
		d->addr = (uint64_t)(uintptr_t)bufs[k].addr;
		d->len = bufs[k].len;
		d->flags = flags;
		d->next = last ? 0 : chain_next(slots, i);
		i = chain_next(slots, i);
	}
	return in_len;
}

/* Puts n buffers in an indirect table; NULL when out of memory. */
static struct virtq_desc *make_indirect(const struct virtq_buf *bufs,
					unsigned int nr_out, unsigned int n,
					uint32_t *in_len)
{
	struct virtq_desc *table = kaligned_alloc(16, sizeof(*table) * n);

	if (table)
		*in_len = fill_descs(table, NULL, 0, bufs, nr_out, n);
	return table;
}

/* Takes n descriptors off the free list; returns the first.  Their order
 * is the chain's: slots[i].next links them. */
static uint16_t take_descs(struct virtqueue *vq, unsigned int n)
{
	uint16_t head = vq->free_head, i = head;

	for (unsigned int k = 0; k < n; k++) {
		if (k + 1 == n)
			vq->free_head = vq->slots[i].next;
		else
			i = vq->slots[i].next;
	}
	vq->num_free -= (uint16_t)n;
	return head;
}

/* Every buffer has an address, and the lengths add up within 32 bits. */
static bool bufs_valid(const struct virtq_buf *bufs, unsigned int n)
{
	uint64_t total = 0;

	for (unsigned int k = 0; k < n; k++) {
		if (!bufs[k].addr)
			return false;
		total += bufs[k].len;
	}
	return total <= UINT32_MAX;
}

/* Publishes a request at head: its descriptors and ring entry must be
 * visible before the index that hands them to the device. */
static void publish(struct virtqueue *vq, uint16_t head)
{
	vq->avail->ring[vq->avail_idx & (vq->size - 1)] = head;
	dma_wmb();
	vq->avail_idx++;
	virtq_write16(&vq->avail->idx, vq->avail_idx);
	vq->in_flight++;
}

int virtqueue_add(struct virtqueue *vq, const struct virtq_buf *bufs,
		  unsigned int nr_out, unsigned int nr_in, void *token)
{
	unsigned int n = nr_out + nr_in;
	struct virtq_desc *table = NULL;
	uint32_t in_len = 0;
	uint16_t head;

	if (!token || n == 0 || n > vq->size || !bufs_valid(bufs, n))
		return -EINVAL;
	if (virtio_device_is_broken(vq->vdev))
		return -EIO;
	if (vq->indirect && n > 1 && vq->num_free >= 1)
		table = make_indirect(bufs, nr_out, n, &in_len);
	if (!table && vq->num_free < n)
		return -ENOSPC;

	head = take_descs(vq, table ? 1 : n);
	if (table) {
		struct virtq_desc *d = &vq->desc[head];
		d->addr = (uint64_t)(uintptr_t)table;
		d->len = (uint32_t)(sizeof(*table) * n);
		d->flags = VIRTQ_DESC_F_INDIRECT;
		d->next = 0;
	} else {
		in_len = fill_descs(vq->desc, vq->slots, head, bufs, nr_out, n);
	}
	vq->slots[head] = (struct slot){
		.token = token, .indirect = table, .in_len = in_len,
		.ndesc = (uint16_t)(table ? 1 : n), .next = vq->slots[head].next,
	};
	publish(vq, head);
	return 0;
}

/* "Should the other side be told?" (2.7.10): true when event, the index
 * it waits for, is among the entries from old to new. */
static bool need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

bool virtqueue_kick(struct virtqueue *vq)
{
	uint16_t old = vq->kicked_idx, now = vq->avail_idx;
	bool notify;

	if (old == now || virtio_device_is_broken(vq->vdev))
		return false;
	/* The published index must be visible before we read what the
	 * device asked for, or both sides may wait for each other; and
	 * before the doorbell write that follows. */
	dma_mb();
	vq->kicked_idx = now;
	if (vq->event_idx) {
		uint16_t event = virtq_read16(vq->avail_event);

		/* An event before `old` means the device is behind: busy with
		 * its doorbell off, or it missed the last one.  Only a device
		 * ahead of us (waiting for an entry not yet made) goes without.
		 * Missing is real: QEMU's TCG with one vCPU drops the guest's
		 * barriers, so the store of avail->idx can pass our load of
		 * avail_event while the device re-checks, and each side sees the
		 * other's old value.  The device then waits at an entry we have
		 * passed, and the crossing test below would never fire again
		 * (a TCP transfer stopped dead on netnsh). */
		notify = need_event(event, now, old) ||
			 (int16_t)(uint16_t)(event - old) < 0;
	} else
		notify = !(virtq_read16(&vq->used->flags) & VIRTQ_USED_F_NO_NOTIFY);
	if (notify)
		vq->vdev->ops->notify(vq->vdev, vq);
	return notify;
}

/* Returns the chain at head to the free list. */
static void *release(struct virtqueue *vq, uint16_t head)
{
	struct slot *s = &vq->slots[head];
	void *token = s->token;
	uint16_t tail = head;

	for (unsigned int k = 1; k < s->ndesc; k++)
		tail = vq->slots[tail].next;
	vq->slots[tail].next = vq->free_head;
	vq->free_head = head;
	vq->num_free += s->ndesc;
	free(s->indirect);
	s->indirect = NULL;
	s->token = NULL;
	vq->in_flight--;
	return token;
}

/* The device's next used element, checked against the shadow: its head
 * must be in flight and its length within the writable buffers. */
static void *take_used(struct virtqueue *vq, uint32_t *len)
{
	const struct virtq_used_elem *e = &vq->used->ring[vq->last_used & (vq->size - 1)];
	uint32_t id = __atomic_load_n(&e->id, __ATOMIC_RELAXED);
	uint32_t n = __atomic_load_n(&e->len, __ATOMIC_RELAXED);

	if (id >= vq->size || !vq->slots[id].token) {
		virtio_device_break(vq->vdev, "used ring names a descriptor not in flight");
		return NULL;
	}
	if (n > vq->slots[id].in_len) {
		virtio_device_break(vq->vdev, "used length exceeds the writable buffer");
		return NULL;
	}
	vq->last_used++;
	if (len)
		*len = n;
	return release(vq, (uint16_t)id);
}

void *virtqueue_get_buf(struct virtqueue *vq, uint32_t *len)
{
	uint16_t used_idx;
	void *token;

	if (virtio_device_is_broken(vq->vdev))
		return NULL;
	used_idx = virtq_read16(&vq->used->idx);
	if (used_idx == vq->last_used)
		return NULL;
	if ((uint16_t)(used_idx - vq->last_used) > vq->in_flight) {
		virtio_device_break(vq->vdev, "used index ran ahead of the requests in flight");
		return NULL;
	}
	/* The element is read after the index that covers it. */
	dma_rmb();
	token = take_used(vq, len);
	/* With event indices, ask for an interrupt at the next element; it
	 * must be visible before the next look at used->idx. */
	if (token && vq->event_idx && vq->cb_enabled) {
		virtq_write16(vq->used_event, vq->last_used);
		dma_mb();
	}
	return token;
}

void virtqueue_disable_cb(struct virtqueue *vq)
{
	vq->cb_enabled = false;
	/* With event indices the flags must stay 0 (2.7.7.1): an event index
	 * just behind ours is one the device has already passed. */
	if (vq->event_idx)
		virtq_write16(vq->used_event, (uint16_t)(vq->last_used - 1));
	else
		virtq_write16(&vq->avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT);
}

bool virtqueue_enable_cb(struct virtqueue *vq)
{
	vq->cb_enabled = true;
	if (vq->event_idx)
		virtq_write16(vq->used_event, vq->last_used);
	else
		virtq_write16(&vq->avail->flags, 0);
	/* Our request must be visible before we look for elements the device
	 * used without seeing it, or an element could slip in unannounced
	 * (and with event indices no later one would be announced either).
	 * dma_mb() orders it where barriers are kept; QEMU's TCG with one
	 * vCPU drops them (virtqueue_kick()), but serves a register read
	 * under its global lock, which orders it there. */
	dma_mb();
	vq->vdev->ops->get_status(vq->vdev);
	return virtq_read16(&vq->used->idx) == vq->last_used;
}

unsigned int virtqueue_free_count(const struct virtqueue *vq)
{
	return vq->num_free;
}

unsigned int virtqueue_size(const struct virtqueue *vq)
{
	return vq->size;
}

unsigned int virtqueue_index(const struct virtqueue *vq)
{
	return vq->index;
}

struct virtio_device *virtqueue_device(const struct virtqueue *vq)
{
	return vq->vdev;
}

void *virtqueue_detach_unused(struct virtqueue *vq)
{
	for (unsigned int i = 0; i < vq->size; i++)
		if (vq->slots[i].token)
			return release(vq, (uint16_t)i);
	return NULL;
}

void virtqueue_ring_addrs(const struct virtqueue *vq, uint64_t *desc,
			  uint64_t *avail, uint64_t *used)
{
	*desc = (uint64_t)(uintptr_t)vq->desc;
	*avail = (uint64_t)(uintptr_t)vq->avail;
	*used = (uint64_t)(uintptr_t)vq->used;
}

void virtqueue_interrupt(struct virtqueue *vq)
{
	if (vq->cb)
		vq->cb(vq);
}
