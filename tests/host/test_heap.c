// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of the TLSF heap (mm/heap.c): alignment, splitting and
 * coalescing, realloc in place and moving, memalign, out of memory,
 * several regions, double-free and bad-pointer detection through the
 * fake panic(), and a long randomized run against a shadow model with
 * heap_check() verifying the allocator's invariants as it goes.
 * Regions are malloc'd at their exact size so ASan sees any overrun.
 */
#include <stdbool.h>
#include <stdint.h>
#include <vireo/compiler.h>
#include <vireo/heap.h>
#include "fake_panic.h"
#include "unit.h"

#define REGION_SIZE (256 * 1024)

struct arena {
	struct heap h;
	void *mem[4];
	size_t len[4];
	int nr;
};

static void arena_add(struct arena *a, size_t len)
{
	a->mem[a->nr] = malloc(len);
	a->len[a->nr] = len;
	heap_add_region(&a->h, a->mem[a->nr], len);
	a->nr++;
}

static void arena_init(struct arena *a, size_t len)
{
	memset(a, 0, sizeof(*a));
	heap_init(&a->h);
	arena_add(a, len);
}

static void arena_fini(struct arena *a)
{
	for (int i = 0; i < a->nr; i++)
		free(a->mem[i]);
}

/* Which region holds [p, p + len) entirely, -1 if none. */
static int arena_region_of(const struct arena *a, const void *p, size_t len)
{
	for (int i = 0; i < a->nr; i++) {
		const char *lo = a->mem[i], *hi = lo + a->len[i];
		if ((const char *)p >= lo && (const char *)p + len <= hi)
			return i;
	}
	return -1;
}

static struct heap_stats stats(const struct heap *h)
{
	struct heap_stats st;

	heap_get_stats(h, &st);
	return st;
}

static void fill(void *p, size_t n, uint32_t key)
{
	uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(key * 31 + i * 7 + (i >> 8));
}

static bool filled(const void *p, size_t n, uint32_t key)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != (uint8_t)(key * 31 + i * 7 + (i >> 8)))
			return false;
	return true;
}

/* Everything free again: one block per region, all of it usable. */
static void expect_fully_coalesced(const struct arena *a)
{
	struct heap_stats st = stats(&a->h);

	EXPECT_EQ(heap_check(&a->h), 0);
	EXPECT_EQ(st.used, 0);
	EXPECT_EQ(st.nr_used, 0);
	EXPECT_EQ(st.nr_free, a->nr);
	EXPECT_EQ(st.free, st.total);
	if (a->nr == 1)
		EXPECT_EQ(st.largest_free, st.free);
}

TEST(fresh_heap_is_one_block)
{
	struct arena a;

	arena_init(&a, REGION_SIZE);
	struct heap_stats st = stats(&a.h);
	EXPECT(st.total > REGION_SIZE - 128 && st.total < REGION_SIZE);
	EXPECT_EQ(st.free, st.total);
	EXPECT_EQ(st.largest_free, st.total);
	EXPECT_EQ(st.nr_free, 1);
	EXPECT_EQ(st.used, 0);
	EXPECT_EQ(heap_check(&a.h), 0);
	arena_fini(&a);
}

TEST(alloc_aligned_and_disjoint)
{
	static const size_t sizes[] = { 1, 7, 15, 16, 17, 31, 32, 33, 100,
					255, 256, 257, 1000, 4095, 4096, 10000 };
	void *p[ARRAY_SIZE(sizes)];
	struct arena a;

	arena_init(&a, REGION_SIZE);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = heap_alloc(&a.h, sizes[i]);
		EXPECT(p[i] != NULL);
		EXPECT_EQ((uintptr_t)p[i] % 16, 0);
		EXPECT(heap_usable_size(p[i]) >= sizes[i]);
		EXPECT(arena_region_of(&a, p[i], heap_usable_size(p[i])) == 0);
		fill(p[i], heap_usable_size(p[i]), (uint32_t)i);
	}
	/* Writing every usable byte disturbed no other block. */
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		EXPECT(filled(p[i], heap_usable_size(p[i]), (uint32_t)i));
	EXPECT_EQ(heap_check(&a.h), 0);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		heap_free(&a.h, p[i]);
	expect_fully_coalesced(&a);
	arena_fini(&a);
}

