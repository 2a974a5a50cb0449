/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bringing up the secondary CPUs (kernel/smp.c, arch/arm64/smp.c).
 * Logical CPU numbers come from the device tree's /cpus order, the boot
 * CPU being 0 (kernel/init.c read_cpus()).
 */
#pragma once

#include <vireo/compiler.h>

struct cpu;

/* Boot CPU, thread context, after the interrupt controller and timer
 * drivers are probed: starts every other CPU the device tree lists (up
 * to CONFIG_SMP_NCPUS) and waits, bounded, for each to come online. */
void smp_init(void);

/* Arch: starts c at its secondary entry (c->boot_sp and c->idle set).
 * 0, -EBUSY (already on) or -EIO. */
int arch_cpu_start(struct cpu *c);

/* First portable code of a secondary CPU: IRQs masked, on its idle
 * thread's stack, TPIDR_EL1 and the vectors set.  Never returns. */
__noreturn void smp_secondary_main(struct cpu *c);
