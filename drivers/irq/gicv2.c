// SPDX-License-Identifier: BSD-2-Clause
/*
 * ARM GICv2 driver (IHI 0048B): distributor and CPU interface, both by
 * MMIO.  Binds to "arm,cortex-a15-gic" and "arm,gic-400": reg[0] is the
 * distributor, reg[1] the CPU interface.  The image carries this and the
 * GICv3 driver; the device tree of the machine picks one.
 *
 * Interrupt groups are left as they are: on a GIC without the Security
 * Extensions (QEMU virt) everything stays in Group 0, which the CPU
 * interface signals as IRQ while FIQEn is clear; on a GIC with them,
 * firmware has made everything Group 1 and our non-secure view of bit 0
 * of GICD_CTLR and GICC_CTLR is the Group 1 enable.  Either way bit 0 is
 * the one enable we own.
 *
 * CPU interface numbers are not logical CPU numbers: each CPU learns its
 * own from the banked GICD_ITARGETSR0-7 in init_cpu and stores it in
 * iface_mask[] (written once by that CPU before it goes online, read by
 * every CPU afterwards).
 */
#include <errno.h>
#include <string.h>
#include <vireo/cpu.h>
#include <vireo/driver.h>
#include <vireo/fdt.h>
#include <vireo/irq.h>
#include <vireo/irq_chip.h>
#include <vireo/klog.h>
#include <vireo/mmio.h>
#include <vireo/mmu.h>

/* Distributor (IHI 0048B 4.3) */
#define GICD_CTLR		0x000
#define GICD_TYPER		0x004
#define GICD_ISENABLER(n)	(0x100 + 4 * (n))
#define GICD_ICENABLER(n)	(0x180 + 4 * (n))
#define GICD_ICPENDR(n)		(0x280 + 4 * (n))
#define GICD_ICACTIVER(n)	(0x380 + 4 * (n))
#define GICD_IPRIORITYR(n)	(0x400 + (n))		/* byte per INTID */
#define GICD_ITARGETSR(n)	(0x800 + (n))		/* byte per INTID */
#define GICD_ICFGR(n)		(0xc00 + 4 * (n))
#define GICD_SGIR		0xf00
#define GICD_CTLR_ENABLE	(1u << 0)
#define GICD_TYPER_LINES(t)	((t) & 0x1f)		/* ITLinesNumber */
#define GICD_SGIR_TARGETS(m)	((uint32_t)(m) << 16)	/* filter 0b00: list */

/* CPU interface (IHI 0048B 4.4) */
#define GICC_CTLR		0x00
#define GICC_PMR		0x04
#define GICC_BPR		0x08
#define GICC_IAR		0x0c
#define GICC_EOIR		0x10
#define GICC_CTLR_ENABLE	(1u << 0)

static volatile uint8_t *gicd, *gicc;
/* CPU interface bit of each logical CPU (0: not yet known). */
static uint8_t iface_mask[CONFIG_SMP_NCPUS];

/*
 * The CPU interface bit(s) of the calling CPU.  GICD_ITARGETSR0-7 cover
 * SGIs and PPIs, are banked per CPU and read as this CPU's own bit in
 * every implemented byte (4.3.12).  A uniprocessor GIC makes them RAZ;
 * its only interface is number 0.
 */
static uint8_t read_own_mask(void)
{
	uint32_t m = 0;

	for (int i = 0; i < 8; i++)
		m |= mmio_read32(gicd + GICD_ITARGETSR(4 * i));
	m |= m >> 16;
	m |= m >> 8;
	return (m & 0xff) ? (uint8_t)m : 1;
}

/* The interface bit of a logical CPU; before that CPU has run init_cpu
 * we fall back to QEMU's numbering (logical N is interface N). */
static uint8_t mask_of_cpu(int cpu)
{
	uint8_t m = READ_ONCE(iface_mask[cpu]);

	return m ? m : (uint8_t)(1u << (cpu & 7));
}

/* Set/clear-enable registers are write-1-to-act, no read-modify-write
 * needed; those of INTIDs 0-31 are banked, so these act on this CPU for
 * SGIs and PPIs (4.3.5, 4.3.6). */
