// SPDX-License-Identifier: BSD-2-Clause
/*
 * malloc and friends for the whole system, over the TLSF heap in heap.c.
 * The heap itself is not thread-safe; heap_lock (IRQ-safe, held only for
 * the O(1) heap operation) makes these callable from any context.
 * picolibc's own allocator is not linked: these definitions replace it.
 *
 * Ownership.  What an application task allocates (malloc() from its
 * threads, directly or through picolibc or libc) belongs to that task and
 * goes back to the heap when the task ends, however it ends
 * (heap_release_task(), from task_finish()).  Such a block is tagged in
 * the heap and starts with a hidden list node linking it into its task's
 * list; the caller gets the memory after it.  Kernel objects that may
 * outlive the task whose thread creates them (tasks, threads, stacks,
 * files, file-system nodes, queues, signals, timers) are allocated with
 * kmalloc() and friends (<vireo/mm.h>): untagged, freed only by free().
 * Allocations from interrupt handlers and kernel threads are the
 * kernel's too.  Aligned allocations above 16 bytes are never tagged
 * (the node would break the alignment): an application's stay allocated.
 *
 * Memory tagging (<vireo/mte.h>).  When it is on, what an application
 * gets (malloc, calloc, realloc, and aligned allocations) is tagged: a
 * random non-zero tag, not the tag of either physical neighbour, on every
 * granule of the block after the hidden node.  Headers, nodes, free and
 * kernel memory keep tag 0, which no application pointer has, so running
 * off the end of a block faults on the next header, and free() (and a
 * realloc() that gives memory back) sets tag 0 again, so a stale pointer
 * faults.  The heap itself works on untagged addresses: every entry
 * strips the tag first, and tag 0 pointers are never checked.  A tagged
 * pointer whose memory no longer has its tag is a double free (or a
 * pointer that never came from here): reported, and the task is killed
 * with SIGABRT before anything is touched.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/compiler.h>
#include <vireo/heap.h>
#include <vireo/klog.h>
#include <vireo/list.h>
#include <vireo/mm.h>
#include <vireo/mte.h>
#include <vireo/panic.h>
#include <vireo/spinlock.h>
#include <vireo/task.h>

/* The hidden start of a task's block. */
#define OWNED_HDR sizeof(struct list_node)
_Static_assert(sizeof(struct list_node) == 16, "keeps payloads 16-aligned");

/* Blocks freed per heap_lock hold when a task's heap is given back. */
#define RELEASE_BATCH 32

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

/* Bytes from user (in block b) to the end of b. */
static size_t tail_size(void *b, void *user)
{
	return (size_t)((char *)b + heap_usable_size(b) - (char *)user);
}

/*
 * Heap lock held: tags [user, end of block b) with a tag that neither
 * physical neighbour's application memory has (a task's block: the memory
 * after its hidden node) and returns user carrying it.
 */
static void *tag_block(void *b, void *user)
{
	const void *prev, *next;
	uint16_t excl = 1;

	if (!mte_enabled())
		return user;
	heap_neighbours(b, &prev, &next);
	if (prev)
		excl |= 1u << mte_mem_tag(prev);
	if (next)
		excl |= 1u << mte_mem_tag((const char *)next + OWNED_HDR);
	return mte_tag_new(user, tail_size(b, user), excl);
}

/* Heap lock held: gives [user, end of block b) tag 0 again. */
static void untag_block(void *b, void *user)
{
	if (mte_enabled())
		mte_tag_clear(user, tail_size(b, user));
}

/*
 * A tagged pointer handed back (free, realloc) must still have its
 * memory's tag; if not it was freed already (the memory went back to
 * tag 0, or to another block's tag): say so and end the task before the
 * heap is touched.  Tag 0 pointers are the kernel's, checked as before.
 */
