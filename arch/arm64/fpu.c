// SPDX-License-Identifier: BSD-2-Clause
/*
 * Lazy FP/SIMD context switching.  FP/SIMD access is disabled at every
 * thread switch; a thread's first FP/SIMD instruction after it traps
 * (EC 0x07).  Each CPU remembers whose state its registers hold
 * (cpu->fpu_owner) and each thread which CPU holds a copy of its state
 * (thread->fpu_cpu): when both agree the trap only re-enables access,
 * otherwise it loads the thread's saved registers.  A thread that used
 * FP/SIMD during its run (access enabled at switch-out) has its
 * registers saved at switch-out, the registers staying valid as a copy.
 * Threads that never use FP/SIMD never pay for it: no save, no restore.
 *
 * Why save at switch-out rather than at the next owner's trap: on SMP a
 * thread may resume on another CPU, which cannot read this CPU's
 * registers.  Saving while the switch still holds the scheduler lock
 * means the saved state is complete before any other CPU can pick the
 * thread (kernel/sched.c, lock handover): no cross-CPU flush is needed.
 * The copy left in the registers makes the common case (the thread comes
 * back to the same CPU, nobody else used FP/SIMD there) free of restores.
 *
 * Kernel code is built with -mgeneral-regs-only, but the C library's
 * routines are not (picolibc's memset fills through v0), and interrupt
 * handlers call them.  An interrupt that finds access on has the
 * interrupted thread's live registers in the CPU, newer than its saved
 * state: it turns access off (cpu->fpu_irq_live), so a handler's first
 * FP/SIMD use traps, saves them, forgets the CPU's copy and leaves access
 * on until the handler returns.  Back at thread level access is on again
 * if the registers are still the thread's.  A system call needs none of
 * this: it is a function call, and the routines keep what the AAPCS64
 * says a callee keeps.
 */
#include <string.h>
#include <asm/sysregs.h>
#include <vireo/cpu.h>
#include <vireo/task.h>
#include <vireo/thread.h>
#include <vireo/vmspace.h>
#include "arm64_priv.h"

_Static_assert(sizeof(struct arch_fpu_state) == 528, "fpu.S layout");

static inline bool fpu_enabled(void)
{
	return (read_sysreg(cpacr_el1) & CPACR_FPEN_MASK) == CPACR_FPEN_NONE;
}

static inline void fpu_set_enabled(bool on)
{
	uint64_t v = read_sysreg(cpacr_el1) & ~(uint64_t)CPACR_FPEN_MASK;

	if (on)
		v |= CPACR_FPEN_NONE;
	write_sysreg(cpacr_el1, v);
	isb();	/* the new trap setting applies to the next instruction */
}

/* The registers of c hold t's current state. */
static bool holds(const struct cpu *c, const struct thread *t)
{
	return c->fpu_owner == t && t->fpu_cpu == c->id;
}

void arm64_fpu_trap(void)
{
	struct cpu *c = this_cpu();
	struct thread *t = c->current;

	fpu_set_enabled(true);
	if (c->exception_depth > 1 || !t) {
		if (c->fpu_irq_live) {	/* the interrupted thread's, unsaved */
			arm64_fpu_save(&t->fpu);
			c->fpu_saves++;
			c->fpu_irq_live = false;
		}
		c->fpu_owner = NULL;	/* registers about to be clobbered */
		return;			/* exception context: until return */
	}
	if (holds(c, t))
		return;
	arm64_fpu_restore(&t->fpu);
	c->fpu_restores++;
	c->fpu_owner = t;
	t->fpu_cpu = c->id;
}

void arm64_fpu_irq_entry(void)
{
	struct cpu *c = this_cpu();

	if (fpu_enabled()) {
		fpu_set_enabled(false);
		c->fpu_irq_live = true;
	}
}

/* Back to thread level: access as it was for the thread, i.e. enabled
 * when it holds its registers here and had them enabled (or an
 * interrupt turned them off).  Written only when it changes: the ISB
 * costs more than the read. */
void arm64_fpu_exception_exit(void)
{
	struct cpu *c = this_cpu();
	bool was, on;

	if (c->exception_depth != 0)
		return;
	was = fpu_enabled();
	on = c->current && holds(c, c->current) && (was || c->fpu_irq_live);
	c->fpu_irq_live = false;
	if (on != was)
		fpu_set_enabled(on);
}

/* Scheduler lock held, IRQs masked (kernel/sched.c switch_locked()).
 * Access left disabled needs no write (nor its ISB): a thread that never
 * used FP/SIMD since its switch-in costs nothing here. */
void arch_thread_switch(struct thread *prev, struct thread *next)
{
	struct cpu *c = this_cpu();

	c->switches++;
	if (fpu_enabled()) {
		if (holds(c, prev)) {
			arm64_fpu_save(&prev->fpu);
			c->fpu_saves++;
		}
		fpu_set_enabled(false);
	}
	if (__atomic_load_n(&arm64_uspaces_live, __ATOMIC_RELAXED))
		arch_uspace_switch(vmspace_arch(task_vmspace(next->task)));
}

void arch_thread_release(struct thread *t)
{
	struct cpu *c = this_cpu();

	if (c->fpu_owner == t)
		c->fpu_owner = NULL;
	t->fpu_cpu = -1;
}

void arm64_fpu_enable_for_panic(void)
{
	fpu_set_enabled(true);
}

void arm64_fpu_save_owner(void)
{
	struct cpu *c = this_cpu();
	struct thread *o = c->fpu_owner;

	fpu_set_enabled(true);
	if (!o)
		return;
	arm64_fpu_save(&o->fpu);
	c->fpu_saves++;
	o->fpu_cpu = -1;	/* the registers are about to be clobbered */
	c->fpu_owner = NULL;
}

/* t is the calling thread (signal.c): its state is put in t->fpu and no
 * CPU's copy counts any more, so its next FP/SIMD use reloads t->fpu,
 * whatever the caller puts there. */
void arch_fpu_flush(struct thread *t)
{
	irqflags_t f = arch_irq_save();
	struct cpu *c = this_cpu();

	if (fpu_enabled() && holds(c, t)) {
		arm64_fpu_save(&t->fpu);
		c->fpu_saves++;
	}
	if (c->fpu_owner == t)
		c->fpu_owner = NULL;
	t->fpu_cpu = -1;
	if (c->exception_depth == 0)
		fpu_set_enabled(false);
	arch_irq_restore(f);
}