static void v2_enable(uint32_t intid)
{
	mmio_write32(gicd + GICD_ISENABLER(intid / 32), 1u << (intid % 32));
}

static void v2_disable(uint32_t intid)
{
	mmio_write32(gicd + GICD_ICENABLER(intid / 32), 1u << (intid % 32));
	/* GICv2 has no RWP bit: wait for the write itself to complete so
	 * that the caller may rely on the interrupt being off. */
	dsb(sy);
}

static void v2_set_priority(uint32_t intid, uint8_t prio)
{
	/* IPRIORITYR is byte-accessible (4.3.11). */
	mmio_write8(gicd + GICD_IPRIORITYR(intid), prio);
}

/* ICFGR: two bits per INTID, the upper one 1 = edge (4.3.13).  SGIs are
 * fixed edge; PPI bits may be read-only, the write is then ignored. */
static void v2_set_trigger(uint32_t intid, bool edge)
{
	volatile uint8_t *reg = gicd + GICD_ICFGR(intid / 16);
	uint32_t bit = 1u << ((intid % 16) * 2 + 1), v;

	if (intid < 16)
		return;
	v = mmio_read32(reg);
	mmio_write32(reg, edge ? v | bit : v & ~bit);
}

static void v2_set_affinity(uint32_t intid, int cpu)
{
	/* Only SPIs are routable; ITARGETSR is byte-accessible (4.3.12). */
	if (intid >= 32 && cpu >= 0 && cpu < CONFIG_SMP_NCPUS)
		mmio_write8(gicd + GICD_ITARGETSR(intid), mask_of_cpu(cpu));
}

/* IAR bits 12:10 carry the source CPU of an SGI and must be written
 * back unchanged to EOIR (4.4.4, 4.4.5); the token keeps them in its
 * chip bits 31:24, above the INTID. */
#define IAR_INTID(iar)		((iar) & 0x3ff)
#define IAR_CPUID(iar)		((iar) >> 10 & 7)
#define TOKEN_CPUID_SHIFT	24

static uint32_t v2_ack(void)
{
	uint32_t iar = mmio_read32(gicc + GICC_IAR);

	/* Normal-memory reads of the handler (data an SGI sender wrote)
	 * must not be satisfied before the acknowledge.  IAR is a memory
	 * access, so a DMB orders it (GICv3's system register needs a DSB). */
	dmb(sy);
	return IAR_INTID(iar) | IAR_CPUID(iar) << TOKEN_CPUID_SHIFT;
}

static void v2_eoi(uint32_t token)
{
	/* The handler's write that cleared the source (a device of its own,
	 * not ordered against the GIC's registers by Device-nGnRE) must be
	 * complete before EOIR lets the GIC sample the line again. */
	dsb(sy);
	mmio_write32(gicc + GICC_EOIR, IRQ_TOKEN_INTID(token) |
		     (token >> TOKEN_CPUID_SHIFT) << 10);
}

static void v2_send_sgi(uint32_t sgi, uint32_t cpu_mask)
{
	uint32_t targets = 0;

	for (int cpu = 0; cpu < CONFIG_SMP_NCPUS; cpu++)
		if (cpu_mask & (1u << cpu))
			targets |= mask_of_cpu(cpu);
	if (!targets)
		return;
	/* Stores the target will read must be observed before the GIC sees
	 * the SGIR write; both are memory accesses, and the GIC is a
	 * full-system observer, hence DMB ST (not ISHST). */
	dmb(st);
	mmio_write32(gicd + GICD_SGIR, GICD_SGIR_TARGETS(targets) | (sgi & 0xf));
}

/*
 * Banked per-CPU state: SGIs and PPIs disabled, nothing pending or
 * active, default priority; then the CPU interface.  Called by each CPU
 * with IRQs masked.
 */
