/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Ticket spinlock: FIFO fair under contention.  Taking a ticket is an
 * atomic add with acquire semantics (LDADDA on LSE CPUs, LDAXR/STXR
 * otherwise, chosen by the compiler flags); release is a store-release of
 * the next owner.  A waiter parks in WFE: the releasing store to the
 * monitored owner field clears the waiter's exclusive monitor, which is an
 * event (Arm ARM D1.6.1 "Wait for Event"), so no SEV is needed.
 */
#pragma once

#include <stdint.h>

typedef struct {
	uint16_t owner;
	uint16_t next;
} arch_spinlock_t;

#define ARCH_SPINLOCK_INIT { 0, 0 }

static inline void arch_spin_lock(arch_spinlock_t *l)
{
	uint16_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_ACQUIRE);
	uint32_t cur;

	if (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) == ticket)
		return;
	/* Arm the monitor on owner, re-check, then sleep until it is written. */
	__asm__ volatile("sevl" ::: "memory");
	do {
		__asm__ volatile("wfe\n\tldaxrh %w0, [%1]"
				 : "=&r"(cur) : "r"(&l->owner) : "memory");
	} while ((uint16_t)cur != ticket);
}

static inline int arch_spin_trylock(arch_spinlock_t *l)
{
	uint32_t v = __atomic_load_n((uint32_t *)l, __ATOMIC_RELAXED);
	uint16_t owner = v & 0xffff, next = v >> 16;

	if (owner != next)
		return 0;
	uint32_t nv = v + (1u << 16);
	return __atomic_compare_exchange_n((uint32_t *)l, &v, nv, 0,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void arch_spin_unlock(arch_spinlock_t *l)
{
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline int arch_spin_is_locked(arch_spinlock_t *l)
{
	uint32_t v = __atomic_load_n((uint32_t *)l, __ATOMIC_RELAXED);
	return (v & 0xffff) != (v >> 16);
}
