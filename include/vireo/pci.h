/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PCI Express devices behind an ECAM host bridge (PCI Local Bus 3.0,
 * PCIe Base 4.0 chapter 7): the contract between the bus code
 * (drivers/pci/), PCI device drivers and the MSI controllers.
 *
 * At boot the host bridge driver enumerates every bus, sizes each BAR and
 * assigns it from the bridge's "ranges" windows, and routes INTx through
 * "interrupt-map".  Then each device is matched against the drivers
 * declared with PCI_DRIVER_DECLARE (vendor:device, or class); a driver's
 * probe runs in thread context with bus mastering enabled, and memory
 * and I/O decoding too unless one of its BARs found no room (then none:
 * pci_map_bar() fails for the unassigned one).
 *
 * Interrupts: pci_alloc_irq_vectors() gives a device MSI-X vectors when
 * both it and an MSI controller (GICv3 ITS, GICv2m) can, else its INTx
 * line.  Each vector is a GIC INTID; a driver attaches with
 * pci_irq_attach(), which uses irq_attach() (shared, for INTx), so the
 * handlers show in /proc/interrupts under the driver's name.
 *
 * Locking: the device list is built at boot before any driver probes
 * and never changes, so it is read without a lock.  Configuration space
 * accesses are single aligned loads and stores to ECAM, atomic by
 * themselves; a driver serialises its own read-modify-write sequences.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vireo/irq.h>

/* Type 0/1 header (PCI Local Bus 3.0, 6.1; PCI-to-PCI Bridge 1.2, 3.2) */
#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define PCI_STATUS		0x06
#define PCI_CLASS_REVISION	0x08	/* class << 8 | revision */
#define PCI_HEADER_TYPE		0x0e
#define PCI_BAR0		0x10
#define PCI_SUBSYSTEM_VENDOR_ID	0x2c
#define PCI_SUBSYSTEM_ID	0x2e
#define PCI_CAPABILITY_LIST	0x34
#define PCI_INTERRUPT_PIN	0x3d
#define PCI_PRIMARY_BUS		0x18	/* type 1: primary, secondary, */
#define PCI_IO_BASE		0x1c	/* subordinate bus numbers */
#define PCI_MEMORY_BASE		0x20
#define PCI_PREF_MEMORY_BASE	0x24
#define PCI_PREF_BASE_UPPER32	0x28
#define PCI_PREF_LIMIT_UPPER32	0x2c
#define PCI_IO_BASE_UPPER16	0x30

#define PCI_COMMAND_IO		0x0001
#define PCI_COMMAND_MEMORY	0x0002
#define PCI_COMMAND_MASTER	0x0004
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS_CAP_LIST	0x0010
#define PCI_HEADER_TYPE_MASK	0x7f
#define PCI_HEADER_MULTI_FUNC	0x80

#define PCI_CAP_ID_VNDR		0x09
#define PCI_CAP_ID_MSIX		0x11

#define PCI_NUM_BARS		6

/* BAR flags (bits of struct pci_bar.flags) */
#define PCI_BAR_IO		0x1
#define PCI_BAR_MEM64		0x2
#define PCI_BAR_PREFETCH	0x4

struct pci_bar {
	uint64_t addr;		/* CPU physical address, 0: unassigned */
	uint64_t bus_addr;	/* what the BAR register holds */
	uint64_t size;		/* 0: not implemented */
	unsigned int flags;
};

struct pci_host;

struct pci_dev {
	struct pci_host *host;
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys_device;
	uint32_t class;		/* base << 16 | sub << 8 | prog-if */
	uint8_t revision;
	uint8_t header_type;	/* 0 endpoint, 1 bridge */
	uint8_t secondary, subordinate;	/* a bridge's buses */
	uint8_t irq_pin;	/* 1..4 = INTA..INTD, 0 none */
	uint32_t intx;		/* GIC INTID of the routed pin, 0 none */
	bool intx_edge;
	struct pci_bar bar[PCI_NUM_BARS];
	struct pci_dev *bridge;	/* upstream bridge, NULL on the root bus */
	/* Interrupt vectors after pci_alloc_irq_vectors(). */
	bool msix;
	unsigned int nr_vectors;
	uint32_t *vectors;	/* INTIDs */
	volatile uint8_t *msix_table;
	const struct pci_driver *driver;
	void *priv;		/* the driver's */
	char name[16];		/* "0000:00:01.0" */
	struct pci_dev *next;
};

