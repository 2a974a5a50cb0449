// SPDX-License-Identifier: BSD-2-Clause
/*
 * The modern virtio-pci transport (Virtio 1.2, 4.1).  Binds vendor 0x1af4
 * devices 0x1040-0x107f (modern: the device ID is the PCI ID - 0x1040)
 * and transitional 0x1000-0x103f (the device ID is the subsystem ID),
 * through the vendor capabilities of their modern interface: common
 * configuration, notifications (queue_notify_off * notify_off_multiplier
 * into the notify region), ISR status and the device configuration.  A
 * transitional device without them is left alone: the legacy I/O
 * interface is not driven.
 *
 * Interrupts: with MSI-X, vector 0 is the configuration change and
 * vector 1 + n queue n, or one vector for all queues when the device or
 * the MSI controller offers fewer; without, the INTx line (shared), whose
 * handler reads the ISR status (read-to-clear) to see which happened.
 *
 * Locking: as virtio-mmio.  The common configuration is written at probe
 * in thread context; after that only notify() (a single doorbell write,
 * under the driver's queue lock) and the ISR read in the interrupt
 * handler touch the device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <vireo/compiler.h>
#include <vireo/cpu.h>
#include <vireo/dma.h>
#include <vireo/klog.h>
#include <vireo/mmio.h>
#include <vireo/pci.h>
#include <vireo/virtio.h>

#define VIRTIO_PCI_VENDOR	0x1af4
#define VIRTIO_PCI_MODERN	0x1040	/* + device ID, up to 0x107f */
#define VIRTIO_PCI_TRANS_FIRST	0x1000
#define VIRTIO_PCI_LAST		0x107f

/* struct virtio_pci_cap (4.1.4) */
#define CAP_CFG_TYPE		3
#define CAP_BAR			4
#define CAP_OFFSET		8
#define CAP_LENGTH		12
#define CAP_NOTIFY_MULT		16
#define CFG_COMMON		1
#define CFG_NOTIFY		2
#define CFG_ISR			3
#define CFG_DEVICE		4

/* struct virtio_pci_common_cfg (4.1.4.3) */
#define COMMON_DFSELECT		0x00
#define COMMON_DF		0x04
#define COMMON_GFSELECT		0x08
#define COMMON_GF		0x0c
#define COMMON_MSIX		0x10
#define COMMON_NUMQ		0x12
#define COMMON_STATUS		0x14
#define COMMON_CFGGEN		0x15
#define COMMON_Q_SELECT		0x16
#define COMMON_Q_SIZE		0x18
#define COMMON_Q_MSIX		0x1a
#define COMMON_Q_ENABLE		0x1c
#define COMMON_Q_NOFF		0x1e
#define COMMON_Q_DESC		0x20
#define COMMON_Q_DRIVER		0x28
#define COMMON_Q_DEVICE		0x30
#define COMMON_LEN		0x38

#define ISR_QUEUE		(1u << 0)
#define ISR_CONFIG		(1u << 1)
#define NO_VECTOR		0xffff
#define VEC_CONFIG		0
#define VEC_QUEUE0		1
#define RESET_POLLS		100000

struct vpci;

/* What an MSI-X queue vector's handler needs: the device and the queue. */
struct vpci_vec {
	struct vpci *vp;
	unsigned int queue;
};

struct vpci {
	struct virtio_device vdev;
	struct pci_dev *pdev;
	volatile uint8_t *common, *notify, *isr, *device;
	uint32_t notify_mult, notify_len, device_len;
	uint16_t num_queues;
	unsigned int nr_vectors;	/* 0: INTx */
	uint16_t notify_off[VIRTIO_MAX_VQS];
	struct vpci_vec vec[VIRTIO_MAX_VQS];
	char irq_names[1 + VIRTIO_MAX_VQS][56];
};

static inline struct vpci *to_vp(struct virtio_device *vdev)
{
	return vdev->transport_priv;
}

static uint8_t get_status(struct virtio_device *vdev)
{
	return mmio_read8(to_vp(vdev)->common + COMMON_STATUS);
}

static void set_status(struct virtio_device *vdev, uint8_t status)
{
	mmio_write8(to_vp(vdev)->common + COMMON_STATUS, status);
}

/* Selects the configuration-change vector; the device forgets it at
 * every reset.  A device that cannot take it answers NO_VECTOR. */
