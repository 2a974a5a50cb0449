// SPDX-License-Identifier: BSD-2-Clause
/*
 * ARM GICv3 driver (IHI 0069): distributor and redistributors through
 * MMIO, the CPU interface through the ICC_* system registers, all
 * interrupts in non-secure Group 1 with affinity routing.  Binds to
 * "arm,gic-v3": reg[0] is the distributor, reg[1..] the redistributor
 * regions.
 *
 * LPIs (GICv3 spec chapter 5), when the distributor supports them: one
 * configuration table (priority and enable per LPI) and the boot CPU's
 * pending table; every LPI targets the boot CPU, as SPIs do.  Enabling
 * one or changing its priority writes its table byte, which the
 * redistributor may cache, so the ITS that maps it is told to re-read it
 * (INV).  The ITS itself (message translation) is gicv3_its.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/cpu.h>
#include <vireo/driver.h>
#include <vireo/fdt.h>
#include <vireo/irq_chip.h>
#include <vireo/klog.h>
#include <vireo/mmio.h>
#include <vireo/mmu.h>
#include "gicv3_priv.h"

#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_IGROUPR(n)		(0x0080 + 4 * (n))
#define GICD_ISENABLER(n)	(0x0100 + 4 * (n))
#define GICD_ICENABLER(n)	(0x0180 + 4 * (n))
#define GICD_ICPENDR(n)		(0x0280 + 4 * (n))
#define GICD_IPRIORITYR(n)	(0x0400 + (n))
#define GICD_ICFGR(n)		(0x0c00 + 4 * (n))
#define GICD_IROUTER(n)		(0x6000 + 8 * (n))
#define GICD_TYPER_LPIS		(1u << 17)
#define GICD_CTLR_RWP		(1u << 31)
#define GICD_CTLR_ARE_NS	(1u << 4)	/* ARE when DS=1 */
#define GICD_CTLR_ENABLE_G1	(1u << 1)	/* G1A when DS=0, G1 when DS=1 */

#define GICR_FRAME		0x10000		/* RD_base, then SGI_base */
#define GICR_CTLR		0x0000
#define GICR_TYPER		0x0008
#define GICR_WAKER		0x0014
#define GICR_PROPBASER		0x0070
#define GICR_PENDBASER		0x0078
#define GICR_CTLR_ENABLE_LPIS	(1u << 0)
#define GICR_TYPER_PROC_NUM(t)	((t) >> 8 & 0xffff)
#define GICR_TYPER_VLPIS	(1u << 1)	/* GICv4: two more 64 KiB frames */
#define GICR_TYPER_LAST		(1u << 4)
#define GICR_WAKER_SLEEP	(1u << 1)
#define GICR_WAKER_ASLEEP	(1u << 2)
#define GICR_IGROUPR0		(GICR_FRAME + 0x0080)
#define GICR_ISENABLER0		(GICR_FRAME + 0x0100)
#define GICR_ICENABLER0		(GICR_FRAME + 0x0180)
#define GICR_IPRIORITYR(n)	(GICR_FRAME + 0x0400 + (n))
#define GICR_ICFGR(n)		(GICR_FRAME + 0x0c00 + 4 * (n))

/* ICC system registers by encoding, so old assemblers accept them. */
#define ICC_PMR_EL1		"S3_0_C4_C6_0"
#define ICC_CTLR_EL1		"S3_0_C12_C12_4"
#define ICC_IAR1_EL1		"S3_0_C12_C12_0"
#define ICC_EOIR1_EL1		"S3_0_C12_C12_1"
#define ICC_BPR1_EL1		"S3_0_C12_C12_3"
#define ICC_SRE_EL1		"S3_0_C12_C12_5"
#define ICC_IGRPEN1_EL1		"S3_0_C12_C12_7"
#define ICC_SGI1R_EL1		"S3_0_C12_C11_5"

#define MAX_RD_REGIONS 4

/* LPI tables (GICv3 5.1.1, 12.11.30-31): INTIDs below 2^LPI_ID_BITS, so
 * the configuration table holds 2^14 - 8192 bytes and the pending table
 * 2^14 bits, 64 KiB aligned. */
