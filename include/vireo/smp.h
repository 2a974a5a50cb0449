/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bringing up the secondary CPUs (kernel/smp.c, arch/arm64/smp.c).
 * Logical CPU numbers come from the device tree's /cpus order, the boot
 * CPU being 0 (kernel/init.c read_cpus()).
 */
#pragma once

#include <vireo/compiler.h>
#include <asm/cpu.h>

struct cpu;

/* Boot CPU, thread context, after the interrupt controller and timer
 * drivers are probed: starts every other CPU the device tree lists (up
 * to CONFIG_SMP_NCPUS) and waits, bounded, for each to come online. */
void smp_init(void);

/* Parks every other online CPU in an interrupt handler (IRQs masked
 * there) and masks IRQs here, into *flags: for operations no other CPU
 * may overlap.  Returns how many CPUs are parked; fewer than the others
 * online when one did not take the interrupt within a second (it spins
 * with IRQs masked, e.g. on a lock the caller holds: call it holding no
 * spinlock).  Pair with smp_resume_others(*flags) promptly. */
int smp_pause_others(irqflags_t *flags);
void smp_resume_others(irqflags_t flags);

/* Panic: parks the other CPUs for good.  Returns how many it stopped. */
int smp_stop_others(void);

/* Arch: starts c at its secondary entry (c->boot_sp and c->idle set).
 * 0, -EBUSY (already on) or -EIO. */
int arch_cpu_start(struct cpu *c);

/* First portable code of a secondary CPU: IRQs masked, on its idle
 * thread's stack, TPIDR_EL1 and the vectors set.  Never returns. */
__noreturn void smp_secondary_main(struct cpu *c);