static void check_live(const void *ptr, const char *fn)
{
	unsigned int pt = mte_ptr_tag(ptr), mt;

	if (!pt || !mte_enabled())
		return;
	mt = mte_mem_tag(ptr);
	if (mt == pt)
		return;
	pr_err("%s(%p): double free or invalid pointer: pointer tag %#x, "
	       "memory tag %#x; task %d killed (SIGABRT)\n", fn, ptr, pt, mt,
	       task_getpid());
	task_exit_signaled(SIGABRT);
}

/* Heap lock held: size bytes for owner's list (NULL: the kernel's). */
static void *alloc_locked(size_t size, struct list_node *owner)
{
	struct list_node *n;

	if (!owner)
		return heap_alloc(&kheap, size);
	if (__builtin_add_overflow(size, OWNED_HDR, &size))
		return NULL;
	n = heap_alloc(&kheap, size);
	if (!n)
		return NULL;
	heap_set_tag(n, true);
	list_add_tail(owner, n);
	return tag_block(n, n + 1);
}

/* The heap block of a pointer malloc() returned: the pointer itself, or
 * the hidden node before it (*owned).  A node's second word is a pointer,
 * which never looks like a block header (its magic is in the top bits). */
static void *block_of(void *p, bool *owned)
{
	*owned = !heap_is_payload(p);
	return *owned ? (struct list_node *)p - 1 : p;
}

static void *alloc(size_t size, struct list_node *owner)
{
	irqflags_t f = spin_lock_irqsave(&heap_lock);
	void *p = alloc_locked(size, owner);

	spin_unlock_irqrestore(&heap_lock, f);
	if (!p)
		errno = ENOMEM;
	return p;
}

void *malloc(size_t size)
{
	return alloc(size, task_heap_owner());
}

void *kmalloc(size_t size)
{
	return alloc(size, NULL);
}

void free(void *ptr)
{
	irqflags_t f;
	bool owned, tagged;
	void *b;

	if (!ptr)
		return;
	check_live(ptr, "free");
	tagged = mte_ptr_tag(ptr) != 0;
	ptr = mte_untag(ptr);
	f = spin_lock_irqsave(&heap_lock);
	b = block_of(ptr, &owned);
	if (owned) {
		CHECK(heap_tagged(b));
		list_del(b);
	}
	if (tagged)
		untag_block(b, ptr);
	heap_free(&kheap, b);
	spin_unlock_irqrestore(&heap_lock, f);
}

/* Not malloc() + memset(): GCC folds that pair into a call to calloc(),
 * which here would be this function calling itself. */
static void *zalloc(size_t n, size_t size, struct list_node *owner)
{
	size_t total;
	void *p;

	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	p = alloc(total, owner);
	return p ? memset(p, 0, total) : NULL;
}

void *calloc(size_t n, size_t size)
{
	return zalloc(n, size, task_heap_owner());
}

void *kcalloc(size_t n, size_t size)
{
	return zalloc(n, size, NULL);
}

/* An owned block moves with its place in its owner's list. */
static void *realloc_owned_locked(struct list_node *n, size_t size)
{
	struct list_node *prev = n->prev, *next = n->next;
	struct list_node *q;

	if (__builtin_add_overflow(size, OWNED_HDR, &size))
		return NULL;
	list_del(n);
	q = heap_realloc(&kheap, n, size);
	if (!q) {
		list_insert(n, prev, next);	/* unchanged, as C says */
		return NULL;
	}
	heap_set_tag(q, true);
	list_insert(q, prev, next);
	return q + 1;
}