TEST(alloc_zero_is_unique)
{
	struct arena a;

	arena_init(&a, REGION_SIZE);
	void *p = heap_alloc(&a.h, 0), *q = heap_alloc(&a.h, 0);
	EXPECT(p && q && p != q);
	EXPECT(heap_usable_size(p) > 0);
	heap_free(&a.h, p);
	heap_free(&a.h, q);
	heap_free(&a.h, NULL);	/* ignored */
	expect_fully_coalesced(&a);
	arena_fini(&a);
}

/* Frees n blocks in the order given by idx and expects one block back. */
static void free_in_order(const int *idx, int n)
{
	struct arena a;
	void *p[64];

	arena_init(&a, REGION_SIZE);
	size_t total = stats(&a.h).total;
	for (int i = 0; i < n; i++)
		p[i] = heap_alloc(&a.h, 100 + 37 * i);
	for (int i = 0; i < n; i++) {
		heap_free(&a.h, p[idx[i]]);
		EXPECT_EQ(heap_check(&a.h), 0);
	}
	expect_fully_coalesced(&a);
	EXPECT_EQ(stats(&a.h).free, total);
	arena_fini(&a);
}

TEST(coalesce_any_order)
{
	int fwd[64], rev[64], odd_even[64], mixed[64];
	int n = 64;

	for (int i = 0; i < n; i++) {
		fwd[i] = i;
		rev[i] = n - 1 - i;
		odd_even[i] = i < n / 2 ? 2 * i + 1 : 2 * (i - n / 2);
		mixed[i] = (i * 37) % n;	/* 37 is coprime with 64 */
	}
	free_in_order(fwd, n);
	free_in_order(rev, n);
	free_in_order(odd_even, n);
	free_in_order(mixed, n);
}

TEST(coalesce_middle_with_both_neighbours)
{
	struct arena a;

	arena_init(&a, REGION_SIZE);
	void *x = heap_alloc(&a.h, 64), *p = heap_alloc(&a.h, 64);
	void *q = heap_alloc(&a.h, 64), *r = heap_alloc(&a.h, 64);
	void *y = heap_alloc(&a.h, 64);
	heap_free(&a.h, p);
	heap_free(&a.h, r);
	size_t nr_free = stats(&a.h).nr_free;
	heap_free(&a.h, q);	/* p, q, r become one */
	EXPECT_EQ(stats(&a.h).nr_free, nr_free - 1);
	void *big = heap_alloc(&a.h, 3 * 64 + 2 * 16);
	EXPECT(big == p);	/* the merged hole, exactly */
	EXPECT_EQ(heap_check(&a.h), 0);
	heap_free(&a.h, big);
	heap_free(&a.h, x);
	heap_free(&a.h, y);
	expect_fully_coalesced(&a);
	arena_fini(&a);
}

TEST(memalign_powers_of_two)
{
	struct arena a;
	void *p[64];
	int n = 0;

	arena_init(&a, REGION_SIZE);
	for (size_t align = 1; align <= 4096; align <<= 1) {
		/* An odd-sized block first, so the next start is misaligned. */
		p[n++] = heap_alloc(&a.h, 24 + align % 48);
		void *m = heap_memalign(&a.h, align, 100);
		EXPECT(m != NULL);
		EXPECT_EQ((uintptr_t)m % (align < 16 ? 16 : align), 0);
		EXPECT(heap_usable_size(m) >= 100);
		fill(m, 100, (uint32_t)align);
		p[n++] = m;
		EXPECT_EQ(heap_check(&a.h), 0);
	}
	for (int i = 0; i < n; i += 2)
		EXPECT(filled(p[i + 1], 100, (uint32_t)(1u << (i / 2))));
	for (int i = 0; i < n; i++)
		heap_free(&a.h, p[i]);
	expect_fully_coalesced(&a);
	arena_fini(&a);
}

