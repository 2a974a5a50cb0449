// SPDX-License-Identifier: BSD-2-Clause
/*
 * A two-level segregated-fit (TLSF) heap.  Free blocks sit in one list per
 * size class; two levels of bitmaps find the first non-empty list large
 * enough with two find-first-set instructions, so allocate and free take
 * constant time whatever the heap holds: what a real-time kernel needs.
 *
 * Layout.  A region is [descriptor][block]...[block][sentinel].  Each block
 * is a 16-byte header (the physically previous block, and an info word of
 * size | magic << 48) followed by its payload, 16-byte aligned.  A free
 * block keeps its list links in its payload.  The sentinel is a zero-size
 * block marked used, so the last block never looks past its region and
 * regions never merge.
 *
 * Invariants (heap_check verifies them): no two free blocks are
 * neighbours, since a freed block merges with free neighbours at once;
 * prev_phys is always valid (NULL for a region's first block); a free
 * block is in exactly the list its size maps to.
 *
 * The magic tells a used block from a free one, which catches double
 * frees and most bad pointers; a header absorbed by a merge is stamped
 * free so a stale pointer to it is caught too.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <vireo/compiler.h>
#include <vireo/heap.h>
#include <vireo/panic.h>

#define ALIGN_LOG2 4
#define ALIGN (1u << ALIGN_LOG2)
#define HDR_SIZE 16
#define MIN_PAYLOAD 16		/* room for the free-list links */
/* Class 0 holds sizes below SMALL_LIMIT, one list per 16 bytes. */
#define FL_SHIFT (HEAP_SL_LOG2 + ALIGN_LOG2)
#define SMALL_LIMIT ((size_t)1 << FL_SHIFT)
#define BLOCK_MAX (((size_t)1 << (HEAP_FL_COUNT + FL_SHIFT - 1)) - ALIGN)
/* Region descriptor, first block header, sentinel header. */
#define REGION_OVERHEAD (sizeof(struct heap_region) + 2 * HDR_SIZE)

/* The info word's magic; an enum so that debuggers find it in the debug
 * information (tools/gdb/vireo.py walks the heap). */
enum heap_magic {
	MAGIC_SHIFT = 48,
	MAGIC_USED = 0xb10c,
	MAGIC_TAGGED = 0xb10d,	/* used, and tagged by its allocator */
	MAGIC_FREE = 0xf4ee,
};
#define SIZE_MASK (((uint64_t)1 << MAGIC_SHIFT) - 1)

struct heap_block {
	struct heap_block *prev_phys;
	uint64_t info;
	/* Free blocks only, in the payload: */
	struct heap_block *next_free;
	struct heap_block *prev_free;
};

struct heap_region {
	struct heap_region *next;
	struct heap_block *sentinel;
};

_Static_assert(offsetof(struct heap_block, next_free) == HDR_SIZE,
	       "the payload starts after prev_phys and info");
_Static_assert(sizeof(struct heap_region) % ALIGN == 0,
	       "blocks after the descriptor stay aligned");
_Static_assert(HEAP_FL_COUNT <= 32 && HEAP_SL_COUNT <= 32,
	       "bitmaps are uint32_t");
_Static_assert(BLOCK_MAX < SIZE_MASK, "sizes fit below the magic");

static size_t block_size(const struct heap_block *b)
{
	return (size_t)(b->info & SIZE_MASK);
}

static enum heap_magic block_magic(const struct heap_block *b)
{
	return (enum heap_magic)(b->info >> MAGIC_SHIFT);
}

static bool block_free(const struct heap_block *b)
{
	return block_magic(b) == MAGIC_FREE;
}

static bool block_used(const struct heap_block *b)
{
	return block_magic(b) == MAGIC_USED || block_magic(b) == MAGIC_TAGGED;
}

static void block_set(struct heap_block *b, size_t size, enum heap_magic magic)
{
	b->info = (uint64_t)size | (uint64_t)magic << MAGIC_SHIFT;
}

static void *payload(const struct heap_block *b)
{
	return (char *)b + HDR_SIZE;
}

static struct heap_block *from_payload(const void *p)
{
	return (struct heap_block *)((char *)p - HDR_SIZE);
}

static struct heap_block *next_phys(const struct heap_block *b)
{
	return (struct heap_block *)((char *)payload(b) + block_size(b));
}

static int msb(size_t x)
{
	return (int)(sizeof(long long) * 8 - 1) - __builtin_clzll(x);
}

/* The list a block of size bytes belongs in. */
static void mapping(size_t size, int *fl, int *sl)
{
	if (size < SMALL_LIMIT) {
		*fl = 0;
		*sl = (int)(size >> ALIGN_LOG2);
		return;
	}
	int m = msb(size);
	*fl = m - FL_SHIFT + 1;
	*sl = (int)(size >> (m - HEAP_SL_LOG2)) & (HEAP_SL_COUNT - 1);
}

static void list_insert(struct heap *h, struct heap_block *b)
{
	int fl, sl;

	mapping(block_size(b), &fl, &sl);
	b->prev_free = NULL;
	b->next_free = h->free_lists[fl][sl];
	if (b->next_free)
		b->next_free->prev_free = b;
	h->free_lists[fl][sl] = b;
	h->sl_bitmap[fl] |= 1u << sl;
	h->fl_bitmap |= 1u << fl;
}

static void list_remove(struct heap *h, struct heap_block *b)
{
	int fl, sl;

	mapping(block_size(b), &fl, &sl);
	if (b->prev_free)
		b->prev_free->next_free = b->next_free;
	else
		h->free_lists[fl][sl] = b->next_free;
	if (b->next_free)
		b->next_free->prev_free = b->prev_free;
	if (!h->free_lists[fl][sl]) {
		h->sl_bitmap[fl] &= ~(1u << sl);
		if (!h->sl_bitmap[fl])
			h->fl_bitmap &= ~(1u << fl);
	}
}

/* The first non-empty list at or above fl/sl, or NULL. */
static struct heap_block *first_list_from(struct heap *h, int fl, int sl)
{
	uint32_t sl_map, fl_map;

	if (fl >= HEAP_FL_COUNT)
		return NULL;
	sl_map = sl < 32 ? h->sl_bitmap[fl] & (~0u << sl) : 0;
	if (!sl_map) {
		fl_map = fl + 1 < 32 ? h->fl_bitmap & (~0u << (fl + 1)) : 0;
		if (!fl_map)
			return NULL;
		fl = __builtin_ctz(fl_map);
		sl_map = h->sl_bitmap[fl];
	}
	return h->free_lists[fl][__builtin_ctz(sl_map)];
}

/*
 * A free block of at least size bytes, still in its list, or NULL.  The
 * size is first rounded up to the next list boundary so that any block of
 * a list found is big enough: the "good fit" that keeps this O(1).  When
 * that finds nothing, the head of size's own list may still be big enough
 * (the last large block of a nearly full heap): one more O(1) look.
 */
static struct heap_block *find_free(struct heap *h, size_t size)
{
	struct heap_block *b;
	int fl, sl;

	if (size < SMALL_LIMIT) {	/* class 0 lists are exact */
		mapping(size, &fl, &sl);
		return first_list_from(h, fl, sl);
	}
	mapping(size + ((size_t)1 << (msb(size) - HEAP_SL_LOG2)) - 1, &fl, &sl);
	b = first_list_from(h, fl, sl);
	if (b)
		return b;
	mapping(size, &fl, &sl);
	b = h->free_lists[fl][sl];
	return b && block_size(b) >= size ? b : NULL;
}

/* A stale pointer into a merged-away header then reads as freed. */
static void poison_header(struct heap_block *b)
{
	block_set(b, 0, MAGIC_FREE);
}

/* Marks b (in no list) free, merges it with free neighbours, files it. */
static void release(struct heap *h, struct heap_block *b)
{
	struct heap_block *prev = b->prev_phys, *next = next_phys(b);
	size_t size = block_size(b);

	if (prev && block_free(prev)) {
		list_remove(h, prev);
		size += HDR_SIZE + block_size(prev);
		poison_header(b);
		b = prev;
	}
	if (block_free(next)) {
		list_remove(h, next);
		size += HDR_SIZE + block_size(next);
		poison_header(next);
	}
	block_set(b, size, MAGIC_FREE);
	next_phys(b)->prev_phys = b;
	list_insert(h, b);
}

