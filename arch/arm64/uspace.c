// SPDX-License-Identifier: BSD-2-Clause
/*
 * Translation tables of user address spaces (include/vireo/vmspace.h;
 * the arrangement is docs/kernel-mode.md, section 3).  Each space has
 * its own level-0 table: slots below USER_VA_BASE copy the kernel's
 * (global, EL1-only entries shared with every space), the user slots
 * lead to tables of its own whose page entries are non-global and
 * tagged with the space's ASID.  So a switch is one write of TTBR0 and
 * no TLB flush; the kernel stays reachable in every space.
 *
 * The kernel's level-0 slots are copied again on each switch when they
 * differ (a new slot only appears when ioremap() maps a device above
 * 512 GiB, at boot, before any process).  ASIDs: 8 bits (TCR_EL1.AS is
 * 0), 0 is the kernel's; asid_lock protects the bitmap.  A space's own
 * tables are changed under its vmspace lock (mm/vmspace.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <asm/cpu.h>
#include <asm/sysregs.h>
#include <asm/trap_frame.h>
#include <vireo/cpu.h>
#include <vireo/mm.h>
#include <vireo/mmu.h>
#include <vireo/spinlock.h>
#include <vireo/syscall.h>
#include <vireo/thread.h>
#include <vireo/vmspace.h>
#include "arm64_priv.h"

#define PT_ENTRIES	512
#define DESC_ADDR_MASK	0x0000fffffffff000UL
#define USER_L0_FIRST	(USER_VA_BASE >> 39)
#define USER_L0_END	(USER_VA_END >> 39)
/* Stage-1 descriptor bits (Arm ARM D8.3): AP[1] lets EL0 in; nG makes
 * the entry belong to the ASID in TTBR0. */
#define PTE_USER	BIT(6)
#define PTE_NG		BIT(11)
#define ASID_COUNT	256
#define ASID_SHIFT	48

struct arch_uspace {
	uint64_t *root;
	unsigned int asid;
};

/* Spaces in existence: while there are none every CPU is on the kernel's
 * tables and a context switch need not look (the flat build's speed).
 * Changed atomically; a space is counted before any task can hold it,
 * and a switch reads the count under the scheduler lock that
 * task_set_vmspace() took after the count went up. */
unsigned int arm64_uspaces_live;

static uint64_t asid_map[ASID_COUNT / 64] = { 1 };	/* 0: the kernel */
static spinlock_t asid_lock = SPINLOCK_INIT;		/* asid_map */

static unsigned int asid_alloc(void)
{
	irqflags_t f = spin_lock_irqsave(&asid_lock);
	unsigned int a = 0;

	for (unsigned int i = 0; i < ASID_COUNT / 64 && !a; i++) {
		if (~asid_map[i]) {
			a = i * 64 + (unsigned int)__builtin_ctzll(~asid_map[i]);
			asid_map[i] |= 1ULL << (a % 64);
		}
	}
	spin_unlock_irqrestore(&asid_lock, f);
	return a;
}

static void asid_free(unsigned int a)
{
	irqflags_t f = spin_lock_irqsave(&asid_lock);

	asid_map[a / 64] &= ~(1ULL << (a % 64));
	spin_unlock_irqrestore(&asid_lock, f);
}

static uint64_t *kernel_root(void)
{
	return (uint64_t *)(uintptr_t)(arm64_ttbr0 & DESC_ADDR_MASK);
}

static uint64_t *new_table(void)
{
	uint64_t *t = kaligned_alloc(PAGE_SIZE, PAGE_SIZE);

	if (t)
		memset(t, 0, PAGE_SIZE);
	return t;
}

int arch_uspace_create(struct arch_uspace **out)
{
	struct arch_uspace *as = kcalloc(1, sizeof(*as));

	if (!as)
		return -ENOMEM;
	as->root = new_table();
	if (!as->root) {
		free(as);
		return -ENOMEM;
	}
	as->asid = asid_alloc();
	if (!as->asid) {
		free(as->root);
		free(as);
		return -EAGAIN;
	}
	memcpy(as->root, kernel_root(), USER_L0_FIRST * sizeof(uint64_t));
	__atomic_fetch_add(&arm64_uspaces_live, 1, __ATOMIC_RELAXED);
	*out = as;
	return 0;
}

/* The level-3 entry of va, with the tables on the way made when alloc;
 * NULL when one is missing (or out of memory). */
static uint64_t *pte_of(struct arch_uspace *as, uintptr_t va, bool alloc)
{
	uint64_t *t = as->root;

	for (int level = 0; level < 3; level++) {
		uint64_t *e = &t[(va >> (39 - 9 * level)) % PT_ENTRIES];

		if (!(*e & PTE_VALID)) {
			uint64_t *next = alloc ? new_table() : NULL;

			if (!next)
				return NULL;
			/* The table's zeroes reach memory before the walker can
			 * see the entry that leads to it. */
			dsb(ishst);
			*e = (uintptr_t)next | PTE_TABLE | PTE_VALID;
		}
		t = (uint64_t *)(uintptr_t)(*e & DESC_ADDR_MASK);
	}
	return &t[(va >> 12) % PT_ENTRIES];
}

