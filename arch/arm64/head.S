/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Entry of a Vireo image.  QEMU starts the boot CPU here at EL2 (machine
 * virtualization=on) or EL1, with the MMU and caches off.  We drop to
 * EL1, build a one-level identity map in which the 1 GiB block holding
 * the image is normal cacheable memory and everything else is device
 * memory, turn the MMU on, and call C.  The C code replaces this map by
 * the final one once it has read the device tree.
 */
#include <asm/sysregs.h>

/* reg = non-zero when the CPU has pointer authentication (FEAT_PAuth:
 * QARMA5, QARMA3 or an implementation-defined algorithm). */
.macro pauth_present reg, tmp
	mrs	\reg, id_aa64isar1_el1
	and	\reg, \reg, #ID_ISAR1_APA_API_MASK
	mrs	\tmp, ID_AA64ISAR2_EL1
	and	\tmp, \tmp, #ID_ISAR2_APA3_MASK
	orr	\reg, \reg, \tmp
.endm

	.section .text.boot, "ax"
	.globl _start
_start:
	mov	x19, x0			/* device-tree pointer, if any */
	bl	arm64_to_el1
	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
	/* 64 bytes a round, then 16 (bss is 16-byte aligned by the linker);
	 * the MMU is off, so no DC ZVA (Device memory). */
