// SPDX-License-Identifier: BSD-2-Clause
/*
 * The virtio core: the list of devices the transports found, the drivers
 * of the .virtio_drivers section, and the initialisation sequence between
 * them (Virtio 1.2, 3.1.1): reset, ACKNOWLEDGE, DRIVER, feature
 * negotiation, FEATURES_OK, the driver's probe (queues), DRIVER_OK.  Also
 * the interrupt fan-out from a transport to the queues and the driver, and
 * taking a misbehaving device offline.
 *
 * Locking: devices are registered during boot probing, which runs on one
 * CPU before the others start, and are never removed: the list needs no
 * lock.  A device is linked with a release store once complete, so a
 * reader walking the list (any time later) sees it whole.  Everything
 * else of a device belongs to its driver, except vdev->broken, which is
 * set once with an atomic exchange.  Portable: the host unit tests build
 * this file with a fake transport.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <vireo/klog.h>
#include <vireo/virtio.h>
#include "virtio_priv.h"

extern const struct virtio_driver __virtio_drivers_start[], __virtio_drivers_end[];

/* Feature bits the core itself handles for every driver. */
#define CORE_FEATURES (VIRTIO_FEATURE(VIRTIO_F_RING_INDIRECT_DESC) | \
		       VIRTIO_FEATURE(VIRTIO_F_RING_EVENT_IDX) | \
		       VIRTIO_FEATURE(VIRTIO_F_VERSION_1))

/* A configuration that keeps changing under us is a broken device. */
#define CONFIG_READ_TRIES 64

static struct virtio_device *dev_first;
static struct virtio_device **dev_tail = &dev_first;

/* Names of the device IDs (spec 5) for the boot log. */
static const char *device_name(uint32_t id)
{
	static const char *const names[] = {
		[VIRTIO_ID_NET] = "net", [VIRTIO_ID_BLOCK] = "block",
		[VIRTIO_ID_CONSOLE] = "console", [VIRTIO_ID_RNG] = "rng",
		[5] = "balloon", [8] = "scsi", [VIRTIO_ID_9P] = "9p",
		[VIRTIO_ID_GPU] = "gpu", [VIRTIO_ID_INPUT] = "input",
		[19] = "vsock", [20] = "crypto", [26] = "fs",
	};

	return id < ARRAY_SIZE(names) && names[id] ? names[id] : "unknown";
}

static const struct virtio_driver *find_driver(uint32_t id)
{
	for (const struct virtio_driver *d = __virtio_drivers_start;
	     d < __virtio_drivers_end; d++)
		if (d->device_id == id)
			return d;
	return NULL;
}

static void add_status(struct virtio_device *vdev, uint8_t bits)
{
	vdev->ops->set_status(vdev, vdev->ops->get_status(vdev) | bits);
}

/*
 * Steps 4-6 of 3.1.1: accept the offered features the driver and the core
 * understand, and no others.  A modern device must offer VERSION_1 (a
 * device without it would expect the legacy layout on a modern
 * transport); a legacy one has no FEATURES_OK step (3.1.2) and only 32
 * feature bits.  0, -ENODEV (refused, logged).
 */
static int negotiate(struct virtio_device *vdev, const struct virtio_driver *drv)
{
	uint64_t offered = vdev->ops->get_features(vdev);
	uint64_t wanted = drv->features | CORE_FEATURES;
	uint64_t accepted = offered & wanted;

	if (vdev->legacy) {
		accepted &= UINT32_MAX;
	} else if (!(offered & VIRTIO_FEATURE(VIRTIO_F_VERSION_1))) {
		pr_err("%s: device does not offer VIRTIO_F_VERSION_1, not used\n",
		       vdev->name);
		return -ENODEV;
	}
	vdev->features = accepted;
	vdev->ops->set_features(vdev, accepted);
	if (vdev->legacy)
		return 0;
	add_status(vdev, VIRTIO_STATUS_FEATURES_OK);
	if (!(vdev->ops->get_status(vdev) & VIRTIO_STATUS_FEATURES_OK)) {
		pr_err("%s: device refused features %#llx, not used\n",
		       vdev->name, (unsigned long long)accepted);
		return -ENODEV;
	}
	return 0;
}

/* Frees the queues of a device that has been reset. */
static void drop_queues(struct virtio_device *vdev)
{
	for (unsigned int i = 0; i < vdev->nr_vqs; i++) {
		virtqueue_free(vdev->vqs[i]);
		vdev->vqs[i] = NULL;
	}
	vdev->nr_vqs = 0;
}

static int bind(struct virtio_device *vdev, const struct virtio_driver *drv)
{
	int r;

	vdev->ops->reset(vdev);
	add_status(vdev, VIRTIO_STATUS_ACKNOWLEDGE);
	add_status(vdev, VIRTIO_STATUS_DRIVER);
	r = negotiate(vdev, drv);
	if (r == 0) {
		vdev->driver = drv;
		r = drv->probe(vdev);
		if (r)
			pr_err("%s: %s probe failed: %d\n", vdev->name, drv->name, r);
	}
	if (r) {
		vdev->ops->reset(vdev);
		drop_queues(vdev);
		vdev->driver = NULL;
		vdev->ops->set_status(vdev, VIRTIO_STATUS_FAILED);
	}
	return r;
}

static void link_device(struct virtio_device *vdev)
{
	vdev->next = NULL;
	__atomic_store_n(dev_tail, vdev, __ATOMIC_RELEASE);
	dev_tail = &vdev->next;
}

int virtio_device_register(struct virtio_device *vdev)
{
	const struct virtio_driver *drv = find_driver(vdev->device_id);
	const char *legacy = vdev->legacy ? ", legacy interface" : "";
	int r = 0;

	if (!drv) {
		pr_info("%s: %s (device %u), no driver\n", vdev->name,
			device_name(vdev->device_id), vdev->device_id);
		/* Reset: a device left running by firmware stops here. */
		vdev->ops->reset(vdev);
	} else {
		pr_info("%s: %s (device %u), driver %s%s\n", vdev->name,
			device_name(vdev->device_id), vdev->device_id, drv->name,
			legacy);
		r = bind(vdev, drv);
	}
	link_device(vdev);
	return r;
}

struct virtio_device *virtio_device_first(void)
{
	return __atomic_load_n(&dev_first, __ATOMIC_ACQUIRE);
}

void virtio_interrupt_queues(struct virtio_device *vdev)
{
	for (unsigned int i = 0; i < vdev->nr_vqs; i++)
		if (vdev->vqs[i])
			virtqueue_interrupt(vdev->vqs[i]);
}

void virtio_interrupt_config(struct virtio_device *vdev)
{
	if (vdev->ops->get_status(vdev) & VIRTIO_STATUS_NEEDS_RESET) {
		virtio_device_break(vdev, "device needs reset (DEVICE_NEEDS_RESET)");
		/* The callbacks see the device broken and fail their waiters. */
		virtio_interrupt_queues(vdev);
		return;
	}
	if (vdev->driver && vdev->driver->config_changed && !virtio_device_is_broken(vdev))
		vdev->driver->config_changed(vdev);
}

/*
 * Logs once and resets the device, so that it stops using memory the
 * driver is about to reclaim from the requests it fails.  May run inside a
 * driver's queue callback with its lock held: it calls back into no driver.
 */
void virtio_device_break(struct virtio_device *vdev, const char *why)
{
	if (__atomic_exchange_n(&vdev->broken, true, __ATOMIC_ACQ_REL))
		return;
	pr_err("%s: %s; device taken offline\n", vdev->name, why);
	vdev->ops->reset(vdev);
}

void virtio_config_read(struct virtio_device *vdev, unsigned int off,
			void *buf, size_t len)
{
	for (int i = 0; i < CONFIG_READ_TRIES; i++) {
		uint32_t gen = vdev->ops->config_generation(vdev);

		vdev->ops->read_config(vdev, off, buf, len);
		if (vdev->ops->config_generation(vdev) == gen)
			return;
	}
	virtio_device_break(vdev, "configuration generation never settles");
}

void virtio_config_write(struct virtio_device *vdev, unsigned int off,
			 const void *buf, size_t len)
{
	vdev->ops->write_config(vdev, off, buf, len);
}

/* The largest power of two that is at most n (n > 0). */
static unsigned int pow2_floor(unsigned int n)
{
	while (n & (n - 1))
		n &= n - 1;
	return n;
}

struct virtqueue *virtio_find_vq(struct virtio_device *vdev, unsigned int idx,
				 unsigned int max_size, virtqueue_callback_t cb,
				 const char *name)
{
	unsigned int limit = max_size ? max_size : VIRTQ_DEFAULT_MAX;
	struct virtqueue *vq;
	uint16_t dev_max;

	if (idx >= ARRAY_SIZE(vdev->vqs) || vdev->vqs[idx]) {
		pr_err("%s: queue %u %s\n", vdev->name, idx,
		       idx >= ARRAY_SIZE(vdev->vqs) ? "beyond VIRTIO_MAX_VQS" : "set up twice");
		return NULL;
	}
	dev_max = vdev->ops->queue_max_size(vdev, idx);
	if (dev_max == 0) {
		pr_err("%s: no queue %u (%s)\n", vdev->name, idx, name);
		return NULL;
	}
	vq = virtqueue_new(vdev, idx, pow2_floor(MIN(limit, (unsigned int)dev_max)), cb, name);
	if (!vq) {
		pr_err("%s: out of memory for queue %u (%s)\n", vdev->name, idx, name);
		return NULL;
	}
	int r = vdev->ops->queue_setup(vdev, vq);
	if (r) {
		pr_err("%s: queue %u (%s) setup failed: %d\n", vdev->name, idx, name, r);
		virtqueue_free(vq);
		return NULL;
	}
	vdev->vqs[idx] = vq;
	if (idx >= vdev->nr_vqs)
		vdev->nr_vqs = idx + 1;
	return vq;
}

void virtio_device_ready(struct virtio_device *vdev)
{
	add_status(vdev, VIRTIO_STATUS_DRIVER_OK);
}
