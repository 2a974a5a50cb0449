/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to drivers/virtio: how the core creates and frees the queues it
 * hands to transports (the host unit tests use the same calls).
 */
#pragma once

#include <vireo/virtio.h>

/* Largest queue the core creates when a driver asks for "the maximum". */
#define VIRTQ_DEFAULT_MAX	256

/*
 * A queue of size entries (a power of two, 1..32768) for vdev, whose
 * negotiated features (vdev->features) decide indirect descriptors and
 * event indices.  Its rings are zeroed and laid out as <vireo/virtio.h>
 * describes.  NULL when out of memory or size is invalid.  Thread context.
 */
struct virtqueue *virtqueue_new(struct virtio_device *vdev, unsigned int index,
				unsigned int size, virtqueue_callback_t cb,
				const char *name);
/* Frees a queue the device no longer uses (reset, or never set up) and
 * any indirect tables still attached.  NULL is ignored. */
void virtqueue_free(struct virtqueue *vq);
/* Bytes of the ring block of a queue of size entries (legacy layout). */
size_t virtqueue_ring_bytes(unsigned int size);
