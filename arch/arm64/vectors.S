/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * EL1 exception vectors (Arm ARM D1.10.2).  Every entry pushes a struct
 * trap_frame on the current stack, calls a C handler with x0 = frame and
 * restores the frame on return.  Only the EL1h ("current EL with SP_ELx")
 * and lower-EL AArch64 groups are live; the others report and panic.
 * Assembly touches only general-purpose registers: FP/SIMD state belongs
 * to the lazy FPU code.
 *
 * Stack overflow: a thread that runs into the guard page below its stack
 * takes a data abort with SP already in (or below) the guard, and
 * pushing the frame there would fault again, forever.  So the EL1h
 * synchronous entry first compares SP with the bottom of the current
 * thread's usable stack and, when below, leaves for this CPU's
 * emergency stack without touching memory at SP.
 */
#include <asm/asm_offsets.h>
#include <asm/trap_frame.h>

.macro SAVE_FRAME from_el0
	sub	sp, sp, #TF_SIZE
	stp	x0, x1, [sp, #TF_X(0)]
	stp	x2, x3, [sp, #TF_X(2)]
	stp	x4, x5, [sp, #TF_X(4)]
	stp	x6, x7, [sp, #TF_X(6)]
	stp	x8, x9, [sp, #TF_X(8)]
	stp	x10, x11, [sp, #TF_X(10)]
	stp	x12, x13, [sp, #TF_X(12)]
	stp	x14, x15, [sp, #TF_X(14)]
	stp	x16, x17, [sp, #TF_X(16)]
	stp	x18, x19, [sp, #TF_X(18)]
	stp	x20, x21, [sp, #TF_X(20)]
	stp	x22, x23, [sp, #TF_X(22)]
	stp	x24, x25, [sp, #TF_X(24)]
	stp	x26, x27, [sp, #TF_X(26)]
	stp	x28, x29, [sp, #TF_X(28)]
.if \from_el0
	/* The program's thread pointer is its own (EL0 may write it at
	 * will): the kernel's C code, whose TLS (errno, picolibc's state)
	 * is found through TPIDR_EL0, runs with the thread's kernel one. */
	mrs	x0, tpidr_el0
	str	x0, [sp, #TF_TPIDR]
	mrs	x0, tpidr_el1
	ldr	x0, [x0, #CPU_CURRENT]
	ldr	x0, [x0, #THREAD_KERNEL_TP]
	msr	tpidr_el0, x0
	mrs	x0, sp_el0
.else
	add	x0, sp, #TF_SIZE
.endif
	stp	x30, x0, [sp, #TF_X(30)]
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x0, x1, [sp, #TF_ELR]
	mrs	x0, esr_el1
	mrs	x1, far_el1
	stp	x0, x1, [sp, #TF_ESR]
	/* Link a frame record so backtraces walk through the exception. */
	stp	x29, x0, [sp, #-16]!
	ldr	x0, [sp, #16 + TF_ELR]
	str	x0, [sp, #8]
	mov	x29, sp
	add	x0, sp, #16
.endm

.macro RESTORE_FRAME from_el0
	add	sp, sp, #16
	ldp	x0, x1, [sp, #TF_ELR]
	msr	elr_el1, x0
	msr	spsr_el1, x1
.if \from_el0
	ldr	x0, [sp, #TF_SP]
	msr	sp_el0, x0
	ldr	x0, [sp, #TF_TPIDR]
	msr	tpidr_el0, x0
.endif
	ldp	x0, x1, [sp, #TF_X(0)]
	ldp	x2, x3, [sp, #TF_X(2)]
	ldp	x4, x5, [sp, #TF_X(4)]
	ldp	x6, x7, [sp, #TF_X(6)]
	ldp	x8, x9, [sp, #TF_X(8)]
	ldp	x10, x11, [sp, #TF_X(10)]
	ldp	x12, x13, [sp, #TF_X(12)]
	ldp	x14, x15, [sp, #TF_X(14)]
	ldp	x16, x17, [sp, #TF_X(16)]
	ldp	x18, x19, [sp, #TF_X(18)]
	ldp	x20, x21, [sp, #TF_X(20)]
	ldp	x22, x23, [sp, #TF_X(22)]
	ldp	x24, x25, [sp, #TF_X(24)]
	ldp	x26, x27, [sp, #TF_X(26)]
	ldp	x28, x29, [sp, #TF_X(28)]
	ldr	x30, [sp, #TF_X(30)]
	add	sp, sp, #TF_SIZE
	eret
.endm

/*
 * Branches to label when SP's address is below that of reg (clobbered).
 * Either may carry an MTE tag in bits 63:56 (a stack's tag is in SP and
 * thread->stack, not in every bound), so the difference is compared with
 * its top byte shifted out: addresses differ by far less than 2^55.
 */
.macro SP_BELOW reg, label
	sub	\reg, sp, \reg
	lsl	\reg, \reg, #8
	tbnz	\reg, #63, \label
.endm

.macro VECTOR target
	.balign 128
	b	\target
.endm

	.section .text.vectors, "ax"
	.balign 2048
	.globl arm64_vectors
arm64_vectors:
	/* current EL with SP_EL0: never used by Vireo */
	VECTOR	el1t_unexpected
	VECTOR	el1t_unexpected
	VECTOR	el1t_unexpected
	VECTOR	el1t_unexpected
	/* current EL with SP_ELx */
	VECTOR	el1h_sync
	VECTOR	el1h_irq
	VECTOR	el1h_unexpected		/* FIQ: not routed by Vireo */
	VECTOR	el1h_serror
	/* lower EL, AArch64 */
	VECTOR	el0_sync
	VECTOR	el0_irq
	VECTOR	el0_unexpected
	VECTOR	el0_serror
	/* lower EL, AArch32: not supported */
	VECTOR	el0_unexpected
	VECTOR	el0_unexpected
	VECTOR	el0_unexpected
	VECTOR	el0_unexpected

.macro HANDLER name, from_el0, cfunc, kind=-1
\name:
	SAVE_FRAME \from_el0
.if \kind >= 0
	mov	x1, #\kind
.endif
	bl	\cfunc
	RESTORE_FRAME \from_el0
.endm

	.balign 4
/*
 * EL1h synchronous entry: the overflow check, then the usual frame.
 * TPIDRRO_EL0 holds x0 meanwhile (it is otherwise unused: threads keep
 * their TLS pointer in TPIDR_EL0).  IRQs are masked on exception entry,
 * so nothing else can use it; it is zeroed once x0 is back, as EL0 can
 * read it and must not see a kernel value.  The frame itself must
 * fit above the stack's bottom: an exception taken just above it would
 * otherwise fault again while saving the frame, and be reported as one
 * taken with IRQs masked.
 */
el1h_sync:
	msr	tpidrro_el0, x0
	mrs	x0, tpidr_el1			/* struct cpu */
	ldr	x0, [x0, #CPU_CURRENT]
	cbz	x0, 1f				/* early boot: no thread yet */
	ldr	x0, [x0, #THREAD_STACK]		/* lowest usable address */
	add	x0, x0, #TF_SIZE
	SP_BELOW x0, 2f
1:	mrs	x0, tpidrro_el0
	msr	tpidrro_el0, xzr
	SAVE_FRAME 0
	bl	arm64_sync_handler
	RESTORE_FRAME 0
	/* Below the thread's stack: legitimate only on its alternate
	 * signal stack [sigalt_lo, sigalt_hi) (0, 0 when it has none).
	 * x0 is the one free register, so the thread is loaded twice. */
2:	mrs	x0, tpidr_el1
	ldr	x0, [x0, #CPU_CURRENT]
	ldr	x0, [x0, #THREAD_SIGALT_LO]
	SP_BELOW x0, arm64_stack_overflow_entry
	mrs	x0, tpidr_el1
	ldr	x0, [x0, #CPU_CURRENT]
	ldr	x0, [x0, #THREAD_SIGALT_HI]
	SP_BELOW x0, 1b
	b	arm64_stack_overflow_entry

/*
 * Switches to this CPU's emergency stack and calls arm64_stack_overflow(),
 * which does not return.  Entered from el1h_sync above, and called from
 * C (a data abort whose address lies in the guard page while SP is still
 * above it).  In: IRQs masked.  Clobbers x0, x29, x30 and SP; nothing of
 * the overflowed stack is used again.  x0 = the SP it had, for the report.
 */
	.globl arm64_stack_overflow_entry
arm64_stack_overflow_entry:
	msr	tpidrro_el0, xzr		/* x0 of el1h_sync's check */
	mrs	x0, tpidr_el1
	ldr	x0, [x0, #CPU_EMERGENCY_SP]
	mov	x29, sp
	mov	sp, x0
	mov	x0, x29
	mov	x29, #0				/* backtraces stop here */
	mov	x30, #0
	b	arm64_stack_overflow

/*
 * arm64_call_on_stack(sp, fn): runs fn() (which must not return) on the
 * stack whose top is sp.  In: x0 = sp (16-byte aligned), x1 = fn.
 */
	.globl arm64_call_on_stack
arm64_call_on_stack:
	mov	sp, x0
	mov	x29, #0
	mov	x30, #0
	mov	x16, x1			/* BR x16 lands on fn's BTI c (BTI) */
	br	x16

/*
 * arm64_enter_user(frame): leaves for EL0 with the registers of the
 * struct trap_frame at x0 (ELR, SPSR = EL0t, SP_EL0, x0-x30), which lies
 * on the current thread's stack; it and everything above it is dead from
 * here, and the next exception from EL0 pushes its frame there.  In:
 * IRQs masked.  Does not return.
 */
	.globl arm64_enter_user
arm64_enter_user:
	sub	sp, x0, #16			/* as if after SAVE_FRAME */
	RESTORE_FRAME 1

HANDLER	el1h_irq, 0, arm64_irq_handler
HANDLER	el1h_serror, 0, arm64_unexpected_handler, 3
HANDLER	el1h_unexpected, 0, arm64_unexpected_handler, 2
HANDLER	el1t_unexpected, 0, arm64_unexpected_handler, 0
HANDLER	el0_sync, 1, arm64_sync_handler
HANDLER	el0_irq, 1, arm64_irq_handler
HANDLER	el0_serror, 1, arm64_unexpected_handler, 3
HANDLER	el0_unexpected, 1, arm64_unexpected_handler, 1