static int v2_init_cpu(void)
{
	struct cpu *c = this_cpu();

	WRITE_ONCE(iface_mask[c->id], read_own_mask());
	mmio_write32(gicd + GICD_ICENABLER(0), 0xffffffff);
	mmio_write32(gicd + GICD_ICPENDR(0), 0xffffffff);
	mmio_write32(gicd + GICD_ICACTIVER(0), 0xffffffff);
	for (uint32_t i = 0; i < 32; i++)
		mmio_write8(gicd + GICD_IPRIORITYR(i), IRQ_PRIO_DEFAULT_CHIP);

	/* PMR 0xff lets every priority through (the GIC keeps only the
	 * implemented high bits, 4.4.2); BPR 0: no grouping of
	 * priorities, clamped by the GIC to its minimum (4.4.3). */
	mmio_write32(gicc + GICC_PMR, 0xff);
	mmio_write32(gicc + GICC_BPR, 0);
	mmio_write32(gicc + GICC_CTLR, GICC_CTLR_ENABLE);
	return 0;
}

static const struct irq_chip gicv2_chip = {
	.name = "gicv2",
	.init_cpu = v2_init_cpu,
	.ack = v2_ack,
	.eoi = v2_eoi,
	.enable = v2_enable,
	.disable = v2_disable,
	.set_priority = v2_set_priority,
	.set_trigger = v2_set_trigger,
	.set_affinity = v2_set_affinity,
	.send_sgi = v2_send_sgi,
};

/* SPIs: disabled, not pending, default priority, level-sensitive, routed
 * to the boot CPU.  The distributor is off meanwhile (4.3.1). */
static void init_distributor(uint32_t nr_irqs)
{
	uint8_t boot = read_own_mask();

	mmio_write32(gicd + GICD_CTLR, 0);
	for (uint32_t i = 32; i < nr_irqs; i += 32) {
		mmio_write32(gicd + GICD_ICENABLER(i / 32), 0xffffffff);
		mmio_write32(gicd + GICD_ICPENDR(i / 32), 0xffffffff);
		mmio_write32(gicd + GICD_ICACTIVER(i / 32), 0xffffffff);
	}
	for (uint32_t i = 32; i < nr_irqs; i += 16)
		mmio_write32(gicd + GICD_ICFGR(i / 16), 0);
	for (uint32_t i = 32; i < nr_irqs; i++) {
		mmio_write8(gicd + GICD_IPRIORITYR(i), IRQ_PRIO_DEFAULT_CHIP);
		mmio_write8(gicd + GICD_ITARGETSR(i), boot);
	}
	mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ENABLE);
}

static int gicv2_probe(const struct fdt *fdt, int node)
{
	static struct irq_chip chip;
	uint64_t dbase, dsize, cbase, csize;

	if (strcmp(irq_chip_name(), "none"))
		return -ENODEV;		/* a second GIC node: the first one won */
	if (fdt_get_reg(fdt, node, 0, &dbase, &dsize) < 0 ||
	    fdt_get_reg(fdt, node, 1, &cbase, &csize) < 0) {
		pr_err("gicv2: %s: need distributor and CPU interface regs\n",
		       fdt_node_name(fdt, node));
		return -EINVAL;
	}
	gicd = ioremap(dbase, dsize);
	gicc = ioremap(cbase, csize);
	if (!gicd || !gicc)
		return -ENOMEM;

	chip = gicv2_chip;
	/* ITLinesNumber N means 32 * (N + 1) INTIDs, at most 1020 (4.3.2). */
	chip.nr_irqs = MIN(32 * (GICD_TYPER_LINES(mmio_read32(gicd + GICD_TYPER)) + 1),
			   1020u);
	init_distributor(chip.nr_irqs);
	if (irq_chip_register(&chip))
		return -EBUSY;
	pr_info("gicv2: distributor %#lx, cpu interface %#lx, %u interrupts\n",
		(unsigned long)dbase, (unsigned long)cbase, chip.nr_irqs);
	return v2_init_cpu();
}

static const char *const gicv2_compat[] = {
	"arm,cortex-a15-gic", "arm,gic-400", NULL
};
DRIVER_DECLARE(gicv2, .name = "gicv2", .compatible = gicv2_compat,
	       .level = DRIVER_LEVEL_IRQCHIP, .probe = gicv2_probe);
