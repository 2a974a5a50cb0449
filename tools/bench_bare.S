/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The bare-metal reference of `make bench` (tools/bench.py): the least an
 * image can do on QEMU's virt machine, print one line and power off, so
 * that Vireo's boot time can be given as a ratio to it, measured on the
 * same host in the same run.  A measuring tool, not Vireo: the UART's
 * address (QEMU virt's PL011 at 0x09000000, its data register at offset
 * 0) and the PSCI conduit (smc, as on the configurations' virtualization=on
 * line) are written in rather than read from the device tree.
 */
	.text
	.globl	_start
_start:
	mov	x1, #0x09000000		/* PL011 UARTDR */
	adr	x2, line
1:	ldrb	w3, [x2], #1
	cbz	w3, 2f
	strb	w3, [x1]
	b	1b
2:	ldr	w0, =0x84000008		/* PSCI SYSTEM_OFF (DEN0022, 5.1.9) */
	smc	#0
3:	wfi
	b	3b

line:	.asciz	"bare-metal: hello\r\n"
