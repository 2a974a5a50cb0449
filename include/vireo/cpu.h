/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-CPU state.  Each CPU reaches its own struct cpu through
 * this_cpu() (TPIDR_EL1 on arm64); fields are written only by their CPU
 * unless a comment says otherwise.  Fields other CPUs read or write
 * (current, online, need_resched, slice_expired, kick_prio) are under
 * the scheduler lock (kernel/sched.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vireo/arch.h>
#include <vireo/ktimer.h>

struct thread;

struct cpu {
	uintptr_t boot_sp;		/* first field: read by head.S */
	int id;				/* logical CPU number, 0 = boot CPU */
	uint64_t mpidr;			/* affinity from the device tree */
	bool online;
	struct thread *current;
	struct thread *idle;
	unsigned int exception_depth;	/* nested exceptions being handled */
	bool need_resched;		/* set under the scheduler lock, by any
					 * CPU (then with a reschedule IPI) */
	bool slice_expired;		/* SCHED_RR slice of current ran out */
	uint8_t kick_prio;		/* highest priority this CPU was kicked
					 * for since its last switch (sched.c) */
	bool fpu_irq_live;		/* lazy FPU: an interrupt found the
					 * thread's registers live and unsaved
					 * and turned access off (fpu.c) */
	struct ktimer slice_timer;	/* SCHED_RR time slice: armed only while
					 * an equal-priority thread is ready */
	/* Lazy FPU (arch/arm64/fpu.c): whose registers the FPU holds. */
	struct thread *fpu_owner;
	uint64_t fpu_saves, fpu_restores, switches;
	uint64_t idle_ns;		/* time spent waiting in the idle loop */
	uint64_t idle_since_ns;		/* when the current wait began, or 0 */
	/* Emergency stack for the stack-overflow path of vectors.S: its top. */
	uintptr_t emergency_sp;
	unsigned int walkers;		/* list walks under the scheduler lock
					 * in progress: no switch (sched.c) */
	uint64_t slice_start_ns;	/* when the current slice began */
	uint64_t timer_ns;		/* this CPU's clock-event deadline,
					 * 0: stopped (ktimer.c) */
};

extern struct cpu cpus[CONFIG_SMP_NCPUS];
extern int cpus_online;		/* how many are online */

static inline struct cpu *this_cpu(void)
{
	return arch_this_cpu();
}

static inline bool in_interrupt(void)
{
	return this_cpu()->exception_depth > 0;
}
