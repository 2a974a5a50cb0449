/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AArch64 inline primitives the portable kernel reaches through
 * <vireo/arch.h>: interrupt masking, barriers, system registers and the
 * per-CPU pointer kept in TPIDR_EL1.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define read_sysreg(reg) ({ uint64_t _v; \
	__asm__ volatile("mrs %0, " #reg : "=r"(_v)); _v; })
#define write_sysreg(reg, v) \
	__asm__ volatile("msr " #reg ", %0" :: "r"((uint64_t)(v)) : "memory")

#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt ::: "memory")

#define DAIF_I (1u << 7)

typedef uint64_t irqflags_t;

/* Masks IRQs on this CPU and returns the previous mask state. */
static inline irqflags_t arch_irq_save(void)
{
	irqflags_t f = read_sysreg(daif);
	__asm__ volatile("msr daifset, #2" ::: "memory");
	return f;
}

static inline void arch_irq_restore(irqflags_t f)
{
	write_sysreg(daif, f);
}

static inline void arch_irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

static inline void arch_irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

static inline bool arch_irqs_disabled(void)
{
	return read_sysreg(daif) & DAIF_I;
}

/* Whether flags from arch_irq_save() had IRQs masked. */
static inline bool arch_irq_flags_masked(irqflags_t f)
{
	return f & DAIF_I;
}

struct cpu;
static inline struct cpu *arch_this_cpu(void)
{
	return (struct cpu *)read_sysreg(tpidr_el1);
}

static inline void arch_set_this_cpu(struct cpu *c)
{
	write_sysreg(tpidr_el1, c);
}

/* Waits for an interrupt; returns after one is taken (or a spurious wake). */
static inline void arch_wait_for_interrupt(void)
{
	__asm__ volatile("dsb sy\n\twfi" ::: "memory");
}

static inline void arch_cpu_relax(void)
{
	__asm__ volatile("yield" ::: "memory");
}

static inline uint64_t arch_counter_read(void)
{
	isb();	/* keep the counter read from being hoisted (Arm ARM D11.2.2) */
	return read_sysreg(cntvct_el0);
}

static inline uint64_t arch_counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

/* Frame address of the caller, for backtraces. */
static inline uintptr_t arch_frame_address(void)
{
	return (uintptr_t)__builtin_frame_address(0);
}
