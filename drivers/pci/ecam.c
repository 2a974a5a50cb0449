// SPDX-License-Identifier: BSD-2-Clause
/*
 * The "pci-host-ecam-generic" host bridge (PCI Firmware 3.2, 4.1: ECAM;
 * the device tree's PCI bus binding, IEEE 1275 PCI supplement): reg is
 * the configuration space, bus-range the buses behind it, ranges its I/O
 * and memory windows, msi-map (or msi-parent) its MSI controller.
 *
 * Enumeration is depth first.  A bridge gets the next bus number as its
 * secondary bus, a temporary subordinate of the last one while the buses
 * below it are scanned, then the highest number found there.  Each bus
 * places its bridges' windows first (1 MiB granules, 4 KiB for I/O),
 * then its own devices' BARs largest first, so the windows stay tight.
 * A BAR that finds no room stays unassigned with a log line, its decode
 * off, and the rest of the bus goes on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <vireo/compiler.h>
#include <vireo/driver.h>
#include <vireo/fdt.h>
#include <vireo/klog.h>
#include <vireo/mmio.h>
#include <vireo/mmu.h>
#include "pci_priv.h"

#define ECAM_BUS_SHIFT	20
#define ECAM_DEV_SHIFT	15
#define ECAM_FN_SHIFT	12
#define PCI_MAX_DEV	32
#define PCI_MAX_FN	8
#define BRIDGE_MEM_ALIGN (1ULL << 20)	/* PCI-to-PCI Bridge 1.2, 3.2.5.8 */
#define BRIDGE_IO_ALIGN	(1ULL << 12)
#define IO_MIN		0x1000

/* ranges phys.hi space codes (PCI bus binding 2.2.1.1) */
#define RANGE_SPACE(hi)	(((hi) >> 24) & 3)
#define RANGE_IO	1
#define RANGE_MEM32	2
#define RANGE_MEM64	3
#define RANGE_PREFETCH	(1u << 30)

volatile uint8_t *pci_cfg_addr(const struct pci_host *host, unsigned int bus,
			       unsigned int dev, unsigned int fn)
{
	return host->ecam + ((uint64_t)(bus - host->bus_start) << ECAM_BUS_SHIFT |
			     dev << ECAM_DEV_SHIFT | fn << ECAM_FN_SHIFT);
}

/* ---- device tree ---- */

static int parse_ranges(struct pci_host *h, const struct fdt *fdt)
{
	int pac = fdt_address_cells(fdt, h->node), len;
	int entry = 3 + pac + 2;	/* child addr, parent addr, 2 size cells */
	uint64_t hi, bus, cpu, size;

	if (pac < 1 || pac > 2 || !fdt_getprop(fdt, h->node, "ranges", &len) ||
	    len % (entry * 4))
		return -EINVAL;
	for (int i = 0; i < len / (entry * 4); i++) {
		int c = i * entry;
		if (fdt_getprop_cells(fdt, h->node, "ranges", c, 1, &hi) ||
		    fdt_getprop_cells(fdt, h->node, "ranges", c + 1, 2, &bus) ||
		    fdt_getprop_cells(fdt, h->node, "ranges", c + 3, pac, &cpu) ||
		    fdt_getprop_cells(fdt, h->node, "ranges", c + 3 + pac, 2, &size))
			return -EINVAL;
		unsigned int fl = RANGE_SPACE(hi) == RANGE_IO ? PCI_BAR_IO :
				  RANGE_SPACE(hi) == RANGE_MEM64 ? PCI_BAR_MEM64 : 0;
		if (RANGE_SPACE(hi) == 0 || !size)
			continue;	/* configuration space (reg has it), empty */
		if (h->nr_win == PCI_MAX_WINDOWS || size - 1 > UINT64_MAX - cpu ||
		    size - 1 > UINT64_MAX - bus) {
			pr_err("pci %s: ranges entry %d ignored\n", h->name, i);
			continue;
		}
		if (hi & RANGE_PREFETCH)
			fl |= PCI_BAR_PREFETCH;
		struct pci_window *w = &h->win[h->nr_win++];
		pci_window_init(w, cpu, bus, size, fl);
		/* I/O port 0 reads as "unassigned" to much software (and
		 * Linux starts at the same place): the first 4 KiB stay out. */
		if ((fl & PCI_BAR_IO) && bus < IO_MIN && size > IO_MIN)
			w->next = IO_MIN;
		pr_info("pci %s: %s window %#llx-%#llx (bus %#llx)\n", h->name,
			fl & PCI_BAR_IO ? "io" : fl & PCI_BAR_MEM64 ? "mem64" : "mem32",
			(unsigned long long)cpu, (unsigned long long)(cpu + size - 1),
			(unsigned long long)bus);
	}
	return h->nr_win ? 0 : -EINVAL;
}