int arch_uspace_map_page(struct arch_uspace *as, uintptr_t va, void *kva,
			 int prot)
{
	uint64_t *pte = pte_of(as, va, true);
	uint64_t attrs = PTE_VALID | PTE_PAGE | PTE_AF | PTE_SH_INNER |
			 PTE_ATTRIDX(MT_NORMAL) | PTE_NG | PTE_USER | PTE_PXN;

	if (!pte)
		return -ENOMEM;
	if (!(prot & VM_WRITE))
		attrs |= PTE_AP_RO;
	if (!(prot & VM_EXEC))
		attrs |= PTE_UXN;
	/* The entry was invalid, so no TLB holds it: no flush. */
	*pte = ((uintptr_t)kva & DESC_ADDR_MASK) | attrs;
	dsb(ishst);
	return 0;
}

void arch_uspace_unmap(struct arch_uspace *as, uintptr_t va, uintptr_t end)
{
	for (; va < end; va += PAGE_SIZE) {
		uint64_t *pte = pte_of(as, va, false);

		if (!pte)
			continue;
		*pte = 0;
		dsb(ishst);	/* the entry is gone before the TLB flush */
		__asm__ volatile("tlbi vae1is, %0" ::
				 "r"(((uint64_t)as->asid << ASID_SHIFT) | (va >> 12))
				 : "memory");
	}
	dsb(ish);
	isb();
}

static void free_tables(uint64_t *t, int level)
{
	for (int i = 0; level < 3 && i < PT_ENTRIES; i++)
		if (t[i] & PTE_VALID)
			free_tables((uint64_t *)(uintptr_t)(t[i] & DESC_ADDR_MASK),
				    level + 1);
	free(t);
}

void arch_uspace_destroy(struct arch_uspace *as)
{
	/* No CPU runs in the space any more.  Its entries (and cached
	 * walks) leave every TLB before its tables can be reused or the
	 * ASID can name another space. */
	dsb(ishst);
	__asm__ volatile("tlbi aside1is, %0" ::
			 "r"((uint64_t)as->asid << ASID_SHIFT) : "memory");
	dsb(ish);
	for (unsigned int i = USER_L0_FIRST; i < USER_L0_END; i++)
		if (as->root[i] & PTE_VALID)
			free_tables((uint64_t *)(uintptr_t)(as->root[i] &
							    DESC_ADDR_MASK), 1);
	free(as->root);
	asid_free(as->asid);
	free(as);
	__atomic_fetch_sub(&arm64_uspaces_live, 1, __ATOMIC_RELAXED);
}

void arch_uspace_switch(struct arch_uspace *as)
{
	uint64_t ttbr0 = arm64_ttbr0;

	if (as) {
		uint64_t *k = kernel_root();

		if (memcmp(as->root, k, USER_L0_FIRST * sizeof(uint64_t))) {
			memcpy(as->root, k, USER_L0_FIRST * sizeof(uint64_t));
			dsb(ishst);
		}
		ttbr0 = (uintptr_t)as->root | ((uint64_t)as->asid << ASID_SHIFT);
	}
	if (read_sysreg(ttbr0_el1) == ttbr0)
		return;
	/* Both tables map the kernel identically (global entries), so the
	 * code running here stays mapped across the write. */
	write_sysreg(ttbr0_el1, ttbr0);
	isb();
}

/* SPSR_EL1.M[3:0] of an exception taken from EL0 (EL0t) is 0. */
#define SPSR_MODE_MASK	0xfUL

bool arm64_from_el0(const struct trap_frame *f)
{
	return (f->spsr & SPSR_MODE_MASK) == 0;
}

/* Runs with IRQs on like thread code: a call may block and the thread
 * may be switched out (its EL0 frame waits on its stack).  Signals are
 * delivered on the way back (arm64_user_return()); whether this call
 * may be restarted is known only once it ran, so each starts with no. */
void arm64_syscall(struct trap_frame *f)
{
	uint64_t x0 = f->x[0];

	this_cpu()->current->sig_restart = false;
	arch_irq_enable();
	f->x[0] = (uint64_t)syscall_dispatch(f->x[8], f->x);
	arch_irq_disable();
	arm64_user_return(f, &x0);
}

void arch_enter_user(uintptr_t pc, uintptr_t sp, uint64_t a0, uint64_t a1,
		     uintptr_t tls)
{
	/* EL0t, with every interrupt unmasked (DAIF clear).  Every later
	 * exception from EL0 saves its frame at the same place (the stack
	 * is empty above it once at EL0): user_regs stays valid. */
	struct trap_frame f = { .elr = pc, .sp = sp, .spsr = 0,
				.x = { a0, a1 }, .tpidr = tls };

	struct thread *t;

	arch_irq_disable();
	t = this_cpu()->current;
	t->user_regs = &f;
	t->el0 = true;	/* also a thread not created as one (kmodetest) */
	arm64_enter_user(&f);
}

void arch_sync_icache(const void *kva, size_t n)
{
	/* Clean the new bytes to the point of unification, then drop every
	 * instruction-cache line (the user alias of these pages may be
	 * cached under another address) on all CPUs (Arm ARM D7.5.9). */
	__builtin___clear_cache((char *)kva, (char *)kva + n);
	__asm__ volatile("ic ialluis\n\tdsb ish\n\tisb" ::: "memory");
}
