// SPDX-License-Identifier: BSD-2-Clause
/*
 * The PCI bus core: the list of functions the host bridges found, their
 * configuration space, capabilities and BAR mappings, the binding of
 * PCI_DRIVER_DECLARE drivers, and the one-line description shared by
 * lspci and /proc/pci.  The list is built at boot before any driver
 * runs and never changes afterwards, so readers need no lock.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <vireo/klog.h>
#include <vireo/mmio.h>
#include <vireo/mmu.h>
#include "pci_priv.h"

extern const struct pci_driver __pci_drivers_start[], __pci_drivers_end[];

static struct pci_dev *devices, **devices_tail = &devices;

void pci_dev_add(struct pci_dev *pdev)
{
	snprintf(pdev->name, sizeof(pdev->name), "0000:%02x:%02x.%u",
		 pdev->bus, pdev->dev, pdev->fn);
	*devices_tail = pdev;
	devices_tail = &pdev->next;
}

struct pci_dev *pci_dev_first(void)
{
	return devices;
}

static volatile uint8_t *cfg(const struct pci_dev *pdev, unsigned int off)
{
	return pci_cfg_addr(pdev->host, pdev->bus, pdev->dev, pdev->fn) +
	       (off & 0xfff);
}

uint8_t pci_read8(const struct pci_dev *p, unsigned int off) { return mmio_read8(cfg(p, off)); }
uint16_t pci_read16(const struct pci_dev *p, unsigned int off) { return mmio_read16(cfg(p, off)); }
uint32_t pci_read32(const struct pci_dev *p, unsigned int off) { return mmio_read32(cfg(p, off)); }
void pci_write8(const struct pci_dev *p, unsigned int off, uint8_t v) { mmio_write8(cfg(p, off), v); }
void pci_write16(const struct pci_dev *p, unsigned int off, uint16_t v) { mmio_write16(cfg(p, off), v); }
void pci_write32(const struct pci_dev *p, unsigned int off, uint32_t v) { mmio_write32(cfg(p, off), v); }

unsigned int pci_find_capability(const struct pci_dev *pdev, uint8_t id,
				 unsigned int start)
{
	unsigned int off;

	if (!(pci_read16(pdev, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	off = start ? pci_read8(pdev, start + 1) : pci_read8(pdev, PCI_CAPABILITY_LIST);
	/* At most 48 capabilities fit above the header: a device whose list
	 * loops is cut off there. */
	for (int n = 0; n < 48 && off >= 0x40; n++) {
		off &= ~3u;
		if (pci_read8(pdev, off) == id)
			return off;
		off = pci_read8(pdev, off + 1);
	}
	return 0;
}

/* The BAR's physical address of [off, off + len), or 0 (logged). */
static paddr_t bar_range(const struct pci_dev *pdev, unsigned int bar,
			 uint64_t off, uint64_t len)
{
	const struct pci_bar *b = bar < PCI_NUM_BARS ? &pdev->bar[bar] : NULL;

	if (!b || !b->addr || (b->flags & PCI_BAR_IO) || off > b->size ||
	    len > b->size - off) {
		pr_err("pci %s: BAR%u cannot hold %#llx bytes at %#llx\n",
		       pdev->name, bar, (unsigned long long)len,
		       (unsigned long long)off);
		return 0;
	}
	return b->addr + off;
}

void *pci_map_bar(struct pci_dev *pdev, unsigned int bar, uint64_t off,
		  uint64_t len)
{
	paddr_t pa = bar_range(pdev, bar, off, len);

	return pa ? ioremap(pa, len) : NULL;
}

void *pci_map_bar_wb(struct pci_dev *pdev, unsigned int bar, uint64_t off,
		     uint64_t len)
{
	paddr_t pa = bar_range(pdev, bar, off, len);

	return pa ? memremap_wb(pa, len) : NULL;
}

void pci_enable_decode(struct pci_dev *pdev)
{
	uint16_t cmd = 0;

	for (int i = 0; i < PCI_NUM_BARS; i++) {
		const struct pci_bar *b = &pdev->bar[i];
		if (b->size && !b->addr)
			return;	/* it would answer at whatever its BAR holds */
		if (b->size)
			cmd |= b->flags & PCI_BAR_IO ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
	}
	pci_write16(pdev, PCI_COMMAND, pci_read16(pdev, PCI_COMMAND) | cmd);
}