/* msi-map entries, or one identity entry from msi-parent (PCI MSI
 * binding: "msi-map = <rid-base &ctrl msi-base length>"). */
static void parse_msi(struct pci_host *h, const struct fdt *fdt)
{
	uint64_t v[4], ph;
	int len;

	if (fdt_getprop(fdt, h->node, "msi-map", &len) && len % 16 == 0) {
		for (int i = 0; i < len / 16 && h->nr_msi_map < PCI_MAX_MSI_MAPS; i++) {
			bool ok = true;
			for (int k = 0; k < 4; k++)
				ok &= !fdt_getprop_cells(fdt, h->node, "msi-map",
							 i * 4 + k, 1, &v[k]);
			int node = ok ? fdt_node_by_phandle(fdt, (uint32_t)v[1]) : -1;
			if (node < 0)
				continue;
			h->msi_map[h->nr_msi_map++] = (struct pci_msi_map){
				.rid_base = (uint32_t)v[0], .msi_base = (uint32_t)v[2],
				.len = (uint32_t)v[3], .node = node };
		}
	} else if (!fdt_getprop_cells(fdt, h->node, "msi-parent", 0, 1, &ph)) {
		int node = fdt_node_by_phandle(fdt, (uint32_t)ph);
		if (node >= 0)
			h->msi_map[h->nr_msi_map++] = (struct pci_msi_map){
				.rid_base = 0, .msi_base = 0, .len = 0x10000, .node = node };
	}
}

/* ---- BARs ---- */

/* Sizes BAR i of pdev (PCI 3.0, 6.2.5.1): writes all ones with decoding
 * off and reads back which address bits stick.  Returns how many BAR
 * registers it spans (2 for a 64-bit BAR). */
static int size_bar(struct pci_dev *pdev, int i)
{
	unsigned int off = PCI_BAR0 + 4 * i;
	uint32_t lo = pci_read32(pdev, off), mlo, mhi = 0;
	struct pci_bar *b = &pdev->bar[i];
	uint64_t mask;

	pci_write32(pdev, off, 0xffffffff);
	mlo = pci_read32(pdev, off);
	pci_write32(pdev, off, lo);
	if (lo & 1) {
		b->flags = PCI_BAR_IO;
		mask = mlo & ~3u;
		if (mask && !(mask >> 16))	/* 16-bit I/O decoder */
			mask |= 0xffff0000u;
		mask |= 0xffffffff00000000ULL;
	} else {
		if ((lo & 6) == 4 && i < PCI_NUM_BARS - 1) {
			uint32_t hi = pci_read32(pdev, off + 4);
			pci_write32(pdev, off + 4, 0xffffffff);
			mhi = pci_read32(pdev, off + 4);
			pci_write32(pdev, off + 4, hi);
			b->flags = PCI_BAR_MEM64;
		} else {
			mhi = 0xffffffff;	/* 32-bit: the upper half is fixed */
		}
		if (lo & 8)
			b->flags |= PCI_BAR_PREFETCH;
		mask = (uint64_t)mhi << 32 | (mlo & ~0xfu);
	}
	b->size = (uint32_t)mask || (b->flags & PCI_BAR_MEM64 && mhi) ? ~mask + 1 : 0;
	if (b->size & (b->size - 1)) {	/* address bits with holes: no BAR */
		pr_err("pci %s: BAR%d size mask %#llx is invalid: ignored\n",
		       pdev->name, i, (unsigned long long)mask);
		b->size = 0;
	}
	return b->flags & PCI_BAR_MEM64 ? 2 : 1;
}

