/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * System-register field values used by the boot code and the MMU setup,
 * shared by C and assembly.  Section references are to the Arm ARM
 * (DDI 0487).
 */
#pragma once

#ifdef __ASSEMBLER__
#define UL(x) x
#else
#define UL(x) x##UL
#endif
#define BIT(n) (UL(1) << (n))

/* CurrentEL (D13.2.30): EL in bits [3:2] */
#define CURRENTEL_EL1		(1 << 2)
#define CURRENTEL_EL2		(2 << 2)

/* HCR_EL2 (D13.2.48): RW = EL1 is AArch64; ATA = EL1/EL0 may access
 * allocation tags (MTE; RES0 without it, so set only when present) */
#define HCR_EL2_RW		(1 << 31)
#define HCR_EL2_ATA_SHIFT	56
/* HCR_EL2.APK, API (D13.2.48): EL1 may use the pointer authentication
 * keys and instructions without a trap to EL2 (RES0 without FEAT_PAuth) */
#define HCR_EL2_APK_API_SHIFT	40

/* Pointer authentication (FEAT_PAuth): present when any of
 * ID_AA64ISAR1_EL1.APA [7:4], API [11:8] or ID_AA64ISAR2_EL1.APA3 [15:12]
 * is non-zero.  SCTLR_EL1.EnIA enables the A instruction key (PACIASP).
 * FEAT_BTI: ID_AA64PFR1_EL1.BT [3:0]; guarded pages have PTE_GP.
 * FEAT_RNG: ID_AA64ISAR0_EL1.RNDR [63:60]. */
#define ID_ISAR1_APA_API_MASK	0xff0
#define ID_ISAR2_APA3_MASK	0xf000
#define ID_PFR1_BT_MASK		0xf
#define ID_ISAR0_RNDR_SHIFT	60
#define SCTLR_EnIA		BIT(31)
#define APIAKEYLO_EL1		S3_0_C2_C1_0
#define APIAKEYHI_EL1		S3_0_C2_C1_1
#define ID_AA64ISAR2_EL1	S3_0_C0_C6_2
#define RNDR			S3_3_C2_C4_0

/* ID_AA64PFR1_EL1.MTE (D13.2.65): 2 or more = tag memory instructions
 * and checks (FEAT_MTE2) */
#define ID_PFR1_MTE_SHIFT	8

/* MTE controls: SCTLR_EL1.ATA (EL1 tag access), TCF (EL1 tag check
 * fault: 1 = synchronous); TCR_EL1.TBI0 (top byte ignored) and TCMA0
 * (tag 0 pointers are unchecked: the kernel's own, untagged pointers);
 * GCR_EL1.RRND (random tags from the implementation) and Exclude */
#define SCTLR_ATA		BIT(43)
#define SCTLR_TCF_SYNC		BIT(40)
#define SCTLR_TCF_MASK		(UL(3) << 40)
#define TCR_TBI0		BIT(37)
#define TCR_TCMA0		BIT(57)
#define GCR_RRND		BIT(16)

/* CNTHCTL_EL2 (D13.8.3): EL1 may read the physical counter and timer */
#define CNTHCTL_EL1PCTEN	BIT(0)
#define CNTHCTL_EL1PCEN		BIT(1)

/* SPSR: EL1h with D, A, I and F masked */
#define SPSR_EL1H_MASKED	0x3c5

/* SCTLR_EL1 (D13.2.118) */
#define SCTLR_M			BIT(0)
#define SCTLR_A			BIT(1)
#define SCTLR_C			BIT(2)
#define SCTLR_SA		BIT(3)
#define SCTLR_I			BIT(12)
/* RES1 bits of the ARMv8.0 layout: 11, 20, 22, 23, 28, 29 */
#define SCTLR_RES1		0x30d00800

/* CPACR_EL1.FPEN (D13.2.29): 0b11 = no trap, 0b00 = trap EL0 and EL1 */
#define CPACR_FPEN_SHIFT	20
#define CPACR_FPEN_MASK		(3 << CPACR_FPEN_SHIFT)
#define CPACR_FPEN_NONE		(3 << CPACR_FPEN_SHIFT)

/* MAIR_EL1 attribute indices (D13.2.97) */
#define MT_DEVICE_nGnRnE	0
#define MT_DEVICE_nGnRE		1
#define MT_NORMAL		2
#define MT_NORMAL_NC		3
/* Tagged Normal write-back (0xf0, FEAT_MTE2): only used by mmu.c when
 * arch/arm64/mte.c found working tag memory; unused entries are harmless
 * on CPUs without MTE. */
#define MT_NORMAL_TAGGED	4
#define MAIR_VALUE		((0x00 << (8 * MT_DEVICE_nGnRnE)) | \
				 (0x04 << (8 * MT_DEVICE_nGnRE)) |   \
				 (0xff << (8 * MT_NORMAL)) |         \
				 (0x44 << (8 * MT_NORMAL_NC)) |      \
				 (UL(0xf0) << (8 * MT_NORMAL_TAGGED)))

/* TCR_EL1 (D13.2.131): 48-bit VA, 4 KiB granule, inner-shareable WBWA walks,
 * TTBR1 walks disabled (EPD1).  IPS is filled in from ID_AA64MMFR0_EL1. */
#define TCR_T0SZ_48		16
#define TCR_IRGN0_WBWA		(1 << 8)
#define TCR_ORGN0_WBWA		(1 << 10)
#define TCR_SH0_INNER		(3 << 12)
#define TCR_TG0_4K		(0 << 14)
#define TCR_EPD1		(1 << 23)
#define TCR_IPS_SHIFT		32
#define TCR_BOOT		(TCR_T0SZ_48 | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | \
				 TCR_SH0_INNER | TCR_TG0_4K | TCR_EPD1)

/* Stage 1 descriptors, 4 KiB granule (D8.3) */
#define PTE_VALID		BIT(0)
#define PTE_TABLE		BIT(1)	/* level 0-2: next-level table */
#define PTE_PAGE		BIT(1)	/* level 3: page */
#define PTE_BLOCK		0	/* level 1-2 block: bit 1 clear */
#define PTE_ATTRIDX(i)		((i) << 2)
#define PTE_AP_RO		(1 << 7)	/* AP[2]: read-only */
#define PTE_SH_INNER		(3 << 8)
#define PTE_AF			(1 << 10)
#define PTE_GP			(UL(1) << 50)	/* BTI guarded page */
#define PTE_PXN			(UL(1) << 53)
#define PTE_UXN			(UL(1) << 54)
