// SPDX-License-Identifier: BSD-2-Clause
/*
 * GICv3 Interrupt Translation Service (IHI 0069, chapters 5.3 and 6):
 * turns a device's MSI write (its device ID from the bus, an event ID as
 * data, to GITS_TRANSLATER) into an LPI.  At probe the ITS gets its
 * in-memory tables (a collection table; a device table, two-level when
 * the ITS allows it, so that only the pages of mapped device IDs exist
 * and boot does not zero 512 KiB for 65536 IDs) and a command queue,
 * and one collection for the boot CPU, where every LPI goes.  An
 * allocation maps the device (MAPD, with an interrupt translation table
 * of its own) and each event to a fresh LPI (MAPTI); the LPI stays
 * disabled until irq_enable() sets its configuration byte (gicv3.c) and
 * asks for an INV here.
 *
 * Locking: its_lock (IRQ-safe: INV comes from irq_enable() under
 * irq_lock, which nests outside it) protects every command queue, the
 * level-1 device table, the LPI bitmap and the owner of each LPI.
 * Commands are waited for with a bounded poll of GITS_CREADR: the ITS
 * works through a few commands in microseconds and has no completion
 * interrupt.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/cpu.h>
#include <vireo/fdt.h>
#include <vireo/irq_chip.h>
#include <vireo/klog.h>
#include <vireo/mm.h>
#include <vireo/mmio.h>
#include <vireo/mmu.h>
#include <vireo/spinlock.h>
#include "gicv3_priv.h"

#define GITS_CTLR		0x0000
#define GITS_TYPER		0x0008
#define GITS_CBASER		0x0080
#define GITS_CWRITER		0x0088
#define GITS_CREADR		0x0090
#define GITS_BASER(n)		(0x0100 + 8 * (n))
#define GITS_TRANSLATER		0x10040
#define GITS_SIZE		0x20000

#define GITS_CTLR_ENABLED	(1u << 0)
#define GITS_CTLR_QUIESCENT	(1u << 31)
#define GITS_TYPER_ITT_SIZE(t)	((((t) >> 4) & 0xf) + 1)
#define GITS_TYPER_ID_BITS(t)	((((t) >> 8) & 0x1f) + 1)
#define GITS_TYPER_DEV_BITS(t)	((((t) >> 13) & 0x1f) + 1)
#define GITS_TYPER_PTA		(1ULL << 19)
#define GITS_CREADR_STALLED	(1u << 0)

/* GITS_BASER<n> and GITS_CBASER fields (12.19.1-2) */
#define BASER_VALID		(1ULL << 63)
#define BASER_INDIRECT		(1ULL << 62)	/* two-level table */
#define BASER_INNER_WAWB	(7ULL << 59)
#define BASER_TYPE(v)		(((v) >> 56) & 7)
#define BASER_ENTRY_SIZE(v)	((((v) >> 48) & 0x1f) + 1)
#define BASER_ADDR_MASK		0x0000fffffffff000ULL
#define BASER_INNER_SHAREABLE	(1ULL << 10)
#define BASER_PAGE_4K		(0ULL << 8)	/* Page_Size field */
#define BASER_MAX_PAGES		256
#define BASER_TYPE_DEVICE	1
#define BASER_TYPE_COLLECTION	4
#define ITS_PAGE		0x1000	/* 4 KiB pages: field value 0 */

/* Commands (6.3), 32 bytes each */
#define CMD_SYNC		0x05
#define CMD_MAPD		0x08
#define CMD_MAPC		0x09
#define CMD_MAPTI		0x0a
#define CMD_INV			0x0c
#define CMD_VALID		(1ULL << 63)
#define CMDQ_SIZE		0x1000	/* 128 commands: one page */
#define ITT_ALIGN		256
#define CMD_WAIT_LOOPS		1000000
#define BOOT_ICID		0

struct its_cmd {
	uint64_t dw[4];
};

/* A device mapped on an ITS, with the LPI of each of its events (for
 * INV); on the list mapped_devs. */
struct its_dev {
	struct its_dev *next;
	struct its *its;
	uint32_t devid;
	unsigned int n;
	uint32_t intids[];	/* by event */
};

