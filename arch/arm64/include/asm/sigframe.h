/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The signal frame an EL0 handler gets on its stack (the ABI between the
 * kernel and user programs, arch/arm64/signal.c): the interrupted
 * registers, the mask to restore and the siginfo.  The handler is
 * entered with x0 = signal, x1 = &info, x2 = &ctx, LR = the program's
 * sa_restorer, SP = the frame (16-byte aligned); the restorer calls
 * sigreturn(SP) after the handler returned.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* The interrupted context (a handler may read or change it). */
struct sigcontext {
	uint64_t x[31];
	uint64_t sp, pc, pstate;
	uint64_t mask;		/* the blocked set sigreturn restores */
	uint64_t reserved;
	struct {		/* FP/SIMD: struct arch_fpu_state's layout */
		__uint128_t q[32];
		uint32_t fpsr, fpcr;
	} __attribute__((aligned(16))) fp;
};

/* What the kernel pushes: ctx first, at the handler's SP. */
struct sigframe {
	struct sigcontext ctx;
	unsigned char info[64];	/* siginfo_t (its size is checked) */
};

/* PSTATE bits sigreturn accepts from a frame (Arm ARM C5.2.18, SPSR_EL1
 * for an exception from AArch64 EL0): the condition flags N, Z, C, V,
 * DIT, TCO (MTE), SSBS and BTYPE, which EL0 may hold.  Everything else
 * must be 0: M[4:0] = 0 is EL0t in AArch64 (anything else would return
 * to EL1 or AArch32), D, A, I, F clear (EL0 runs unmasked), and no
 * software step, illegal state, PAN or UAO. */
#define SIGFRAME_PSTATE_USER	(0xf0000000UL | (1UL << 24) | (1UL << 25) | \
				 (1UL << 12) | (3UL << 10))

static inline bool sigframe_pstate_ok(uint64_t pstate)
{
	return (pstate & ~SIGFRAME_PSTATE_USER) == 0;
}
