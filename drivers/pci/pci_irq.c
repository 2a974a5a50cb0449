// SPDX-License-Identifier: BSD-2-Clause
/*
 * Interrupts of PCI devices: INTx routed through the host bridge's
 * interrupt-map (through the bridge swizzle first for devices behind
 * bridges, which have no device-tree node of their own), and MSI-X
 * (PCI 3.0, 6.8.2) through the MSI controller the host's msi-map names.
 * A device gets MSI-X vectors when it and a controller can, else its
 * INTx line, shared with the other devices wired to it.
 */
#include <errno.h>
#include <stdlib.h>
#include <vireo/fdt.h>
#include <vireo/irq_chip.h>
#include <vireo/klog.h>
#include <vireo/mmio.h>
#include "pci_priv.h"

#define MSIX_CTRL		2
#define MSIX_TABLE		4
#define MSIX_CTRL_SIZE(c)	(((c) & 0x7ff) + 1)
#define MSIX_CTRL_MASKALL	0x4000
#define MSIX_CTRL_ENABLE	0x8000
#define MSIX_BIR(t)		((t) & 7)
#define MSIX_OFFSET(t)		((t) & ~7u)
#define MSIX_ENTRY		16	/* addr lo, addr hi, data, control */
#define MSIX_ENTRY_CTRL		12
#define MSIX_ENTRY_MASKED	1u
#define TRIGGER_EDGE_MASK	3u	/* DT flags 1, 2: rising, falling edge */

void pci_route_intx(struct pci_dev *pdev)
{
	const struct pci_dev *d = pdev;
	unsigned int pin = pdev->irq_pin;
	uint32_t intid, flags;

	if (pin < 1 || pin > 4)
		return;
	/* PCI-to-PCI Bridge 1.2, 9.1: a pin becomes the bridge's pin
	 * rotated by the device number, up to the root bus. */
	for (; d->bridge; d = d->bridge)
		pin = (pin - 1 + d->dev) % 4 + 1;
	uint32_t key[4] = { (uint32_t)d->bus << 16 | d->dev << 11 | d->fn << 8, 0, 0, pin };
	int err = fdt_map_gic_interrupt(pdev->host->fdt, pdev->host->node, key,
					&intid, &flags);
	if (err) {
		pr_err("pci %s: INT%c not routed by interrupt-map: %d\n", pdev->name,
		       'A' + pdev->irq_pin - 1, err);
		return;
	}
	pdev->intx = intid;
	pdev->intx_edge = flags & TRIGGER_EDGE_MASK;
}

/* The MSI controller and device ID of pdev from its host's msi-map. */
static struct msi_controller *msi_of(const struct pci_dev *pdev, uint32_t *devid)
{
	uint32_t rid = (uint32_t)pdev->bus << 8 | pdev->dev << 3 | pdev->fn;
	const struct pci_host *h = pdev->host;

	for (int i = 0; i < h->nr_msi_map; i++) {
		const struct pci_msi_map *m = &h->msi_map[i];
		if (rid >= m->rid_base && rid - m->rid_base < m->len) {
			*devid = m->msi_base + (rid - m->rid_base);
			return msi_controller_find(m->node);
		}
	}
	return NULL;
}