struct its {
	struct msi_controller mc;
	volatile uint8_t *base;
	uint64_t phys;
	uint64_t typer;
	struct its_cmd *cmdq;
	unsigned int cmd_write;		/* index of the next command */
	uint32_t max_devid;		/* 1 + highest the device table holds */
	/* Two-level device table (12.19.1, Indirect): level-1 entries each
	 * point to one ITS_PAGE of dt_per_page device entries, given when a
	 * device in its range is first mapped (its_lock); NULL when flat. */
	uint64_t *dt_l1;
	uint32_t dt_per_page;
};

/* its_lock protects the LPI allocation, mapped_devs and every ITS's
 * command queue. */
static spinlock_t its_lock = SPINLOCK_INIT;
static uint32_t lpi_count;
static uint8_t lpi_used[IRQ_NR_LPIS / 8];
static struct its_dev *mapped_devs;	/* a few: walked by INV, at attach
					 * and mask time only */

/* Queues one command and waits until the ITS has read it.  Holds its_lock. */
static int its_send(struct its *its, const struct its_cmd *c)
{
	unsigned int n = CMDQ_SIZE / sizeof(struct its_cmd);
	uint64_t target;

	its->cmdq[its->cmd_write] = *c;
	its->cmd_write = (its->cmd_write + 1) % n;
	target = (uint64_t)its->cmd_write * sizeof(struct its_cmd);
	/* The command is in memory before the ITS is told to read it. */
	dsb(ishst);
	mmio_write64(its->base + GITS_CWRITER, target);
	for (int i = 0; i < CMD_WAIT_LOOPS; i++) {
		uint64_t r = mmio_read64(its->base + GITS_CREADR);
		if (r & GITS_CREADR_STALLED)
			break;
		if ((r & ~0x1fULL) == target)
			return 0;
	}
	pr_err("its@%llx: command %#llx not completed\n",
	       (unsigned long long)its->phys, (unsigned long long)(c->dw[0] & 0xff));
	return -EIO;
}

/* The RDbase field of MAPC and SYNC (bits 51:16) for the boot CPU: its
 * redistributor's 64 KiB-aligned address as is, or its processor number
 * shifted into place. */
static uint64_t rd_field(const struct its *its)
{
	bool pta = its->typer & GITS_TYPER_PTA;
	uint64_t t = gicv3_rd_target(0, pta);

	return pta ? t : t << 16;
}

/* SYNC (6.3.19): the commands before it have taken effect. */
static int its_sync(struct its *its)
{
	struct its_cmd c = { { CMD_SYNC, 0, rd_field(its), 0 } };

	return its_send(its, &c);
}

void gicv3_its_inv(uint32_t intid)
{
	irqflags_t f = spin_lock_irqsave(&its_lock);

	for (const struct its_dev *d = mapped_devs; d; d = d->next)
		for (unsigned int e = 0; e < d->n; e++) {
			if (d->intids[e] != intid)
				continue;
			struct its_cmd c = { { CMD_INV | (uint64_t)d->devid << 32,
					       e, 0, 0 } };
			if (its_send(d->its, &c) == 0)
				its_sync(d->its);
			goto out;
		}
out:
	spin_unlock_irqrestore(&its_lock, f);
}

static bool dev_mapped(const struct its *its, uint32_t devid)
{
	for (const struct its_dev *d = mapped_devs; d; d = d->next)
		if (d->its == its && d->devid == devid)
			return true;
	return false;
}

/* MAPD then MAPTI per event; holds its_lock. */
static int map_events(struct its *its, uint32_t devid, unsigned int n,
		      const uint32_t *intids, void *itt, unsigned int bits)
{
	struct its_cmd mapd = { { CMD_MAPD | (uint64_t)devid << 32, bits - 1,
				  CMD_VALID | ((uintptr_t)itt & ~(uint64_t)(ITT_ALIGN - 1)), 0 } };
	int err = its_send(its, &mapd);

	for (unsigned int e = 0; e < n && !err; e++) {
		struct its_cmd mapti = { { CMD_MAPTI | (uint64_t)devid << 32,
					   e | (uint64_t)intids[e] << 32, BOOT_ICID, 0 } };
		err = its_send(its, &mapti);
	}
	return err ? err : its_sync(its);
}

