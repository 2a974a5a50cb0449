/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fake architecture of host tests that build kernel code using
 * <vireo/spinlock.h> or <vireo/thread.h>: one CPU, interrupts are a flag.
 * Only for test programs that add tests/host/fake_arch to their include
 * path (see tests/host/CMakeLists.txt).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t irqflags_t;

extern bool fake_irqs_masked;

static inline irqflags_t arch_irq_save(void)
{
	irqflags_t f = fake_irqs_masked;

	fake_irqs_masked = true;
	return f;
}

static inline void arch_irq_restore(irqflags_t f)
{
	fake_irqs_masked = f;
}

/* One CPU.  A test whose code reaches this_cpu() (thread_current())
 * defines fake_this_cpu(); others never call it. */
#ifndef CONFIG_SMP_NCPUS
#define CONFIG_SMP_NCPUS 1
#endif
struct cpu;
struct cpu *fake_this_cpu(void);

static inline struct cpu *arch_this_cpu(void)
{
	return fake_this_cpu();
}
