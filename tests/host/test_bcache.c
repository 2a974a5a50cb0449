// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of the block layer (drivers/block/blockdev.c, bcache.c)
 * over a RAM-backed fake device: cache hits, LRU eviction with dirty
 * write-back, sync order and requests in flight, byte-granular access
 * with read-modify-write and coherence between the cache and direct
 * transfers, the end of the device, device errors, read-only devices.
 *
 * The fake device either completes a request at once or keeps it until
 * someone waits: the fake ksem_wait() then completes the newest pending
 * request, so completions arrive out of order.  The fake mutexes fail
 * the test on a double lock (which would deadlock in the kernel).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <vireo/blockdev.h>
#include <vireo/klog.h>
#include <vireo/mutex.h>
#include <vireo/sem.h>
#include "../../drivers/block/block_priv.h"
#include "unit.h"

#define BS 512
#define NBLOCKS 64
#define CACHE_BUFS 16	/* CONFIG_BLOCK_CACHE_KIB (8) * 1024 / BS */

/* ---- what the kernel provides ---- */

void klog(int level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

void kmutex_init(struct kmutex *m, bool recursive)
{
	(void)recursive;
	memset(m, 0, sizeof(*m));
}

int kmutex_lock(struct kmutex *m)
{
	EXPECT_EQ(m->depth, 0);
	m->depth = 1;
	return 0;
}

int kmutex_trylock(struct kmutex *m)
{
	if (m->depth)
		return -EBUSY;
	m->depth = 1;
	return 0;
}

int kmutex_unlock(struct kmutex *m)
{
	EXPECT_EQ(m->depth, 1);
	m->depth = 0;
	return 0;
}

int blockdev_file_register(struct blockdev *bd)
{
	(void)bd;
	return 0;
}

/* ---- the fake device ---- */

struct logent {
	enum blk_op op;
	uint64_t block;
	uint32_t count;
};

static struct ram {
	struct blockdev bd;
	uint8_t mem[NBLOCKS * BS];
	bool defer;			/* keep requests until a wait */
	int max_inflight;
	uint64_t bad_block;		/* -EIO for requests touching it */
	bool fail_writes;		/* -EIO for every write */
	struct logent log[1024];
	int nlog;
} *cur;

/* Requests kept by deferring devices, in submission order. */
static struct pending {
	struct ram *dev;
	struct blk_req *req;
} pending[64];
static int npending;

static void complete(struct ram *r, struct blk_req *req)
{
	uint8_t *at = r->mem + req->block * BS;
	int st = 0;

	if ((req->op != BLK_OP_FLUSH && r->bad_block >= req->block &&
	     r->bad_block < req->block + req->count) ||
	    (req->op == BLK_OP_WRITE && r->fail_writes))
		st = -EIO;
	else if (req->op == BLK_OP_READ)
		memcpy(req->buf, at, (size_t)req->count * BS);
	else if (req->op == BLK_OP_WRITE)
		memcpy(at, req->buf, (size_t)req->count * BS);
	req->done(req, st);
}

static int ram_submit(struct blockdev *bd, struct blk_req *req)
{
	struct ram *r = container_of(bd, struct ram, bd);

	r->log[r->nlog++] = (struct logent){ req->op, req->block, req->count };
	if (!r->defer) {
		complete(r, req);
		return 0;
	}
	pending[npending++] = (struct pending){ r, req };
	if (npending > r->max_inflight)
		r->max_inflight = npending;
	return 0;
}

void ksem_init(struct ksem *s, int count)
{
	s->count = count;
}

int ksem_post(struct ksem *s)
{
	s->count++;
	return 0;
}

void ksem_wait(struct ksem *s)
{
	while (s->count == 0) {
		if (!npending) {
			fprintf(stderr, "wait with nothing in flight\n");
			abort();
		}
		npending--;
		complete(pending[npending].dev, pending[npending].req);
	}
	s->count--;
}

static const struct blockdev_ops ram_ops = { .submit = ram_submit };

/* A fresh device named name (each test registers its own). */
static struct ram *ram_new(const char *name, unsigned int features, bool ro)
{
	struct ram *r = calloc(1, sizeof(*r));

	for (size_t i = 0; i < sizeof(r->mem); i++)
		r->mem[i] = (uint8_t)(i * 7 + i / BS);
	snprintf(r->bd.name, sizeof(r->bd.name), "%s", name);
	r->bd.block_size = BS;
	r->bd.nr_blocks = NBLOCKS;
	r->bd.features = features;
	r->bd.read_only = ro;
	r->bd.ops = &ram_ops;
	r->bad_block = UINT64_MAX;
	cur = r;
	EXPECT_EQ(blockdev_register(&r->bd), 0);
	return r;
}

static int count_ops(enum blk_op op, uint64_t block)
{
	int n = 0;

	for (int i = 0; i < cur->nlog; i++)
		n += cur->log[i].op == op && cur->log[i].block == block;
	return n;
}

/* Reads block through the cache and checks it against the device. */
static void read_check(uint64_t block)
{
	struct buf *b = NULL;

	EXPECT_EQ(bcache_read(&cur->bd, block, &b), 0);
	if (!b)
		return;
	EXPECT_EQ(b->block, block);
	EXPECT(!memcmp(b->data, cur->mem + block * BS, BS));
	bcache_release(b);
}

/* Overwrites block in the cache with byte v, marked dirty. */
static void dirty(uint64_t block, uint8_t v)
{
	struct buf *b = NULL;

	EXPECT_EQ(bcache_get(&cur->bd, block, &b), 0);
	if (!b)
		return;
	memset(b->data, v, BS);
	bcache_mark_dirty(b);
	bcache_release(b);
}

static bool block_is(uint64_t block, uint8_t v)
{
	for (int i = 0; i < BS; i++)
		if (cur->mem[block * BS + i] != v)
			return false;
	return true;
}

/* ---- tests ---- */

TEST(register_checks)
{
	struct blockdev bad = { .name = "bad", .block_size = 1000,
				.nr_blocks = 8, .ops = &ram_ops };

	EXPECT_EQ(blockdev_register(&bad), -EINVAL);
	bad.block_size = 512;
	bad.nr_blocks = 0;
	EXPECT_EQ(blockdev_register(&bad), -EINVAL);
	ram_new("dup", 0, false);
	bad = cur->bd;
	EXPECT_EQ(blockdev_register(&bad), -EEXIST);
}

TEST(cache_hits)
{
	ram_new("hits", 0, false);
	read_check(5);
	read_check(5);
	read_check(6);
	EXPECT_EQ(count_ops(BLK_OP_READ, 5), 1);
	EXPECT_EQ(count_ops(BLK_OP_READ, 6), 1);
}

TEST(lru_eviction)
{
	ram_new("lru", 0, false);
	for (int i = 0; i < CACHE_BUFS; i++)
		read_check((uint64_t)i);
	read_check(0);			/* 0 becomes the most recent */
	read_check(20);			/* evicts 1, the least recent */
	read_check(0);
	EXPECT_EQ(count_ops(BLK_OP_READ, 0), 1);
	read_check(1);
	EXPECT_EQ(count_ops(BLK_OP_READ, 1), 2);
}

TEST(eviction_writes_back_dirty)
{
	ram_new("evict", 0, false);
	for (int i = 0; i < CACHE_BUFS; i++)
		dirty((uint64_t)i, (uint8_t)(0xa0 + i));
	EXPECT_EQ(cur->nlog, 0);	/* write-back: nothing written yet */
	read_check(30);
	/* The dirty least recently used buffers went out in block order
	 * before one was reused, and none was lost. */
	for (int i = 0; i < CACHE_BUFS; i++)
		EXPECT(block_is((uint64_t)i, (uint8_t)(0xa0 + i)));
	for (int i = 1; i < CACHE_BUFS; i++)
		EXPECT(cur->log[i].block > cur->log[i - 1].block);
	EXPECT_EQ(cur->log[CACHE_BUFS].op, BLK_OP_READ);
	EXPECT_EQ(cur->log[CACHE_BUFS].block, 30);
}

TEST(sync_order_and_flush)
{
	static const uint64_t blocks[] = { 6, 2, 4, 40 };

	ram_new("sync", BLKDEV_F_FLUSH, false);
	for (int i = 0; i < 4; i++)
		dirty(blocks[i], 0x55);
	cur->defer = true;
	EXPECT_EQ(bcache_sync(&cur->bd), 0);
	EXPECT_EQ(cur->nlog, 5);
	EXPECT_EQ(cur->max_inflight, 4);	/* all writes in flight at once */
	EXPECT_EQ(cur->log[0].block, 2);
	EXPECT_EQ(cur->log[1].block, 4);
	EXPECT_EQ(cur->log[2].block, 6);
	EXPECT_EQ(cur->log[3].block, 40);
	EXPECT_EQ(cur->log[4].op, BLK_OP_FLUSH);	/* after every write */
	for (int i = 0; i < 4; i++)
		EXPECT(block_is(blocks[i], 0x55));
	/* Clean now: a second sync only flushes. */
	EXPECT_EQ(bcache_sync(&cur->bd), 0);
	EXPECT_EQ(cur->nlog, 6);
	EXPECT_EQ(cur->log[5].op, BLK_OP_FLUSH);
}

TEST(write_through)
{
	struct buf *b = NULL;

	ram_new("wt", BLKDEV_F_FLUSH, false);
	EXPECT_EQ(bcache_read(&cur->bd, 7, &b), 0);
	if (!b)
		return;
	memset(b->data, 0x21, BS);
	bcache_mark_dirty(b);
	EXPECT_EQ(bcache_write(b), 0);		/* on the device before return */
	EXPECT(block_is(7, 0x21));
	bcache_release(b);
	cur->nlog = 0;
	EXPECT_EQ(bcache_sync(&cur->bd), 0);	/* clean: only the flush */
	EXPECT_EQ(cur->nlog, 1);
	EXPECT_EQ(cur->log[0].op, BLK_OP_FLUSH);
}

TEST(partial_read_modify_write)
{
	uint8_t pat[100], out[BS * 3], want[NBLOCKS * BS];

	ram_new("rmw", 0, false);
	memcpy(want, cur->mem, sizeof(want));
	for (int i = 0; i < 100; i++)
		pat[i] = (uint8_t)(0xc0 ^ i);
	/* Crosses blocks 0 and 1: both read, changed in the cache. */
	EXPECT_EQ(blockdev_pwrite(&cur->bd, pat, 100, 470), 100);
	memcpy(want + 470, pat, 100);
	EXPECT_EQ(count_ops(BLK_OP_READ, 0), 1);
	EXPECT_EQ(count_ops(BLK_OP_READ, 1), 1);
	EXPECT_EQ(count_ops(BLK_OP_WRITE, 0), 0);
	/* A read sees the cached data before it is written back. */
	EXPECT_EQ(blockdev_pread(&cur->bd, out, sizeof(out), 0), (ssize_t)sizeof(out));
	EXPECT(!memcmp(out, want, sizeof(out)));
	EXPECT_EQ(bcache_sync(&cur->bd), 0);
	EXPECT(!memcmp(cur->mem, want, sizeof(want)));
}

TEST(direct_transfers_stay_coherent)
{
	uint8_t big[BS * 3], out[BS];

	ram_new("direct", 0, false);
	read_check(3);			/* block 3 cached, clean */
	dirty(10, 0x77);		/* block 10 cached, dirty */
	memset(big, 0x99, sizeof(big));
	/* Whole blocks 2..4: one request, straight to the device. */
	EXPECT_EQ(blockdev_pwrite(&cur->bd, big, sizeof(big), 2 * BS),
		  (ssize_t)sizeof(big));
	EXPECT_EQ(cur->log[cur->nlog - 1].op, BLK_OP_WRITE);
	EXPECT_EQ(cur->log[cur->nlog - 1].count, 3);
	EXPECT(block_is(3, 0x99));
	/* The cached copy of block 3 took the new data. */
	EXPECT_EQ(blockdev_pread(&cur->bd, out, 10, 3 * BS + 5), 10);
	EXPECT_EQ(out[0], 0x99);
	/* A direct read of block 10 gets the dirty cached data. */
	EXPECT_EQ(blockdev_pread(&cur->bd, big, sizeof(big), 9 * BS),
		  (ssize_t)sizeof(big));
	EXPECT_EQ(big[BS], 0x77);
	EXPECT_EQ(big[0], cur->mem[9 * BS]);
}

TEST(end_of_device)
{
	uint8_t buf[300];
	uint64_t size = NBLOCKS * BS;

	ram_new("end", 0, false);
	EXPECT_EQ(blockdev_pread(&cur->bd, buf, 100, size), 0);
	EXPECT_EQ(blockdev_pread(&cur->bd, buf, 100, size + 4096), 0);
	EXPECT_EQ(blockdev_pread(&cur->bd, buf, 300, size - 10), 10);
	EXPECT(!memcmp(buf, cur->mem + size - 10, 10));
	memset(buf, 0x42, sizeof(buf));
	EXPECT_EQ(blockdev_pwrite(&cur->bd, buf, 300, size - 10), 10);
	EXPECT_EQ(blockdev_pwrite(&cur->bd, buf, 1, size), -ENOSPC);
	EXPECT_EQ(bcache_sync(&cur->bd), 0);
	EXPECT_EQ(cur->mem[size - 1], 0x42);
	EXPECT_EQ(bcache_read(&cur->bd, NBLOCKS, &(struct buf *){ NULL }), -EINVAL);
	EXPECT_EQ(blockdev_io(&cur->bd, BLK_OP_READ, NBLOCKS - 1, 2, buf), -EINVAL);
}

TEST(device_errors_propagate)
{
	uint8_t buf[BS * 4];
	struct buf *b = NULL;

	ram_new("err", 0, false);
	cur->bad_block = 9;
	EXPECT_EQ(bcache_read(&cur->bd, 9, &b), -EIO);
	EXPECT_EQ(blockdev_pread(&cur->bd, buf, 20, 9 * BS + 3), -EIO);
	EXPECT_EQ(blockdev_pread(&cur->bd, buf, sizeof(buf), 8 * BS), -EIO);
	/* A failed write-back keeps the data dirty for the next sync. */
	dirty(9, 0x11);
	cur->defer = true;
	EXPECT_EQ(bcache_sync(&cur->bd), -EIO);
	cur->bad_block = UINT64_MAX;
	EXPECT(!block_is(9, 0x11));
	EXPECT_EQ(bcache_sync(&cur->bd), 0);
	EXPECT(block_is(9, 0x11));
}

TEST(eviction_survives_a_failed_write_back)
{
	ram_new("evfail", 0, false);
	for (int i = 0; i < CACHE_BUFS; i++)
		dirty((uint64_t)i, 0x66);
	cur->bad_block = 0;		/* the least recently used one */
	read_check(40);			/* recycles another buffer */
	EXPECT(!block_is(0, 0x66));
	for (int i = 1; i < CACHE_BUFS; i++)
		EXPECT(block_is((uint64_t)i, 0x66));
	/* Block 0's data stayed in the cache for a later sync. */
	cur->bad_block = UINT64_MAX;
	EXPECT_EQ(bcache_sync(&cur->bd), 0);
	EXPECT(block_is(0, 0x66));
	/* Every buffer dirty and none writable: the error, not a hang. */
	for (int i = 0; i < CACHE_BUFS; i++)
		dirty((uint64_t)i, 0x67);
	cur->fail_writes = true;
	EXPECT_EQ(bcache_read(&cur->bd, 50, &(struct buf *){ NULL }), -EIO);
	cur->fail_writes = false;
	EXPECT_EQ(bcache_sync(&cur->bd), 0);
	EXPECT(block_is(CACHE_BUFS - 1, 0x67));
}

TEST(read_only_device)
{
	uint8_t buf[BS];

	ram_new("ro", 0, true);
	EXPECT_EQ(blockdev_pread(&cur->bd, buf, 10, 0), 10);
	EXPECT_EQ(blockdev_pwrite(&cur->bd, buf, 10, 0), -EROFS);
	EXPECT_EQ(blockdev_io(&cur->bd, BLK_OP_WRITE, 0, 1, buf), -EROFS);
	EXPECT_EQ(blockdev_io(&cur->bd, BLK_OP_WRITE_ZEROES, 0, 1, NULL), -EROFS);
}

TEST(unsupported_and_flush_without_cache)
{
	ram_new("feat", 0, false);
	EXPECT_EQ(blockdev_io(&cur->bd, BLK_OP_DISCARD, 0, 1, NULL), -EOPNOTSUPP);
	EXPECT_EQ(blockdev_io(&cur->bd, BLK_OP_FLUSH, 0, 0, NULL), 0);
	EXPECT_EQ(cur->nlog, 0);	/* nothing volatile: not sent */
}

TEST(every_buffer_held)
{
	struct buf *held[CACHE_BUFS], *b = NULL;

	ram_new("held", 0, false);
	for (int i = 0; i < CACHE_BUFS; i++)
		EXPECT_EQ(bcache_read(&cur->bd, (uint64_t)i, &held[i]), 0);
	EXPECT_EQ(bcache_read(&cur->bd, 20, &b), -ENOBUFS);
	bcache_release(held[3]);
	EXPECT_EQ(bcache_read(&cur->bd, 20, &b), 0);
	bcache_release(b);
	for (int i = 0; i < CACHE_BUFS; i++)
		if (i != 3)
			bcache_release(held[i]);
}

TEST(sync_all_devices)
{
	ram_new("all", 0, false);
	dirty(12, 0x3c);
	EXPECT_EQ(blockdev_sync_all(), 0);
	EXPECT(block_is(12, 0x3c));
}

UNIT_MAIN(UNIT_CASE(register_checks), UNIT_CASE(cache_hits),
	  UNIT_CASE(lru_eviction), UNIT_CASE(eviction_writes_back_dirty),
	  UNIT_CASE(sync_order_and_flush), UNIT_CASE(write_through),
	  UNIT_CASE(partial_read_modify_write),
	  UNIT_CASE(direct_transfers_stay_coherent), UNIT_CASE(end_of_device),
	  UNIT_CASE(device_errors_propagate),
	  UNIT_CASE(eviction_survives_a_failed_write_back),
	  UNIT_CASE(read_only_device),
	  UNIT_CASE(unsupported_and_flush_without_cache),
	  UNIT_CASE(every_buffer_held), UNIT_CASE(sync_all_devices))