static int its_alloc(struct msi_controller *mc, uint32_t devid, unsigned int n,
		     uint32_t *intids, struct msi_msg *msgs)
{
	struct its *its = (struct its *)mc;
	unsigned int bits = 1;
	struct its_dev *d = kmalloc(sizeof(*d) + n * sizeof(d->intids[0]));
	void *itt;
	irqflags_t f;
	int err;

	while ((1u << bits) < n)
		bits++;
	if (n == 0 || bits > GITS_TYPER_ID_BITS(its->typer) || devid >= its->max_devid) {
		free(d);
		return -EINVAL;
	}
	itt = kaligned_alloc(ITT_ALIGN, ALIGN_UP((size_t)GITS_TYPER_ITT_SIZE(its->typer) << bits,
						ITT_ALIGN));
	if (!itt || !d) {
		free(itt);
		free(d);
		return -ENOMEM;
	}
	memset(itt, 0, (size_t)GITS_TYPER_ITT_SIZE(its->typer) << bits);
	uint64_t *l1 = its->dt_l1 ? &its->dt_l1[devid / its->dt_per_page] : NULL;
	void *l2 = NULL;
	if (l1 && !(__atomic_load_n(l1, __ATOMIC_RELAXED) & BASER_VALID)) {
		/* Allocated unlocked; installed below unless another device
		 * of its range was mapped meanwhile (then freed). */
		l2 = kaligned_alloc(ITS_PAGE, ITS_PAGE);
		if (!l2) {
			free(itt);
			free(d);
			return -ENOMEM;
		}
		memset(l2, 0, ITS_PAGE);
	}
	f = spin_lock_irqsave(&its_lock);
	/* Entries are never cleared: invalid here was invalid above, so l2
	 * is there. */
	if (l1 && !(*l1 & BASER_VALID)) {
		dsb(ishst);	/* zeroed before the ITS may read it */
		*l1 = BASER_VALID | ((uintptr_t)l2 & BASER_ADDR_MASK);
		dsb(ishst);
		l2 = NULL;
	}
	err = dev_mapped(its, devid) ? -EBUSY :
	      msi_take_free(lpi_used, lpi_count, n, IRQ_LPI_BASE, intids);
	if (!err)
		err = map_events(its, devid, n, intids, itt, bits);
	if (!err) {
		d->its = its;
		d->devid = devid;
		d->n = n;
		memcpy(d->intids, intids, n * sizeof(d->intids[0]));
		d->next = mapped_devs;
		mapped_devs = d;
	}
	spin_unlock_irqrestore(&its_lock, f);
	free(l2);	/* NULL when installed */
	if (err) {
		free(itt);	/* an ITS that failed a command is not trusted */
		free(d);
		return err;
	}
	for (unsigned int e = 0; e < n; e++)
		msgs[e] = (struct msi_msg){ its->phys + GITS_TRANSLATER, e };
	return 0;
}

/* Gives GITS_BASER<n> a flat table when it asks for one (device or
 * collection table); 0 or -errno. */