#define LPI_ID_BITS		14
#define LPI_PEND_ALIGN		0x10000
#define LPI_PROP_RES1		(1u << 1)
#define LPI_PROP_ENABLE		(1u << 0)
#define LPI_PROP_PRIO_MASK	0xfc
#define BASER_INNER_WAWB	(7ULL << 7)	/* Normal, inner write-back */
#define BASER_INNER_SHAREABLE	(1ULL << 10)
_Static_assert((1u << LPI_ID_BITS) >= IRQ_LPI_BASE + IRQ_NR_LPIS,
	       "LPI tables too small for the dispatch table");

static volatile uint8_t *gicd;
static struct { volatile uint8_t *base; uint64_t size; } rd_regions[MAX_RD_REGIONS];
static int nr_rd_regions;
static uint64_t rd_stride;		/* 0: from each GICR_TYPER */
static volatile uint8_t *rd_of_cpu[CONFIG_SMP_NCPUS];
static uint8_t *lpi_prop;		/* NULL: no LPIs */
static uint32_t nr_lpis;

#define ICC_READ(reg) ({ uint64_t _v; __asm__ volatile("mrs %0, " reg : "=r"(_v)); _v; })
#define ICC_WRITE(reg, v) __asm__ volatile("msr " reg ", %0" :: "r"((uint64_t)(v)) : "memory")

static void gicd_wait_rwp(void)
{
	/* Register writes that change enables or routing complete when RWP
	 * clears (GICv3 12.9.4).  Bounded: it completes in a few cycles. */
	for (int i = 0; i < 1000000 && (mmio_read32(gicd + GICD_CTLR) & GICD_CTLR_RWP); i++)
		;
}

/* The SGI/PPI frame that holds private interrupts of this CPU. */
static volatile uint8_t *this_rd(void)
{
	return rd_of_cpu[this_cpu()->id];
}

static bool is_lpi(uint32_t intid)
{
	return intid >= IRQ_LPI_BASE && intid - IRQ_LPI_BASE < nr_lpis;
}

/* Changes an LPI's configuration byte; the caller holds irq_lock. */
static void lpi_update(uint32_t intid, uint8_t clear, uint8_t set)
{
	uint8_t *p = &lpi_prop[intid - IRQ_LPI_BASE];

	*p = (uint8_t)((*p & ~clear) | set);
	/* The redistributor reads the table from memory: the byte is
	 * written before the ITS command that makes it look again. */
	dsb(ishst);
	gicv3_its_inv(intid);
}

static void v3_enable(uint32_t intid)
{
	if (is_lpi(intid))
		lpi_update(intid, 0, LPI_PROP_ENABLE);
	else if (intid < 32)
		mmio_write32(this_rd() + GICR_ISENABLER0, 1u << intid);
	else
		mmio_write32(gicd + GICD_ISENABLER(intid / 32), 1u << (intid % 32));
}

static void v3_disable(uint32_t intid)
{
	if (is_lpi(intid)) {
		lpi_update(intid, LPI_PROP_ENABLE, 0);
	} else if (intid < 32) {
		mmio_write32(this_rd() + GICR_ICENABLER0, 1u << intid);
	} else {
		mmio_write32(gicd + GICD_ICENABLER(intid / 32), 1u << (intid % 32));
		gicd_wait_rwp();
	}
}

static void v3_set_priority(uint32_t intid, uint8_t prio)
{
	if (is_lpi(intid))
		lpi_update(intid, LPI_PROP_PRIO_MASK, prio & LPI_PROP_PRIO_MASK);
	else if (intid < 32)
		mmio_write8(this_rd() + GICR_IPRIORITYR(intid), prio);
	else
		mmio_write8(gicd + GICD_IPRIORITYR(intid), prio);
}