static void set_config_vector(struct vpci *vp)
{
	if (!vp->nr_vectors)
		return;
	mmio_write16(vp->common + COMMON_MSIX, VEC_CONFIG);
	if (mmio_read16(vp->common + COMMON_MSIX) != VEC_CONFIG)
		pr_err("%s: configuration vector refused\n", vp->vdev.name);
}

/* Writing 0 resets; done when the status reads 0 again (4.1.4.3.2). */
static void reset(struct virtio_device *vdev)
{
	struct vpci *vp = to_vp(vdev);

	set_status(vdev, 0);
	for (int i = 0; i < RESET_POLLS && get_status(vdev); i++)
		arch_cpu_relax();
	set_config_vector(vp);
}

static uint64_t get_features(struct virtio_device *vdev)
{
	volatile uint8_t *c = to_vp(vdev)->common;
	uint64_t f;

	mmio_write32(c + COMMON_DFSELECT, 0);
	f = mmio_read32(c + COMMON_DF);
	mmio_write32(c + COMMON_DFSELECT, 1);
	return f | (uint64_t)mmio_read32(c + COMMON_DF) << 32;
}

static void set_features(struct virtio_device *vdev, uint64_t features)
{
	volatile uint8_t *c = to_vp(vdev)->common;

	mmio_write32(c + COMMON_GFSELECT, 0);
	mmio_write32(c + COMMON_GF, (uint32_t)features);
	mmio_write32(c + COMMON_GFSELECT, 1);
	mmio_write32(c + COMMON_GF, (uint32_t)(features >> 32));
}

/* Whether [off, off + len) lies in the device configuration region; a
 * driver reading past it is told once, and reads all ones. */
static bool config_in_range(struct vpci *vp, unsigned int off, size_t len)
{
	if (vp->device && off <= vp->device_len && len <= vp->device_len - off)
		return true;
	pr_err("%s: configuration access %u+%zu outside its %u bytes\n",
	       vp->vdev.name, off, len, vp->device_len);
	return false;
}

static void read_config(struct virtio_device *vdev, unsigned int off,
			void *buf, size_t len)
{
	struct vpci *vp = to_vp(vdev);

	if (config_in_range(vp, off, len))
		mmio_read_bytes(vp->device, off, buf, len);
	else
		__builtin_memset(buf, 0xff, len);
}

static void write_config(struct virtio_device *vdev, unsigned int off,
			 const void *buf, size_t len)
{
	struct vpci *vp = to_vp(vdev);

	if (config_in_range(vp, off, len))
		mmio_write_bytes(vp->device, off, buf, len);
}

static uint32_t config_generation(struct virtio_device *vdev)
{
	return mmio_read8(to_vp(vdev)->common + COMMON_CFGGEN);
}

static uint16_t queue_max_size(struct virtio_device *vdev, unsigned int idx)
{
	volatile uint8_t *c = to_vp(vdev)->common;

	if (idx >= to_vp(vdev)->num_queues || idx >= VIRTIO_MAX_VQS)
		return 0;
	mmio_write16(c + COMMON_Q_SELECT, (uint16_t)idx);
	if (mmio_read16(c + COMMON_Q_ENABLE))
		return 0;	/* in use: reset did not finish */
	return mmio_read16(c + COMMON_Q_SIZE);
}

/* Queues a driver can set up: the device's, at most the core's. */
static unsigned int usable_queues(const struct vpci *vp)
{
	return MIN(vp->num_queues, (uint16_t)VIRTIO_MAX_VQS);
}

/* Whether every usable queue has an MSI-X vector of its own. */
static bool vector_per_queue(const struct vpci *vp)
{
	return vp->nr_vectors >= VEC_QUEUE0 + usable_queues(vp);
}

/* The MSI-X vector of queue idx: its own, or the one all queues share. */
static uint16_t queue_vector(const struct vpci *vp, unsigned int idx)
{
	if (!vp->nr_vectors)
		return NO_VECTOR;
	return vector_per_queue(vp) ? VEC_QUEUE0 + idx : VEC_QUEUE0;
}

/* 64-bit fields as two 32-bit halves: the widest access 4.1.3.1 allows. */
static void write64(volatile uint8_t *reg, uint64_t v)
{
	mmio_write32(reg, (uint32_t)v);
	mmio_write32(reg + 4, (uint32_t)(v >> 32));
}

