/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * 9P transports: how the 9P file system (fs/v9fs/) reaches a server
 * without knowing the device.  A driver (drivers/virtio/virtio_9p.c)
 * registers one transport per device under its mount tag; `mount -t v9fs
 * -o trans=virtio,tag=TAG` finds it by that tag.
 */
#pragma once

#include <stdint.h>
#include <vireo/list.h>

#define P9_TAG_MAX 64	/* bytes of a mount tag, without the NUL */

struct p9_trans {
	char tag[P9_TAG_MAX + 1];
	const char *kind;	/* the trans= option it answers: "virtio" */
	/* Largest message the transport carries (the msize ceiling). */
	uint32_t max_msize;
	/*
	 * One round trip: sends the request tx[0..txlen) and receives the
	 * reply into rx[0..rxcap).  Returns the reply's length as the
	 * device reported it (the caller checks the message inside), or
	 * -errno (-EIO: the device broke).  Thread context; blocks
	 * uninterruptibly, since the server owns both buffers until it
	 * answers.  Any number of threads may call it at once; both
	 * buffers must be kernel heap memory (the device reads and writes
	 * them directly).
	 */
	int (*rpc)(struct p9_trans *t, const void *tx, uint32_t txlen,
		   void *rx, uint32_t rxcap);
	struct list_node link;	/* the registry's */
};

/* Driver side, thread context (boot probing): makes t findable. */
void p9_trans_register(struct p9_trans *t);
/* The transport of kind with this tag, or NULL.  Thread context.
 * Transports are never unregistered, so the pointer stays valid. */
struct p9_trans *p9_trans_find(const char *kind, const char *tag);
