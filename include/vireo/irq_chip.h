/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The interrupt-controller contract.  One chip drives the machine,
 * chosen at boot from the device tree (GICv2 or GICv3).  Interrupt IDs
 * follow the GIC numbering: 0-15 SGIs, 16-31 PPIs (per CPU), 32+ SPIs,
 * 8192+ LPIs (GICv3 message-based interrupts, through the ITS).
 *
 * MSI controllers (GICv3 ITS, GICv2m frames) register a struct
 * msi_controller so bus code (drivers/pci) can turn a requester's
 * messages into interrupts without knowing which controller it is.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define IRQ_SPURIOUS 1023
/* A token from ack(): bits 23:0 the INTID, 31:24 the chip's own. */
#define IRQ_TOKEN_INTID(t) ((t) & 0xffffff)
/* LPIs: the dispatch table holds IRQ_NR_LPIS of them from IRQ_LPI_BASE. */
#define IRQ_LPI_BASE 8192
#define IRQ_NR_LPIS 256
/* Priority a chip gives every interrupt at reset (lower is more urgent). */
#define IRQ_PRIO_DEFAULT_CHIP 0xa0

struct irq_chip {
	const char *name;
	uint32_t nr_irqs;		/* highest INTID + 1 handled, below LPIs */
	uint32_t nr_lpis;		/* LPIs from IRQ_LPI_BASE, 0: none */
	/* This CPU's interface (redistributor / CPU interface); thread
	 * context on the CPU itself with IRQs masked. */
	int (*init_cpu)(void);
	/* Acknowledge the highest pending interrupt.  Returns a token whose
	 * IRQ_TOKEN_INTID() is the INTID (IRQ_SPURIOUS when none); GICv2
	 * also keeps the source CPU of an SGI in it.  Interrupt context. */
	uint32_t (*ack)(void);
	/* End of interrupt, with the token ack() returned. */
	void (*eoi)(uint32_t token);
	/* Distributor/redistributor settings; any context, serialised by
	 * the caller (kernel/irq.c holds irq_lock). */
	void (*enable)(uint32_t intid);
	void (*disable)(uint32_t intid);
	void (*set_priority)(uint32_t intid, uint8_t prio);
	void (*set_trigger)(uint32_t intid, bool edge);
	/* Route an SPI to a CPU (logical number). */
	void (*set_affinity)(uint32_t intid, int cpu);
	/* Send SGI sgi (0-15) to the CPUs in the logical mask. */
	void (*send_sgi)(uint32_t sgi, uint32_t cpu_mask);
};

/* Called by the chip driver's probe; the first registered chip wins. */
int irq_chip_register(const struct irq_chip *chip);

/* One message an MSI-capable device writes to raise an interrupt. */
struct msi_msg {
	uint64_t addr;
	uint32_t data;
};

struct msi_controller {
	const char *name;
	int node;		/* its device-tree node (msi-map, msi-parent) */
	/* Allocates n edge-triggered interrupts for requester devid (the
	 * device ID after the bus's msi-map): fills intids[] and the message
	 * of each in msgs[].  0, -ENOSPC (not that many left) or -EINVAL
	 * (devid out of range).  The interrupts stay disabled until
	 * irq_enable().  Thread context. */
	int (*alloc)(struct msi_controller *mc, uint32_t devid, unsigned int n,
		     uint32_t *intids, struct msi_msg *msgs);
	struct msi_controller *next;
};

/* For controllers: takes n free interrupts out of the count tracked in
 * the bitmap used (a bit per interrupt), marks them and writes base +
 * their index to intids[].  0, or -ENOSPC (nothing marked).  The caller
 * serialises calls on one bitmap. */
int msi_take_free(uint8_t *used, uint32_t count, unsigned int n, uint32_t base,
		  uint32_t *intids);
/* Boot, from the controller's probe (before DRIVER_LEVEL_DEVICE). */
void msi_controller_register(struct msi_controller *mc);
/* The controller of device-tree node node, NULL when none registered. */
struct msi_controller *msi_controller_find(int node);
