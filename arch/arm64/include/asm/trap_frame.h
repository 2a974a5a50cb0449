/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The register frame that arch/arm64/vectors.S pushes on exception entry.
 * The offsets are shared with the assembly and checked at compile time in
 * arch/arm64/exception.c.
 */
#pragma once

#define TF_X(n)		((n) * 8)
#define TF_SP		(31 * 8)
#define TF_ELR		(32 * 8)
#define TF_SPSR		(33 * 8)
#define TF_ESR		(34 * 8)
#define TF_FAR		(35 * 8)
#define TF_TPIDR	(36 * 8)
#define TF_SIZE		(38 * 8)

#ifndef __ASSEMBLER__
#include <stdint.h>

struct trap_frame {
	uint64_t x[31];
	uint64_t sp;	/* stack pointer of the interrupted context */
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
	uint64_t tpidr;	/* from EL0: the program's TPIDR_EL0, which the
			 * kernel replaces with the thread's own TLS
			 * pointer while it runs (vectors.S) */
	uint64_t pad;	/* 16-byte frames */
};
#endif