TEST(memalign_large_alignment)
{
	struct arena a;

	arena_init(&a, REGION_SIZE);
	void *m = heap_memalign(&a.h, 65536, 1000);
	EXPECT(m && (uintptr_t)m % 65536 == 0);
	heap_free(&a.h, m);
	EXPECT(heap_memalign(&a.h, 1u << 20, 16) == NULL);	/* > region */
	expect_fully_coalesced(&a);
	arena_fini(&a);
}

TEST(memalign_rejects_bad_alignment)
{
	struct arena a;

	arena_init(&a, REGION_SIZE);
	EXPECT(heap_memalign(&a.h, 0, 16) == NULL);
	EXPECT(heap_memalign(&a.h, 24, 16) == NULL);
	EXPECT(heap_memalign(&a.h, 4097, 16) == NULL);
	EXPECT(heap_memalign(&a.h, 64, SIZE_MAX - 8) == NULL);
	expect_fully_coalesced(&a);
	arena_fini(&a);
}

TEST(realloc_shrinks_in_place)
{
	struct arena a;

	arena_init(&a, REGION_SIZE);
	char *p = heap_alloc(&a.h, 4000);
	fill(p, 4000, 1);
	size_t used = stats(&a.h).used;
	EXPECT(heap_realloc(&a.h, p, 100) == p);
	EXPECT(filled(p, 100, 1));
	EXPECT(heap_usable_size(p) < 4000);
	EXPECT(stats(&a.h).used < used);
	EXPECT_EQ(heap_check(&a.h), 0);
	heap_free(&a.h, p);
	expect_fully_coalesced(&a);
	arena_fini(&a);
}

TEST(realloc_grows_in_place)
{
	struct arena a;

	arena_init(&a, REGION_SIZE);
	char *p = heap_alloc(&a.h, 200);
	char *q = heap_alloc(&a.h, 2000);
	char *guard = heap_alloc(&a.h, 16);
	fill(p, 200, 2);
	fill(guard, 16, 3);
	heap_free(&a.h, q);	/* the hole after p */
	EXPECT(heap_realloc(&a.h, p, 1500) == p);
	EXPECT(filled(p, 200, 2));
	EXPECT(heap_usable_size(p) >= 1500);
	EXPECT(heap_realloc(&a.h, p, 200 + 2000 + 16) == p);	/* all of it */
	EXPECT(filled(guard, 16, 3));
	EXPECT_EQ(heap_check(&a.h), 0);
	heap_free(&a.h, p);
	heap_free(&a.h, guard);
	expect_fully_coalesced(&a);
	arena_fini(&a);
}

TEST(realloc_moves_when_blocked)
{
	struct arena a;

	arena_init(&a, REGION_SIZE);
	char *p = heap_alloc(&a.h, 300);
	char *q = heap_alloc(&a.h, 300);
	fill(p, 300, 4);
	fill(q, 300, 5);
	char *r = heap_realloc(&a.h, p, 5000);
	EXPECT(r != NULL && r != p);
	EXPECT(filled(r, 300, 4));
	EXPECT(filled(q, 300, 5));
	EXPECT_EQ(stats(&a.h).nr_used, 2);
	EXPECT_EQ(heap_check(&a.h), 0);
	heap_free(&a.h, q);
	heap_free(&a.h, r);
	expect_fully_coalesced(&a);
	arena_fini(&a);
}

TEST(realloc_null_zero_and_failure)
{
	struct arena a;

	arena_init(&a, REGION_SIZE);
	char *p = heap_realloc(&a.h, NULL, 50);	/* malloc */
	EXPECT(p != NULL);
	fill(p, 50, 6);
	EXPECT(heap_realloc(&a.h, p, REGION_SIZE) == NULL);
	EXPECT(heap_realloc(&a.h, p, SIZE_MAX) == NULL);
	EXPECT(filled(p, 50, 6));	/* intact after failure */
	EXPECT_EQ(stats(&a.h).nr_used, 1);
	EXPECT(heap_realloc(&a.h, p, 0) == NULL);	/* free */
	expect_fully_coalesced(&a);
	arena_fini(&a);
}

