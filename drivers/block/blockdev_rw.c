// SPDX-License-Identifier: BSD-2-Clause
/*
 * Byte-granular access to block devices (the device files' read and
 * write) and discarding or zeroing ranges.  Whole blocks go straight to
 * the device in one request, the partial blocks at either end through
 * the buffer cache (read-modify-write for writes); after each direct
 * transfer the cache is made to agree (bcache_after_direct()).
 */
#include <errno.h>
#include <string.h>
#include <vireo/blockdev.h>
#include <vireo/compiler.h>
#include "block_priv.h"

#define DIRECT_MAX	(1u << 30)	/* bytes of one direct request */

static int direct(struct blockdev *bd, uint64_t block, uint32_t count,
		  uint8_t *p, bool write)
{
	int r = blockdev_io(bd, write ? BLK_OP_WRITE : BLK_OP_READ, block,
			    count, p);

	if (!r)
		bcache_after_direct(bd, block, count, p,
				    write ? BCACHE_DONE_WRITE : BCACHE_DONE_READ);
	return r;
}

/* Part of one block through the cache (read-modify-write for writes). */
static int partial(struct blockdev *bd, uint64_t block, size_t in,
		   uint8_t *p, size_t n, bool write)
{
	struct buf *b;
	int r = bcache_read(bd, block, &b);

	if (r)
		return r;
	if (write) {
		memcpy((uint8_t *)b->data + in, p, n);
		bcache_mark_dirty(b);
	} else {
		memcpy(p, (uint8_t *)b->data + in, n);
	}
	bcache_release(b);
	return 0;
}

/* len bytes at off, all inside the device. */
static ssize_t transfer(struct blockdev *bd, uint8_t *p, size_t len,
			uint64_t off, bool write)
{
	uint32_t bs = bd->block_size;
	size_t done = 0;

	while (done < len) {
		uint64_t pos = off + done;
		size_t in = pos % bs, n;
		int r;

		if (in || len - done < bs) {
			n = MIN(bs - in, len - done);
			r = partial(bd, pos / bs, in, p + done, n, write);
		} else {
			n = MIN(ALIGN_DOWN(len - done, (size_t)bs), DIRECT_MAX);
			r = direct(bd, pos / bs, (uint32_t)(n / bs), p + done,
				   write);
		}
		if (r)
			return done ? (ssize_t)done : r;
		done += n;
	}
	return (ssize_t)done;
}

ssize_t blockdev_pread(struct blockdev *bd, void *buf, size_t len,
		       uint64_t off)
{
	uint64_t size = blockdev_size(bd);

	if (off >= size)
		return 0;
	return transfer(bd, buf, MIN(len, size - off), off, false);
}

ssize_t blockdev_pwrite(struct blockdev *bd, const void *buf, size_t len,
			uint64_t off)
{
	uint64_t size = blockdev_size(bd);

	if (bd->read_only)
		return -EROFS;
	if (!len)
		return 0;
	if (off >= size)
		return -ENOSPC;
	/* The buffer is only read: transfer()'s pointer is shared by both
	 * directions. */
	return transfer(bd, (uint8_t *)buf, MIN(len, size - off), off, true);
}

int blockdev_erase(struct blockdev *bd, enum blk_op op, uint64_t block,
		   uint64_t count)
{
	int r = 0;

	unsigned int need = op == BLK_OP_DISCARD ? BLKDEV_F_DISCARD
						 : BLKDEV_F_WRITE_ZEROES;

	if ((op != BLK_OP_DISCARD && op != BLK_OP_WRITE_ZEROES) ||
	    block > bd->nr_blocks || count > bd->nr_blocks - block)
		return -EINVAL;
	if (bd->read_only)
		return -EROFS;
	if (!(bd->features & need))
		return -EOPNOTSUPP;
	for (uint64_t done = 0; done < count && !r; done += UINT32_MAX) {
		uint32_t n = (uint32_t)MIN(count - done, (uint64_t)UINT32_MAX);

		r = blockdev_io(bd, op, block + done, n, NULL);
	}
	/* Also after a failure: part of the range may have changed. */
	bcache_after_direct(bd, block, count, NULL,
			    op == BLK_OP_DISCARD ? BCACHE_DONE_DISCARD
						 : BCACHE_DONE_ZERO);
	return r;
}
