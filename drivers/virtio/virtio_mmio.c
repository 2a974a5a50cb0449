// SPDX-License-Identifier: BSD-2-Clause
/*
 * The virtio-mmio transport (Virtio 1.2, 4.2), binds to "virtio,mmio":
 * QEMU virt lists 32 such slots; each holding a device (ID != 0) becomes a
 * struct virtio_device for the core.  Both register interfaces: version 2
 * (modern, `-global virtio-mmio.force-legacy=false`) and version 1 (legacy,
 * 4.2.4: one page frame number per queue, 32 feature bits, no generation
 * counter).
 *
 * One interrupt per device: InterruptStatus says whether queues were used
 * (every queue's callback runs) or the configuration changed.  QEMU's tree
 * declares the line edge-triggered while the device holds it high until
 * acknowledged, so the handler acknowledges and looks again until the
 * status reads 0: an event arriving between the read and the
 * acknowledgement would otherwise never raise a new edge.
 *
 * Locking: the registers of a device are written at probe (thread
 * context), by the queue owners' notify() (each under its driver's queue
 * lock; QueueNotify is a single write) and by the interrupt handler
 * (InterruptACK only).  No lock of its own is needed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <vireo/compiler.h>
#include <vireo/cpu.h>
#include <vireo/dma.h>
#include <vireo/driver.h>
#include <vireo/fdt.h>
#include <vireo/irq.h>
#include <vireo/klog.h>
#include <vireo/mmio.h>
#include <vireo/mmu.h>
#include <vireo/virtio.h>

/* Registers (4.2.2; legacy-only ones from 4.2.4) */
#define MMIO_MAGIC		0x000
#define MMIO_VERSION		0x004
#define MMIO_DEVICE_ID		0x008
#define MMIO_VENDOR_ID		0x00c
#define MMIO_DEVICE_FEATURES	0x010
#define MMIO_DEVICE_FEATURES_SEL 0x014
#define MMIO_DRIVER_FEATURES	0x020
#define MMIO_DRIVER_FEATURES_SEL 0x024
#define MMIO_GUEST_PAGE_SIZE	0x028	/* legacy */
#define MMIO_QUEUE_SEL		0x030
#define MMIO_QUEUE_NUM_MAX	0x034
#define MMIO_QUEUE_NUM		0x038
#define MMIO_QUEUE_ALIGN	0x03c	/* legacy */
#define MMIO_QUEUE_PFN		0x040	/* legacy */
#define MMIO_QUEUE_READY	0x044
#define MMIO_QUEUE_NOTIFY	0x050
#define MMIO_INTERRUPT_STATUS	0x060
#define MMIO_INTERRUPT_ACK	0x064
#define MMIO_STATUS		0x070
#define MMIO_QUEUE_DESC_LOW	0x080
#define MMIO_QUEUE_DESC_HIGH	0x084
#define MMIO_QUEUE_DRIVER_LOW	0x090
#define MMIO_QUEUE_DRIVER_HIGH	0x094
#define MMIO_QUEUE_DEVICE_LOW	0x0a0
#define MMIO_QUEUE_DEVICE_HIGH	0x0a4
#define MMIO_CONFIG_GENERATION	0x0fc
#define MMIO_CONFIG		0x100

#define MMIO_MAGIC_VALUE	0x74726976	/* "virt" */
#define MMIO_INT_VRING		(1u << 0)
#define MMIO_INT_CONFIG		(1u << 1)

/* The legacy page size we declare; the queue's used ring is aligned to it
 * (<vireo/virtio.h>: the legacy contiguous layout). */
#define LEGACY_PAGE		4096

/* Bounds on loops over device state, so a wedged device cannot hang us. */
#define RESET_POLLS		100000
#define IRQ_PASSES		64

struct mmio_dev {
	struct virtio_device vdev;
	volatile uint8_t *base;
	uint32_t intid;
};

static inline struct mmio_dev *to_mmio(struct virtio_device *vdev)
{
	return vdev->transport_priv;
}

static uint32_t rd(struct virtio_device *vdev, unsigned int reg)
{
	return mmio_read32(to_mmio(vdev)->base + reg);
}

static void wr(struct virtio_device *vdev, unsigned int reg, uint32_t v)
{
	mmio_write32(to_mmio(vdev)->base + reg, v);
}

