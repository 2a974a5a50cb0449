// SPDX-License-Identifier: BSD-2-Clause
/*
 * The buffer cache: a fixed set of buffers per device, one logical block
 * each, found by block number through a hash table and recycled least
 * recently used first.  Writes are kept (write-back) until bcache_sync(),
 * or until the buffer is needed for another block; both write back in
 * block order with several writes in flight.  Transfers that bypass the
 * cache (blockdev_rw.c) keep it coherent with bcache_after_direct().
 *
 * Locking.  c->lock (a sleeping mutex, never held across I/O or while
 * waiting for another lock) guards the hash chains, the LRU list, each
 * buffer's refs and identity (block, hash link).  A buffer with refs > 0
 * keeps its identity; one with refs == 0 is on the LRU list and may be
 * recycled.  b->lock, a sleeping mutex, is held by whoever uses the
 * contents and flags: a caller between bcache_read() and
 * bcache_release(), or the cache itself during a device transfer of the
 * buffer; it is taken only with a reference held and c->lock NOT held.
 * The flags are also read under c->lock alone (to pick dirty buffers),
 * so they are accessed atomically; such a reading is rechecked under
 * b->lock before acting on it.  c->sync_lock serialises bcache_sync()
 * calls and owns c->sync_vec.  Write-back never waits for a buffer's
 * lock while holding another one's: bcache_sync() first finishes the
 * writes it has in flight (so a thread holding buffer A and waiting for
 * B cannot deadlock against it), and eviction, whose caller may itself
 * hold buffers, skips a buffer someone is using instead of waiting.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/blockdev.h>
#include <vireo/compiler.h>
#include <vireo/klog.h>
#include <vireo/mutex.h>
#include <vireo/sem.h>
#include "block_priv.h"

#define BUF_VALID	1u	/* data holds the block's contents */
#define BUF_DIRTY	2u	/* data is newer than the device's */
#define WB_WINDOW	32	/* write-back requests in flight */

struct cbuf {
	struct buf pub;
	struct kmutex lock;
	unsigned int flags;		/* BUF_*, atomic (see above) */
	unsigned int refs;		/* c->lock */
	struct list_node hash;		/* c->lock; self-linked: no block */
	struct list_node lru;		/* c->lock; linked iff refs == 0 */
	struct blk_req req;		/* b->lock: its write-back */
};

struct bcache {
	struct blockdev *bd;
	struct kmutex lock;
	struct kmutex sync_lock;
	struct cbuf *bufs;
	unsigned int nr;
	struct list_node *hash;
	unsigned int hash_mask;
	struct list_node lru;		/* least recently used first */
	struct cbuf **sync_vec;		/* sync_lock */
	uint8_t *data;
};

static unsigned int flags_get(struct cbuf *b)
{
	return __atomic_load_n(&b->flags, __ATOMIC_RELAXED);
}

static void flags_set(struct cbuf *b, unsigned int flags)
{
	__atomic_store_n(&b->flags, flags, __ATOMIC_RELAXED);
}

static struct cbuf *to_cbuf(struct buf *b)
{
	return container_of(b, struct cbuf, pub);
}

int bcache_create(struct blockdev *bd, unsigned int nr)
{
	struct bcache *c = calloc(1, sizeof(*c));
	unsigned int i, nhash = 1;

	while (nhash < nr)
		nhash <<= 1;
	if (!c || !nr)
		goto err;
	c->bufs = calloc(nr, sizeof(*c->bufs));
	c->hash = calloc(nhash, sizeof(*c->hash));
	c->sync_vec = calloc(nr, sizeof(*c->sync_vec));
	c->data = malloc((size_t)nr * bd->block_size);
	if (!c->bufs || !c->hash || !c->sync_vec || !c->data)
		goto err;
	c->bd = bd;
	c->nr = nr;
	c->hash_mask = nhash - 1;
	kmutex_init(&c->lock, false);
	kmutex_init(&c->sync_lock, false);
	list_init(&c->lru);
	for (i = 0; i < nhash; i++)
		list_init(&c->hash[i]);
	for (i = 0; i < nr; i++) {
		struct cbuf *b = &c->bufs[i];

		kmutex_init(&b->lock, false);
		b->pub.data = c->data + (size_t)i * bd->block_size;
		b->pub.cache = c;
		list_init(&b->hash);
		list_add_tail(&c->lru, &b->lru);
	}
	bd->cache = c;
	return 0;
err:
	if (c) {
		free(c->bufs);
		free(c->hash);
		free(c->sync_vec);
		free(c->data);
	}
	free(c);
	return -ENOMEM;
}

