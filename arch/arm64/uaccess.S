/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The copies of the user-access path (arch/arm64/uaccess.c).  Every load
 * or store of user memory is an unprivileged LDTR/STTR (Arm ARM C6.2):
 * run at EL1, it is checked with EL0's permissions, so a kernel address
 * faults like a missing page.  Each such instruction has an entry in
 * __ex_table (its address, the fix-up's); the EL1 data-abort handler
 * resumes a fault there at the fix-up, which returns 1.
 * Unaligned 8-byte accesses are fine: SCTLR_EL1.A is clear (head.S).
 */

/* The instruction on this line may fault on user memory. */
.macro USER insn:vararg
9999:	\insn
	.pushsection __ex_table, "a"
	.balign 8
	.quad	9999b, uaccess_fault
	.popsection
.endm

	.text
/*
 * arm64_copy_from_user(dst = x0, user src = x1, n = x2) -> x0 = 0, or 1
 * when a user byte faulted.  Clobbers x0-x4.
 */
	.globl arm64_copy_from_user
	.type arm64_copy_from_user, %function
arm64_copy_from_user:
	cmp	x2, #8
	b.lo	2f
1:	USER ldtr x3, [x1]
	str	x3, [x0], #8
	add	x1, x1, #8
	sub	x2, x2, #8
	cmp	x2, #8
	b.hs	1b
2:	cbz	x2, 4f
3:	USER ldtrb w3, [x1]
	strb	w3, [x0], #1
	add	x1, x1, #1
	subs	x2, x2, #1
	b.ne	3b
4:	mov	x0, #0
	ret
	.size arm64_copy_from_user, . - arm64_copy_from_user

/*
 * arm64_copy_to_user(user dst = x0, src = x1, n = x2) -> x0 = 0, or 1
 * when a user byte faulted.  Clobbers x0-x4.
 */
	.globl arm64_copy_to_user
	.type arm64_copy_to_user, %function
arm64_copy_to_user:
	cmp	x2, #8
	b.lo	2f
1:	ldr	x3, [x1], #8
	USER sttr x3, [x0]
	add	x0, x0, #8
	sub	x2, x2, #8
	cmp	x2, #8
	b.hs	1b
2:	cbz	x2, 4f
3:	ldrb	w3, [x1], #1
	USER sttrb w3, [x0]
	add	x0, x0, #1
	subs	x2, x2, #1
	b.ne	3b
4:	mov	x0, #0
	ret
	.size arm64_copy_to_user, . - arm64_copy_to_user

/*
 * arm64_strncpy_from_user(dst = x0, user src = x1, size = x2 > 0,
 * &len = x3) -> x0 = 0 and *x3 = bytes before the NUL (size when none
 * came), or x0 = 1 when a user byte faulted.  Clobbers x0-x5.
 */
	.globl arm64_strncpy_from_user
	.type arm64_strncpy_from_user, %function
arm64_strncpy_from_user:
	mov	x4, #0
1:	USER ldtrb w5, [x1, #0]
	strb	w5, [x0, x4]
	cbz	w5, 2f
	add	x1, x1, #1
	add	x4, x4, #1
	cmp	x4, x2
	b.lo	1b
2:	str	x4, [x3]
	mov	x0, #0
	ret
	.size arm64_strncpy_from_user, . - arm64_strncpy_from_user

/* Where a faulting user access resumes: report the fault. */
	.type uaccess_fault, %function
uaccess_fault:
	mov	x0, #1
	ret
	.size uaccess_fault, . - uaccess_fault