static uint8_t get_status(struct virtio_device *vdev)
{
	return (uint8_t)rd(vdev, MMIO_STATUS);
}

static void set_status(struct virtio_device *vdev, uint8_t status)
{
	wr(vdev, MMIO_STATUS, status);
}

/* Writing 0 resets the device; it is done when the status reads 0
 * (4.2.3.1).  Bounded: a device that never finishes is left as it is. */
static void reset(struct virtio_device *vdev)
{
	wr(vdev, MMIO_STATUS, 0);
	for (int i = 0; i < RESET_POLLS && rd(vdev, MMIO_STATUS); i++)
		arch_cpu_relax();
}

static uint64_t get_features(struct virtio_device *vdev)
{
	uint64_t f;

	wr(vdev, MMIO_DEVICE_FEATURES_SEL, 0);
	f = rd(vdev, MMIO_DEVICE_FEATURES);
	if (!vdev->legacy) {
		wr(vdev, MMIO_DEVICE_FEATURES_SEL, 1);
		f |= (uint64_t)rd(vdev, MMIO_DEVICE_FEATURES) << 32;
	}
	return f;
}

static void set_features(struct virtio_device *vdev, uint64_t features)
{
	wr(vdev, MMIO_DRIVER_FEATURES_SEL, 0);
	wr(vdev, MMIO_DRIVER_FEATURES, (uint32_t)features);
	if (!vdev->legacy) {
		wr(vdev, MMIO_DRIVER_FEATURES_SEL, 1);
		wr(vdev, MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	}
}

static void read_config(struct virtio_device *vdev, unsigned int off,
			void *buf, size_t len)
{
	mmio_read_bytes(to_mmio(vdev)->base + MMIO_CONFIG, off, buf, len);
}

static void write_config(struct virtio_device *vdev, unsigned int off,
			 const void *buf, size_t len)
{
	mmio_write_bytes(to_mmio(vdev)->base + MMIO_CONFIG, off, buf, len);
}

/* Legacy devices have no generation counter: a constant means "no change
 * observed", so the core reads once. */
static uint32_t config_generation(struct virtio_device *vdev)
{
	return vdev->legacy ? 0 : rd(vdev, MMIO_CONFIG_GENERATION);
}

static uint16_t queue_max_size(struct virtio_device *vdev, unsigned int idx)
{
	uint32_t max;

	wr(vdev, MMIO_QUEUE_SEL, idx);
	if (rd(vdev, vdev->legacy ? MMIO_QUEUE_PFN : MMIO_QUEUE_READY))
		return 0;	/* in use: reset did not finish */
	max = rd(vdev, MMIO_QUEUE_NUM_MAX);
	return max > UINT16_MAX ? UINT16_MAX : (uint16_t)max;
}

static void write64(struct virtio_device *vdev, unsigned int low, uint64_t v)
{
	wr(vdev, low, (uint32_t)v);
	wr(vdev, low + 4, (uint32_t)(v >> 32));
}

static int queue_setup(struct virtio_device *vdev, struct virtqueue *vq)
{
	uint64_t desc, avail, used;

	virtqueue_ring_addrs(vq, &desc, &avail, &used);
	wr(vdev, MMIO_QUEUE_SEL, virtqueue_index(vq));
	wr(vdev, MMIO_QUEUE_NUM, virtqueue_size(vq));
	if (vdev->legacy) {
		if (desc / LEGACY_PAGE > UINT32_MAX)
			return -ERANGE;	/* beyond a 32-bit page frame number */
		/* Before the first PFN (4.2.4), again after every reset. */
		wr(vdev, MMIO_GUEST_PAGE_SIZE, LEGACY_PAGE);
		wr(vdev, MMIO_QUEUE_ALIGN, LEGACY_PAGE);
		wr(vdev, MMIO_QUEUE_PFN, (uint32_t)(desc / LEGACY_PAGE));
		return 0;
	}
	write64(vdev, MMIO_QUEUE_DESC_LOW, desc);
	write64(vdev, MMIO_QUEUE_DRIVER_LOW, avail);
	write64(vdev, MMIO_QUEUE_DEVICE_LOW, used);
	wr(vdev, MMIO_QUEUE_READY, 1);
	return 0;
}

static void notify(struct virtio_device *vdev, struct virtqueue *vq)
{
	wr(vdev, MMIO_QUEUE_NOTIFY, virtqueue_index(vq));
}

static const struct virtio_transport_ops mmio_ops = {
	.get_status = get_status,
	.set_status = set_status,
	.reset = reset,
	.get_features = get_features,
	.set_features = set_features,
	.read_config = read_config,
	.write_config = write_config,
	.config_generation = config_generation,
	.queue_max_size = queue_max_size,
	.queue_setup = queue_setup,
	.notify = notify,
};

/* Leaving with the status still set would lose the edge for good, so a
 * device whose status does not clear within IRQ_PASSES is taken offline
 * (the reset clears it).  A busy device's drivers keep it well below that
 * by suppressing their queues' interrupts while they poll. */
static void mmio_irq(uint32_t intid, void *arg)
{
	struct mmio_dev *d = arg;
	uint32_t st;

	(void)intid;
	for (int pass = 0; (st = mmio_read32(d->base + MMIO_INTERRUPT_STATUS)); pass++) {
		if (pass == IRQ_PASSES) {
			virtio_device_break(&d->vdev, "interrupt status does not clear");
			virtio_interrupt_queues(&d->vdev);	/* fail the waiters */
			return;
		}
		mmio_write32(d->base + MMIO_INTERRUPT_ACK, st);
		/* The rings are read after the status that announced them. */
		dma_rmb();
		if (st & MMIO_INT_CONFIG)
			virtio_interrupt_config(&d->vdev);
		if (st & MMIO_INT_VRING)
			virtio_interrupt_queues(&d->vdev);
	}
}

/* Checks the slot's identification registers: 0 and *version, -ENODEV
 * for an empty slot (quietly), -EINVAL for what is not virtio-mmio. */
static int identify(volatile uint8_t *base, uint64_t pa, uint32_t *version)
{
	if (mmio_read32(base + MMIO_MAGIC) != MMIO_MAGIC_VALUE) {
		pr_err("virtio-mmio@%lx: bad magic value\n", (unsigned long)pa);
		return -EINVAL;
	}
	*version = mmio_read32(base + MMIO_VERSION);
	if (*version != 1 && *version != 2) {
		pr_err("virtio-mmio@%lx: unsupported version %u\n",
		       (unsigned long)pa, *version);
		return -EINVAL;
	}
	return mmio_read32(base + MMIO_DEVICE_ID) ? 0 : -ENODEV;
}

static struct mmio_dev *new_dev(volatile uint8_t *base, uint64_t pa,
				uint32_t version, uint32_t intid)
{
	struct mmio_dev *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->base = base;
	d->intid = intid;
	d->vdev.ops = &mmio_ops;
	d->vdev.transport_priv = d;
	d->vdev.device_id = mmio_read32(base + MMIO_DEVICE_ID);
	d->vdev.vendor_id = mmio_read32(base + MMIO_VENDOR_ID);
	d->vdev.legacy = version == 1;
	snprintf(d->vdev.name, sizeof(d->vdev.name), "virtio-mmio@%lx",
		 (unsigned long)pa);
	return d;
}

static int mmio_probe(const struct fdt *fdt, int node)
{
	uint32_t version, intid, flags;
	volatile uint8_t *base;
	uint64_t pa, size;
	struct mmio_dev *d;
	int r;

	if (fdt_get_reg(fdt, node, 0, &pa, &size) < 0 || size < MMIO_CONFIG)
		return -EINVAL;
	if (fdt_get_gic_interrupt(fdt, node, 0, &intid, &flags) < 0)
		return -EINVAL;
	base = ioremap(pa, size);
	if (!base)
		return -ENOMEM;
	r = identify(base, pa, &version);
	if (r)
		return r;
	d = new_dev(base, pa, version, intid);
	if (!d)
		return -ENOMEM;
	/* Attached before the driver's probe, which may start requests;
	 * interrupts are taken once the CPU unmasks them. */
	r = irq_attach(intid, mmio_irq, d, d->vdev.name);
	if (r) {
		free(d);
		return r;
	}
	irq_set_trigger(intid, flags & 0x3);	/* DT flags 1, 2: edge */
	irq_enable(intid);
	virtio_device_register(&d->vdev);
	return 0;
}

static const char *const mmio_compat[] = { "virtio,mmio", NULL };
DRIVER_DECLARE(virtio_mmio, .name = "virtio-mmio", .compatible = mmio_compat,
	       .level = DRIVER_LEVEL_DEVICE, .probe = mmio_probe);
