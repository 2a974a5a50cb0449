/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A two-level segregated-fit (TLSF) heap: O(1) allocate and free with
 * bounded fragmentation, over any number of memory regions.  Not
 * thread-safe: the owner serialises calls (mm/malloc.c holds heap_lock).
 * Portable: built unchanged into the host unit tests.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Size classes: class 0 holds blocks below 256 bytes in 16-byte steps;
 * class f >= 1 holds [2^(f+7), 2^(f+8)) split into HEAP_SL_COUNT equal
 * ranges, so the largest block is just under 2^(HEAP_FL_COUNT+7) bytes
 * (512 GiB); bigger regions are added as several blocks. */
#define HEAP_FL_COUNT 32
#define HEAP_SL_LOG2 4
#define HEAP_SL_COUNT (1 << HEAP_SL_LOG2)

struct heap_block;
struct heap_region;

struct heap {
	struct heap_region *regions;	/* for heap_check only */
	uint32_t fl_bitmap;
	uint32_t sl_bitmap[HEAP_FL_COUNT];
	struct heap_block *free_lists[HEAP_FL_COUNT][HEAP_SL_COUNT];
	size_t total;		/* bytes given by heap_add_region, usable */
	size_t used;		/* bytes in allocated blocks incl. headers */
	size_t nr_used;		/* allocated blocks */
};

struct heap_stats {
	size_t total;
	size_t used;
	size_t free;
	size_t largest_free;
	size_t nr_used;
	size_t nr_free;		/* free blocks: a measure of fragmentation */
};

void heap_init(struct heap *h);
/* Adds [start, start + size) to the heap; unaligned ends are trimmed.
 * Regions too small to hold a block are ignored. */
void heap_add_region(struct heap *h, void *start, size_t size);
/* 16-byte aligned memory, or NULL.  heap_alloc(h, 0) returns a unique
 * minimal block. */
void *heap_alloc(struct heap *h, size_t size);
/* NULL is ignored.  Freeing a pointer the heap did not hand out, or
 * twice, is detected where the block header makes it visible (CHECK). */
void heap_free(struct heap *h, void *p);
/* realloc semantics: NULL p allocates, size 0 frees and returns NULL;
 * grows in place when the next block is free; on failure p is intact. */
void *heap_realloc(struct heap *h, void *p, size_t size);
/* align must be a power of two; NULL otherwise or when out of memory. */
void *heap_memalign(struct heap *h, size_t align, size_t size);
/* Bytes usable at p (>= the size requested). */
size_t heap_usable_size(const void *p);
/* The last 16 bytes of p's physical predecessor and the payload of its
 * successor, when they are tagged blocks (heap_set_tag), else NULL:
 * malloc.c keeps their memory tags out of p's (<vireo/mte.h>). */
void heap_neighbours(const void *p, const void **prev_last,
		     const void **next_first);
/* The block holding addr (header or payload): its payload, size and
 * whether it is free.  Walks the heap: for fault reports, not hot paths. */
bool heap_find(const struct heap *h, const void *addr, void **start,
	       size_t *size, bool *freed);
/* A tag on a live allocation, for its allocator's own use (mm/malloc.c:
 * the block belongs to a task); realloc in place and splitting keep it. */
void heap_set_tag(void *p, bool tagged);
bool heap_tagged(const void *p);
/* Whether p looks like the start of a live allocation (its header says
 * so).  Only for telling p from an address inside another allocation
 * whose 8 bytes before p cannot look like a header (mm/malloc.c). */
bool heap_is_payload(const void *p);
/* Walks the free lists: O(number of free blocks); for statistics only.
 * free and largest_free count usable bytes (headers excluded); used
 * counts headers, so used + free + header * nr_free stays constant. */
void heap_get_stats(const struct heap *h, struct heap_stats *st);
/* Walks every block of every region and every free list and checks the
 * allocator's invariants: 0, or -EINVAL at the first inconsistency.
 * O(heap size); for tests and debugging. */
int heap_check(const struct heap *h);