static void write_bar(struct pci_dev *pdev, int i, uint64_t bus)
{
	unsigned int off = PCI_BAR0 + 4 * i;
	uint32_t keep = pci_read32(pdev, off) & (pdev->bar[i].flags & PCI_BAR_IO ? 3 : 0xf);

	pci_write32(pdev, off, (uint32_t)bus | keep);
	if (pdev->bar[i].flags & PCI_BAR_MEM64)
		pci_write32(pdev, off + 4, (uint32_t)(bus >> 32));
}

struct bar_ref {
	struct pci_dev *pdev;
	int i;
};

static int by_size_desc(const void *a, const void *b)
{
	const struct bar_ref *x = a, *y = b;
	uint64_t sx = x->pdev->bar[x->i].size, sy = y->pdev->bar[y->i].size;

	return sx < sy ? 1 : sx > sy ? -1 : 0;
}

static void assign_bar(struct pci_host *h, struct pci_dev *pdev, int i)
{
	struct pci_bar *b = &pdev->bar[i];
	uint64_t bus;
	struct pci_window *w = pci_window_place(h->win, h->nr_win, b->flags,
						pdev->bus == h->bus_start, b->size, &bus);

	if (!w) {
		pr_err("pci %s: no room for BAR%d (%#llx bytes): left unassigned\n",
		       pdev->name, i, (unsigned long long)b->size);
		return;
	}
	b->bus_addr = bus;
	b->addr = bus - w->bus_base + w->cpu_base;
	write_bar(pdev, i, bus);
}

/* Assigns the BARs of every endpoint in devs[0..n) largest first. */
static void assign_bus_bars(struct pci_host *h, struct pci_dev **devs, int n)
{
	struct bar_ref *refs = calloc((size_t)n * PCI_NUM_BARS + 1, sizeof(*refs));
	int nr = 0;

	if (!refs) {
		pr_err("pci %s: out of memory assigning BARs\n", h->name);
		return;
	}
	for (int d = 0; d < n; d++)
		for (int i = 0; i < PCI_NUM_BARS; i++)
			if (devs[d]->bar[i].size)
				refs[nr++] = (struct bar_ref){ devs[d], i };
	qsort(refs, (size_t)nr, sizeof(*refs), by_size_desc);
	for (int k = 0; k < nr; k++)
		assign_bar(h, refs[k].pdev, refs[k].i);
	for (int d = 0; d < n; d++)
		pci_enable_decode(devs[d]);
	free(refs);
}

/* ---- enumeration ---- */

static struct pci_dev *probe_function(struct pci_host *h, unsigned int bus,
				      unsigned int dev, unsigned int fn)
{
	volatile uint8_t *c = pci_cfg_addr(h, bus, dev, fn);
	uint32_t id = mmio_read32(c + PCI_VENDOR_ID), cr;
	struct pci_dev *p;

	if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p) {
		pr_err("pci %s: out of memory at %02x:%02x.%u\n", h->name, bus, dev, fn);
		return NULL;
	}
	*p = (struct pci_dev){ .host = h, .bus = bus, .dev = dev, .fn = fn,
			       .vendor = id & 0xffff, .device = id >> 16 };
	cr = mmio_read32(c + PCI_CLASS_REVISION);
	p->class = cr >> 8;
	p->revision = cr & 0xff;
	p->header_type = mmio_read8(c + PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
	if (p->header_type == 0) {
		p->subsys_vendor = mmio_read16(c + PCI_SUBSYSTEM_VENDOR_ID);
		p->subsys_device = mmio_read16(c + PCI_SUBSYSTEM_ID);
	}
	p->irq_pin = mmio_read8(c + PCI_INTERRUPT_PIN);
	pci_dev_add(p);
	/* Decoding off while BARs are sized and moved (PCI 3.0, 6.2.5.1). */
	pci_write16(p, PCI_COMMAND, pci_read16(p, PCI_COMMAND) &
		    ~(PCI_COMMAND_MEMORY | PCI_COMMAND_IO));
	int nbars = p->header_type == 0 ? PCI_NUM_BARS : p->header_type == 1 ? 2 : 0;
	for (int i = 0; i < nbars; i += size_bar(p, i))
		;
	return p;
}

