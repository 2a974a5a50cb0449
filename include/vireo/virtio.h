/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Virtio devices (Virtio 1.2 spec, "virtio-v1.2-cs01"): the contract between
 * the transports (drivers/virtio/virtio_mmio.c, drivers/virtio/virtio_pci.c),
 * the one virtqueue implementation (drivers/virtio/virtqueue.c) and the
 * device drivers (rng, console, blk, net, gpu, 9p).
 *
 * A transport finds a device, fills a struct virtio_device with its ops and
 * calls virtio_device_register().  The core matches a driver by device ID,
 * resets the device, negotiates features (the driver's, the transport's and
 * VIRTIO_F_VERSION_1 / RING_INDIRECT_DESC / RING_EVENT_IDX, nothing else),
 * and calls the driver's probe, which sets up its queues with virtio_find_vq()
 * and finishes with virtio_device_ready().  A driver never knows which
 * transport it runs on.
 *
 * Locking: a virtqueue is not locked by this layer.  Each driver serialises
 * the calls on one queue with its own spinlock (spin_lock_irqsave, since the
 * queue callback runs in interrupt context).  Memory is identity-mapped and
 * the virt machine's DMA is cache-coherent, so a buffer's address is its
 * kernel pointer; the ring code orders its writes with DMA barriers.
 *
 * A device that breaks the protocol (a used index that runs ahead of what
 * was made available, an unknown descriptor ID, a used length larger than
 * the buffer, DEVICE_NEEDS_RESET) is logged once and marked broken: every
 * later virtqueue_add() fails with -EIO and its waiters must be completed
 * with an error by the driver (virtio_device_is_broken()).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Device IDs (spec 5) */
#define VIRTIO_ID_NET		1
#define VIRTIO_ID_BLOCK		2
#define VIRTIO_ID_CONSOLE	3
#define VIRTIO_ID_RNG		4
#define VIRTIO_ID_9P		9
#define VIRTIO_ID_GPU		16
#define VIRTIO_ID_INPUT		18

/* Device status bits (spec 2.1) */
#define VIRTIO_STATUS_ACKNOWLEDGE	1
#define VIRTIO_STATUS_DRIVER		2
#define VIRTIO_STATUS_DRIVER_OK		4
#define VIRTIO_STATUS_FEATURES_OK	8
#define VIRTIO_STATUS_NEEDS_RESET	64
#define VIRTIO_STATUS_FAILED		128

/* Reserved feature bits (spec 6) */
#define VIRTIO_F_RING_INDIRECT_DESC	28
#define VIRTIO_F_RING_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32
#define VIRTIO_F_ACCESS_PLATFORM	33

#define VIRTIO_FEATURE(bit)	(1ULL << (bit))

struct virtio_device;
struct virtqueue;

/* Called from the transport's interrupt handler when the device may have
 * used buffers of vq.  Interrupt context. */
typedef void (*virtqueue_callback_t)(struct virtqueue *vq);

/*
 * What a transport provides.  Every op runs in thread context at probe,
 * except notify() and isr handling, which may run from any context, and
 * get_status() and reset(), which virtio_device_break() and the config
 * interrupt also call from any context (so they must not sleep: reset()
 * polls the status register for a bounded time).
 */
struct virtio_transport_ops {
	uint8_t (*get_status)(struct virtio_device *vdev);
	void (*set_status)(struct virtio_device *vdev, uint8_t status);
	/* Writes 0 to status and waits until the device reads back 0. */
	void (*reset)(struct virtio_device *vdev);
	uint64_t (*get_features)(struct virtio_device *vdev);
	void (*set_features)(struct virtio_device *vdev, uint64_t features);
	/* Device-specific configuration space, little-endian fields; the
	 * core's virtio_config_read() handles the generation-count retry. */
	void (*read_config)(struct virtio_device *vdev, unsigned int off,
			    void *buf, size_t len);
	void (*write_config)(struct virtio_device *vdev, unsigned int off,
			     const void *buf, size_t len);
	uint32_t (*config_generation)(struct virtio_device *vdev);
	/* Largest size of queue idx, 0 when the queue does not exist. */
	uint16_t (*queue_max_size)(struct virtio_device *vdev, unsigned int idx);
	/* Hands the rings of vq (already allocated and zeroed) to the device
	 * and routes its interrupt: 0 or -errno. */
	int (*queue_setup)(struct virtio_device *vdev, struct virtqueue *vq);
	/* Tells the device that queue vq has new available buffers. */
	void (*notify)(struct virtio_device *vdev, struct virtqueue *vq);
};

/* Queues one device may use: virtio-console with QEMU's default 31 ports
 * (32 with the console) needs 2 control + 2 x 32 port queues. */
#define VIRTIO_MAX_VQS		66

struct virtio_device {
	const struct virtio_transport_ops *ops;
	void *transport_priv;
	uint32_t device_id;
	uint32_t vendor_id;
	bool legacy;		/* virtio-mmio version 1: legacy layout */
	uint64_t features;	/* negotiated */
	char name[40];		/* transport location, "virtio-mmio@a000000" */
	const struct virtio_driver *driver;
	void *priv;		/* the driver's */
	bool broken;
	struct virtqueue *vqs[VIRTIO_MAX_VQS];
	unsigned int nr_vqs;
	struct virtio_device *next;	/* all devices, for listing */
};