void bcache_destroy(struct blockdev *bd)
{
	struct bcache *c = bd->cache;

	free(c->bufs);
	free(c->hash);
	free(c->sync_vec);
	free(c->data);
	free(c);
	bd->cache = NULL;
}

/* ---- references and identities (c->lock) ---- */

static struct list_node *chain(struct bcache *c, uint64_t block)
{
	return &c->hash[(block ^ (block >> 16)) & c->hash_mask];
}

static struct cbuf *lookup_locked(struct bcache *c, uint64_t block)
{
	struct list_node *head = chain(c, block), *n;

	list_for_each(n, head) {
		struct cbuf *b = list_entry(n, struct cbuf, hash);
		if (b->pub.block == block)
			return b;
	}
	return NULL;
}

static void ref_locked(struct bcache *c, struct cbuf *b)
{
	(void)c;
	if (b->refs++ == 0)
		list_del(&b->lru);
}

static void unref_locked(struct bcache *c, struct cbuf *b)
{
	if (--b->refs == 0)
		list_add_tail(&c->lru, &b->lru);
}

static void unref_all(struct bcache *c, struct cbuf **v, unsigned int n)
{
	kmutex_lock(&c->lock);
	while (n)
		unref_locked(c, v[--n]);
	kmutex_unlock(&c->lock);
}

/* Gives the unreferenced clean buffer b the identity block. */
static void rename_locked(struct bcache *c, struct cbuf *b, uint64_t block)
{
	list_del(&b->hash);
	b->pub.block = block;
	flags_set(b, 0);
	list_add_head(chain(c, block), &b->hash);
}

/* ---- write-back ---- */

struct writeback {
	struct blockdev *bd;
	bool wait_busy;			/* wait for a buffer in use, or skip it */
	struct ksem sem;
	struct cbuf *flight[WB_WINDOW];	/* locked, write in flight */
	unsigned int n;
	int err;
};

/* Waits for the writes in flight; each buffer written stops being dirty
 * (a failed one stays dirty) and is unlocked. */
static void wb_drain(struct writeback *w)
{
	unsigned int i;

	for (i = 0; i < w->n; i++)
		ksem_wait(&w->sem);
	for (i = 0; i < w->n; i++) {
		struct cbuf *b = w->flight[i];

		if (b->req.status)
			w->err = w->err ? w->err : b->req.status;
		else
			flags_set(b, flags_get(b) & ~BUF_DIRTY);
		kmutex_unlock(&b->lock);
	}
	w->n = 0;
}

/* Starts the write of b (referenced by the caller) if it is dirty. */
static void wb_one(struct writeback *w, struct cbuf *b)
{
	int r;

	if (kmutex_trylock(&b->lock)) {
		if (!w->wait_busy)
			return;
		/* Someone uses it: wait for it holding no other buffer. */
		wb_drain(w);
		kmutex_lock(&b->lock);
	}
	if (!(flags_get(b) & BUF_DIRTY)) {
		kmutex_unlock(&b->lock);
		return;
	}
	b->req = (struct blk_req){
		.op = BLK_OP_WRITE, .block = b->pub.block, .count = 1,
		.buf = b->pub.data, .done = blk_done_post, .priv = &w->sem,
	};
	r = blockdev_submit(w->bd, &b->req);
	if (r) {
		w->err = w->err ? w->err : r;
		kmutex_unlock(&b->lock);
		return;
	}
	w->flight[w->n++] = b;
	if (w->n == WB_WINDOW)
		wb_drain(w);
}

