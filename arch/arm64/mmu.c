// SPDX-License-Identifier: BSD-2-Clause
/*
 * Final stage-1 translation tables (4 KiB granule, 48-bit identity map).
 * RAM from the device tree is normal write-back memory, mapped with the
 * largest blocks that fit; the image itself is mapped with 4 KiB pages so
 * that text is read-only and executable, read-only data read-only and
 * everything else execute-never.  Devices are mapped on demand by
 * ioremap() as Device-nGnRE, memory outside RAM that is shared with other
 * machines (ivshmem) by memremap_wb() as normal write-back, both with
 * blocks where alignment allows (a later mapping inside such a block finds
 * it already mapped).  mmu_init's tables are taken from the RAM after the
 * image (before the heap exists, as many as this machine's RAM and image
 * need; the caller reserves them), later ones from the heap; Vireo never
 * unmaps, so they are never freed.  Each is zeroed when taken.
 *
 * Stack guard pages (arch_stack_guard): the block that holds a guard is
 * split into pages once, with break-before-make (Arm ARM D8.14): the
 * block entry is made invalid and its TLB entries invalidated before the
 * table entry replaces it, since two live translations of different
 * sizes for one address would be a TLB conflict.  Then the page entry
 * itself is made invalid (guard) or valid again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <asm/sysregs.h>
#include <vireo/klog.h>
#include <vireo/mm.h>
#include <vireo/mmu.h>
#include <vireo/panic.h>
#include <vireo/smp.h>
#include <vireo/spinlock.h>
#include "arm64_priv.h"

#define PT_ENTRIES	512
#define DESC_ADDR_MASK	0x0000fffffffff000UL

#define ATTR_NORMAL_RW	(PTE_AF | PTE_SH_INNER | PTE_ATTRIDX(MT_NORMAL) | PTE_PXN | PTE_UXN)
#define ATTR_TEXT	(PTE_AF | PTE_SH_INNER | PTE_ATTRIDX(MT_NORMAL) | PTE_AP_RO | PTE_UXN)
#define ATTR_RODATA	(ATTR_NORMAL_RW | PTE_AP_RO)
#define ATTR_DEVICE	(PTE_AF | PTE_ATTRIDX(MT_DEVICE_nGnRE) | PTE_PXN | PTE_UXN)

/* RAM's attributes: ATTR_NORMAL_RW, or Tagged Normal when MTE is usable
 * (arch/arm64/mte.c); memory shared with other machines stays untagged. */
static uint64_t attr_ram = ATTR_NORMAL_RW;
static uintptr_t boot_next, boot_end;	/* mmu_init's tables: RAM after the image */
static unsigned int pt_boot;		/* tables taken there */
static unsigned int pt_heap_tables;	/* taken from the heap, never freed */
static uint64_t *root;
static spinlock_t mmu_lock = SPINLOCK_INIT;	/* the tables and the pool */
uint64_t arm64_ttbr0;	/* read by head.S when secondary CPUs start */

static uint64_t *alloc_table(void)
{
	uint64_t *t = NULL;

	if (boot_next) {	/* in mmu_init */
		if (boot_next < boot_end) {
			t = (uint64_t *)boot_next;
			boot_next += PAGE_SIZE;
			pt_boot++;
		}
	} else if ((t = kaligned_alloc(PAGE_SIZE, PAGE_SIZE))) {
		/* After boot: the heap's lock nests inside mmu_lock. */
		pt_heap_tables++;
	}
	if (t)
		memset(t, 0, PAGE_SIZE);
	return t;
}

void mmu_get_table_stats(unsigned int *pool, unsigned int *heap)
{
	irqflags_t f = spin_lock_irqsave(&mmu_lock);

	*pool = pt_boot;
	*heap = pt_heap_tables;
	spin_unlock_irqrestore(&mmu_lock, f);
}

static inline unsigned int level_shift(int level)
{
	return 39 - 9 * level;
}

static inline unsigned int pt_index(uint64_t va, int level)
{
	return (va >> level_shift(level)) & (PT_ENTRIES - 1);
}

/* Whether a leaf of level (a block at 1-2, a page at 3) may map
 * [va, va + size) to pa. */
static bool leaf_fits(int level, uint64_t va, uint64_t pa, uint64_t size,
		      bool pages_only)
{
	uint64_t blk = 1UL << level_shift(level);

	if (level == 3)
		return true;
	return level >= 1 && !pages_only && !((va | pa) & (blk - 1)) &&
	       size >= blk;
}

