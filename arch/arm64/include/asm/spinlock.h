/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Spinlocks for AArch64: one word, the ticket of the holder (owner) and
 * the next ticket to hand out (next); free when they are equal.  Release
 * is the same in every mode, a store-release of owner + 1, so it stays
 * inline, and so does taking a free lock (below); waiting for a taken one
 * is in arch/arm64/spinlock.c, which picks at boot
 *  - the atomics: LSE (LDADDAH, CASA) when ID_AA64ISAR0_EL1 says the CPU
 *    has them, load/store-exclusive otherwise;
 *  - the order: FIFO tickets on real hardware (bounded waits), or first
 *    come after the release on a virtual machine, whose CPUs are host
 *    threads: there a ticket would wait for its turn even while the host
 *    has the CPU holding the next ticket descheduled, and every waiter
 *    behind it with it (lock-waiter preemption).
 */
#pragma once

#include <stdint.h>

typedef union {
	uint32_t word;
	struct {
		uint16_t owner;	/* low half: the ticket now served */
		uint16_t next;	/* high half: the next ticket */
	};
} arch_spinlock_t;

#define ARCH_SPINLOCK_INIT { 0 }

void arch_spin_lock_slow(arch_spinlock_t *l);
int arch_spin_trylock(arch_spinlock_t *l);

/* A free word (owner == next) is taken inline, in every mode, by moving
 * next on with a load-acquire/store exclusive pair (ARMv8.0, so also on
 * CPUs with LSE): the ticket drawn is served at once, as a FIFO lock
 * would, and the unfair mode takes a free lock the same way.  A taken
 * word, or a lost store, goes to the mode's loop in spinlock.c. */
static inline void arch_spin_lock(arch_spinlock_t *l)
{
	uint32_t v, busy;

	__asm__ volatile("ldaxr	%w0, %2\n\t"
			 "eor	%w1, %w0, %w0, ror #16\n\t"	/* 0: free */
			 "cbnz	%w1, 1f\n\t"
			 "add	%w0, %w0, #0x10000\n\t"	/* next + 1 */
			 "stxr	%w1, %w0, %2\n"
			 "1:"
			 : "=&r"(v), "=&r"(busy), "+Q"(l->word) : : "memory");
	if (busy)
		arch_spin_lock_slow(l);
}

static inline void arch_spin_unlock(arch_spinlock_t *l)
{
	/* Only the holder writes owner: a plain read is its own value. */
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline int arch_spin_is_locked(arch_spinlock_t *l)
{
	uint32_t v = __atomic_load_n(&l->word, __ATOMIC_RELAXED);

	return (uint16_t)v != (uint16_t)(v >> 16);
}
