/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Process entry of the test programs: the kernel leaves sp at argc,
 * argv[], NULL, envp[], NULL, auxv (AArch64 System V ABI); main's
 * return value goes to exit.  And the signal restorer, the sa_restorer
 * of their handlers.
 */
#include <generated/syscall_nr.h>

	.section .text.start, "ax"
	.globl _start
_start:
	ldr	x0, [sp]		/* argc */
	add	x1, sp, #8		/* argv */
	add	x2, x1, x0, lsl #3
	add	x2, x2, #8		/* envp: past argv's NULL */
	mov	x29, #0			/* the outermost frame */
	mov	x30, #0
	bl	main
	mov	x8, #SYS_exit
	svc	#0
	brk	#0			/* exit does not return */

/*
 * A handler returns here (LR) with sp back at its signal frame
 * (<asm/sigframe.h>): sigreturn(sp) resumes what the signal interrupted.
 */
	.text
	.globl u_sigrestorer
	.type u_sigrestorer, %function
u_sigrestorer:
	mov	x0, sp
	mov	x8, #SYS_sigreturn
	svc	#0
	brk	#1			/* sigreturn does not return here */
	.size u_sigrestorer, . - u_sigrestorer