static int cmp_block(const void *a, const void *b)
{
	uint64_t x = (*(struct cbuf *const *)a)->pub.block;
	uint64_t y = (*(struct cbuf *const *)b)->pub.block;

	return x < y ? -1 : x > y;
}

/* Writes back the dirty ones of v (referenced by the caller) in block
 * order; wait_busy: also those in use (waiting for their holders), else
 * these are skipped.  0 or the first error. */
static int write_back(struct bcache *c, struct cbuf **v, unsigned int n,
		      bool wait_busy)
{
	struct writeback w = { .bd = c->bd, .wait_busy = wait_busy };
	unsigned int i;

	ksem_init(&w.sem, 0);
	qsort(v, n, sizeof(*v), cmp_block);
	for (i = 0; i < n; i++)
		wb_one(&w, v[i]);
	wb_drain(&w);
	return w.err;
}

/* References up to max dirty buffers among the unreferenced ones, least
 * recently used first. */
static unsigned int grab_dirty_lru_locked(struct bcache *c, struct cbuf **v,
					  unsigned int max)
{
	struct list_node *n, *t;
	unsigned int k = 0;

	list_for_each_safe(n, t, &c->lru) {
		struct cbuf *b = list_entry(n, struct cbuf, lru);

		if (k == max)
			break;
		if (flags_get(b) & BUF_DIRTY) {
			ref_locked(c, b);
			v[k++] = b;
		}
	}
	return k;
}

int bcache_sync(struct blockdev *bd)
{
	struct bcache *c = bd->cache;
	unsigned int i, n = 0;
	int r, f;

	kmutex_lock(&c->sync_lock);
	kmutex_lock(&c->lock);
	for (i = 0; i < c->nr; i++) {
		struct cbuf *b = &c->bufs[i];

		if (flags_get(b) & BUF_DIRTY) {
			ref_locked(c, b);
			c->sync_vec[n++] = b;
		}
	}
	kmutex_unlock(&c->lock);
	r = write_back(c, c->sync_vec, n, true);
	unref_all(c, c->sync_vec, n);
	kmutex_unlock(&c->sync_lock);
	/* The flush comes after every write completed: it makes them
	 * durable (spec: only completed writes are covered). */
	f = blockdev_io(bd, BLK_OP_FLUSH, 0, 0, NULL);
	return r ? r : f;
}

/* ---- getting buffers ---- */

/* The buffer to recycle: the least recently used unreferenced one, or
 * with clean_only the least recently used clean one; NULL if none. */
static struct cbuf *victim_locked(struct bcache *c, bool clean_only)
{
	struct list_node *n;

	list_for_each(n, &c->lru) {
		struct cbuf *b = list_entry(n, struct cbuf, lru);

		if (!clean_only || !(flags_get(b) & BUF_DIRTY))
			return b;
	}
	return NULL;
}

/*
 * A referenced, locked buffer for block; its contents are what they
 * were (valid or not).  Recycles the least recently used buffer, writing
 * back a batch of dirty ones first when it is dirty; when that fails
 * (their data stays cached), the least recently used clean one.
 */
static int get_locked_buf(struct bcache *c, uint64_t block, struct cbuf **out)
{
	struct cbuf *b, *v[WB_WINDOW];
	unsigned int n;
	int r = 0;

	for (;;) {
		kmutex_lock(&c->lock);
		b = lookup_locked(c, block);
		if (b)
			break;
		b = victim_locked(c, r != 0);
		if (b && !(flags_get(b) & BUF_DIRTY))
			rename_locked(c, b, block);
		if (!b || !(flags_get(b) & BUF_DIRTY))
			break;
		n = grab_dirty_lru_locked(c, v, WB_WINDOW);
		kmutex_unlock(&c->lock);
		/* The caller may hold buffers: waiting for one in use
		 * could wait for a thread that waits for the caller's. */
		r = write_back(c, v, n, false);
		unref_all(c, v, n);
	}
	if (b)
		ref_locked(c, b);
	kmutex_unlock(&c->lock);
	if (!b) {
		if (!r)
			pr_err("%s: every cache buffer is in use\n", c->bd->name);
		return r ? r : -ENOBUFS;
	}
	kmutex_lock(&b->lock);
	*out = b;
	return 0;
}

