/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel heap behind malloc(): all RAM the device tree reports minus
 * the image, the device tree itself and its reserved ranges.  malloc and
 * free are O(1), may be called from any context (an IRQ-safe spinlock
 * guards the heap), and are shared by the kernel and applications in the
 * flat build.  What an application task's threads malloc() belongs to the
 * task and is freed when it ends; kernel objects that may outlive the
 * task whose thread makes them come from kmalloc() and friends (see
 * mm/malloc.c).  free() takes either.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <vireo/mmu.h>
#include <vireo/sysinfo.h>

/* Boot: hands ram minus the reserved ranges to the heap. */
void mm_init(const struct mem_region *ram, int nr_ram,
	     const struct mem_region *reserved, int nr_reserved);
void mm_get_stats(struct mm_stats *st);

/* The kernel's allocations: as malloc(), calloc(), realloc() (krealloc
 * keeps a block's owner; a new one is the kernel's), strdup() and
 * aligned_alloc(), never freed with a task.  Any context. */
void *kmalloc(size_t size);
void *kcalloc(size_t n, size_t size);
void *krealloc(void *p, size_t size);
char *kstrdup(const char *s);
void *kaligned_alloc(size_t align, size_t size);

struct list_node;
/* Frees every block on a task's list (task end); the bytes given back.
 * Thread context. */
size_t heap_release_task(struct list_node *owned);
/* The heap block holding addr, for fault reports: the start and size of
 * what its owner got, and whether it is free.  Takes no lock. */
bool mm_find_block(const void *addr, void **start, size_t *size, bool *freed);