static unsigned int scan_bus(struct pci_host *h, unsigned int bus,
			     struct pci_dev *bridge);

/* Bridge windows: base/limit registers in the granules of PCI-to-PCI
 * Bridge 1.2, 3.2.5.6-3.2.5.10; an empty window gets base > limit. */
static void set_bridge_windows(struct pci_dev *br, const uint64_t *start,
			       const struct pci_host *h)
{
	for (int k = 0; k < h->nr_win; k++) {
		const struct pci_window *w = &h->win[k];
		uint64_t lo = start[k], hi = w->next - 1;
		if (w->next == start[k]) {	/* empty: base above limit */
			lo = w->flags & PCI_BAR_IO ? BRIDGE_IO_ALIGN : BRIDGE_MEM_ALIGN;
			hi = 0;
		}
		if (w->flags & PCI_BAR_IO) {
			pci_write16(br, PCI_IO_BASE, (uint16_t)((lo >> 8 & 0xf0) |
				    (hi & 0xf000)));
			pci_write32(br, PCI_IO_BASE_UPPER16, (uint32_t)(lo >> 16 & 0xffff) |
				    (uint32_t)(hi >> 16 << 16));
		} else if (w->flags & (PCI_BAR_MEM64 | PCI_BAR_PREFETCH)) {
			pci_write32(br, PCI_PREF_MEMORY_BASE, (uint32_t)(lo >> 16 & 0xfff0) |
				    (uint32_t)(hi & 0xfff00000));
			pci_write32(br, PCI_PREF_BASE_UPPER32, (uint32_t)(lo >> 32));
			pci_write32(br, PCI_PREF_LIMIT_UPPER32, (uint32_t)(hi >> 32));
		} else {
			pci_write32(br, PCI_MEMORY_BASE, (uint32_t)(lo >> 16 & 0xfff0) |
				    (uint32_t)(hi & 0xfff00000));
		}
	}
}

/* Numbers and scans the bus behind bridge br (on bus), places its
 * windows; returns the highest bus number below it. */
static unsigned int scan_bridge(struct pci_host *h, struct pci_dev *br,
				unsigned int bus, unsigned int next_bus)
{
	uint64_t start[PCI_MAX_WINDOWS];
	unsigned int sub;

	if (next_bus > h->bus_end) {
		pr_err("pci %s: no bus number left for bridge %s\n", h->name, br->name);
		return next_bus - 1;
	}
	for (int k = 0; k < h->nr_win; k++) {
		pci_window_align(&h->win[k], h->win[k].flags & PCI_BAR_IO ?
				 BRIDGE_IO_ALIGN : BRIDGE_MEM_ALIGN);
		start[k] = h->win[k].next;
	}
	/* primary, secondary, subordinate (temporarily the last bus) */
	pci_write32(br, PCI_PRIMARY_BUS, (pci_read32(br, PCI_PRIMARY_BUS) & 0xff000000) |
		    h->bus_end << 16 | next_bus << 8 | bus);
	sub = scan_bus(h, next_bus, br);
	pci_write8(br, PCI_PRIMARY_BUS + 2, (uint8_t)sub);
	br->secondary = (uint8_t)next_bus;
	br->subordinate = (uint8_t)sub;
	for (int k = 0; k < h->nr_win; k++)
		pci_window_align(&h->win[k], h->win[k].flags & PCI_BAR_IO ?
				 BRIDGE_IO_ALIGN : BRIDGE_MEM_ALIGN);
	set_bridge_windows(br, start, h);
	pci_write16(br, PCI_COMMAND, pci_read16(br, PCI_COMMAND) | PCI_COMMAND_MEMORY |
		    PCI_COMMAND_IO | PCI_COMMAND_MASTER);
	return sub;
}