static bool id_matches(const struct pci_device_id *id, const struct pci_dev *pdev)
{
	if (id->class_mask)
		return (pdev->class & id->class_mask) == id->class;
	return (id->vendor == PCI_ANY_ID || id->vendor == pdev->vendor) &&
	       (id->device == PCI_ANY_ID || id->device == pdev->device);
}

static void bind(struct pci_dev *pdev)
{
	for (const struct pci_driver *d = __pci_drivers_start; d < __pci_drivers_end; d++) {
		for (const struct pci_device_id *id = d->ids; id->vendor; id++) {
			if (!id_matches(id, pdev))
				continue;
			uint16_t cmd = pci_read16(pdev, PCI_COMMAND);
			pci_write16(pdev, PCI_COMMAND, cmd | PCI_COMMAND_MASTER);
			pdev->driver = d;
			int r = d->probe(pdev, id);
			if (r == 0)
				return;
			pdev->driver = NULL;
			pci_write16(pdev, PCI_COMMAND, cmd);
			if (r != -ENODEV)
				pr_err("pci %s: %s probe failed: %d\n", pdev->name,
				       d->name, r);
		}
	}
}

void pci_bind_drivers(const struct pci_host *host)
{
	for (struct pci_dev *p = devices; p; p = p->next)
		if (p->host == host && p->header_type == 0)
			bind(p);
}

/* Base classes (PCI Code and ID Assignment 1.11, chapter 1), with the
 * subclasses worth a name of their own. */
static const struct { uint32_t class, mask; const char *name; } class_names[] = {
	{ 0x000000, 0xff0000, "unclassified" },
	{ 0x010000, 0xff0000, "storage" },
	{ 0x020000, 0xff0000, "network" },
	{ 0x030000, 0xff0000, "display" },
	{ 0x040000, 0xff0000, "multimedia" },
	{ 0x050000, 0xff0000, "memory" },
	{ 0x060000, 0xffff00, "host bridge" },
	{ 0x060400, 0xffff00, "PCI bridge" },
	{ 0x060000, 0xff0000, "bridge" },
	{ 0x070000, 0xff0000, "communication" },
	{ 0x080000, 0xff0000, "system" },
	{ 0x090000, 0xff0000, "input" },
	{ 0x0c0300, 0xffff00, "USB" },
	{ 0x0c0000, 0xff0000, "serial bus" },
	{ 0x100000, 0xff0000, "encryption" },
	{ 0xff0000, 0xff0000, "unassigned" },
};

const char *pci_class_name(uint32_t class)
{
	for (size_t i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++)
		if ((class & class_names[i].mask) == class_names[i].class)
			return class_names[i].name;
	return NULL;
}

/* snprintf at offset *n of buf, adding what it would write to *n. */
static void append(char *buf, size_t len, int *n, const char *fmt, ...)
{
	size_t at = MIN((size_t)*n, len);
	va_list ap;

	va_start(ap, fmt);
	*n += vsnprintf(buf + at, len - at, fmt, ap);
	va_end(ap);
}

int pci_format_dev(const struct pci_dev *pdev, char *buf, size_t len)
{
	const char *cn = pci_class_name(pdev->class);
	int n = 0;

	append(buf, len, &n, "%02x:%02x.%u %04x:%04x class %06x %s", pdev->bus,
	       pdev->dev, pdev->fn, pdev->vendor, pdev->device,
	       (unsigned int)pdev->class, cn ? cn : "other");
	if (pdev->header_type == 1)
		append(buf, len, &n, " buses %02x-%02x", pdev->secondary,
		       pdev->subordinate);
	if (pdev->driver)
		append(buf, len, &n, " driver %s", pdev->driver->name);
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		const struct pci_bar *b = &pdev->bar[i];
		if (!b->size)
			continue;
		append(buf, len, &n, "\n\tBAR%d %s%s ", i,
		       b->flags & PCI_BAR_IO ? "io" :
		       b->flags & PCI_BAR_MEM64 ? "mem64" : "mem32",
		       b->flags & PCI_BAR_PREFETCH ? " pref" : "");
		if (b->addr)
			append(buf, len, &n, "%#llx", (unsigned long long)b->bus_addr);
		else
			append(buf, len, &n, "unassigned");
		append(buf, len, &n, " size %#llx", (unsigned long long)b->size);
	}
	return n;
}