/*
 * Walks from the root to the table whose entry should map va, creating
 * tables on the way, and stops at the first level where a leaf fits (an
 * existing table is walked through instead).  *out and *level name that
 * table.  0, 1 when a block is in the way (*out, *level are its table),
 * or -ENOMEM.
 */
static int leaf_table(uint64_t va, uint64_t pa, uint64_t size,
		      bool pages_only, uint64_t **out, int *level)
{
	uint64_t *table = root;

	for (int l = 0;; l++) {
		uint64_t e = table[pt_index(va, l)];
		bool is_table = (e & PTE_VALID) && (e & PTE_TABLE);

		*out = table;
		*level = l;
		if (l == 3 || (!is_table && leaf_fits(l, va, pa, size, pages_only)))
			return 0;
		if (!(e & PTE_VALID)) {
			uint64_t *next = alloc_table();
			if (!next)
				return -ENOMEM;
			e = (uintptr_t)next | PTE_VALID | PTE_TABLE;
			table[pt_index(va, l)] = e;
		} else if (!is_table) {
			return 1;
		}
		table = (uint64_t *)(uintptr_t)(e & DESC_ADDR_MASK);
	}
}

/*
 * Maps [va, va + size) to pa with attrs.  Uses 1 GiB / 2 MiB blocks where
 * alignment allows unless pages_only.  Only fills invalid entries: an
 * existing identical leaf, or a block that already maps the range so, is
 * accepted; anything else is -EEXIST.  The entries of one table are
 * filled in one pass: a walk from the root per table, not per page.
 */
static int map_range(uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs,
		     bool pages_only)
{
	while (size) {
		uint64_t *table, blk, off;
		int level, err = leaf_table(va, pa, size, pages_only, &table, &level);
		unsigned int idx = pt_index(va, level);

		if (err < 0)
			return err;
		blk = 1UL << level_shift(level);
		if (err) {	/* inside a block: the same mapping, or a clash */
			off = MIN(size, blk - (va & (blk - 1)));
			if (table[idx] != ((pa & ~(blk - 1)) | attrs | PTE_VALID | PTE_BLOCK) ||
			    ((va ^ pa) & (blk - 1)))
				return -EEXIST;
			va += off;
			pa += off;
			size -= off;
			continue;
		}
		do {
			uint64_t d = pa | attrs | PTE_VALID |
				     (level == 3 ? PTE_PAGE : PTE_BLOCK);
			uint64_t e = table[idx];
			if (e & PTE_VALID) {
				if (level < 3 && (e & PTE_TABLE))
					break;	/* walked through next time */
				if (e != d)
					return -EEXIST;
			}
			table[idx++] = d;
			va += blk;
			pa += blk;
			size -= blk;
		} while (idx < PT_ENTRIES && size >= blk);
	}
	return 0;
}

static void map_or_panic(uint64_t start, uint64_t end, uint64_t attrs,
			 bool pages_only)
{
	if (end > start && map_range(start, start, end - start, attrs, pages_only))
		panic("mmu: cannot map %#lx-%#lx", (unsigned long)start,
		      (unsigned long)end);
}

/*
 * Replaces the boot tables.  The MMU is off while TTBR0 changes so that no
 * walk can mix entries of the two tables (which would be a TLB conflict);
 * nothing in the window touches memory, so no cache maintenance is needed.
 */
void arm64_switch_ttbr0(uint64_t ttbr0)
{
	uint64_t sctlr = read_sysreg(sctlr_el1), tmp;

	__asm__ volatile(
		"dsb	ish\n\t"
		"bic	%1, %0, #1\n\t"		/* SCTLR.M off */
		"msr	sctlr_el1, %1\n\t"
		"isb\n\t"
		"msr	ttbr0_el1, %2\n\t"
		"isb\n\t"
		"tlbi	vmalle1\n\t"
		"dsb	nsh\n\t"
		"isb\n\t"
		"msr	sctlr_el1, %0\n\t"
		"isb"
		: "+r"(sctlr), "=&r"(tmp) : "r"(ttbr0) : "memory");
}

