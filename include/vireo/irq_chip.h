/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The interrupt-controller contract.  One chip drives the machine,
 * chosen at boot from the device tree (GICv2 or GICv3).  Interrupt IDs
 * follow the GIC numbering: 0-15 SGIs, 16-31 PPIs (per CPU), 32+ SPIs.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define IRQ_SPURIOUS 1023
#define IRQ_TOKEN_INTID(t) ((t) & 0x3ff)
/* Priority a chip gives every interrupt at reset (lower is more urgent). */
#define IRQ_PRIO_DEFAULT_CHIP 0xa0

struct irq_chip {
	const char *name;
	uint32_t nr_irqs;		/* highest INTID + 1 handled */
	/* This CPU's interface (redistributor / CPU interface); thread
	 * context on the CPU itself with IRQs masked. */
	int (*init_cpu)(void);
	/* Acknowledge the highest pending interrupt.  Returns a token whose
	 * IRQ_TOKEN_INTID() is the INTID (IRQ_SPURIOUS when none); GICv2
	 * also encodes the source CPU of an SGI in it.  Interrupt context. */
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