struct virtio_driver {
	const char *name;
	uint32_t device_id;
	/* Device feature bits the driver understands (beyond the ring and
	 * VERSION_1 bits, which the core handles). */
	uint64_t features;
	/* Sets up queues and devices; ends with virtio_device_ready().
	 * 0, or -errno (the core resets the device and marks it FAILED). */
	int (*probe)(struct virtio_device *vdev);
	/* Optional: the configuration changed.  Interrupt context. */
	void (*config_changed)(struct virtio_device *vdev);
};

#define VIRTIO_DRIVER_DECLARE(ident, ...) \
	static const struct virtio_driver virtio_driver_##ident \
	__attribute__((used, section(".virtio_drivers"), aligned(8))) = { __VA_ARGS__ }

/* Transport side.  Thread context, during boot probing (one CPU: the list
 * of devices has no lock).  Matches and probes a driver; an unknown device
 * ID is logged and kept listed.  0 or -errno. */
int virtio_device_register(struct virtio_device *vdev);
/* Transport interrupt fan-out: call every queue's callback (MMIO's single
 * interrupt, PCI INTx) or one queue's (an MSI-X vector). */
void virtio_interrupt_queues(struct virtio_device *vdev);
void virtio_interrupt_config(struct virtio_device *vdev);

/* Driver side. */
static inline bool virtio_has_feature(const struct virtio_device *vdev,
				      unsigned int bit)
{
	return vdev->features & VIRTIO_FEATURE(bit);
}
/* Reads len bytes of device configuration at off, consistently across a
 * configuration change (spec 2.5.1).  One field per call (a 64-bit field
 * is one): the transport accesses it in the widest aligned units that fit,
 * as virtio-mmio requires (4.2.2.2: 16-bit fields with 16-bit accesses). */
void virtio_config_read(struct virtio_device *vdev, unsigned int off,
			void *buf, size_t len);
void virtio_config_write(struct virtio_device *vdev, unsigned int off,
			 const void *buf, size_t len);
/* Creates queue idx with at most max_size entries (0: the device's
 * maximum, capped at 256), with callback cb.  NULL on error (logged). */
struct virtqueue *virtio_find_vq(struct virtio_device *vdev, unsigned int idx,
				 unsigned int max_size, virtqueue_callback_t cb,
				 const char *name);
/* Sets DRIVER_OK: the device may use the queues from now on. */
void virtio_device_ready(struct virtio_device *vdev);
/* Logs why and marks the device broken (see above).  Any context. */
void virtio_device_break(struct virtio_device *vdev, const char *why);
static inline bool virtio_device_is_broken(const struct virtio_device *vdev)
{
	return __atomic_load_n(&vdev->broken, __ATOMIC_ACQUIRE);
}
/* Walks every registered device (for /proc and dmesg-like listings):
 * the first, then ->next until NULL.  Any context. */
struct virtio_device *virtio_device_first(void);

/* One piece of a request: device-readable (out) or device-writable (in). */
struct virtq_buf {
	void *addr;
	uint32_t len;
};

/*
 * The virtqueue (split ring, spec 2.7).  Calls on one queue are serialised
 * by the driver; any context.
 *
 * virtqueue_add: a request of nr_out device-readable buffers followed by
 * nr_in device-writable ones, identified by token (non-NULL) when it
 * completes.  Uses one indirect descriptor when negotiated and the request
 * has more than one buffer (or a chain of ring descriptors when the table
 * cannot be allocated).  0, -ENOSPC (ring full: wait for completions),
 * -EINVAL (no token or buffers, a NULL address, more buffers than the
 * queue size), -EIO (device broken).
 */
int virtqueue_add(struct virtqueue *vq, const struct virtq_buf *bufs,
		  unsigned int nr_out, unsigned int nr_in, void *token);
/* Notifies the device of added buffers unless it asked not to be (event
 * index or VIRTQ_USED_F_NO_NOTIFY); with the event index, also when the
 * device is behind the last doorbell (it may have missed it).  Returns
 * whether it notified. */
bool virtqueue_kick(struct virtqueue *vq);
/* The next completed request's token and the length the device wrote in
 * *len, or NULL when none (or the device broke: then it is marked broken). */
void *virtqueue_get_buf(struct virtqueue *vq, uint32_t *len);
/* Interrupt suppression: disable_cb asks for no interrupts; enable_cb
 * asks again and returns false when buffers were used meanwhile (poll
 * again before sleeping). */
void virtqueue_disable_cb(struct virtqueue *vq);
bool virtqueue_enable_cb(struct virtqueue *vq);
/* Free descriptors, queue size, index, owner and driver cookie. */
unsigned int virtqueue_free_count(const struct virtqueue *vq);
unsigned int virtqueue_size(const struct virtqueue *vq);
unsigned int virtqueue_index(const struct virtqueue *vq);
struct virtio_device *virtqueue_device(const struct virtqueue *vq);
/* Detaches and returns tokens still in the ring, one per call (after a
 * reset, to fail pending requests); NULL when none is left. */
void *virtqueue_detach_unused(struct virtqueue *vq);

/* Transport side of a queue.  The rings are one zeroed, physically
 * contiguous block in the legacy layout (descriptors, available ring, then
 * the used ring at the next 4 KiB boundary), so a legacy transport can
 * hand over one page frame number and a modern one three addresses. */
void virtqueue_ring_addrs(const struct virtqueue *vq, uint64_t *desc,
			  uint64_t *avail, uint64_t *used);
/* Runs vq's callback (interrupt context). */
void virtqueue_interrupt(struct virtqueue *vq);
