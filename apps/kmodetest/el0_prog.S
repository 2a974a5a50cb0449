/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A position-independent program that kmodetest copies into a user
 * address space and runs at EL0.  In: x0 = what to do, x1 = its
 * argument, sp = the top of its stack (an unmapped page lies under the
 * stack).  Every case first makes two system calls (getppid, write of a
 * line to fd 1); then:
 *   0  exit(42) if getppid() == x1, else exit(1)
 *   1  read the kernel address x1        5  write its own text
 *   2  write the kernel address x1       6  an undefined instruction
 *   3  jump to address 0                 7  recurse past its stack
 *   4  execute its stack                 8  x1-seeded random system calls
 *                                           (numbers 0-255, random
 *                                           arguments) 4000 times, exit(42);
 *                                           not exit, sigreturn (a bad
 *                                           frame ends it), sigsuspend
 *                                           (waits for a signal), kill
 *                                           (may end any process),
 *                                           clock_setrealtime (the
 *                                           system's time), thread_exit
 *                                           (ends the caller), sigqueue
 *                                           (as kill), sigtimedwait (a
 *                                           random deadline: forever),
 *                                           alarm and itimer (a later
 *                                           SIGALRM ends the program)
 *   9  getppid() x1 times, exit(42)     10  write(x1 >> 32, 26 bytes)
 *                                           (x1 & 0xffffffff) times, exit(42)
 * A bad case ends in a fault: the kernel must end this process alone.
 */
#include <generated/syscall_nr.h>

#define FUZZ_CALLS	4000

	.section .rodata.el0_prog, "a"
	.balign 16
	.globl el0_prog_start, el0_prog_end
el0_prog_start:
	mov	x19, x0
	mov	x20, x1
	mov	x8, #SYS_getppid
	svc	#0
	mov	x21, x0
	mov	x0, #1
	adr	x1, msg
	mov	x2, #(msg_end - msg)
	mov	x8, #SYS_write
	svc	#0
	cmp	x0, #(msg_end - msg)
	b.ne	fail
	adr	x9, cases
	cmp	x19, #10
	b.hi	fail
	add	x9, x9, x19, lsl #2
	br	x9
cases:
	b	check_ppid
	b	read_kernel
	b	write_kernel
	b	jump_zero
	b	exec_stack
	b	write_text
	b	undefined
	b	overflow
	b	fuzz
	b	null_calls
	b	write_calls

check_ppid:
	cmp	x21, x20
	b.ne	fail
	b	exit42
read_kernel:
	ldr	x0, [x20]
	b	fail
write_kernel:
	str	xzr, [x20]
	b	fail
jump_zero:
	mov	x0, #0
	br	x0
exec_stack:
	ldr	w0, ret_insn
	str	w0, [sp, #-16]!
	mov	x0, sp
	blr	x0
	b	fail
write_text:
	adr	x0, el0_prog_start
	str	xzr, [x0]
	b	fail
undefined:
	udf	#0
overflow:
	stp	x29, x30, [sp, #-16]!
	b	overflow

null_calls:
	cbz	x20, exit42
	mov	x8, #SYS_getppid
	svc	#0
	sub	x20, x20, #1
	b	null_calls
write_calls:
	lsr	x26, x20, #32
	and	x25, x20, #0xffffffff
1:	cbz	x25, exit42
	mov	x0, x26
	adr	x1, msg
	mov	x2, #(msg_end - msg)
	mov	x8, #SYS_write
	svc	#0
	sub	x25, x25, #1
	b	1b

/* x22: the generator's state (64-bit LCG, Knuth's MMIX constants). */
fuzz:
	mov	x22, x20
	ldr	x23, lcg_mul
	ldr	x24, lcg_add
	mov	x25, #FUZZ_CALLS
1:	bl	next
	lsr	x8, x22, #56			/* 0..255: every service */
	cmp	x8, #SYS_exit
	b.eq	1b
	cmp	x8, #SYS_sigreturn
	b.eq	1b
	cmp	x8, #SYS_sigsuspend
	b.eq	1b
	cmp	x8, #SYS_kill
	b.eq	1b
	cmp	x8, #SYS_clock_setrealtime
	b.eq	1b
	cmp	x8, #SYS_thread_exit
	b.eq	1b
	cmp	x8, #SYS_sigqueue
	b.eq	1b
	cmp	x8, #SYS_sigtimedwait
	b.eq	1b
	cmp	x8, #SYS_alarm
	b.eq	1b
	cmp	x8, #SYS_itimer
	b.eq	1b
	bl	next
	mov	x0, x22
	bl	next
	mov	x1, x22
	bl	next
	mov	x2, x22
	bl	next
	mov	x3, x22
	bl	next
	mov	x4, x22
	bl	next
	mov	x5, x22
	svc	#0
	subs	x25, x25, #1
	b.ne	1b
exit42:
	mov	x0, #42
	b	exit
fail:
	mov	x0, #1
exit:
	mov	x8, #SYS_exit
	svc	#0
	b	fail

next:
	madd	x22, x22, x23, x24
	ret

	.balign 8
lcg_mul:	.quad	6364136223846793005
lcg_add:	.quad	1442695040888963407
ret_insn:	.word	0xd65f03c0		/* ret */
msg:	.ascii	"el0: hello from user mode\n"
msg_end:
	.balign 4
el0_prog_end:
