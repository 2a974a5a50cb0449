/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Interrupt handling for drivers and the kernel: attach a handler to an
 * INTID, enable it, and see counts (irqinfo, /proc/interrupts).
 * Handlers run with IRQs masked, on the interrupted thread's stack, and
 * must not block.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef void (*irq_handler_t)(uint32_t intid, void *arg);

#define IRQ_PRIO_DEFAULT 0xa0

/* Thread context.  0, -EINVAL (bad INTID), -EBUSY (already attached). */
int irq_attach(uint32_t intid, irq_handler_t fn, void *arg, const char *name);
/* A level-triggered line several devices share (PCI INTx): each handler
 * is called on every interrupt and checks its own device.  Mixing with
 * irq_attach on one INTID is -EBUSY; -ENOMEM.  Thread context. */
int irq_attach_shared(uint32_t intid, irq_handler_t fn, void *arg,
		      const char *name);
void irq_enable(uint32_t intid);
void irq_disable(uint32_t intid);
void irq_set_priority(uint32_t intid, uint8_t prio);
/* Device-tree trigger flags (bits 0-3 of the third cell): edge or level. */
void irq_set_trigger(uint32_t intid, bool edge);
void irq_send_sgi(uint32_t sgi, uint32_t cpu_mask);
/* This CPU's controller interface; called once per CPU at bring-up. */
int irq_init_cpu(void);
/* Arch vector: acknowledge and run handlers until none is pending. */
void irq_dispatch(void);

struct irq_info {
	uint32_t intid;
	uint64_t count;
	const char *name;
};
/* Fills up to max entries for attached interrupts, one per handler (a
 * shared line repeats its INTID and count); returns the number. */
int irq_get_info(struct irq_info *out, int max);
const char *irq_chip_name(void);