uintptr_t mmu_init(const struct mem_region *ram, int nr_ram, uintptr_t free)
{
	uint64_t img_lo = (uintptr_t)__image_start, img_hi = (uintptr_t)__image_end;
	uintptr_t end;

	for (int i = 0; i < nr_ram; i++)
		if (free >= ram[i].base && free - ram[i].base < ram[i].size)
			boot_end = ram[i].base + ram[i].size;
	if (arm64_mte_probe())
		attr_ram = (ATTR_NORMAL_RW & ~PTE_ATTRIDX(7)) |
			   PTE_ATTRIDX(MT_NORMAL_TAGGED);
	boot_next = free;
	root = alloc_table();
	if (!root)
		panic("mmu: no RAM at %#lx for the translation tables",
		      (unsigned long)free);
	for (int i = 0; i < nr_ram; i++) {
		uint64_t lo = ram[i].base, hi = ram[i].base + ram[i].size;
		if (img_lo >= lo && img_hi <= hi) {
			map_or_panic(lo, img_lo, attr_ram, false);
			map_or_panic(img_hi, hi, attr_ram, false);
		} else {
			map_or_panic(lo, hi, attr_ram, false);
		}
	}
	/* BTI: Vireo's own text is guarded, the prebuilt libraries' (no
	 * landing pads; vireo.ld puts them last) is not. */
	arm64_bti_guarded = arm64_bti_present();
	map_or_panic(img_lo, (uintptr_t)__text_libs_start,
		     ATTR_TEXT | (arm64_bti_guarded ? PTE_GP : 0), true);
	map_or_panic((uintptr_t)__text_libs_start, (uintptr_t)__text_end,
		     ATTR_TEXT, true);
	map_or_panic((uintptr_t)__rodata_start, (uintptr_t)__rodata_end,
		     ATTR_RODATA, true);
	map_or_panic((uintptr_t)__data_start, img_hi, attr_ram, true);
	dsb(ishst);	/* table writes visible to the walker before use */
	arm64_ttbr0 = (uintptr_t)root;
	arm64_switch_ttbr0(arm64_ttbr0);
	arm64_mte_selftest();
	end = boot_next;
	boot_next = 0;
	return end;
}

/* Maps [pa, pa + size) identity with attrs after boot (see ioremap). */
static void *map_late(paddr_t pa, size_t size, uint64_t attrs, const char *what)
{
	uint64_t lo = ALIGN_DOWN(pa, PAGE_SIZE);
	uint64_t hi = ALIGN_UP(pa + size, PAGE_SIZE);
	irqflags_t f;
	int err;

	if (!root)	/* before mmu_init the boot map covers every device */
		return (void *)(uintptr_t)pa;
	f = spin_lock_irqsave(&mmu_lock);
	err = map_range(lo, lo, hi - lo, attrs, false);
	/* New entries replace invalid ones: no TLB maintenance needed, only
	 * ordering of the table writes before the first access (D8.2.6). */
	dsb(ishst);
	isb();
	spin_unlock_irqrestore(&mmu_lock, f);
	if (err) {
		pr_err("%s %#lx+%#zx failed: %d\n", what, (unsigned long)pa, size, err);
		return NULL;
	}
	return (void *)(uintptr_t)pa;
}

void *ioremap(paddr_t pa, size_t size)
{
	return map_late(pa, size, ATTR_DEVICE, "ioremap");
}

void *memremap_wb(paddr_t pa, size_t size)
{
	return map_late(pa, size, ATTR_NORMAL_RW, "memremap_wb");
}

/* Invalidates every TLB entry for va, on all CPUs of the inner
 * shareable domain, and waits for it (Arm ARM D8.13). */
static void tlb_flush_va(uint64_t va)
{
	dsb(ishst);	/* the descriptor write reaches the walker first */
	__asm__ volatile("tlbi vaae1is, %0" :: "r"(va >> 12) : "memory");
	dsb(ish);
	isb();
}

/*
 * Replaces the block entry *slot (covering blk bytes at va) by a table
 * of entries of the next level with the same attributes.  The window
 * in which the block is invalid is a few instructions that touch only
 * registers and the slot (the slot is in a table: the image's pool or an
 * earlier heap table, mapped by another entry... unless a heap table
 * lives in this very block, which the identity map makes harmless for
 * the walker, that reads tables by physical address).  IRQs are masked
 * by the caller (mmu_lock), and the other CPUs are paused
 * (arch_stack_guard()).
 */