1:	sub	x2, x1, x0
	cmp	x2, #64
	b.lo	2f
	stp	xzr, xzr, [x0]
	stp	xzr, xzr, [x0, #16]
	stp	xzr, xzr, [x0, #32]
	stp	xzr, xzr, [x0, #48]
	add	x0, x0, #64
	b	1b
2:	cmp	x0, x1
	b.hs	3f
	stp	xzr, xzr, [x0], #16
	b	2b
3:	adrp	x0, boot_stack_top
	add	x0, x0, :lo12:boot_stack_top
	mov	sp, x0
	bl	arm64_boot_map
	bl	arm64_mmu_on
#ifdef CONFIG_ARM64_BRANCH_PROTECTION
	mov	x0, #1			/* draw the boot's key */
	bl	arm64_pac_enable
#endif
	mov	x0, x19
	mov	x29, xzr		/* terminates backtraces */
	mov	x30, xzr
	b	arm64_boot_primary	/* kernel/init.c, never returns */

/*
 * arm64_secondary_entry: where PSCI CPU_ON starts a secondary CPU (at EL2
 * or EL1, MMU and caches off), x0 = the context id = its struct cpu.
 * The boot CPU cleaned arm64_ttbr0 to the point of coherency before the
 * call, so the uncached read in arm64_mmu_on sees the final tables.  With
 * the MMU on, cpu->boot_sp (the top of its idle thread's stack) is read
 * coherently.  TPIDR_EL1 = the struct cpu before any C code runs.
 */
	.globl arm64_secondary_entry
arm64_secondary_entry:
	mov	x19, x0
	bl	arm64_to_el1
	bl	arm64_mmu_on
#ifdef CONFIG_ARM64_BRANCH_PROTECTION
	mov	x0, #0			/* the boot CPU's key */
	bl	arm64_pac_enable
#endif
	ldr	x0, [x19]		/* cpu->boot_sp: first field of struct cpu */
	mov	sp, x0
	msr	tpidr_el1, x19
	mov	x0, x19
	mov	x29, xzr
	mov	x30, xzr
	b	arm64_boot_secondary	/* arch/arm64/smp.c, never returns */

/*
 * arm64_to_el1: leaves this CPU at EL1h with interrupts masked, timers and
 * FP usable from EL1.  Clobbers x0-x2; keeps x19-x30.
 */
arm64_to_el1:
	mrs	x0, CurrentEL
	cmp	x0, #CURRENTEL_EL2
	b.ne	1f
	mov	x0, #HCR_EL2_RW
	mrs	x1, id_aa64pfr1_el1	/* MTE2: let EL1 reach the tags */
	ubfx	x1, x1, #ID_PFR1_MTE_SHIFT, #4
	cmp	x1, #2
	cset	x1, hs
	orr	x0, x0, x1, lsl #HCR_EL2_ATA_SHIFT
	pauth_present x1, x2		/* PAuth: EL1 uses keys and instructions */
	cmp	x1, #0
	cset	x1, ne
	orr	x1, x1, x1, lsl #1
	orr	x0, x0, x1, lsl #HCR_EL2_APK_API_SHIFT
	msr	hcr_el2, x0
	mov	x0, #(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN)
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr	/* virtual counter == physical counter */
	mov	x0, #0x33ff		/* CPTR_EL2: RES1 bits, no FP/SIMD trap */
	msr	cptr_el2, x0
	msr	hstr_el2, xzr
	mrs	x0, id_aa64pfr0_el1	/* GICv3 system registers present? */
	ubfx	x0, x0, #24, #4
	cbz	x0, 2f
	mrs	x0, S3_4_C12_C9_5	/* ICC_SRE_EL2: SRE, DFB, DIB, and */
	orr	x0, x0, #0xf		/* Enable = EL1 may use ICC_SRE_EL1 */
	msr	S3_4_C12_C9_5, x0
	isb
2:
	mrs	x0, midr_el1		/* EL1 sees the real IDs */
	msr	vpidr_el2, x0
	mrs	x0, mpidr_el1
	msr	vmpidr_el2, x0
	ldr	x0, =SCTLR_RES1
	msr	sctlr_el1, x0
	mov	x0, #SPSR_EL1H_MASKED
	msr	spsr_el2, x0
	adr	x0, 1f
	msr	elr_el2, x0
	isb
	eret				/* continues at 1: in EL1, x30 intact */
1:	msr	daifset, #0xf
	ldr	x0, =SCTLR_RES1
	msr	sctlr_el1, x0
	mov	x0, #CPACR_FPEN_NONE	/* FP usable until the lazy trap takes over */
	msr	cpacr_el1, x0
	isb
	ret

/*
 * arm64_boot_map: fills boot_l0/boot_l1 with a 512 GiB identity map of
 * 1 GiB blocks: the block holding the image normal memory, all others
 * Device-nGnRE.  Runs with the MMU off.  Clobbers x0-x6.
 */
arm64_boot_map:
	adrp	x0, boot_l0
	adrp	x1, boot_l1
	orr	x2, x1, #(PTE_VALID | PTE_TABLE)
	str	x2, [x0]
	adrp	x3, __image_start
	lsr	x3, x3, #30		/* index of the image's 1 GiB block */
	mov	x4, #0
	ldr	x5, =(PTE_VALID | PTE_BLOCK | PTE_AF | PTE_ATTRIDX(MT_DEVICE_nGnRE) | PTE_PXN | PTE_UXN)
	ldr	x6, =(PTE_VALID | PTE_BLOCK | PTE_AF | PTE_SH_INNER | PTE_ATTRIDX(MT_NORMAL))
1:	lsl	x2, x4, #30
	cmp	x4, x3
	csel	x0, x6, x5, eq
	orr	x2, x2, x0
	str	x2, [x1, x4, lsl #3]
	add	x4, x4, #1
	cmp	x4, #512
	b.lo	1b
	dsb	sy
	ret

#ifdef CONFIG_ARM64_MTE
/* Tagged pointers translate from the first instruction on (TBI0 is
 * ARMv8.0; MTE itself is probed later).  TBI0 also decides which bits
 * hold a return address's authentication code, so it must not change
 * while a signed return address is on the stack. */
#define TCR_BOOT_ALL	(TCR_BOOT | TCR_TBI0)
#else
#define TCR_BOOT_ALL	TCR_BOOT
#endif

/*
 * arm64_mmu_on: programs MAIR/TCR/TTBR0 from arm64_ttbr0 (the boot tables
 * until C installs the final ones) and enables the MMU and caches.
 * Clobbers x0-x2.
 */
arm64_mmu_on:
	ldr	x0, =MAIR_VALUE
	msr	mair_el1, x0
	mrs	x1, id_aa64mmfr0_el1
	and	x1, x1, #7		/* PARange -> TCR.IPS, same encoding */
	ldr	x0, =TCR_BOOT_ALL
	orr	x0, x0, x1, lsl #TCR_IPS_SHIFT
	msr	tcr_el1, x0
	adrp	x0, arm64_ttbr0
	ldr	x0, [x0, :lo12:arm64_ttbr0]
	cbnz	x0, 1f
	adrp	x0, boot_l0
1:	msr	ttbr0_el1, x0
	tlbi	vmalle1			/* stale entries from firmware, if any */
	dsb	nsh
	isb
	mrs	x0, sctlr_el1
	ldr	x1, =(SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SA)
	orr	x0, x0, x1
	bic	x0, x0, #SCTLR_A
	msr	sctlr_el1, x0
	isb
	ret

#ifdef CONFIG_ARM64_BRANCH_PROTECTION
/*
 * arm64_pac_enable: turns on return-address signing with the A key
 * (SCTLR_EL1.EnIA) before the first C function runs: a function that
 * signed its return address while the key was off would fail to
 * authenticate it once the key is on.  One key per boot, shared by all
 * CPUs because threads move between them.  The boot CPU (x0 = 1) draws
 * it first: from RNDR where the CPU has FEAT_RNG, else from the counter
 * (weak: the time since reset, mixed by a multiply).  Without FEAT_PAuth
 * nothing changes and PACIASP/AUTIASP stay NOPs.  Clobbers x0-x3.
 */
arm64_pac_enable:
	pauth_present x1, x2
	cbz	x1, 9f
	adrp	x3, arm64_pac_key
	add	x3, x3, :lo12:arm64_pac_key
	cbz	x0, 3f
	mrs	x1, id_aa64isar0_el1
	lsr	x1, x1, #ID_ISAR0_RNDR_SHIFT
	cbz	x1, 1f
	mrs	x1, RNDR		/* Z set: no entropy this time */
	b.eq	1f
	mrs	x2, RNDR
	b.ne	2f
1:	mrs	x1, cntpct_el0
	ldr	x2, =0x9e3779b97f4a7c15	/* odd: the multiply is a bijection */
	mul	x1, x1, x2
	eor	x2, x2, x1, ror #29
	mul	x2, x2, x1
2:	stp	x1, x2, [x3]
3:	ldp	x1, x2, [x3]
	msr	APIAKEYLO_EL1, x1
	msr	APIAKEYHI_EL1, x2
	mrs	x0, sctlr_el1
	orr	x0, x0, #SCTLR_EnIA
	msr	sctlr_el1, x0
	isb
9:	ret

	.section .bss.pac_key, "aw", %nobits
	.balign 16
	.globl arm64_pac_key
arm64_pac_key:	.skip 16		/* APIAKey: low, high */
#endif

	.section .bss.boot_tables, "aw", %nobits
	.balign 4096
boot_l0:	.skip 4096
boot_l1:	.skip 4096
	.balign 16
	.globl boot_stack, boot_stack_top
boot_stack:	.skip 16384
boot_stack_top:
