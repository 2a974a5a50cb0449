// SPDX-License-Identifier: BSD-2-Clause
/*
 * malloc and friends for the whole system, over the TLSF heap in heap.c.
 * The heap itself is not thread-safe; heap_lock (IRQ-safe, held only for
 * the O(1) heap operation) makes these callable from any context.
 * picolibc's own allocator is not linked: these definitions replace it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/heap.h>
#include <vireo/klog.h>
#include <vireo/mm.h>
#include <vireo/spinlock.h>

static struct heap kheap;
static spinlock_t heap_lock = SPINLOCK_INIT;

/* Adds [lo, hi) minus every reserved range that overlaps it. */
static void add_free_range(uint64_t lo, uint64_t hi,
			   const struct mem_region *rsv, int nr_rsv)
{
	for (int i = 0; i < nr_rsv && lo < hi; i++) {
		uint64_t rlo = rsv[i].base, rhi = rsv[i].base + rsv[i].size;
		if (rhi <= lo || rlo >= hi)
			continue;
		if (rlo > lo)
			add_free_range(lo, rlo, rsv + i + 1, nr_rsv - i - 1);
		lo = rhi;
	}
	if (hi > lo + 4096)
		heap_add_region(&kheap, (void *)(uintptr_t)lo, hi - lo);
}

void mm_init(const struct mem_region *ram, int nr_ram,
	     const struct mem_region *reserved, int nr_reserved)
{
	heap_init(&kheap);
	for (int i = 0; i < nr_ram; i++)
		add_free_range(ram[i].base, ram[i].base + ram[i].size,
			       reserved, nr_reserved);
}

void mm_get_stats(struct mm_stats *st)
{
	struct heap_stats hs;
	irqflags_t f = spin_lock_irqsave(&heap_lock);

	heap_get_stats(&kheap, &hs);
	spin_unlock_irqrestore(&heap_lock, f);
	st->total = hs.total;
	st->used = hs.used;
	st->free = hs.free;
	st->largest_free = hs.largest_free;
	st->nr_used = hs.nr_used;
}

void *malloc(size_t size)
{
	irqflags_t f = spin_lock_irqsave(&heap_lock);
	void *p = heap_alloc(&kheap, size);

	spin_unlock_irqrestore(&heap_lock, f);
	if (!p)
		errno = ENOMEM;
	return p;
}

void free(void *ptr)
{
	if (!ptr)
		return;
	irqflags_t f = spin_lock_irqsave(&heap_lock);
	heap_free(&kheap, ptr);
	spin_unlock_irqrestore(&heap_lock, f);
}

/* Not malloc() + memset(): GCC folds that pair into a call to calloc(),
 * which here would be this function calling itself. */
void *calloc(size_t n, size_t size)
{
	size_t total;
	irqflags_t f;
	void *p;

	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	f = spin_lock_irqsave(&heap_lock);
	p = heap_alloc(&kheap, total);
	spin_unlock_irqrestore(&heap_lock, f);
	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	return memset(p, 0, total);
}

void *realloc(void *ptr, size_t size)
{
	irqflags_t f = spin_lock_irqsave(&heap_lock);
	void *p = heap_realloc(&kheap, ptr, size);

	spin_unlock_irqrestore(&heap_lock, f);
	if (!p && size)
		errno = ENOMEM;
	return p;
}

void *memalign(size_t align, size_t size)
{
	irqflags_t f = spin_lock_irqsave(&heap_lock);
	void *p = heap_memalign(&kheap, align, size);

	spin_unlock_irqrestore(&heap_lock, f);
	if (!p)
		errno = align & (align - 1) ? EINVAL : ENOMEM;
	return p;
}

void *aligned_alloc(size_t align, size_t size)
{
	return memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	irqflags_t f = spin_lock_irqsave(&heap_lock);
	void *p = heap_memalign(&kheap, align, size);
	spin_unlock_irqrestore(&heap_lock, f);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

size_t malloc_usable_size(void *ptr)
{
	return ptr ? heap_usable_size(ptr) : 0;
}