static int split_block(uint64_t *slot, int level, uint64_t va)
{
	uint64_t old = *slot, *next = alloc_table();
	uint64_t sub = 1UL << level_shift(level + 1);
	uint64_t attrs = old & ~DESC_ADDR_MASK & ~(uint64_t)3;
	uint64_t pa = old & DESC_ADDR_MASK & ~((1UL << level_shift(level)) - 1);

	if (!next)
		return -ENOMEM;
	for (int i = 0; i < PT_ENTRIES; i++)
		next[i] = (pa + i * sub) | attrs | PTE_VALID |
			  (level + 1 == 3 ? PTE_PAGE : PTE_BLOCK);
	/* One asm block: while the block is invalid, nothing may touch
	 * memory inside it, and the caller's stack may well be there, so
	 * no compiler-generated spill can sit in the window. */
	__asm__ volatile(
		"dsb	ishst\n\t"		/* table contents before the link */
		"str	xzr, [%0]\n\t"		/* break */
		"dsb	ishst\n\t"
		"tlbi	vaae1is, %1\n\t"
		"dsb	ish\n\t"
		"str	%2, [%0]\n\t"		/* make */
		"dsb	ishst\n\t"
		"isb"
		:: "r"(slot), "r"(va >> 12),
		   "r"((uintptr_t)next | PTE_VALID | PTE_TABLE) : "memory");
	return 0;
}

/* The level-3 entry of va, splitting blocks on the way when split;
 * NULL if va is not mapped (-EINVAL), or is in a block and !split
 * (-EAGAIN). */
static uint64_t *page_entry(uint64_t va, bool split, int *err)
{
	uint64_t *table = root;

	for (int level = 0; level < 3; level++) {
		unsigned int idx = (va >> level_shift(level)) & (PT_ENTRIES - 1);
		uint64_t d = table[idx];
		if (!(d & PTE_VALID)) {
			*err = -EINVAL;
			return NULL;
		}
		if (!(d & PTE_TABLE)) {
			*err = split ? split_block(&table[idx], level, va) : -EAGAIN;
			if (*err)
				return NULL;
			d = table[idx];
		}
		table = (uint64_t *)(uintptr_t)(d & DESC_ADDR_MASK);
	}
	return &table[(va >> level_shift(3)) & (PT_ENTRIES - 1)];
}

/* Sets the pages of [lo, lo + size) invalid (guard) or valid again: 0,
 * or page_entry()'s error for the first page it cannot reach (-EAGAIN:
 * in a block, and !split), the pages before it being set. */
static int set_pages_locked(uint64_t lo, size_t size, bool guard, bool split)
{
	int err = 0;

	for (uint64_t va = lo; va < lo + size; va += PAGE_SIZE) {
		uint64_t *pte = page_entry(va, split, &err);
		if (!pte)
			return err;
		if (guard) {
			WRITE_ONCE(*pte, 0);
			tlb_flush_va(va);
		} else {
			/* Invalid entries are never cached: no TLB work. */
			WRITE_ONCE(*pte, va | attr_ram | PTE_VALID | PTE_PAGE);
			dsb(ishst);
			isb();
		}
	}
	return 0;
}

/*
 * Splitting a block leaves its whole range unmapped for a few
 * instructions (break-before-make), and another CPU touching it then (its
 * stack or data may be there) would fault: a change that splits runs with
 * the other CPUs paused.  Pausing holds no spinlock (smp.h), hence the
 * try without splitting, unlock, pause, relock and again (the pages set
 * before the block are set once more, to the same); blocks are only ever
 * split, so pages that need no split under the lock never will.
 */
int arch_stack_guard(uintptr_t lo, size_t size, bool guard)
{
	irqflags_t f, paused_flags;
	bool paused = false;
	int err;

	if ((lo | size) & (PAGE_SIZE - 1) || !root)
		return -EINVAL;
	f = spin_lock_irqsave(&mmu_lock);
	err = set_pages_locked(lo, size, guard, false);
	if (err == -EAGAIN) {
		spin_unlock_irqrestore(&mmu_lock, f);
		smp_pause_others(&paused_flags);
		paused = true;
		f = spin_lock_irqsave(&mmu_lock);
		err = set_pages_locked(lo, size, guard, true);
	}
	spin_unlock_irqrestore(&mmu_lock, f);
	if (paused)
		smp_resume_others(paused_flags);
	return err;
}
