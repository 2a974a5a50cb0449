/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arm64_context_switch(from, to): x0 = struct arch_context to save into,
 * x1 = struct arch_context to resume.  Saves x19-x30, sp and TPIDR_EL0;
 * everything else is caller-saved under the AAPCS64 or belongs to the
 * lazy FPU code.  Called with IRQs masked; returns into `to`.
 * Offsets match struct arch_context in <vireo/arch.h>.
 */
#define CTX_X19		0
#define CTX_FP		80
#define CTX_SP		96
#define CTX_TPIDR	104

	.text
	.globl arch_context_switch
arch_context_switch:
	stp	x19, x20, [x0, #CTX_X19 + 0]
	stp	x21, x22, [x0, #CTX_X19 + 16]
	stp	x23, x24, [x0, #CTX_X19 + 32]
	stp	x25, x26, [x0, #CTX_X19 + 48]
	stp	x27, x28, [x0, #CTX_X19 + 64]
	stp	x29, x30, [x0, #CTX_FP]
	mov	x2, sp
	mrs	x3, tpidr_el0
	stp	x2, x3, [x0, #CTX_SP]

	ldp	x19, x20, [x1, #CTX_X19 + 0]
	ldp	x21, x22, [x1, #CTX_X19 + 16]
	ldp	x23, x24, [x1, #CTX_X19 + 32]
	ldp	x25, x26, [x1, #CTX_X19 + 48]
	ldp	x27, x28, [x1, #CTX_X19 + 64]
	ldp	x29, x30, [x1, #CTX_FP]
	ldp	x2, x3, [x1, #CTX_SP]
	mov	sp, x2
	msr	tpidr_el0, x3
	/* Fall through: tag checks on in the thread we resume. */

/*
 * Taking an exception sets PSTATE.TCO (tag checks off) and ERET restores
 * it, but a thread resumed by a switch made inside an exception handler
 * (or started by one) would inherit the handler's TCO = 1 and never be
 * checked again.  Thread context runs with TCO = 0 when MTE is on
 * (arch/arm64/mte.c); MSR TCO is undefined without MTE, hence the flag.
 * Clobbers x4.
 */
arm64_tco_clear:
	adrp	x4, arm64_mte_on
	ldrb	w4, [x4, :lo12:arm64_mte_on]
	cbz	w4, 1f
	.inst	0xd503409f		/* msr tco, #0 (ARMv8.5 MTE) */
1:	ret

/*
 * First code of every new thread (x30 of a fresh context): a zero frame
 * pointer ends backtraces here; C does the rest.
 */
	.globl arm64_thread_trampoline
arm64_thread_trampoline:
	bl	arm64_tco_clear
	mov	x29, xzr
	bl	sched_thread_entry	/* never returns */
	brk	#0

/*
 * arch_call_on_stack(sp, fn, arg): calls fn(arg) on the stack whose top
 * is sp and returns on the caller's.  In: x0 = sp (16-byte aligned),
 * x1 = fn, x2 = arg.  Clobbers what a call clobbers.  The caller's sp
 * is kept in x29, which fn preserves (callee-saved) and whose frame
 * record chains fn's backtrace to the caller's.
 */
	.globl arch_call_on_stack
arch_call_on_stack:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	mov	sp, x0
	mov	x0, x2
	blr	x1
	mov	sp, x29
	ldp	x29, x30, [sp], #16
	ret
