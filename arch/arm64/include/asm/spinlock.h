/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Spinlocks for AArch64: one word, the ticket of the holder (owner) and
 * the next ticket to hand out (next); free when they are equal.  Release
 * is the same in every mode, a store-release of owner + 1, so it stays
 * inline; taking the lock is in arch/arm64/spinlock.c, which picks at boot
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

void arch_spin_lock(arch_spinlock_t *l);
int arch_spin_trylock(arch_spinlock_t *l);

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
