/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to drivers/pci: the host bridge, its address windows and the
 * pieces the files of the bus code share.  pci_window.c is portable and
 * unit-tested on the host (tests/host/test_pci.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vireo/compiler.h>
#include <vireo/pci.h>

/*
 * One "ranges" window of a host bridge: bus addresses [bus_base,
 * bus_base + size) seen by the CPU at cpu_base.  BARs are handed out
 * upwards from next, each naturally aligned; nothing is ever freed
 * (devices are found once, at boot).
 */
struct pci_window {
	uint64_t cpu_base, bus_base, size;
	uint64_t next;		/* bus address of the first free byte */
	unsigned int flags;	/* PCI_BAR_IO, PCI_BAR_MEM64, PCI_BAR_PREFETCH */
};

#define PCI_MAX_WINDOWS 4
#define PCI_MAX_MSI_MAPS 4

void pci_window_init(struct pci_window *w, uint64_t cpu_base,
		     uint64_t bus_base, uint64_t size, unsigned int flags);
/* Moves next up to align (a power of two): a bridge's window starts on
 * its granule.  0, or -ENOSPC when that leaves the window. */
int pci_window_align(struct pci_window *w, uint64_t align);
/* size bytes aligned to size (a power of two) from w: 0 and *bus, or
 * -ENOSPC when w has no room left. */
int pci_window_alloc(struct pci_window *w, uint64_t size, uint64_t *bus);
/*
 * Places a BAR of size bytes (a power of two) and flags: I/O BARs in the
 * I/O window; 64-bit BARs in a 64-bit window when on_root_bus (no bridge
 * in between) or prefetchable (bridges forward 64-bit addresses only
 * through their prefetchable window), else, like every 32-bit BAR, in a
 * window below 4 GiB.  A 64-bit BAR whose window is full falls back to
 * the 32-bit one.  Returns the window used and *bus, or NULL when no
 * window fits (-ENOSPC for the caller to report).
 */
struct pci_window *pci_window_place(struct pci_window *w, int nr,
				    unsigned int flags, bool on_root_bus,
				    uint64_t size, uint64_t *bus);

/* One msi-map entry: requester IDs [rid_base, rid_base + len) become
 * device IDs from msi_base at the controller node (PCI MSI binding). */
struct pci_msi_map {
	uint32_t rid_base, msi_base, len;
	int node;
};

struct pci_host {
	const struct fdt *fdt;	/* the boot device tree, kept for life */
	volatile uint8_t *ecam;
	unsigned int bus_start, bus_end;
	int node;
	struct pci_window win[PCI_MAX_WINDOWS];
	int nr_win;
	struct pci_msi_map msi_map[PCI_MAX_MSI_MAPS];
	int nr_msi_map;
	char name[32];		/* "pcie@10000000" */
};

/* ECAM address of a function's configuration space. */
volatile uint8_t *pci_cfg_addr(const struct pci_host *host, unsigned int bus,
			       unsigned int dev, unsigned int fn);
/* Turns on the decoding a device's BARs need once every one of them has
 * an address (as firmware does: the BAR values become live, and what
 * QEMU reports); nothing while one is unassigned.  Bus mastering waits
 * for a driver. */
void pci_enable_decode(struct pci_dev *pdev);
/* Appends a found function to the device list (boot, single-threaded). */
void pci_dev_add(struct pci_dev *pdev);
/* Binds the PCI drivers to the endpoints behind host (boot, after its
 * enumeration). */
void pci_bind_drivers(const struct pci_host *host);
/* The device's INTx: routed through the host's interrupt-map (pci_irq.c). */
void pci_route_intx(struct pci_dev *pdev);
