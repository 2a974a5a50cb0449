// SPDX-License-Identifier: BSD-2-Clause
/*
 * Exception handlers called from vectors.S: synchronous exceptions are
 * decoded from ESR_EL1.EC; interrupts go to the kernel's dispatcher and
 * may end in a thread switch.  Anything unexpected ends in a panic
 * report with registers and a backtrace (arch/arm64/fault.c).
 */
#include <stddef.h>
#include <asm/asm_offsets.h>
#include <asm/esr.h>
#include <asm/trap_frame.h>
#include <vireo/cpu.h>
#include <vireo/irq.h>
#include <vireo/klog.h>
#include <vireo/mte.h>
#include <vireo/panic.h>
#include <vireo/signal.h>
#include <vireo/task.h>
#include <vireo/thread.h>
#include "arm64_priv.h"

_Static_assert(offsetof(struct trap_frame, sp) == TF_SP, "trap frame");
_Static_assert(offsetof(struct trap_frame, elr) == TF_ELR, "trap frame");
_Static_assert(offsetof(struct trap_frame, esr) == TF_ESR, "trap frame");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap frame");
_Static_assert(TF_SIZE % 16 == 0, "stack alignment");
_Static_assert(offsetof(struct cpu, current) == CPU_CURRENT, "asm_offsets.h");
_Static_assert(offsetof(struct cpu, emergency_sp) == CPU_EMERGENCY_SP,
	       "asm_offsets.h");
_Static_assert(offsetof(struct thread, stack) == THREAD_STACK, "asm_offsets.h");
_Static_assert(offsetof(struct thread, sigalt_lo) == THREAD_SIGALT_LO, "asm_offsets.h");
_Static_assert(offsetof(struct thread, sigalt_hi) == THREAD_SIGALT_HI, "asm_offsets.h");
_Static_assert(offsetof(struct thread, kernel_tp) == THREAD_KERNEL_TP, "asm_offsets.h");
_Static_assert(offsetof(struct trap_frame, tpidr) == TF_TPIDR, "trap frame");

/* Enough for the report and a panic (the formatter runs here). */
#define EMERGENCY_STACK_SIZE 4096

static uint8_t emergency_stacks[CONFIG_SMP_NCPUS][EMERGENCY_STACK_SIZE]
	__attribute__((aligned(16)));

void arm64_emergency_stacks_init(void)
{
	for (int i = 0; i < CONFIG_SMP_NCPUS; i++)
		cpus[i].emergency_sp =	/* the top: stacks grow down */
			(uintptr_t)(emergency_stacks[i] + EMERGENCY_STACK_SIZE);
}

/* Thread context again, on the top of the overflowed thread's stack. */
static __noreturn void thread_stack_overflow_irq_on(void)
{
	arm64_fpu_exception_exit();	/* as on any exception's way out */
	arch_irq_enable();
	thread_stack_overflow();
}

/*
 * Whether a fault (or overflow) of the current thread can end its task
 * alone: an application thread, not inside an exception handler, and
 * interrupted with IRQs unmasked (with them masked it may hold a
 * spinlock, which nothing could give back).  Otherwise: panic.
 */
static bool task_can_die(const struct cpu *c, uint64_t spsr)
{
	const struct thread *t = c->current;

	return t && t->task != task_kernel() && t->stack_alloc &&
	       c->exception_depth <= 1 && !arch_irq_flags_masked(spsr);
}

/*
 * The current thread overflowed its stack (vectors.S moved us to this
 * CPU's emergency stack, IRQs masked).  A kernel thread, or an overflow
 * inside an interrupt handler, cannot be ended alone: panic.  Otherwise
 * the thread's own stack is abandoned (nothing on it is used again) and
 * thread_stack_overflow() reports it and ends its task as SIGSEGV would,
 * running from the top of that stack with IRQs on: the emergency stack
 * is only used with IRQs masked, so another CPU-local overflow cannot
 * find it in use.
 */
__noreturn void arm64_stack_overflow(uintptr_t sp)
{
	struct cpu *c = this_cpu();
	struct thread *t = c->current;
	uint64_t spsr = read_sysreg(spsr_el1);

	if (!task_can_die(c, spsr))
		panic("stack overflow in thread %s (tid %d)%s: sp %#lx, stack %p, "
		      "elr %#lx, spsr %#lx", t->name, t->tid,
		      c->exception_depth ? " in an exception handler" : "",
		      (unsigned long)sp, t->stack,
		      (unsigned long)read_sysreg(elr_el1), (unsigned long)spsr);
	arm64_call_on_stack((uintptr_t)t->stack + t->stack_size,
			    thread_stack_overflow_irq_on);
}

/* A data abort on the guard page below the current thread's stack (an
 * access far below SP, e.g. a large local array): the overflow path too. */
