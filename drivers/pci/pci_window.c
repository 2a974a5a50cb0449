// SPDX-License-Identifier: BSD-2-Clause
/*
 * The address windows of a PCI host bridge and the placement of BARs in
 * them.  A window is a bump allocator: BARs are found once at boot and
 * never released, so nothing more is needed, and the enumeration sorts
 * each bus's BARs largest first to keep alignment gaps small.  Portable:
 * the host unit tests build it unchanged.
 */
#include <errno.h>
#include <vireo/compiler.h>
#include "pci_priv.h"

#define FOUR_GIB (1ULL << 32)

void pci_window_init(struct pci_window *w, uint64_t cpu_base,
		     uint64_t bus_base, uint64_t size, unsigned int flags)
{
	w->cpu_base = cpu_base;
	w->bus_base = bus_base;
	w->size = size;
	w->next = bus_base;
	w->flags = flags;
}

/* The first address at or above w->next aligned to align, with room for
 * size bytes before the window's end; false when there is none.  Worked
 * in offsets from the window's base, so a window that ends at the top of
 * the 64-bit space (next wraps to 0 when it is full) is handled too. */
static bool fit(const struct pci_window *w, uint64_t size, uint64_t align,
		uint64_t *at)
{
	uint64_t used = w->next - w->bus_base;
	uint64_t pad = (0 - w->next) & (align - 1);

	if (pad > w->size - used || size > w->size - used - pad)
		return false;
	*at = w->next + pad;
	return true;
}

int pci_window_align(struct pci_window *w, uint64_t align)
{
	uint64_t at;

	if (!fit(w, 0, align, &at))
		return -ENOSPC;
	w->next = at;
	return 0;
}

int pci_window_alloc(struct pci_window *w, uint64_t size, uint64_t *bus)
{
	uint64_t at;

	if (!size || (size & (size - 1)) || !fit(w, size, size, &at))
		return -ENOSPC;
	w->next = at + size;
	*bus = at;
	return 0;
}

/* The window of kind flags (I/O, 64-bit, or memory below 4 GiB). */
static struct pci_window *find(struct pci_window *w, int nr, unsigned int kind)
{
	for (int i = 0; i < nr; i++) {
		if (kind == PCI_BAR_IO && (w[i].flags & PCI_BAR_IO))
			return &w[i];
		if (kind == PCI_BAR_MEM64 && (w[i].flags & PCI_BAR_MEM64))
			return &w[i];
		if (!kind && !(w[i].flags & PCI_BAR_IO) &&
		    w[i].bus_base + w[i].size <= FOUR_GIB)
			return &w[i];
	}
	return NULL;
}

struct pci_window *pci_window_place(struct pci_window *w, int nr,
				    unsigned int flags, bool on_root_bus,
				    uint64_t size, uint64_t *bus)
{
	unsigned int kinds[2] = { 0, 0 };
	int nk = 1;

	if (flags & PCI_BAR_IO)
		kinds[0] = PCI_BAR_IO;
	else if ((flags & PCI_BAR_MEM64) &&
		 (on_root_bus || (flags & PCI_BAR_PREFETCH))) {
		kinds[0] = PCI_BAR_MEM64;
		nk = 2;		/* then below 4 GiB */
	}
	for (int k = 0; k < nk; k++) {
		struct pci_window *win = find(w, nr, kinds[k]);
		if (win && pci_window_alloc(win, size, bus) == 0)
			return win;
	}
	return NULL;
}
