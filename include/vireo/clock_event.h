/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A clock-event device interrupts once at a programmed counter value.
 * The timer driver registers one per CPU; the kernel timer code
 * (kernel/ktimer.c) programs it for the earliest deadline.
 */
#pragma once

#include <stdint.h>

struct clock_event {
	const char *name;
	/* Interrupt when the counter reaches ticks; any earlier setting is
	 * replaced.  Called with IRQs masked on the owning CPU. */
	void (*set_deadline)(uint64_t ticks);
	/* No interrupt until the next set_deadline(). */
	void (*stop)(void);
	/* Sets up the calling CPU's own timer and interrupt (secondary CPU
	 * bring-up, IRQs masked); the boot CPU's is done at probe. */
	void (*init_cpu)(void);
};

/* Driver: make ce this CPU's clock-event device. */
void clock_event_register(const struct clock_event *ce);
/* Secondary CPU bring-up: the registered device's init_cpu on this CPU,
 * then its deadline programmed for the earliest kernel timer. */
void clock_event_init_cpu(void);
/* Driver, from the timer interrupt: the deadline was reached. */
void clock_event_handle_from_irq(void);
/* Kernel: program this CPU's device (IRQs masked). */
void clock_event_program(uint64_t deadline_ns);