static bool guard_fault(const struct trap_frame *f)
{
	const struct thread *t = this_cpu()->current;

	uintptr_t far = (uintptr_t)mte_untag((void *)f->far);

	return ESR_EC(f->esr) == ESR_EC_DABT_CUR && t && t->guard_lo &&
	       far >= t->guard_lo && far < (uintptr_t)mte_untag(t->stack);
}

/* The signal POSIX names for a fault of this class. */
static int fault_signal(unsigned int ec)
{
	switch (ec) {
	case ESR_EC_UNKNOWN:
	case ESR_EC_ILLEGAL:
	case ESR_EC_BTI:
	case ESR_EC_FPAC:
		return SIGILL;
	case ESR_EC_PC_ALIGN:
	case ESR_EC_SP_ALIGN:
		return SIGBUS;
	case ESR_EC_FP_EXC64:
		return SIGFPE;
	case ESR_EC_BRK64:
		return SIGTRAP;
	default:
		return SIGSEGV;
	}
}

/* Thread context again, on the top of the faulting thread's stack
 * (whatever the fault left on it is abandoned, its SP may be bad). */
static __noreturn void thread_fault_irq_on(void)
{
	int sig = this_cpu()->current->fault_sig;

	arm64_fpu_exception_exit();
	arch_irq_enable();
	thread_fault_exit(sig);
}

/*
 * A fault in an application thread that can end alone (task_can_die):
 * the crash report as for a panic, without stopping anything, then the
 * task ends with the fault's signal.  Kernel threads still panic.
 */
static void fault(struct trap_frame *f)
{
	struct cpu *c = this_cpu();
	struct thread *t = c->current;

	c->exception_depth++;	/* a fault in the report itself: panic */
	if (!task_can_die(c, f->spsr) || c->exception_depth > 1)
		arm64_fatal_exception(f, NULL);
	t->fault_sig = fault_signal(ESR_EC(f->esr));
	arm64_fault_report(f, t->fault_sig);
	c->exception_depth--;
	arm64_call_on_stack((uintptr_t)t->stack + t->stack_size,
			    thread_fault_irq_on);
}

void arm64_sync_handler(struct trap_frame *f)
{
	struct cpu *c = this_cpu();

	/* The commonest: the first FP/SIMD use since a switch (lazy FPU;
	 * picolibc's memset is one), never a fix-up, SVC or guard fault. */
	if (ESR_EC(f->esr) == ESR_EC_FP_ASIMD) {
		c->exception_depth++;
		arm64_fpu_trap();
		c->exception_depth--;
		arm64_fpu_exception_exit();
		return;
	}
	/* A bad user pointer (-EFAULT), a semihosting call without a host */
	if (arm64_extable_fixup(f)) {
		arm64_fpu_exception_exit();
		return;
	}
	if (ESR_EC(f->esr) == ESR_EC_SVC64 && arm64_from_el0(f)) {
		arm64_syscall(f);
		arm64_fpu_exception_exit();
		return;
	}
	if (guard_fault(f))
		arm64_stack_overflow_entry();	/* IRQs still masked */
	/* A fault at EL0 whose signal the program handles: to the handler
	 * (a fault inside it, with the signal blocked, ends the task). */
	if (arm64_from_el0(f) &&
	    signal_user_fault(fault_signal(ESR_EC(f->esr)), f->far)) {
		arm64_user_return(f, NULL);
		arm64_fpu_exception_exit();
		return;
	}
	fault(f);	/* returns only if it panicked: never */
}

void arm64_irq_handler(struct trap_frame *f)
{
	struct cpu *c = this_cpu();

	if (c->exception_depth == 0)
		arm64_fpu_irq_entry();
	c->exception_depth++;
	irq_dispatch();
	c->exception_depth--;
	if (c->exception_depth == 0) {
		/* Thread level again before a switch saves the registers. */
		arm64_fpu_exception_exit();
		sched_irq_exit();	/* may switch threads and come back later */
		/* Signals, a task kill or an asynchronous cancellation: run
		 * on the thread's stack with IRQs on, as thread code would;
		 * the trap frame below stays intact for the return.  Only a
		 * few such deliveries nest (signal_irq_delivery_begin()).
		 * Back to EL0, handlers run there (signal frames). */
		if (arm64_from_el0(f))
			arm64_user_return(f, NULL);
		else if (signal_pending() && signal_irq_delivery_begin()) {
			arch_irq_enable();
			signal_irq_exit_deliver();
			arch_irq_disable();
			signal_irq_delivery_end();
		}
	}
	arm64_fpu_exception_exit();
}

void arm64_unexpected_handler(struct trap_frame *f, int kind)
{
	static const char *const kinds[] = {
		"exception with SP_EL0 at EL1", "exception from EL0",
		"FIQ", "SError",
	};
	this_cpu()->exception_depth++;
	arm64_fatal_exception(f, kinds[kind & 3]);
}