/* Gives the tail of used block b beyond size bytes back to the heap,
 * when it is big enough to be a block of its own. */
static void split_tail(struct heap *h, struct heap_block *b, size_t size)
{
	size_t have = block_size(b);
	struct heap_block *rest;

	if (have < size + HDR_SIZE + MIN_PAYLOAD)
		return;
	rest = (struct heap_block *)((char *)payload(b) + size);
	rest->prev_phys = b;
	block_set(rest, have - size - HDR_SIZE, MAGIC_FREE);
	block_set(b, size, block_magic(b));	/* a tag stays */
	release(h, rest);
}

/* Hands out b (in no list) trimmed to size bytes. */
static void *take(struct heap *h, struct heap_block *b, size_t size)
{
	block_set(b, block_size(b), MAGIC_USED);
	split_tail(h, b, size);
	h->used += HDR_SIZE + block_size(b);
	h->nr_used++;
	return payload(b);
}

/* The payload size serving a request of size bytes, 0 when impossible. */
static size_t adjust(size_t size)
{
	if (size > BLOCK_MAX)
		return 0;
	return size < MIN_PAYLOAD ? MIN_PAYLOAD : ALIGN_UP(size, (size_t)ALIGN);
}

/* The header of p, which must be a live allocation: anything else is a
 * caller's memory bug, and continuing would corrupt the heap. */
static struct heap_block *checked_block(const void *p)
{
	struct heap_block *b = from_payload(p);

	CHECK(((uintptr_t)p & (ALIGN - 1)) == 0);
	CHECK(!block_free(b));			/* double free */
	CHECK(block_used(b));			/* not from the heap */
	CHECK(block_size(b) >= MIN_PAYLOAD);
	CHECK(next_phys(b)->prev_phys == b);	/* header overwritten */
	return b;
}

void heap_init(struct heap *h)
{
	memset(h, 0, sizeof(*h));
}

/* Makes [lo, lo + len) one region holding one free block. */
static void add_chunk(struct heap *h, uintptr_t lo, size_t len)
{
	struct heap_region *r = (struct heap_region *)lo;
	struct heap_block *b = (struct heap_block *)(r + 1);
	size_t size = len - REGION_OVERHEAD;

	b->prev_phys = NULL;
	block_set(b, size, MAGIC_FREE);
	r->sentinel = next_phys(b);
	r->sentinel->prev_phys = b;
	block_set(r->sentinel, 0, MAGIC_USED);
	r->next = h->regions;
	h->regions = r;
	h->total += size;
	list_insert(h, b);
}

void heap_add_region(struct heap *h, void *start, size_t size)
{
	uintptr_t lo = ALIGN_UP((uintptr_t)start, (uintptr_t)ALIGN);
	uintptr_t hi = (uintptr_t)start + size;

	if (hi < (uintptr_t)start)
		hi = UINTPTR_MAX;	/* wraps: keep what is addressable */
	hi = ALIGN_DOWN(hi, (uintptr_t)ALIGN);
	/* Beyond the largest class a region becomes several blocks. */
	while (hi > lo && hi - lo >= REGION_OVERHEAD + MIN_PAYLOAD) {
		size_t len = MIN(hi - lo, BLOCK_MAX + REGION_OVERHEAD);
		add_chunk(h, lo, len);
		lo += len;
	}
}

void *heap_alloc(struct heap *h, size_t size)
{
	size_t req = adjust(size);
	struct heap_block *b = req ? find_free(h, req) : NULL;

	if (!b)
		return NULL;
	list_remove(h, b);
	return take(h, b, req);
}

void heap_free(struct heap *h, void *p)
{
	struct heap_block *b;

	if (!p)
		return;
	b = checked_block(p);
	h->used -= HDR_SIZE + block_size(b);
	h->nr_used--;
	release(h, b);
}

/* Grows used block b to at least size bytes by taking in the next block
 * when it is free and big enough; whether it did. */