/* Scans bus: its functions, the buses behind its bridges, then its own
 * BARs.  Returns the highest bus number in use below it. */
static unsigned int scan_bus(struct pci_host *h, unsigned int bus,
			     struct pci_dev *bridge)
{
	struct pci_dev *devs[PCI_MAX_DEV * PCI_MAX_FN];
	unsigned int last = bus;
	int n = 0;

	for (unsigned int d = 0; d < PCI_MAX_DEV; d++) {
		for (unsigned int f = 0; f < PCI_MAX_FN; f++) {
			struct pci_dev *p = probe_function(h, bus, d, f);
			if (!p) {
				if (f == 0)
					break;
				continue;
			}
			p->bridge = bridge;
			devs[n++] = p;
			if (f == 0 && !(pci_read8(p, PCI_HEADER_TYPE) &
					PCI_HEADER_MULTI_FUNC))
				break;
		}
	}
	for (int i = 0; i < n; i++)
		if (devs[i]->header_type == 1)
			last = scan_bridge(h, devs[i], bus, last + 1);
	assign_bus_bars(h, devs, n);
	for (int i = 0; i < n; i++)
		pci_route_intx(devs[i]);
	return last;
}

static int ecam_probe(const struct fdt *fdt, int node)
{
	struct pci_host *h = calloc(1, sizeof(*h));
	uint64_t base, size, r0 = 0, r1 = 0xff;
	int err = -EINVAL;

	if (!h)
		return -ENOMEM;
	h->node = node;
	h->fdt = fdt;
	snprintf(h->name, sizeof(h->name), "%s", fdt_node_name(fdt, node));
	if (fdt_get_reg(fdt, node, 0, &base, &size))
		goto err_free;
	if (!fdt_getprop_cells(fdt, node, "bus-range", 0, 1, &r0))
		fdt_getprop_cells(fdt, node, "bus-range", 1, 1, &r1);
	if (r0 > r1 || r1 > 0xff || (r1 - r0 + 1) << ECAM_BUS_SHIFT > size) {
		pr_err("pci %s: bus-range %llu-%llu does not fit its ECAM\n",
		       h->name, (unsigned long long)r0, (unsigned long long)r1);
		goto err_free;
	}
	h->bus_start = (unsigned int)r0;
	h->bus_end = (unsigned int)r1;
	if ((err = parse_ranges(h, fdt))) {
		pr_err("pci %s: no usable ranges\n", h->name);
		goto err_free;
	}
	parse_msi(h, fdt);
	h->ecam = ioremap(base, (r1 - r0 + 1) << ECAM_BUS_SHIFT);
	if (!h->ecam) {
		err = -ENOMEM;
		goto err_free;
	}
	pr_info("pci %s: ECAM %#llx, buses %02x-%02x\n", h->name,
		(unsigned long long)base, h->bus_start, h->bus_end);
	scan_bus(h, h->bus_start, NULL);
	pci_bind_drivers(h);
	return 0;
err_free:
	free(h);
	return err;
}

static const char *const ecam_compat[] = { "pci-host-ecam-generic", NULL };
DRIVER_DECLARE(pci_ecam, .name = "pci-ecam", .compatible = ecam_compat,
	       .level = DRIVER_LEVEL_DEVICE, .probe = ecam_probe);