static int queue_setup(struct virtio_device *vdev, struct virtqueue *vq)
{
	struct vpci *vp = to_vp(vdev);
	volatile uint8_t *c = vp->common;
	unsigned int idx = virtqueue_index(vq);
	uint16_t vec = queue_vector(vp, idx);
	uint64_t desc, avail, used;

	virtqueue_ring_addrs(vq, &desc, &avail, &used);
	mmio_write16(c + COMMON_Q_SELECT, (uint16_t)idx);
	mmio_write16(c + COMMON_Q_SIZE, (uint16_t)virtqueue_size(vq));
	mmio_write16(c + COMMON_Q_MSIX, vec);
	if (mmio_read16(c + COMMON_Q_MSIX) != vec)
		return -EBUSY;	/* the device could not take the vector */
	write64(c + COMMON_Q_DESC, desc);
	write64(c + COMMON_Q_DRIVER, avail);
	write64(c + COMMON_Q_DEVICE, used);
	vp->notify_off[idx] = mmio_read16(c + COMMON_Q_NOFF);
	/* The doorbell must lie inside the notify region (4.1.4.4). */
	if ((uint64_t)vp->notify_off[idx] * vp->notify_mult + 2 > vp->notify_len) {
		pr_err("%s: queue %u doorbell at %u * %u outside its %u bytes\n",
		       vdev->name, idx, vp->notify_off[idx], vp->notify_mult,
		       vp->notify_len);
		return -EINVAL;
	}
	mmio_write16(c + COMMON_Q_ENABLE, 1);
	return 0;
}

static void notify(struct virtio_device *vdev, struct virtqueue *vq)
{
	struct vpci *vp = to_vp(vdev);
	unsigned int idx = virtqueue_index(vq);

	mmio_write16(vp->notify + (size_t)vp->notify_off[idx] * vp->notify_mult,
		     (uint16_t)idx);
}