static void msix_write_entries(struct pci_dev *pdev, unsigned int cap,
			       unsigned int size, const struct msi_msg *msgs,
			       unsigned int n)
{
	uint16_t ctrl = pci_read16(pdev, cap + MSIX_CTRL);

	/* Enabled with the function masked while the table is written, so
	 * no half-written entry can fire (PCI 3.0, 6.8.2.3). */
	pci_write16(pdev, cap + MSIX_CTRL, ctrl | MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL);
	for (unsigned int i = 0; i < size; i++) {
		volatile uint8_t *e = pdev->msix_table + i * MSIX_ENTRY;
		mmio_write32(e + MSIX_ENTRY_CTRL, MSIX_ENTRY_MASKED);
		if (i < n) {
			mmio_write32(e, (uint32_t)msgs[i].addr);
			mmio_write32(e + 4, (uint32_t)(msgs[i].addr >> 32));
			mmio_write32(e + 8, msgs[i].data);
		}
	}
	pci_write16(pdev, cap + MSIX_CTRL, (ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_MASKALL);
	pci_write16(pdev, PCI_COMMAND, pci_read16(pdev, PCI_COMMAND) |
		    PCI_COMMAND_INTX_DISABLE);
}

/* Count of MSI-X vectors set up, or -errno. */
static int setup_msix(struct pci_dev *pdev, unsigned int min, unsigned int max)
{
	unsigned int cap = pci_find_capability(pdev, PCI_CAP_ID_MSIX, 0), size, n;
	struct msi_controller *mc;
	struct msi_msg *msgs;
	uint32_t devid, tbl;
	int err;

	if (!cap || !(mc = msi_of(pdev, &devid)))
		return -ENODEV;
	size = MSIX_CTRL_SIZE(pci_read16(pdev, cap + MSIX_CTRL));
	n = MIN(max, size);
	if (n < min || n == 0)
		return -ENOSPC;
	tbl = pci_read32(pdev, cap + MSIX_TABLE);
	pdev->msix_table = pci_map_bar(pdev, MSIX_BIR(tbl), MSIX_OFFSET(tbl),
				       (uint64_t)size * MSIX_ENTRY);
	if (!pdev->msix_table)
		return -EINVAL;		/* logged: the table is not in a BAR */
	pdev->vectors = calloc(n, sizeof(*pdev->vectors));
	msgs = calloc(n, sizeof(*msgs));
	err = pdev->vectors && msgs ? 0 : -ENOMEM;
	if (!err)
		err = mc->alloc(mc, devid, n, pdev->vectors, msgs);
	if (err == -ENOSPC && n > MAX(min, 1u)) {
		n = MAX(min, 1u);	/* the controller is short: the least asked */
		err = mc->alloc(mc, devid, n, pdev->vectors, msgs);
	}
	if (!err) {
		msix_write_entries(pdev, cap, size, msgs, n);
		pdev->msix = true;
		pdev->nr_vectors = n;
		pr_info("pci %s: %u MSI-X vector(s) from %s\n", pdev->name, n, mc->name);
	} else {
		free(pdev->vectors);
		pdev->vectors = NULL;
	}
	free(msgs);
	return err ? err : (int)n;
}

int pci_alloc_irq_vectors(struct pci_dev *pdev, unsigned int min,
			  unsigned int max)
{
	int r;

	if (pdev->nr_vectors)
		return -EBUSY;
	if ((r = setup_msix(pdev, min, max)) > 0)
		return r;
	if (!pdev->intx)
		return r;	/* why MSI-X failed, or -ENODEV */
	pdev->vectors = malloc(sizeof(*pdev->vectors));
	if (!pdev->vectors)
		return -ENOMEM;
	pdev->vectors[0] = pdev->intx;
	pdev->nr_vectors = 1;
	pci_write16(pdev, PCI_COMMAND, pci_read16(pdev, PCI_COMMAND) &
		    ~PCI_COMMAND_INTX_DISABLE);
	return 1;
}

int pci_irq_attach(struct pci_dev *pdev, unsigned int vec, irq_handler_t fn,
		   void *arg, const char *name)
{
	uint32_t intid;
	int err;

	if (vec >= pdev->nr_vectors)
		return -EINVAL;
	intid = pdev->vectors[vec];
	err = pdev->msix ? irq_attach(intid, fn, arg, name)
			 : irq_attach_shared(intid, fn, arg, name);
	if (err)
		return err;
	irq_set_trigger(intid, pdev->msix || pdev->intx_edge);
	irq_enable(intid);
	if (pdev->msix)
		mmio_write32(pdev->msix_table + vec * MSIX_ENTRY + MSIX_ENTRY_CTRL, 0);
	return 0;
}