static void v3_set_trigger(uint32_t intid, bool edge)
{
	volatile uint8_t *reg = intid < 32 ? this_rd() + GICR_ICFGR(intid / 16)
					   : gicd + GICD_ICFGR(intid / 16);
	uint32_t shift = (intid % 16) * 2 + 1, v = mmio_read32(reg);

	if (intid < 16 || intid >= 1020)
		return;		/* SGIs and LPIs are always edge-triggered */
	v = edge ? v | (1u << shift) : v & ~(1u << shift);
	mmio_write32(reg, v);
}

static uint64_t mpidr_to_affinity(uint64_t mpidr)
{
	return (mpidr & 0xffffff) | ((mpidr >> 32 & 0xff) << 32);
}

static void v3_set_affinity(uint32_t intid, int cpu)
{
	if (intid >= 32 && intid < 1020)
		mmio_write64(gicd + GICD_IROUTER(intid),
			     mpidr_to_affinity(cpus[cpu].mpidr));
}

static uint32_t v3_ack(void)
{
	uint32_t iar = ICC_READ(ICC_IAR1_EL1);

	/* Reads of the interrupt's device registers in the handler must not
	 * be satisfied before the acknowledge (GICv3 12.1.6). */
	dsb(sy);
	return iar;
}

static void v3_eoi(uint32_t token)
{
	/* The handler's device writes (clearing the source) must reach the
	 * device before the EOI deactivates the interrupt: ICC writes are not
	 * ordered against MMIO writes otherwise. */
	dsb(sy);
	ICC_WRITE(ICC_EOIR1_EL1, token);
	isb();
}

static void v3_send_sgi(uint32_t sgi, uint32_t cpu_mask)
{
	for (int cpu = 0; cpu < CONFIG_SMP_NCPUS; cpu++) {
		if (!(cpu_mask & (1u << cpu)))
			continue;
		uint64_t m = cpus[cpu].mpidr;
		/* TargetList holds Aff0 modulo 16, RS (bits 47:44) selects
		 * which 16 (GICv3 spec, ICC_SGI1R_EL1 description). */
		uint64_t v = (1ul << (m & 0xf)) | ((m >> 8 & 0xff) << 16) |
			     ((uint64_t)sgi << 24) | ((m >> 16 & 0xff) << 32) |
			     ((m >> 4 & 0xf) << 44) | ((m >> 32 & 0xff) << 48);
		dsb(ishst);	/* memory the target reads is written first */
		ICC_WRITE(ICC_SGI1R_EL1, v);
	}
	isb();
}

/* Distance to the next redistributor: the device tree's
 * "redistributor-stride", else two 64 KiB frames (RD_base, SGI_base),
 * four on a GICv4 with virtual LPIs (GICR_TYPER.VLPIS). */
static uint64_t frame_stride(uint64_t typer)
{
	if (rd_stride)
		return rd_stride;
	return (typer & GICR_TYPER_VLPIS ? 4 : 2) * GICR_FRAME;
}

/* Finds this CPU's redistributor by its affinity in GICR_TYPER. */
static volatile uint8_t *find_rd(uint64_t aff)
{
	for (int r = 0; r < nr_rd_regions; r++) {
		uint64_t off = 0, typer = 0;
		for (; off + 2 * GICR_FRAME <= rd_regions[r].size; off += frame_stride(typer)) {
			volatile uint8_t *rd = rd_regions[r].base + off;
			typer = mmio_read64(rd + GICR_TYPER);
			if ((typer >> 32) == ((aff & 0xffffff) | (aff >> 32 << 24)))
				return rd;
			if (typer & GICR_TYPER_LAST)
				break;
		}
	}
	return NULL;
}