TEST(out_of_memory_keeps_heap_intact)
{
	struct arena a;
	static void *p[REGION_SIZE / 32];
	int n = 0;

	arena_init(&a, REGION_SIZE);
	EXPECT(heap_alloc(&a.h, SIZE_MAX) == NULL);
	EXPECT(heap_alloc(&a.h, REGION_SIZE) == NULL);
	EXPECT(heap_alloc(&a.h, stats(&a.h).total + 1) == NULL);
	while (n < (int)ARRAY_SIZE(p) && (p[n] = heap_alloc(&a.h, 48)))
		fill(p[n], 48, (uint32_t)n), n++;
	EXPECT(n > REGION_SIZE / 80);
	EXPECT(heap_alloc(&a.h, 48) == NULL);
	EXPECT_EQ(heap_check(&a.h), 0);
	struct heap_stats st = stats(&a.h);
	EXPECT(st.largest_free < 48);
	for (int i = 0; i < n; i++)
		EXPECT(filled(p[i], 48, (uint32_t)i));
	heap_free(&a.h, p[n / 2]);	/* a hole: usable again */
	EXPECT(heap_alloc(&a.h, 48) == p[n / 2]);
	for (int i = 0; i < n; i++)
		heap_free(&a.h, p[i]);
	expect_fully_coalesced(&a);
	arena_fini(&a);
}

TEST(whole_region_in_one_block)
{
	struct arena a;

	arena_init(&a, REGION_SIZE);
	size_t total = stats(&a.h).total;
	void *p = heap_alloc(&a.h, total);
	EXPECT(p != NULL);
	EXPECT_EQ(heap_usable_size(p), total);
	EXPECT(heap_alloc(&a.h, 1) == NULL);
	EXPECT_EQ(stats(&a.h).free, 0);
	heap_free(&a.h, p);
	expect_fully_coalesced(&a);
	arena_fini(&a);
}

TEST(multiple_regions)
{
	struct arena a;
	void *p[3];

	arena_init(&a, 64 * 1024);
	arena_add(&a, 16 * 1024);
	arena_add(&a, 32 * 1024);
	struct heap_stats st = stats(&a.h);
	EXPECT_EQ(st.nr_free, 3);
	EXPECT(st.total > 110 * 1024);
	EXPECT(st.largest_free < 64 * 1024);
	/* One block per region: the three biggest requests that fit. */
	p[0] = heap_alloc(&a.h, 60 * 1024);
	p[1] = heap_alloc(&a.h, 30 * 1024);
	p[2] = heap_alloc(&a.h, 14 * 1024);
	for (int i = 0; i < 3; i++) {
		EXPECT(p[i] != NULL);
		EXPECT(arena_region_of(&a, p[i], heap_usable_size(p[i])) >= 0);
	}
	EXPECT(arena_region_of(&a, p[0], 1) != arena_region_of(&a, p[1], 1));
	EXPECT(arena_region_of(&a, p[1], 1) != arena_region_of(&a, p[2], 1));
	/* Plenty free in total, but no region has 20 KiB left. */
	EXPECT(stats(&a.h).free > 7 * 1024);
	EXPECT(heap_alloc(&a.h, 20 * 1024) == NULL);
	EXPECT_EQ(heap_check(&a.h), 0);
	for (int i = 0; i < 3; i++)
		heap_free(&a.h, p[i]);
	expect_fully_coalesced(&a);
	arena_fini(&a);
}

TEST(region_edges_trimmed_and_tiny_ignored)
{
	struct arena a;
	char *raw = malloc(4096 + 32);

	memset(&a, 0, sizeof(a));
	heap_init(&a.h);
	heap_add_region(&a.h, raw + 3, 4096 + 20);	/* unaligned both ends */
	heap_add_region(&a.h, raw + 4096 + 23, 8);	/* too small */
	heap_add_region(&a.h, raw, 0);
	struct heap_stats st = stats(&a.h);
	EXPECT_EQ(st.nr_free, 1);
	EXPECT(st.total >= 4096 - 64 && st.total < 4096 + 20);
	void *p = heap_alloc(&a.h, st.total);
	EXPECT(p != NULL);
	EXPECT((char *)p >= raw + 3 &&
	       (char *)p + heap_usable_size(p) <= raw + 4096 + 23);
	memset(p, 0x5a, heap_usable_size(p));	/* ASan: inside raw */
	heap_free(&a.h, p);
	EXPECT_EQ(heap_check(&a.h), 0);
	free(raw);
}