#define PCI_ANY_ID 0xffffffffu

struct pci_device_id {
	uint32_t vendor, device;	/* PCI_ANY_ID: any */
	uint32_t class, class_mask;	/* matched when class_mask != 0 */
};

struct pci_driver {
	const char *name;
	const struct pci_device_id *ids;	/* ends with vendor == 0 */
	/* Thread context; bus mastering is on (decoding as above).  0 when
	 * bound, -ENODEV to decline, other -errno is logged. */
	int (*probe)(struct pci_dev *pdev, const struct pci_device_id *id);
};

#define PCI_DRIVER_DECLARE(ident, ...) \
	static const struct pci_driver pci_driver_##ident \
	__attribute__((used, section(".pci_drivers"), aligned(8))) = { __VA_ARGS__ }

/* Configuration space of pdev; off must be aligned to the width.  Reads
 * of a missing function return all ones.  Any context. */
uint8_t pci_read8(const struct pci_dev *pdev, unsigned int off);
uint16_t pci_read16(const struct pci_dev *pdev, unsigned int off);
uint32_t pci_read32(const struct pci_dev *pdev, unsigned int off);
void pci_write8(const struct pci_dev *pdev, unsigned int off, uint8_t v);
void pci_write16(const struct pci_dev *pdev, unsigned int off, uint16_t v);
void pci_write32(const struct pci_dev *pdev, unsigned int off, uint32_t v);

/* Offset of the first capability with id after offset start (0: from the
 * list head), 0 when none.  Loops and bad pointers end the walk. */
unsigned int pci_find_capability(const struct pci_dev *pdev, uint8_t id,
				 unsigned int start);
/* Kernel address of len bytes at off inside BAR bar (memory BARs),
 * mapped Device-nGnRE (registers), or NULL (logged) when the BAR is
 * missing, unassigned, too small or cannot be mapped.  Thread context. */
void *pci_map_bar(struct pci_dev *pdev, unsigned int bar, uint64_t off,
		  uint64_t len);
/* The same mapped normal write-back (memremap_wb): a BAR that is memory,
 * not registers (ivshmem's shared memory). */
void *pci_map_bar_wb(struct pci_dev *pdev, unsigned int bar, uint64_t off,
		     uint64_t len);

/* Interrupt vectors.  Thread context, at probe.
 * pci_alloc_irq_vectors: between min and max MSI-X vectors when the
 * device has MSI-X, an MSI controller serves its bridge and can give at
 * least min (MSI-X is then enabled, each vector masked until attached;
 * pdev->msix says so), else its one INTx vector when it has a routed pin.
 * Returns the count, or why MSI-X failed when there is no INTx either
 * (-ENOSPC: fewer than min; -ENODEV: no interrupt at all), -EBUSY when
 * called twice. */
int pci_alloc_irq_vectors(struct pci_dev *pdev, unsigned int min,
			  unsigned int max);
/* Attaches fn to vector vec (its INTID, shared for INTx) and unmasks it:
 * 0 or -errno from irq_attach. */
int pci_irq_attach(struct pci_dev *pdev, unsigned int vec, irq_handler_t fn,
		   void *arg, const char *name);

/* Walks every function found (lspci, /proc/pci). */
struct pci_dev *pci_dev_first(void);
/* Short name of a class code ("network", "storage"), NULL if unknown. */
const char *pci_class_name(uint32_t class);
/* The description lspci and /proc/pci share: a line with the BDF,
 * vendor:device, class (and a bridge's buses, the bound driver), then a
 * line per BAR, without a final newline.  Returns what snprintf would. */
int pci_format_dev(const struct pci_dev *pdev, char *buf, size_t len);