static bool grow_in_place(struct heap *h, struct heap_block *b, size_t size)
{
	struct heap_block *next = next_phys(b);
	size_t have = block_size(b);

	if (!block_free(next) || have + HDR_SIZE + block_size(next) < size)
		return false;
	list_remove(h, next);
	block_set(b, have + HDR_SIZE + block_size(next), block_magic(b));
	poison_header(next);
	next_phys(b)->prev_phys = b;
	split_tail(h, b, size);
	h->used += block_size(b) - have;
	return true;
}

void *heap_realloc(struct heap *h, void *p, size_t size)
{
	struct heap_block *b;
	size_t req, have;
	void *q;

	if (!p)
		return heap_alloc(h, size);
	if (!size) {
		heap_free(h, p);
		return NULL;
	}
	b = checked_block(p);
	req = adjust(size);
	if (!req)
		return NULL;
	have = block_size(b);
	if (req <= have) {
		split_tail(h, b, req);
		h->used -= have - block_size(b);
		return p;
	}
	if (grow_in_place(h, b, req))
		return p;
	q = heap_alloc(h, size);
	if (!q)
		return NULL;
	memcpy(q, p, have);
	heap_free(h, p);
	return q;
}

void *heap_memalign(struct heap *h, size_t align, size_t size)
{
	size_t req = adjust(size);
	struct heap_block *b, *nb;
	uintptr_t p, a;

	if (!align || (align & (align - 1)))
		return NULL;
	if (align <= ALIGN)
		return heap_alloc(h, size);
	/* The worst gap before an aligned payload is align + 16 bytes: a
	 * gap, when there is one, must hold a free block of its own. */
	if (!req || align > BLOCK_MAX ||
	    req + align + HDR_SIZE + MIN_PAYLOAD > BLOCK_MAX)
		return NULL;
	b = find_free(h, req + align + HDR_SIZE + MIN_PAYLOAD);
	if (!b)
		return NULL;
	list_remove(h, b);
	p = (uintptr_t)payload(b);
	a = ALIGN_UP(p, (uintptr_t)align);
	if (a != p && a - p < HDR_SIZE + MIN_PAYLOAD)
		a = ALIGN_UP(p + HDR_SIZE + MIN_PAYLOAD, (uintptr_t)align);
	if (a != p) {
		nb = from_payload((void *)a);
		nb->prev_phys = b;
		block_set(nb, block_size(b) - (a - p), MAGIC_USED);
		next_phys(nb)->prev_phys = nb;
		block_set(b, a - p - HDR_SIZE, MAGIC_FREE);
		release(h, b);
		b = nb;
	}
	return take(h, b, req);
}

void heap_set_tag(void *p, bool tagged)
{
	struct heap_block *b = checked_block(p);

	block_set(b, block_size(b), tagged ? MAGIC_TAGGED : MAGIC_USED);
}

bool heap_tagged(const void *p)
{
	return block_magic(checked_block(p)) == MAGIC_TAGGED;
}

bool heap_is_payload(const void *p)
{
	return ((uintptr_t)p & (ALIGN - 1)) == 0 && block_used(from_payload(p));
}

void heap_neighbours(const void *p, const void **prev_last,
		     const void **next_first)
{
	struct heap_block *b = checked_block(p), *prev = b->prev_phys;
	struct heap_block *next = next_phys(b);

	/* Only tagged blocks: an untagged one may hold a stack whose guard
	 * page is unmapped, and its memory tags say nothing anyway. */
	*prev_last = prev && block_magic(prev) == MAGIC_TAGGED ?
		     (char *)payload(prev) + block_size(prev) - ALIGN : NULL;
	*next_first = block_magic(next) == MAGIC_TAGGED ? payload(next) : NULL;
}

