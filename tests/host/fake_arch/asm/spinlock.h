/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fake spinlocks for host tests (see cpu.h here): single-threaded, so a
 * lock taken twice is a deadlock the kernel would hang in; the test
 * program's fake_spin_deadlock() reports it.
 */
#pragma once

#include <stdint.h>

typedef struct {
	int locked;
} arch_spinlock_t;

#define ARCH_SPINLOCK_INIT { 0 }

void fake_spin_deadlock(arch_spinlock_t *l);

static inline void arch_spin_lock(arch_spinlock_t *l)
{
	if (l->locked)
		fake_spin_deadlock(l);
	l->locked = 1;
}

static inline int arch_spin_trylock(arch_spinlock_t *l)
{
	if (l->locked)
		return 0;
	l->locked = 1;
	return 1;
}

static inline void arch_spin_unlock(arch_spinlock_t *l)
{
	l->locked = 0;
}

static inline int arch_spin_is_locked(arch_spinlock_t *l)
{
	return l->locked;
}
