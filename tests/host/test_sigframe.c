// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of the EL0 signal frame's check (arch/arm64/include/asm/
 * sigframe.h): sigreturn takes a PSTATE only when it returns to AArch64
 * EL0t with every interrupt unmasked; a forged frame asking for EL1, EL2,
 * SP_EL1, AArch32, masked interrupts, software step or an illegal state
 * is refused.  And the frame's layout keeps the stack 16-byte aligned.
 */
#include <stddef.h>
#include <stdint.h>
#include "../../arch/arm64/include/asm/sigframe.h"
#include "unit.h"

TEST(el0t_with_user_flags_is_accepted)
{
	EXPECT(sigframe_pstate_ok(0));
	EXPECT(sigframe_pstate_ok(0xf0000000UL));		/* N Z C V */
	EXPECT(sigframe_pstate_ok(1UL << 24));			/* DIT */
	EXPECT(sigframe_pstate_ok(1UL << 25));			/* TCO */
	EXPECT(sigframe_pstate_ok(1UL << 12));			/* SSBS */
	EXPECT(sigframe_pstate_ok(2UL << 10));			/* BTYPE */
	EXPECT(sigframe_pstate_ok(SIGFRAME_PSTATE_USER));
}

TEST(other_modes_are_refused)
{
	/* M[4:0]: EL1t 0x4, EL1h 0x5, EL2h 0x9, AArch32 (bit 4) ... */
	for (uint64_t m = 1; m < 32; m++)
		EXPECT(!sigframe_pstate_ok(m));
	EXPECT(!sigframe_pstate_ok(0x3c5));	/* EL1h, DAIF masked */
}

TEST(masks_and_state_bits_are_refused)
{
	static const int bits[] = {
		6, 7, 8, 9,	/* F I A D */
		20, 21,		/* IL, SS */
		22, 23,		/* PAN, UAO */
		5, 13, 26, 27, 32, 63,	/* reserved */
	};

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		EXPECT(!sigframe_pstate_ok(1UL << bits[i]));
		EXPECT(!sigframe_pstate_ok(0xf0000000UL | 1UL << bits[i]));
	}
}

TEST(frame_layout_keeps_alignment)
{
	EXPECT_EQ(offsetof(struct sigframe, ctx), 0);
	EXPECT_EQ(offsetof(struct sigcontext, fp) % 16, 0);
	EXPECT_EQ(sizeof(struct sigframe) % 16, 0);
	EXPECT_EQ(sizeof(((struct sigcontext *)0)->fp), 528);
}

UNIT_MAIN(UNIT_CASE(el0t_with_user_flags_is_accepted),
	  UNIT_CASE(other_modes_are_refused),
	  UNIT_CASE(masks_and_state_bits_are_refused),
	  UNIT_CASE(frame_layout_keeps_alignment))