static int v3_init_cpu(void)
{
	struct cpu *c = this_cpu();
	volatile uint8_t *rd = find_rd(mpidr_to_affinity(c->mpidr));

	if (!rd) {
		pr_err("gicv3: no redistributor for cpu %d\n", c->id);
		return -ENODEV;
	}
	rd_of_cpu[c->id] = rd;
	/* Wake the redistributor (GICv3 12.11.40). */
	mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	for (int i = 0; i < 1000000 && (mmio_read32(rd + GICR_WAKER) & GICR_WAKER_ASLEEP); i++)
		;
	mmio_write32(rd + GICR_IGROUPR0, 0xffffffff);
	mmio_write32(rd + GICR_ICENABLER0, 0xffffffff);
	for (int i = 0; i < 32; i++)
		mmio_write8(rd + GICR_IPRIORITYR(i), IRQ_PRIO_DEFAULT_CHIP);

	ICC_WRITE(ICC_SRE_EL1, ICC_READ(ICC_SRE_EL1) | 1);
	isb();
	/* EOImode 0 (one EOIR write drops priority and deactivates), no
	 * common binary point: ICC_CTLR_EL1 resets to UNKNOWN values. */
	ICC_WRITE(ICC_CTLR_EL1, 0);
	ICC_WRITE(ICC_PMR_EL1, 0xff);		/* let every priority through */
	ICC_WRITE(ICC_BPR1_EL1, 0);		/* no priority grouping */
	ICC_WRITE(ICC_IGRPEN1_EL1, 1);
	isb();
	return 0;
}

uint64_t gicv3_rd_target(int cpu, bool physical)
{
	volatile uint8_t *rd = rd_of_cpu[cpu];

	return physical ? (uint64_t)(uintptr_t)rd
			: GICR_TYPER_PROC_NUM(mmio_read64(rd + GICR_TYPER));
}

/* Sets up the LPI tables and enables LPIs in the boot CPU's
 * redistributor (GICv3 5.1.1).  The base registers must be written
 * while EnableLPIs is 0, and it cannot be turned off again. */
static int lpis_init(void)
{
	size_t prop_size = (1u << LPI_ID_BITS) - IRQ_LPI_BASE;
	size_t pend_size = (1u << LPI_ID_BITS) / 8;
	volatile uint8_t *rd = rd_of_cpu[0];
	uint8_t *pend;

	if (mmio_read32(rd + GICR_CTLR) & GICR_CTLR_ENABLE_LPIS) {
		pr_err("gicv3: LPIs already enabled by firmware: not used\n");
		return -EBUSY;
	}
	lpi_prop = aligned_alloc(PAGE_SIZE, prop_size);
	pend = aligned_alloc(LPI_PEND_ALIGN, ALIGN_UP(pend_size, LPI_PEND_ALIGN));
	if (!lpi_prop || !pend) {
		free(lpi_prop);
		free(pend);
		lpi_prop = NULL;
		return -ENOMEM;
	}
	memset(lpi_prop, IRQ_PRIO_DEFAULT_CHIP | LPI_PROP_RES1, prop_size);
	memset(pend, 0, pend_size);
	dsb(ishst);	/* tables in memory before the redistributor reads them */
	mmio_write64(rd + GICR_PROPBASER, (uintptr_t)lpi_prop | BASER_INNER_SHAREABLE |
		     BASER_INNER_WAWB | (LPI_ID_BITS - 1));
	mmio_write64(rd + GICR_PENDBASER, (uintptr_t)pend | BASER_INNER_SHAREABLE |
		     BASER_INNER_WAWB);
	mmio_write32(rd + GICR_CTLR, mmio_read32(rd + GICR_CTLR) | GICR_CTLR_ENABLE_LPIS);
	nr_lpis = IRQ_NR_LPIS;
	return 0;
}

/* The next enabled ITS node below the GIC node after child (-1: the
 * first), or -ENOENT. */
static int next_its(const struct fdt *fdt, int gic, int child)
{
	child = child < 0 ? fdt_first_subnode(fdt, gic) : fdt_next_subnode(fdt, child);
	for (; child >= 0; child = fdt_next_subnode(fdt, child))
		if (fdt_is_compatible(fdt, child, "arm,gic-v3-its") &&
		    fdt_node_enabled(fdt, child))
			return child;
	return -ENOENT;
}

/* LPIs and the ITS nodes below the GIC node.  Only an ITS raises LPIs
 * here, so without one the tables are not set up at all. */
static void lpis_probe(const struct fdt *fdt, int node, struct irq_chip *chip)
{
	int its = 0;

	if (!(mmio_read32(gicd + GICD_TYPER) & GICD_TYPER_LPIS) ||
	    next_its(fdt, node, -1) < 0 || lpis_init())
		return;
	/* Boot, single-threaded: the chip is registered but not yet used
	 * for LPIs, so their count may still be filled in. */
	chip->nr_lpis = nr_lpis;
	for (int c = next_its(fdt, node, -1); c >= 0; c = next_its(fdt, node, c))
		its += gicv3_its_probe(fdt, c, nr_lpis) == 0;
	pr_info("gicv3: %u LPIs, %d ITS\n", nr_lpis, its);
}

static const struct irq_chip gicv3_chip = {
	.name = "gicv3",
	.init_cpu = v3_init_cpu,
	.ack = v3_ack,
	.eoi = v3_eoi,
	.enable = v3_enable,
	.disable = v3_disable,
	.set_priority = v3_set_priority,
	.set_trigger = v3_set_trigger,
	.set_affinity = v3_set_affinity,
	.send_sgi = v3_send_sgi,
};

static int gicv3_probe(const struct fdt *fdt, int node)
{
	static struct irq_chip chip;
	uint64_t base, size;
	uint32_t typer, nr_regions = 1, stride;

	if (fdt_get_reg(fdt, node, 0, &base, &size) < 0)
		return -EINVAL;
	gicd = ioremap(base, size);
	fdt_getprop_u32(fdt, node, "#redistributor-regions", &nr_regions);
	for (uint32_t r = 0; r < nr_regions && r < MAX_RD_REGIONS; r++) {
		if (fdt_get_reg(fdt, node, 1 + r, &base, &size) < 0)
			break;
		rd_regions[nr_rd_regions].base = ioremap(base, size);
		rd_regions[nr_rd_regions].size = size;
		nr_rd_regions++;
	}
	if (fdt_getprop_u32(fdt, node, "redistributor-stride", &stride) == 0)
		rd_stride = stride;
	if (!gicd || !nr_rd_regions)
		return -EINVAL;

	chip = gicv3_chip;
	typer = mmio_read32(gicd + GICD_TYPER);
	chip.nr_irqs = MIN(32 * ((typer & 0x1f) + 1), 1020u);

	/* Distributor off while SPIs are configured: group 1, disabled,
	 * default priority, level-sensitive, routed to the boot CPU.
	 * Affinity routing is turned on first: GICD_IROUTER<n> only applies
	 * with ARE set, and ARE may change only while the groups are
	 * disabled (GICD_CTLR). */
	mmio_write32(gicd + GICD_CTLR, 0);
	gicd_wait_rwp();
	mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ARE_NS);
	gicd_wait_rwp();
	for (uint32_t i = 32; i < chip.nr_irqs; i += 32) {
		mmio_write32(gicd + GICD_IGROUPR(i / 32), 0xffffffff);
		mmio_write32(gicd + GICD_ICENABLER(i / 32), 0xffffffff);
		mmio_write32(gicd + GICD_ICPENDR(i / 32), 0xffffffff);
	}
	for (uint32_t i = 32; i < chip.nr_irqs; i += 16)
		mmio_write32(gicd + GICD_ICFGR(i / 16), 0);
	for (uint32_t i = 32; i < chip.nr_irqs; i++) {
		mmio_write8(gicd + GICD_IPRIORITYR(i), IRQ_PRIO_DEFAULT_CHIP);
		mmio_write64(gicd + GICD_IROUTER(i), mpidr_to_affinity(cpus[0].mpidr));
	}
	mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1);
	gicd_wait_rwp();

	if (irq_chip_register(&chip))
		return -EBUSY;
	pr_info("gicv3: distributor %#lx, %u interrupts, %d redistributor region(s)\n",
		(unsigned long)(uintptr_t)gicd, chip.nr_irqs, nr_rd_regions);
	int err = v3_init_cpu();
	if (!err)
		lpis_probe(fdt, node, &chip);
	return err;
}

static const char *const gicv3_compat[] = { "arm,gic-v3", NULL };
DRIVER_DECLARE(gicv3, .name = "gicv3", .compatible = gicv3_compat,
	       .level = DRIVER_LEVEL_IRQCHIP, .probe = gicv3_probe);