TEST(double_free_detected)
{
	struct arena a;

	arena_init(&a, REGION_SIZE);
	void *keep = heap_alloc(&a.h, 32);
	void *p = heap_alloc(&a.h, 64);
	void *guard = heap_alloc(&a.h, 32);
	heap_free(&a.h, p);
	EXPECT_PANIC(heap_free(&a.h, p));
	EXPECT(strstr(fake_panic_msg, "mm/heap.c") != NULL);
	EXPECT_PANIC(heap_realloc(&a.h, p, 10));
	EXPECT_PANIC(heap_usable_size(p));
	EXPECT_EQ(heap_check(&a.h), 0);	/* detected before any change */
	heap_free(&a.h, keep);
	heap_free(&a.h, guard);
	expect_fully_coalesced(&a);
	arena_fini(&a);
}

/* A block merged into its free predecessor loses its header; a second
 * free of it must still be caught. */
TEST(double_free_after_merge_detected)
{
	struct arena a;

	arena_init(&a, REGION_SIZE);
	void *p = heap_alloc(&a.h, 64), *q = heap_alloc(&a.h, 64);
	void *guard = heap_alloc(&a.h, 64);
	heap_free(&a.h, p);
	heap_free(&a.h, q);	/* merges into p's block */
	EXPECT_PANIC(heap_free(&a.h, q));
	EXPECT_EQ(heap_check(&a.h), 0);
	heap_free(&a.h, guard);
	expect_fully_coalesced(&a);
	arena_fini(&a);
}

TEST(bad_pointer_detected)
{
	struct arena a;

	arena_init(&a, REGION_SIZE);
	char *p = heap_alloc(&a.h, 256);
	memset(p, 0, 256);
	EXPECT_PANIC(heap_free(&a.h, p + 64));	/* inside a block */
	EXPECT_PANIC(heap_free(&a.h, p + 1));	/* misaligned */
	memset(p, 0xff, 256);
	EXPECT_PANIC(heap_free(&a.h, p + 128));
	EXPECT_EQ(stats(&a.h).nr_used, 1);
	EXPECT_EQ(heap_check(&a.h), 0);
	heap_free(&a.h, p);
	expect_fully_coalesced(&a);
	arena_fini(&a);
}

TEST(overwritten_header_detected)
{
	struct arena a;

	arena_init(&a, REGION_SIZE);
	char *p = heap_alloc(&a.h, 64), *q = heap_alloc(&a.h, 64);
	heap_alloc(&a.h, 64);
	memset(p, 0, 64 + 16);	/* overruns into q's header */
	EXPECT_PANIC(heap_free(&a.h, q));
	EXPECT(heap_check(&a.h) != 0);	/* and the walk sees it too */
	arena_fini(&a);
}

/* ---- randomized run against a shadow model ---- */

struct live {
	char *p;
	size_t size;	/* requested */
	size_t align;
	uint32_t key;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 32);
}

/* Mostly small, sometimes page-sized, rarely large. */
static size_t rnd_size(void)
{
	uint32_t r = rnd() % 100;

	if (r < 70)
		return rnd() % 128;
	if (r < 95)
		return rnd() % 4096;
	return rnd() % 40000;
}

static void stress_check(const struct heap *h, const struct live *slot,
			 int nr_slots, size_t invariant)
{
	struct heap_stats st = stats(h);
	size_t used = 0, nr = 0;

	for (int i = 0; i < nr_slots; i++) {
		if (!slot[i].p)
			continue;
		used += heap_usable_size(slot[i].p) + 16;
		nr++;
		EXPECT(filled(slot[i].p, slot[i].size, slot[i].key));
	}
	EXPECT_EQ(heap_check(h), 0);
	EXPECT_EQ(st.used, used);
	EXPECT_EQ(st.nr_used, nr);
	EXPECT(st.largest_free <= st.free);
	EXPECT_EQ(st.used + st.free + 16 * st.nr_free, invariant);
}

