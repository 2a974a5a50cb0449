/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to drivers/rpmsg: the layout of the memory two machines share
 * (portable, unit-tested on the host by tests/host/test_rpmsg_shm.c).
 *
 * The server lays it out; the proxy finds it:
 *   [0, 128)    the server's half of the header: magic, version, where
 *               the rings and buffers are, its generation and heartbeat
 *   [128, 256)  the proxy's half: which generation it attached to, its
 *               boot number and heartbeat
 *   then two split virtqueues (struct virtq_* of <vireo/virtio_ring.h>)
 *   and their buffers: ring 0 carries server -> proxy messages, ring 1
 *   proxy -> server.  The server is the "driver" of both rings (it fills
 *   the descriptors once, each pointing at its own buffer, and makes
 *   buffers available); the proxy is the "device" (it takes them and
 *   returns them used), as in the remoteproc convention.
 * Descriptor addresses are offsets into the shared memory, since each
 * machine maps it where its own PCI enumeration put the BAR.
 *
 * Nothing the other side wrote is trusted: the header is copied and
 * checked before use (rpmsg_layout_check), every ring index, element id,
 * length and descriptor is checked against the checked layout before it
 * is used, and a violation is -EIO with a reason, never an access
 * outside the region.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vireo/virtio_ring.h>

#define RPMSG_SHM_MAGIC		0x4d505256u	/* "VRPM" */
#define RPMSG_SHM_VERSION	1u
#define RPMSG_HDR_BYTES		256u
#define RPMSG_NAME_LEN		16
#define RPMSG_MAX_BUFS		1024u
#define RPMSG_MIN_BUF		64u
#define RPMSG_MAX_BUF		65536u

/* Written by the server only. */
struct rpmsg_shm_server {
	uint32_t magic, version;
	uint32_t num;		/* buffers per ring, a power of two */
	uint32_t buf_size;	/* bytes per buffer */
	uint32_t ring_off[2];	/* offsets of the two rings */
	uint32_t buf_off[2];	/* offsets of their num buffers */
	uint32_t gen;		/* the layout's generation; 0: none */
	uint32_t beat;		/* heartbeat, advanced every RPMSG_BEAT_NS */
	uint32_t doorbell;	/* ivshmem peer id + 1, 0: no doorbell */
	char name[RPMSG_NAME_LEN];
};

/* Written by the proxy only. */
struct rpmsg_shm_proxy {
	uint32_t ack;		/* the generation it attached to; 0: none */
	uint32_t boot;		/* changes each time the proxy starts */
	uint32_t beat;
	uint32_t doorbell;
	char name[RPMSG_NAME_LEN];
};

#define RPMSG_PROXY_OFF 128u
_Static_assert(sizeof(struct rpmsg_shm_server) <= RPMSG_PROXY_OFF, "header");
_Static_assert(RPMSG_PROXY_OFF + sizeof(struct rpmsg_shm_proxy) <= RPMSG_HDR_BYTES,
	       "header");

/* A checked layout: the values every later access is bounded by. */
struct rpmsg_layout {
	uint32_t num, buf_size;
	uint32_t ring_off[2], buf_off[2];
};

/* Bytes of one ring of num entries (descriptors, avail, used). */
size_t rpmsg_ring_bytes(uint32_t num);
/* The layout the server writes for shm_size bytes with num buffers of
 * buf_size per ring: 0, or -EINVAL when it does not fit or the values
 * are out of range. */
int rpmsg_layout_plan(struct rpmsg_layout *l, size_t shm_size, uint32_t num,
		      uint32_t buf_size);
/* Checks a header copied out of shared memory for shm_size bytes and
 * fills l: 0, or -EINVAL with *why naming the first violation. */
int rpmsg_layout_check(const struct rpmsg_shm_server *h, size_t shm_size,
		       struct rpmsg_layout *l, const char **why);

/* One ring, as one side sees it. */
struct rpmsg_vring {
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	uint32_t num, buf_size;
	uint32_t buf_lo, buf_hi;	/* where descriptors may point */
	uint16_t next_avail;	/* driver: our avail index; device: next to take */
	uint16_t next_used;	/* driver: next to reclaim; device: our used index */
	uint16_t outstanding;	/* driver: buffers the device holds */
	uint8_t *held;		/* driver: num flags, buffer i is the device's */
};

/* The ring's view of ring r of layout l in shm (held: num bytes of the
 * caller's, for the driver side). */
void rpmsg_vring_attach(struct rpmsg_vring *vr, uint8_t *shm,
			const struct rpmsg_layout *l, int r, uint8_t *held);
/* Server: zeroes the ring and points descriptor i at buffer i. */
void rpmsg_vring_format(struct rpmsg_vring *vr, uint16_t desc_flags);

/* Driver side.  post: hands buffer id (len bytes) to the device.
 * reclaim: the next buffer the device used: 0 with *id and *len,
 * -EAGAIN when none, -EIO (*why) when the used ring is inconsistent. */
void rpmsg_vring_post(struct rpmsg_vring *vr, uint32_t id, uint32_t len);
int rpmsg_vring_reclaim(struct rpmsg_vring *vr, uint32_t *id, uint32_t *len,
			const char **why);
/* Device side.  take: the next available buffer: 0 with *id, *off and
 * *len (within the buffer area), -EAGAIN, or -EIO (*why).  give: returns
 * buffer id used, with len bytes written. */
int rpmsg_vring_take(struct rpmsg_vring *vr, uint32_t *id, uint32_t *off,
		     uint32_t *len, const char **why);
void rpmsg_vring_give(struct rpmsg_vring *vr, uint32_t id, uint32_t len);
/* Has the other side moved the index this side waits on (driver: used,
 * device: avail) since last consumed?  Cheap; any context. */
bool rpmsg_vring_pending(const struct rpmsg_vring *vr, bool driver);