static int get(struct blockdev *bd, uint64_t block, bool read,
	       struct buf **out)
{
	struct cbuf *b;
	int r;

	if (block >= bd->nr_blocks)
		return -EINVAL;
	r = get_locked_buf(bd->cache, block, &b);
	if (r)
		return r;
	if (read && !(flags_get(b) & BUF_VALID)) {
		r = blockdev_io(bd, BLK_OP_READ, block, 1, b->pub.data);
		if (r) {
			bcache_release(&b->pub);
			return r;
		}
		flags_set(b, BUF_VALID);
	}
	*out = &b->pub;
	return 0;
}

int bcache_read(struct blockdev *bd, uint64_t block, struct buf **out)
{
	return get(bd, block, true, out);
}

int bcache_get(struct blockdev *bd, uint64_t block, struct buf **out)
{
	return get(bd, block, false, out);
}

void bcache_mark_dirty(struct buf *pub)
{
	flags_set(to_cbuf(pub), BUF_VALID | BUF_DIRTY);
}

int bcache_write(struct buf *pub)
{
	struct cbuf *b = to_cbuf(pub);
	int r = blockdev_io(pub->cache->bd, BLK_OP_WRITE, pub->block, 1,
			    pub->data);

	if (!r)
		flags_set(b, BUF_VALID);
	return r;
}

void bcache_release(struct buf *pub)
{
	struct cbuf *b = to_cbuf(pub);
	struct bcache *c = pub->cache;

	kmutex_unlock(&b->lock);
	kmutex_lock(&c->lock);
	unref_locked(c, b);
	kmutex_unlock(&c->lock);
}

/* ---- coherence with direct transfers ---- */

/* References the cached buffer with the lowest block in [lo, hi), or
 * returns NULL: by lookups when the range is smaller than the cache, else
 * by a walk over every buffer. */
static struct cbuf *ref_first_cached(struct bcache *c, uint64_t lo,
				     uint64_t hi)
{
	struct cbuf *b = NULL;
	unsigned int i;

	kmutex_lock(&c->lock);
	if (hi - lo <= c->nr) {
		for (; lo < hi && !b; lo++)
			b = lookup_locked(c, lo);
	} else {
		for (i = 0; i < c->nr; i++) {
			struct cbuf *x = &c->bufs[i];

			if (!list_empty(&x->hash) && x->pub.block >= lo &&
			    x->pub.block < hi && (!b || x->pub.block < b->pub.block))
				b = x;
		}
	}
	if (b)
		ref_locked(c, b);
	kmutex_unlock(&c->lock);
	return b;
}

/* One cached buffer of the range (locked) after op; q is its block's
 * bytes in the caller's buffer (WRITE, READ). */
static void buf_after(struct blockdev *bd, struct cbuf *b, uint8_t *q,
		      enum bcache_done op)
{
	switch (op) {
	case BCACHE_DONE_WRITE:
		memcpy(b->pub.data, q, bd->block_size);
		flags_set(b, BUF_VALID);
		break;
	case BCACHE_DONE_READ:
		if (flags_get(b) & BUF_VALID)
			memcpy(q, b->pub.data, bd->block_size);
		break;
	case BCACHE_DONE_ZERO:
		memset(b->pub.data, 0, bd->block_size);
		flags_set(b, BUF_VALID);
		break;
	case BCACHE_DONE_DISCARD:
		flags_set(b, 0);	/* the device's contents are undefined */
		break;
	}
}

/* A buffer a reader was loading meanwhile is locked until its read
 * finished, so it cannot keep older contents. */
void bcache_after_direct(struct blockdev *bd, uint64_t block, uint64_t count,
			 uint8_t *p, enum bcache_done op)
{
	struct bcache *c = bd->cache;
	uint64_t lo = block, hi = block + count;
	struct cbuf *b;

	while ((b = ref_first_cached(c, lo, hi))) {
		kmutex_lock(&b->lock);
		buf_after(bd, b, p + (b->pub.block - block) * bd->block_size, op);
		lo = b->pub.block + 1;
		bcache_release(&b->pub);
	}
}
