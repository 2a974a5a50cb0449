// SPDX-License-Identifier: BSD-2-Clause
/*
 * Lazy FP/SIMD context switching.  Each CPU remembers which thread's
 * registers its FPU holds (cpu->fpu_owner).  The rule, kept at every
 * thread switch and every exception return: FP/SIMD access is enabled
 * exactly when the running thread is the owner.  Any other thread's first
 * FP/SIMD instruction traps (EC 0x07); the trap saves the owner's
 * registers, loads the current thread's and makes it the owner.  Threads
 * that never use FP/SIMD never pay for it.
 *
 * Kernel code is built with -mgeneral-regs-only.  If FP/SIMD is used from
 * an exception handler anyway (a library routine called from an interrupt
 * handler), the trap saves the owner's registers to its thread and leaves
 * the FPU ownerless and enabled until the exception returns; the thread
 * reloads its registers at its next FP/SIMD instruction.
 */
#include <string.h>
#include <asm/sysregs.h>
#include <vireo/cpu.h>
#include <vireo/thread.h>
#include "arm64_priv.h"

_Static_assert(sizeof(struct arch_fpu_state) == 528, "fpu.S layout");

static inline void fpu_set_enabled(bool on)
{
	uint64_t v = read_sysreg(cpacr_el1) & ~(uint64_t)CPACR_FPEN_MASK;

	if (on)
		v |= CPACR_FPEN_NONE;
	write_sysreg(cpacr_el1, v);
	isb();	/* the new trap setting applies to the next instruction */
}

/* Saves the owner's registers (FPU enabled by the caller). */
static void save_owner(struct cpu *c)
{
	if (c->fpu_owner) {
		arm64_fpu_save(&c->fpu_owner->fpu);
		c->fpu_saves++;
		c->fpu_owner = NULL;
	}
}

void arm64_fpu_trap(void)
{
	struct cpu *c = this_cpu();
	struct thread *t = c->current;

	fpu_set_enabled(true);
	save_owner(c);
	if (c->exception_depth > 1 || !t)
		return;		/* exception context: ownerless until return */
	arm64_fpu_restore(&t->fpu);
	c->fpu_restores++;
	c->fpu_owner = t;
}

void arm64_fpu_exception_exit(void)
{
	struct cpu *c = this_cpu();

	if (c->exception_depth == 0)
		fpu_set_enabled(c->fpu_owner && c->fpu_owner == c->current);
}

void arch_thread_switch_out(struct thread *prev)
{
	this_cpu()->switches++;
}

void arch_thread_switch_in(struct thread *next)
{
	struct cpu *c = this_cpu();

	fpu_set_enabled(c->fpu_owner == next);
}

void arch_thread_release(struct thread *t)
{
	struct cpu *c = this_cpu();

	if (c->fpu_owner == t)
		c->fpu_owner = NULL;
}

void arm64_fpu_enable_for_panic(void)
{
	fpu_set_enabled(true);
}

void arch_fpu_flush(struct thread *t)
{
	irqflags_t f = arch_irq_save();
	struct cpu *c = this_cpu();

	if (c->fpu_owner == t) {
		fpu_set_enabled(true);
		save_owner(c);
	}
	/* t is not the owner now: its next FP/SIMD use traps and reloads
	 * t->fpu, whatever the caller put there. */
	if (c->exception_depth == 0)
		fpu_set_enabled(false);
	arch_irq_restore(f);
}
