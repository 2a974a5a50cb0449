// SPDX-License-Identifier: BSD-2-Clause
/*
 * Exception handlers called from vectors.S: synchronous exceptions are
 * decoded from ESR_EL1.EC; interrupts go to the kernel's dispatcher and
 * may end in a thread switch.  Anything unexpected ends in a panic
 * report with registers and a backtrace (arch/arm64/fault.c).
 */
#include <stddef.h>
#include <asm/esr.h>
#include <asm/trap_frame.h>
#include <vireo/cpu.h>
#include <vireo/irq.h>
#include <vireo/signal.h>
#include <vireo/thread.h>
#include "arm64_priv.h"

_Static_assert(offsetof(struct trap_frame, sp) == TF_SP, "trap frame");
_Static_assert(offsetof(struct trap_frame, elr) == TF_ELR, "trap frame");
_Static_assert(offsetof(struct trap_frame, esr) == TF_ESR, "trap frame");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap frame");
_Static_assert(TF_SIZE % 16 == 0, "stack alignment");

void arm64_sync_handler(struct trap_frame *f)
{
	struct cpu *c = this_cpu();

	c->exception_depth++;
	switch (ESR_EC(f->esr)) {
	case ESR_EC_FP_ASIMD:
		arm64_fpu_trap();
		break;
	default:
		arm64_fatal_exception(f, NULL);
	}
	c->exception_depth--;
	arm64_fpu_exception_exit();
}

void arm64_irq_handler(struct trap_frame *f)
{
	struct cpu *c = this_cpu();

	c->exception_depth++;
	irq_dispatch();
	c->exception_depth--;
	if (c->exception_depth == 0) {
		sched_irq_exit();	/* may switch threads and come back later */
		/* Signals, a task kill or an asynchronous cancellation: run
		 * on the thread's stack with IRQs on, as thread code would;
		 * the trap frame below stays intact for the return. */
		if (signal_pending()) {
			arch_irq_enable();
			signal_irq_exit_deliver();
			arch_irq_disable();
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