static int setup_baser(struct its *its, int n)
{
	volatile uint8_t *reg = its->base + GITS_BASER(n);
	uint64_t v = mmio_read64(reg), esz = BASER_ENTRY_SIZE(v), entries;
	size_t bytes;
	void *table;

	if (BASER_TYPE(v) == BASER_TYPE_DEVICE) {
		entries = 1ULL << MIN(GITS_TYPER_DEV_BITS(its->typer), 16u);
		/* Does it take a two-level table?  Indirect is RAZ/WI if not. */
		mmio_write64(reg, v | BASER_INDIRECT);
		if (mmio_read64(reg) & BASER_INDIRECT) {
			its->dt_per_page = (uint32_t)(ITS_PAGE / esz);
			esz = sizeof(uint64_t);	/* the level-1 table's entries */
			entries = (entries + its->dt_per_page - 1) / its->dt_per_page;
			v |= BASER_INDIRECT;
		}
	} else if (BASER_TYPE(v) == BASER_TYPE_COLLECTION) {
		entries = CONFIG_SMP_NCPUS;
	} else {
		return 0;	/* none, or virtual PEs: not used */
	}
	bytes = ALIGN_UP(entries * esz, ITS_PAGE);
	bytes = MIN(bytes, (size_t)BASER_MAX_PAGES * ITS_PAGE);
	table = kaligned_alloc(ITS_PAGE, bytes);
	if (!table)
		return -ENOMEM;
	memset(table, 0, bytes);
	dsb(ishst);	/* zeroed before the ITS may read it */
	mmio_write64(reg, BASER_VALID | BASER_INNER_WAWB | (v & (7ULL << 56)) |
		     (v & BASER_INDIRECT) |
		     ((uintptr_t)table & BASER_ADDR_MASK) | BASER_INNER_SHAREABLE |
		     BASER_PAGE_4K | (bytes / ITS_PAGE - 1));
	if (!(mmio_read64(reg) & BASER_VALID)) {
		free(table);
		return -EIO;
	}
	if (BASER_TYPE(v) == BASER_TYPE_DEVICE && (v & BASER_INDIRECT)) {
		its->dt_l1 = table;
		its->max_devid = (uint32_t)MIN(bytes / esz * its->dt_per_page,
					       1ULL << MIN(GITS_TYPER_DEV_BITS(its->typer), 16u));
	} else if (BASER_TYPE(v) == BASER_TYPE_DEVICE) {
		its->max_devid = (uint32_t)(bytes / esz);
	}
	return 0;
}

/* Tables, command queue, enable, and the boot CPU's collection. */
static int its_init(struct its *its)
{
	int err = 0;

	for (int i = 0; i < CMD_WAIT_LOOPS &&
	     !(mmio_read32(its->base + GITS_CTLR) & GITS_CTLR_QUIESCENT); i++)
		;
	for (int n = 0; n < 8 && !err; n++)
		err = setup_baser(its, n);
	its->cmdq = kaligned_alloc(CMDQ_SIZE, CMDQ_SIZE);
	if (err || !its->cmdq)
		return err ? err : -ENOMEM;
	memset(its->cmdq, 0, CMDQ_SIZE);
	dsb(ishst);
	mmio_write64(its->base + GITS_CBASER, BASER_VALID | BASER_INNER_WAWB |
		     ((uintptr_t)its->cmdq & BASER_ADDR_MASK) | BASER_INNER_SHAREABLE |
		     (CMDQ_SIZE / ITS_PAGE - 1));
	mmio_write64(its->base + GITS_CWRITER, 0);
	mmio_write32(its->base + GITS_CTLR, GITS_CTLR_ENABLED);

	struct its_cmd mapc = { { CMD_MAPC, 0,
				  CMD_VALID | rd_field(its) | BOOT_ICID, 0 } };
	irqflags_t f = spin_lock_irqsave(&its_lock);
	err = its_send(its, &mapc);
	if (!err)
		err = its_sync(its);
	spin_unlock_irqrestore(&its_lock, f);
	return err;
}

int gicv3_its_probe(const struct fdt *fdt, int node, uint32_t nr_lpis)
{
	struct its *its = kcalloc(1, sizeof(*its));
	uint64_t base = 0, size;
	int err = -EINVAL;

	if (!its)
		return -ENOMEM;
	if (fdt_get_reg(fdt, node, 0, &base, &size) || size < GITS_SIZE)
		goto err_free;
	its->phys = base;
	its->base = ioremap(base, GITS_SIZE);
	if (!its->base)
		goto err_free;
	its->typer = mmio_read64(its->base + GITS_TYPER);
	lpi_count = MIN(nr_lpis, (uint32_t)IRQ_NR_LPIS);
	if ((err = its_init(its)))
		goto err_free;
	its->mc = (struct msi_controller){ .name = "its", .node = node,
					   .alloc = its_alloc };
	msi_controller_register(&its->mc);
	pr_info("gicv3: ITS %#llx, %u device IDs, %u event ID bits\n",
		(unsigned long long)base, its->max_devid,
		(unsigned)GITS_TYPER_ID_BITS(its->typer));
	return 0;
err_free:
	pr_err("gicv3: ITS %#llx unusable: %d\n", (unsigned long long)base, err);
	free(its);
	return err;
}
