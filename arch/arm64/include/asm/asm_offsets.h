/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Offsets of the C structure fields that arch/arm64 assembly reads.  Each
 * is checked against offsetof() in arch/arm64/exception.c, so a change to
 * struct cpu or struct thread that moves one fails the build instead of
 * the stack-overflow check.
 */
#pragma once

#define CPU_CURRENT		32	/* struct cpu, current */
#define CPU_EMERGENCY_SP	176	/* struct cpu, emergency_sp */
#define THREAD_STACK		824	/* struct thread, stack */
#define THREAD_SIGALT_LO	856	/* struct thread, sigalt_lo */
#define THREAD_SIGALT_HI	864	/* struct thread, sigalt_hi */
#define THREAD_KERNEL_TP	872	/* struct thread, kernel_tp */