static const struct virtio_transport_ops vpci_ops = {
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

/* ---- interrupts ---- */

static void intx_irq(uint32_t intid, void *arg)
{
	struct vpci *vp = arg;
	uint8_t isr = mmio_read8(vp->isr);	/* reading clears it */

	(void)intid;
	/* The rings are read after the status that announced them. */
	dma_rmb();
	if (isr & ISR_CONFIG)
		virtio_interrupt_config(&vp->vdev);
	if (isr & ISR_QUEUE)
		virtio_interrupt_queues(&vp->vdev);
}

static void config_irq(uint32_t intid, void *arg)
{
	(void)intid;
	virtio_interrupt_config(arg);
}

static void queues_irq(uint32_t intid, void *arg)
{
	(void)intid;
	virtio_interrupt_queues(arg);
}

static void queue_irq(uint32_t intid, void *arg)
{
	struct vpci_vec *v = arg;
	struct virtqueue *vq = v->vp->vdev.vqs[v->queue];

	(void)intid;
	if (vq)
		virtqueue_interrupt(vq);
}

/* Handler and name of MSI-X vector i. */
static int attach_vector(struct vpci *vp, unsigned int i)
{
	irq_handler_t fn = queue_irq;
	void *arg = &vp->vec[i - VEC_QUEUE0];

	if (i == VEC_CONFIG) {
		fn = config_irq;
		arg = &vp->vdev;
		snprintf(vp->irq_names[i], sizeof(vp->irq_names[i]), "%s config",
			 vp->vdev.name);
	} else if (!vector_per_queue(vp)) {
		fn = queues_irq;	/* fewer vectors than queues: one for all */
		arg = &vp->vdev;
		snprintf(vp->irq_names[i], sizeof(vp->irq_names[i]), "%s queues",
			 vp->vdev.name);
	} else {
		vp->vec[i - VEC_QUEUE0] = (struct vpci_vec){ vp, i - VEC_QUEUE0 };
		snprintf(vp->irq_names[i], sizeof(vp->irq_names[i]), "%s queue %u",
			 vp->vdev.name, (i - VEC_QUEUE0) % VIRTIO_MAX_VQS);
	}
	return pci_irq_attach(vp->pdev, i, fn, arg, vp->irq_names[i]);
}

/* MSI-X vectors for the configuration and the queues (at least two:
 * one alone could not tell a configuration change from a used buffer,
 * ISR is not set under MSI-X), else INTx. */
static int setup_irqs(struct vpci *vp)
{
	unsigned int want = VEC_QUEUE0 + usable_queues(vp);
	int n = pci_alloc_irq_vectors(vp->pdev, 2, want), err = 0;

	if (n < 0)
		return n;
	if (!vp->pdev->msix) {
		snprintf(vp->irq_names[0], sizeof(vp->irq_names[0]), "%s", vp->vdev.name);
		return pci_irq_attach(vp->pdev, 0, intx_irq, vp, vp->irq_names[0]);
	}
	vp->nr_vectors = (unsigned int)n;
	/* Shared, only the configuration's and the queues' vectors are used;
	 * the others stay masked. */
	unsigned int used = vector_per_queue(vp) ? vp->nr_vectors : VEC_QUEUE0 + 1;
	for (unsigned int i = 0; i < used && !err; i++)
		err = attach_vector(vp, i);
	return err;
}

/* ---- probe ---- */

/* Maps the region a vendor capability at cap describes; min is the
 * least length the transport needs from it. */
static volatile uint8_t *map_cap(struct vpci *vp, unsigned int cap, uint32_t min,
				 uint32_t *len)
{
	struct pci_dev *p = vp->pdev;
	uint32_t l = pci_read32(p, cap + CAP_LENGTH);

	if (l < min) {
		pr_err("%s: capability type %u too short (%u bytes)\n", vp->vdev.name,
		       pci_read8(p, cap + CAP_CFG_TYPE), l);
		return NULL;
	}
	if (len)
		*len = l;
	return pci_map_bar(p, pci_read8(p, cap + CAP_BAR),
			   pci_read32(p, cap + CAP_OFFSET), l);
}

/* The first capability of each type (4.1.4: a driver uses the first it
 * understands).  0, or -ENODEV when the modern interface is missing. */
static int find_caps(struct vpci *vp)
{
	struct pci_dev *p = vp->pdev;

	for (unsigned int cap = pci_find_capability(p, PCI_CAP_ID_VNDR, 0); cap;
	     cap = pci_find_capability(p, PCI_CAP_ID_VNDR, cap)) {
		uint8_t type = pci_read8(p, cap + CAP_CFG_TYPE);
		if (type == CFG_COMMON && !vp->common) {
			vp->common = map_cap(vp, cap, COMMON_LEN, NULL);
		} else if (type == CFG_NOTIFY && !vp->notify) {
			vp->notify_mult = pci_read32(p, cap + CAP_NOTIFY_MULT);
			vp->notify = map_cap(vp, cap, 2, &vp->notify_len);
		} else if (type == CFG_ISR && !vp->isr) {
			vp->isr = map_cap(vp, cap, 1, NULL);
		} else if (type == CFG_DEVICE && !vp->device) {
			vp->device = map_cap(vp, cap, 0, &vp->device_len);
		}
	}
	return vp->common && vp->notify && vp->isr ? 0 : -ENODEV;
}

static int vpci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vpci *vp;
	int err;

	(void)id;
	if (pdev->device < VIRTIO_PCI_TRANS_FIRST || pdev->device > VIRTIO_PCI_LAST)
		return -ENODEV;		/* another 0x1af4 device (ivshmem) */
	vp = calloc(1, sizeof(*vp));
	if (!vp)
		return -ENOMEM;
	vp->pdev = pdev;
	vp->vdev.ops = &vpci_ops;
	vp->vdev.transport_priv = vp;
	vp->vdev.vendor_id = pdev->subsys_vendor;
	vp->vdev.device_id = pdev->device >= VIRTIO_PCI_MODERN ?
			     pdev->device - VIRTIO_PCI_MODERN : pdev->subsys_device;
	snprintf(vp->vdev.name, sizeof(vp->vdev.name), "virtio-pci@%s", pdev->name);
	if ((err = find_caps(vp))) {
		pr_err("%s: no modern virtio capabilities (legacy only): not used\n",
		       vp->vdev.name);
		goto err_free;
	}
	vp->num_queues = mmio_read16(vp->common + COMMON_NUMQ);
	if ((err = setup_irqs(vp))) {
		/* Not freed: a handler attached before the failure holds vp. */
		pr_err("%s: no interrupt: %d\n", vp->vdev.name, err);
		return err;
	}
	pdev->priv = vp;
	/* A driver that fails to bind leaves the device reset and FAILED;
	 * the transport stays bound (and listed) either way. */
	virtio_device_register(&vp->vdev);
	return 0;
err_free:
	free(vp);
	return err;
}

static const struct pci_device_id vpci_ids[] = {
	{ .vendor = VIRTIO_PCI_VENDOR, .device = PCI_ANY_ID },
	{ 0 },
};
PCI_DRIVER_DECLARE(virtio_pci, .name = "virtio-pci", .ids = vpci_ids,
		   .probe = vpci_probe);
