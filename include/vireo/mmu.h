/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Address-space management.  Vireo runs identity-mapped: a physical
 * address and its kernel virtual address are equal.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;

/* The translation granule: the unit of mapping and of stack guards. */
#define PAGE_SIZE 4096UL

struct mem_region {
	paddr_t base;
	uint64_t size;
};

/* Boot CPU, once: maps RAM and the image with final permissions.  Its
 * tables go to the unused, page-aligned RAM from free on; returns the
 * end of what they took, for the caller to reserve. */
uintptr_t mmu_init(const struct mem_region *ram, int nr_ram, uintptr_t free);
/*
 * Maps [pa, pa + size) as Device-nGnRE, execute-never, and returns its
 * kernel address, or NULL when the page-table pool is exhausted.  Thread
 * context or boot; mappings are never removed.
 */
void *ioremap(paddr_t pa, size_t size);
/*
 * The same for memory outside RAM that is not a device register block
 * (shared memory of another machine, ivshmem's BAR2): normal write-back,
 * inner shareable, execute-never, so ordinary loads, stores, atomics and
 * memcpy work on it; ordering against the other side is the caller's
 * (barriers, <vireo/dma.h>).  Same contexts and results as ioremap().
 */
void *memremap_wb(paddr_t pa, size_t size);
/*
 * Translation tables in use: from the static pool, and from the heap once
 * the pool is spent (a stack guard splitting a block in a new 2 MiB region
 * takes one; they are never freed, so the heap's "used" grows by them).
 * Any context.
 */
void mmu_get_table_stats(unsigned int *pool, unsigned int *heap);
