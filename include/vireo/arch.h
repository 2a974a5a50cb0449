/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The architecture contract: what the portable kernel may ask of the CPU.
 * Inline primitives come from <asm/cpu.h> of the architecture in use:
 *   arch_irq_save/restore/enable/disable  any context; mask IRQs on this CPU
 *   arch_irq_flags_masked(f)              whether saved flags f mask IRQs
 *   arch_this_cpu()                       any context; this CPU's struct cpu
 *   arch_counter_read/freq()              any context; the monotonic counter
 *   arch_wait_for_interrupt()             idle thread only, IRQs may be masked
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <asm/cpu.h>
#include <vireo/compiler.h>

struct thread;

/*
 * Saved state of a thread that is switched out: callee-saved registers,
 * stack pointer and the EL0 thread pointer.  Offsets are used by
 * arch/arm64/switch.S and checked there.
 */
struct arch_context {
	uint64_t x19_x28[10];
	uint64_t fp;		/* x29 */
	uint64_t lr;		/* x30 */
	uint64_t sp;
	uint64_t tpidr_el0;
};

/* FP/SIMD register file, saved lazily (arch/arm64/fpu.c). */
struct arch_fpu_state {
	__uint128_t q[32];
	uint32_t fpsr, fpcr;
} __aligned(16);

/* sigreturn (kernel/syscalls.tbl): restores the calling EL0 thread's
 * registers and mask from the signal frame at user address frame and
 * returns its x0; a frame that cannot be read, or is forged to leave
 * EL0, ends the task with SIGSEGV.  -ENOSYS for a thread of the flat
 * build. */
long arch_signal_return(uintptr_t frame);
/* The stack pointer an EL0 thread t had when it last entered the kernel
 * (t->user_regs set). */
uintptr_t arch_user_sp(const struct thread *t);

/*
 * Prepares ctx so that the first arch_context_switch() to it runs
 * sched_thread_entry() on the given stack.  Thread context, scheduler lock
 * not needed (the thread is not yet visible).
 */
void arch_context_init(struct arch_context *ctx, void *stack_top,
		       uintptr_t tls_pointer);

/*
 * Saves the current callee-saved state in from and resumes to.  Called by
 * the scheduler only, with IRQs masked and the scheduler lock held; returns
 * when from is switched back in.
 */
void arch_context_switch(struct arch_context *from, struct arch_context *to);

/* Calls fn(arg) on the stack whose top is sp (16-byte aligned) and
 * returns on the caller's stack: signal handlers on an alternate stack
 * (kernel/signal.c).  Thread context. */
void arch_call_on_stack(uintptr_t sp, void (*fn)(void *), void *arg);

/* The hook the scheduler calls before it switches from prev to next,
 * same context as above. */
void arch_thread_switch(struct thread *prev, struct thread *next);
/* The CPU's copy of t's FP/SIMD registers is dead (t exits, or kernel
 * code used them after t->fpu was saved); forget it: t's next FP/SIMD
 * use loads t->fpu. */
void arch_thread_release(struct thread *t);

struct fdt;
/* Boot CPU, after the heap and log exist: architecture services that
 * the device tree describes (PSCI). */
void arch_platform_init(const struct fdt *fdt);

/* PSCI power control; never return on success. */
__noreturn void arch_poweroff(void);
__noreturn void arch_reset(void);

/*
 * Walks the frame-pointer chain starting at fp and stores up to max return
 * addresses in pcs; stops at a frame record outside [lo, hi).  Returns the
 * number stored.  Any context.
 */
int arch_backtrace(uintptr_t fp, uintptr_t lo, uintptr_t hi,
		   uintptr_t *pcs, int max);
