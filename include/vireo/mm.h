/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel heap behind malloc(): all RAM the device tree reports minus
 * the image, the device tree itself and its reserved ranges.  malloc and
 * free are O(1), may be called from any context (an IRQ-safe spinlock
 * guards the heap), and are shared by the kernel and applications in the
 * flat build.
 */
#pragma once

#include <stddef.h>
#include <vireo/mmu.h>

struct mm_stats {
	size_t total;
	size_t used;
	size_t free;
	size_t largest_free;
	size_t nr_used;
};

/* Boot: hands ram minus the reserved ranges to the heap. */
void mm_init(const struct mem_region *ram, int nr_ram,
	     const struct mem_region *reserved, int nr_reserved);
void mm_get_stats(struct mm_stats *st);
