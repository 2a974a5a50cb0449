// SPDX-License-Identifier: BSD-2-Clause
/*
 * Taking a spinlock that is not free (the word's layout, release and
 * the uncontended take are in <asm/spinlock.h>).  Two choices are made once, on the boot CPU before
 * any other CPU starts (arm64_spinlock_init()), and read-only after:
 *
 * Atomics: LSE single instructions where the CPU has them (no retry
 * loop, better under contention), load/store-exclusive pairs otherwise.
 * The image is built for ARMv8.0, so the LSE forms are written in asm
 * behind the run-time test.
 *
 * Order: FIFO tickets by default.  On QEMU's virt machine (device tree
 * root "linux,dummy-virt"), whose CPUs are host threads (TCG or KVM),
 * waiters instead retry the free lock whoever they are: with more vCPUs
 * than host CPUs, a ticket lock measured here took ~2.5 ms per sem_post/
 * sem_wait round trip on -smp 4 (2 host CPUs) against 0.15 ms this way,
 * because each release waited for the host to run the one vCPU whose
 * ticket was next.  "spinlock=fifo" or "spinlock=unfair" in /chosen
 * bootargs overrides the choice.
 *
 * Waiting: both loops park in WFE after a load-exclusive of the word,
 * which arms this CPU's exclusive monitor; the holder's releasing store
 * to the word clears it, and that is a wake-up event (Arm ARM D1.6.1), so
 * release needs no SEV.
 */
#include <string.h>
#include <asm/spinlock.h>
#include <asm/sysregs.h>
#include <vireo/fdt.h>
#include <vireo/klog.h>
#include "arm64_priv.h"

static bool have_lse;
static bool fifo = true;

#define NEXT_ONE (1u << 16)	/* one ticket, in the word */

static inline uint16_t take_ticket(arch_spinlock_t *l)
{
	uint32_t old;

	if (!have_lse)
		return __atomic_fetch_add(&l->next, 1, __ATOMIC_ACQUIRE);
	__asm__ volatile(".arch_extension lse\n\tldaddah %w2, %w0, %1"
			 : "=&r"(old), "+Q"(l->next) : "r"(1) : "memory");
	return (uint16_t)old;
}

static inline bool cas_word(uint32_t *w, uint32_t old, uint32_t new)
{
	uint32_t seen = old;

	if (!have_lse)
		return __atomic_compare_exchange_n(w, &old, new, false,
						   __ATOMIC_ACQUIRE,
						   __ATOMIC_RELAXED);
	__asm__ volatile(".arch_extension lse\n\tcasa %w0, %w2, %1"
			 : "+r"(seen), "+Q"(*w) : "r"(new) : "memory");
	return seen == old;
}

/* Load-acquire exclusive: the value, with the monitor armed on it. */
static inline uint32_t load_armed_word(const uint32_t *w)
{
	uint32_t v;

	__asm__ volatile("ldaxr %w0, %1" : "=r"(v) : "Q"(*w) : "memory");
	return v;
}

static inline uint16_t load_armed_half(const uint16_t *h)
{
	uint32_t v;

	__asm__ volatile("ldaxrh %w0, %1" : "=r"(v) : "Q"(*h) : "memory");
	return (uint16_t)v;
}

static inline bool is_free(uint32_t v)
{
	return (uint16_t)v == (uint16_t)(v >> 16);
}

int arch_spin_trylock(arch_spinlock_t *l)
{
	uint32_t v = __atomic_load_n(&l->word, __ATOMIC_RELAXED);

	return is_free(v) && cas_word(&l->word, v, v + NEXT_ONE);
}

/* The word was taken (or the inline store lost): wait as the mode says. */
void arch_spin_lock_slow(arch_spinlock_t *l)
{
	if (!fifo) {
		while (!arch_spin_trylock(l)) {
			__asm__ volatile("sevl");	/* first WFE falls through */
			do
				__asm__ volatile("wfe" ::: "memory");
			while (!is_free(load_armed_word(&l->word)));
		}
		return;
	}
	uint16_t ticket = take_ticket(l);

	if (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) == ticket)
		return;
	__asm__ volatile("sevl");
	do
		__asm__ volatile("wfe" ::: "memory");
	while (load_armed_half(&l->owner) != ticket);
}

/* "spinlock=WORD" among the space-separated /chosen bootargs, or NULL. */
static const char *bootarg_spinlock(const struct fdt *fdt, size_t *len)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *args = chosen >= 0 ?
		fdt_getprop_string(fdt, chosen, "bootargs") : NULL;

	for (const char *p = args; p && *p; ) {
		size_t n = strcspn(p, " ");
		if (n > 9 && strncmp(p, "spinlock=", 9) == 0) {
			*len = n - 9;
			return p + 9;
		}
		p += n + strspn(p + n, " ");
	}
	return NULL;
}

void arm64_spinlock_init(const struct fdt *fdt)
{
	uint64_t isar0 = read_sysreg(id_aa64isar0_el1);
	size_t len = 0;
	const char *mode = bootarg_spinlock(fdt, &len);

	have_lse = (isar0 >> 20 & 0xf) >= 2;	/* Atomic, 0b0010: LSE */
	fifo = !fdt_is_compatible(fdt, fdt_root(fdt), "linux,dummy-virt");
	if (mode && len == 4 && strncmp(mode, "fifo", 4) == 0)
		fifo = true;
	else if (mode && len == 6 && strncmp(mode, "unfair", 6) == 0)
		fifo = false;
	else if (mode)
		pr_warn("spinlock=%.*s: unknown (fifo or unfair)\n", (int)len, mode);
	pr_info("spinlocks: %s, %s atomics\n", fifo ? "FIFO tickets" :
		"unfair (virtual CPUs)", have_lse ? "LSE" : "exclusive");
}
