// SPDX-License-Identifier: BSD-2-Clause
/*
 * QEMU's inter-VM shared memory device (ivshmem, vendor 1af4 device
 * 1110; QEMU docs/specs/ivshmem-spec): BAR0 holds its registers, BAR1 the
 * MSI-X table (ivshmem-doorbell only), BAR2 the memory shared with the
 * other machines.  The memory is mapped normal write-back (it is memory,
 * not registers) and handed to the rpmsg transport.
 *
 * ivshmem-plain has no interrupts: rpmsg then polls on a short timer.
 * ivshmem-doorbell rings a peer by writing its ID and a vector to the
 * Doorbell register; the peer gets MSI-X vector 0.  Our own ID is in
 * IVPosition, published in the shared header for the other side.
 */
#include <errno.h>
#include <stdlib.h>
#include <vireo/klog.h>
#include <vireo/mm.h>
#include <vireo/mmio.h>
#include <vireo/pci.h>
#include <vireo/rpmsg.h>

#define IVSHMEM_REGS		0	/* BAR numbers */
#define IVSHMEM_SHM		2
#define IVSHMEM_REGS_SIZE	256
#define IVSHMEM_IVPOSITION	0x08
#define IVSHMEM_DOORBELL	0x0c
#define IVSHMEM_PEER_SHIFT	16

struct ivshmem {
	struct pci_dev *pdev;
	volatile uint8_t *regs;
	struct rpmsg_device *rdev;
};

static void ivshmem_notify(void *ctx)
{
	struct ivshmem *iv = ctx;
	uint32_t peer = rpmsg_peer_doorbell(iv->rdev);

	/* rpmsg wrote the rings before calling; the Device write must not
	 * overtake those Normal-memory stores as the peer sees them. */
	if (peer) {
		__asm__ volatile("dsb st" ::: "memory");
		mmio_write32(iv->regs + IVSHMEM_DOORBELL,
			     (peer - 1) << IVSHMEM_PEER_SHIFT);
	}
}

static void ivshmem_irq(uint32_t intid, void *arg)
{
	struct ivshmem *iv = arg;

	if (iv->rdev)
		rpmsg_shm_kick(iv->rdev);
}

static const struct rpmsg_shm_ops ivshmem_doorbell_ops = { .notify = ivshmem_notify };
static const struct rpmsg_shm_ops ivshmem_plain_ops = { 0 };

/* MSI-X vector 0 for the doorbell: true when the device has it. */
static bool setup_doorbell(struct ivshmem *iv)
{
	if (!pci_find_capability(iv->pdev, PCI_CAP_ID_MSIX, 0))
		return false;	/* ivshmem-plain */
	if (pci_alloc_irq_vectors(iv->pdev, 1, 1) != 1 || !iv->pdev->msix ||
	    pci_irq_attach(iv->pdev, 0, ivshmem_irq, iv, "ivshmem")) {
		pr_warn("ivshmem %s: no MSI-X vector, polling\n", iv->pdev->name);
		return false;
	}
	return true;
}

static int ivshmem_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	const struct pci_bar *shm = &pdev->bar[IVSHMEM_SHM];
	struct ivshmem *iv = kcalloc(1, sizeof(*iv));
	uint32_t doorbell = 0;
	void *mem;
	int r;

	if (!iv)
		return -ENOMEM;
	iv->pdev = pdev;
	iv->regs = pci_map_bar(pdev, IVSHMEM_REGS, 0, IVSHMEM_REGS_SIZE);
	mem = iv->regs ? pci_map_bar_wb(pdev, IVSHMEM_SHM, 0, shm->size) : NULL;
	if (!mem) {
		free(iv);
		return -EINVAL;	/* logged */
	}
	pr_info("ivshmem %s: shmem addr=%#llx size=%llu reg=%#llx\n", pdev->name,
		(unsigned long long)shm->addr, (unsigned long long)shm->size,
		(unsigned long long)pdev->bar[IVSHMEM_REGS].addr);
	if (setup_doorbell(iv))
		doorbell = mmio_read32(iv->regs + IVSHMEM_IVPOSITION) + 1;
	r = rpmsg_shm_start(mem, shm->size,
			    doorbell ? &ivshmem_doorbell_ops : &ivshmem_plain_ops,
			    iv, doorbell, &iv->rdev);
	if (r) {
		pr_err("ivshmem %s: rpmsg: %d\n", pdev->name, r);
		return r;	/* iv, its mappings and vector stay: never undone */
	}
	pdev->priv = iv;
	return 0;
}

static const struct pci_device_id ivshmem_ids[] = {
	{ .vendor = 0x1af4, .device = 0x1110 },
	{ 0 },
};

PCI_DRIVER_DECLARE(ivshmem, .name = "ivshmem", .ids = ivshmem_ids,
		   .probe = ivshmem_probe);