bool heap_find(const struct heap *h, const void *addr, void **start,
	       size_t *size, bool *freed)
{
	for (const struct heap_region *r = h->regions; r; r = r->next) {
		const struct heap_block *b = (const struct heap_block *)(r + 1);
		if ((uintptr_t)addr < (uintptr_t)b ||
		    (uintptr_t)addr >= (uintptr_t)r->sentinel)
			continue;
		/* Bounded by the region: a corrupt header ends the walk. */
		for (; b < r->sentinel && block_size(b); b = next_phys(b)) {
			if ((uintptr_t)addr < (uintptr_t)next_phys(b)) {
				*start = payload(b);
				*size = block_size(b);
				*freed = block_free(b);
				return true;
			}
		}
	}
	return false;
}

size_t heap_usable_size(const void *p)
{
	return block_size(checked_block(p));
}

void heap_get_stats(const struct heap *h, struct heap_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->total = h->total;
	st->used = h->used;
	st->nr_used = h->nr_used;
	for (int fl = 0; fl < HEAP_FL_COUNT; fl++) {
		if (!(h->fl_bitmap & (1u << fl)))
			continue;
		for (int sl = 0; sl < HEAP_SL_COUNT; sl++) {
			for (struct heap_block *b = h->free_lists[fl][sl]; b;
			     b = b->next_free) {
				st->free += block_size(b);
				st->largest_free = MAX(st->largest_free,
						       block_size(b));
				st->nr_free++;
			}
		}
	}
}

/* Checks the blocks of region r in address order and adds them up. */
static int check_region(const struct heap_region *r, size_t *used,
			size_t *nr_used, size_t *free_bytes, size_t *nr_free)
{
	const struct heap_block *prev = NULL;
	const struct heap_block *b = (const struct heap_block *)(r + 1);

	for (;; prev = b, b = next_phys(b)) {
		if (b > r->sentinel || b->prev_phys != prev)
			return -EINVAL;
		if (b == r->sentinel)
			return block_size(b) == 0 &&
			       block_magic(b) == MAGIC_USED ? 0 : -EINVAL;
		if (block_size(b) < MIN_PAYLOAD || block_size(b) % ALIGN)
			return -EINVAL;
		if (block_free(b)) {
			if (prev && block_free(prev))
				return -EINVAL;	/* missed a merge */
			*free_bytes += block_size(b);
			(*nr_free)++;
		} else if (block_used(b)) {
			*used += HDR_SIZE + block_size(b);
			(*nr_used)++;
		} else {
			return -EINVAL;
		}
	}
}

/* Checks list fl/sl against the bitmaps and the sizes it may hold;
 * *budget bounds the walk so that a cycle cannot loop forever. */
static int check_list(const struct heap *h, int fl, int sl, size_t *budget)
{
	const struct heap_block *b = h->free_lists[fl][sl], *prev = NULL;
	bool bit = (h->sl_bitmap[fl] >> sl) & 1;
	int bfl, bsl;

	if (!!b != bit || (bit && !(h->fl_bitmap & (1u << fl))))
		return -EINVAL;
	for (; b; prev = b, b = b->next_free) {
		if (!*budget || !block_free(b) || b->prev_free != prev)
			return -EINVAL;
		(*budget)--;
		mapping(block_size(b), &bfl, &bsl);
		if (bfl != fl || bsl != sl)
			return -EINVAL;
	}
	return 0;
}

int heap_check(const struct heap *h)
{
	size_t used = 0, nr_used = 0, free_bytes = 0, nr_free = 0;
	size_t nr_regions = 0;
	size_t budget;

	for (const struct heap_region *r = h->regions; r; r = r->next) {
		if (check_region(r, &used, &nr_used, &free_bytes, &nr_free))
			return -EINVAL;
		nr_regions++;
	}
	if (used != h->used || nr_used != h->nr_used ||
	    used + free_bytes + HDR_SIZE * nr_free !=
	    h->total + HDR_SIZE * nr_regions)
		return -EINVAL;
	budget = nr_free;
	for (int fl = 0; fl < HEAP_FL_COUNT; fl++) {
		if (!h->sl_bitmap[fl] != !(h->fl_bitmap & (1u << fl)))
			return -EINVAL;
		for (int sl = 0; sl < HEAP_SL_COUNT; sl++)
			if (check_list(h, fl, sl, &budget))
				return -EINVAL;
	}
	return budget == 0 ? 0 : -EINVAL;	/* every free block listed */
}
