/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Spinlocks.  spin_lock_irqsave() is the form to use for any state that an
 * interrupt handler also touches: it masks IRQs on this CPU first so the
 * handler cannot spin on a lock its own CPU holds.  Hold times must be
 * short and bounded; never block while holding one.
 */
#pragma once

#include <stdbool.h>
#include <asm/cpu.h>
#include <asm/spinlock.h>

typedef struct {
	arch_spinlock_t raw;
} spinlock_t;

#define SPINLOCK_INIT { ARCH_SPINLOCK_INIT }

static inline void spin_init(spinlock_t *l)
{
	*l = (spinlock_t)SPINLOCK_INIT;
}

static inline void spin_lock(spinlock_t *l)
{
	arch_spin_lock(&l->raw);
}

static inline void spin_unlock(spinlock_t *l)
{
	arch_spin_unlock(&l->raw);
}

/* Takes it only if free; true if taken. */
static inline bool spin_trylock(spinlock_t *l)
{
	return arch_spin_trylock(&l->raw);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return arch_spin_is_locked(&l->raw);
}

/* kernel/thread.c: an application thread about to mask IRQs with little
 * stack left ends here, as if it had overflowed, rather than overflow
 * inside the masked section where nothing could end it alone. */
void thread_stack_reserve_check(void);

static inline irqflags_t spin_lock_irqsave(spinlock_t *l)
{
	thread_stack_reserve_check();
	irqflags_t f = arch_irq_save();
	arch_spin_lock(&l->raw);
	return f;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, irqflags_t f)
{
	arch_spin_unlock(&l->raw);
	arch_irq_restore(f);
}
