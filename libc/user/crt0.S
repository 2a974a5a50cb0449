/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where an EL0 program starts: the kernel leaves sp at argc, argv[],
 * NULL, envp[], NULL, auxv (AArch64 System V ABI; kernel/kmode/
 * elf_stack.c), which start.c reads.  And the signal restorer every
 * sigaction() at EL0 installs (libc/signal.c): a handler returns here
 * with sp at its signal frame (<asm/sigframe.h>), and sigreturn(sp)
 * resumes what the signal interrupted.
 */
#include <generated/syscall_nr.h>

	.section .text.start, "ax"
	.globl _start
	.type _start, %function
_start:
	mov	x0, sp
	mov	x29, #0			/* the outermost frame */
	mov	x30, #0
	bl	__vireo_start		/* does not return */
	brk	#0
	.size _start, . - _start

	.text
	.globl __sigrestorer
	.type __sigrestorer, %function
__sigrestorer:
	mov	x0, sp
	mov	x8, #SYS_sigreturn
	svc	#0
	brk	#1			/* sigreturn does not return here */
	.size __sigrestorer, . - __sigrestorer