TEST(random_stress_against_model)
{
	enum { NR_SLOTS = 512, NR_OPS = 100000 };
	static struct live slot[NR_SLOTS];
	struct arena a;
	int nr_fail = 0, nr_moves = 0;
	uint32_t key = 0;

	memset(slot, 0, sizeof(slot));
	arena_init(&a, 1024 * 1024);
	arena_add(&a, 128 * 1024);
	struct heap_stats st0 = stats(&a.h);
	size_t invariant = st0.free + 16 * st0.nr_free;

	for (int op = 0; op < NR_OPS; op++) {
		struct live *s = &slot[rnd() % NR_SLOTS];
		uint32_t kind = rnd() % 10;

		if (s->p && kind < 4) {
			EXPECT(filled(s->p, s->size, s->key));
			heap_free(&a.h, s->p);
			s->p = NULL;
		} else if (s->p && kind < 7) {
			size_t size = rnd_size();
			char *q = heap_realloc(&a.h, s->p, size ? size : 1);
			if (!q) {	/* the old block must be untouched */
				nr_fail++;
				EXPECT(filled(s->p, s->size, s->key));
				continue;
			}
			size = size ? size : 1;
			nr_moves += q != s->p;
			EXPECT(filled(q, MIN(size, s->size), s->key));
			EXPECT_EQ((uintptr_t)q % 16, 0);
			s->p = q;
			s->size = size;
			s->align = 16;
			fill(q, size, s->key);
		} else if (!s->p) {
			size_t size = rnd_size();
			size_t align = kind < 8 ? 16 : (size_t)32 << (rnd() % 8);
			s->p = align == 16 ? heap_alloc(&a.h, size) :
				heap_memalign(&a.h, align, size);
			if (!s->p) {
				nr_fail++;
				continue;
			}
			EXPECT_EQ((uintptr_t)s->p % align, 0);
			EXPECT(heap_usable_size(s->p) >= size);
			EXPECT(arena_region_of(&a, s->p,
					       heap_usable_size(s->p)) >= 0);
			s->size = size;
			s->align = align;
			s->key = ++key;
			fill(s->p, size, s->key);
		}
		if (op % 2000 == 0)
			stress_check(&a.h, slot, NR_SLOTS, invariant);
		if (unit_failed_checks)
			break;	/* one clear report, not thousands */
	}
	stress_check(&a.h, slot, NR_SLOTS, invariant);
	printf("  stress: %d allocations failed (heap full), %d realloc moves\n",
	       nr_fail, nr_moves);
	EXPECT(nr_moves > 0);
	for (int i = 0; i < NR_SLOTS; i++)
		heap_free(&a.h, slot[i].p);
	expect_fully_coalesced(&a);
	arena_fini(&a);
}

UNIT_MAIN(UNIT_CASE(fresh_heap_is_one_block),
	  UNIT_CASE(alloc_aligned_and_disjoint), UNIT_CASE(alloc_zero_is_unique),
	  UNIT_CASE(coalesce_any_order),
	  UNIT_CASE(coalesce_middle_with_both_neighbours),
	  UNIT_CASE(memalign_powers_of_two), UNIT_CASE(memalign_large_alignment),
	  UNIT_CASE(memalign_rejects_bad_alignment),
	  UNIT_CASE(realloc_shrinks_in_place), UNIT_CASE(realloc_grows_in_place),
	  UNIT_CASE(realloc_moves_when_blocked),
	  UNIT_CASE(realloc_null_zero_and_failure),
	  UNIT_CASE(out_of_memory_keeps_heap_intact),
	  UNIT_CASE(whole_region_in_one_block), UNIT_CASE(multiple_regions),
	  UNIT_CASE(region_edges_trimmed_and_tiny_ignored),
	  UNIT_CASE(double_free_detected),
	  UNIT_CASE(double_free_after_merge_detected),
	  UNIT_CASE(bad_pointer_detected), UNIT_CASE(overwritten_header_detected),
	  UNIT_CASE(random_stress_against_model))