static void *resize(void *ptr, size_t size, struct list_node *owner)
{
	irqflags_t f;
	bool owned, tagged;
	unsigned int tag;
	void *p, *b;

	if (!ptr)
		return alloc(size, owner);
	if (!size) {
		free(ptr);
		return NULL;
	}
	check_live(ptr, "realloc");
	tag = mte_ptr_tag(ptr);
	tagged = tag != 0;
	ptr = mte_untag(ptr);
	f = spin_lock_irqsave(&heap_lock);
	b = block_of(ptr, &owned);
	if (tagged) {
		/* The old memory gives up its tag (it may move, or shrink
		 * and return its tail); the result gets a new one. */
		untag_block(b, ptr);
	}
	p = owned ? realloc_owned_locked(b, size) : heap_realloc(&kheap, b, size);
	if (tagged && p) {
		b = owned ? (struct list_node *)p - 1 : p;
		p = tag_block(b, p);
	} else if (tagged) {
		/* Failed: the old block stays, unchanged as C says, so it
		 * gets its own tag back (every other one excluded). */
		mte_tag_new(ptr, tail_size(b, ptr), (uint16_t)~(1u << tag));
	}
	spin_unlock_irqrestore(&heap_lock, f);
	if (!p)
		errno = ENOMEM;
	return p;
}

void *realloc(void *ptr, size_t size)
{
	return resize(ptr, size, task_heap_owner());
}

void *krealloc(void *ptr, size_t size)
{
	return resize(ptr, size, NULL);
}

/* strdup() for kernel objects (picolibc's strdup() calls malloc(), right
 * for an application). */
char *kstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *c = kmalloc(n);

	return c ? memcpy(c, s, n) : NULL;
}

static void *aligned(size_t align, size_t size, int *err)
{
	irqflags_t f;
	void *p;

	if (align <= 16)
		return alloc(size, task_heap_owner());
	f = spin_lock_irqsave(&heap_lock);
	p = heap_memalign(&kheap, align, size);
	if (p && task_heap_owner())
		p = tag_block(p, p);
	spin_unlock_irqrestore(&heap_lock, f);
	if (!p)
		*err = align & (align - 1) ? EINVAL : ENOMEM;
	return p;
}

void *memalign(size_t align, size_t size)
{
	int err = 0;
	void *p = aligned(align, size, &err);

	if (err)
		errno = err;
	return p;
}

void *aligned_alloc(size_t align, size_t size)
{
	return memalign(align, size);
}

void *kaligned_alloc(size_t align, size_t size)
{
	irqflags_t f = spin_lock_irqsave(&heap_lock);
	void *p = align <= 16 ? heap_alloc(&kheap, size)
			      : heap_memalign(&kheap, align, size);

	spin_unlock_irqrestore(&heap_lock, f);
	if (!p)
		errno = ENOMEM;
	return p;
}

int posix_memalign(void **out, size_t align, size_t size)
{
	int err = 0;
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	p = aligned(align, size, &err);
	if (!p)
		return err ? err : ENOMEM;
	*out = p;
	return 0;
}

size_t malloc_usable_size(void *ptr)
{
	bool owned;
	void *b;

	if (!ptr)
		return 0;
	ptr = mte_untag(ptr);
	b = block_of(ptr, &owned);
	return heap_usable_size(b) - (owned ? OWNED_HDR : 0);
}

size_t heap_release_task(struct list_node *owned)
{
	size_t bytes = 0;

	for (;;) {
		irqflags_t f = spin_lock_irqsave(&heap_lock);
		int i;

		for (i = 0; i < RELEASE_BATCH && !list_empty(owned); i++) {
			struct list_node *n = owned->next;
			list_del(n);
			untag_block(n, n + 1);
			bytes += heap_usable_size(n) - OWNED_HDR;
			heap_free(&kheap, n);
		}
		spin_unlock_irqrestore(&heap_lock, f);
		if (i < RELEASE_BATCH)
			return bytes;
	}
}

bool mm_find_block(const void *addr, void **start, size_t *size, bool *freed)
{
	bool found;

	/* No lock: a fault report may come while another CPU holds it, and
	 * a racing change only makes the description stale. */
	found = heap_find(&kheap, mte_untag(addr), start, size, freed);
	if (found && !*freed) {
		if (heap_tagged(*start)) {
			*start = (char *)*start + OWNED_HDR;	/* the task's part */
			*size -= OWNED_HDR;
		}
	}
	return found;
}
