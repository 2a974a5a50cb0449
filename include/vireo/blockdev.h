/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Block devices: the contract between block drivers (virtio-blk) and what
 * uses them (the device files /dev/vda..., file systems), and the buffer
 * cache between the two (drivers/block/).
 *
 * A driver fills a struct blockdev (name, logical block size, number of
 * blocks, read-only flag, features, ops) and calls blockdev_register(),
 * which gives the device its buffer cache and its device file.  Requests
 * are asynchronous: blockdev_submit() hands one to the driver and
 * returns; the driver calls req->done once when it finished, from any
 * context (usually its interrupt handler), so a caller may keep several
 * in flight.  blockdev_io() is the synchronous form.
 *
 * Block numbers and counts are in the device's logical blocks throughout.
 * Thread context unless a declaration says otherwise.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <vireo/list.h>

struct blockdev;
struct blk_req;
struct bcache;

enum blk_op {
	BLK_OP_READ,
	BLK_OP_WRITE,
	BLK_OP_FLUSH,		/* the device's volatile write cache to media */
	BLK_OP_DISCARD,		/* contents of the range become undefined */
	BLK_OP_WRITE_ZEROES,	/* the range reads as zeros afterwards */
};

/* Called once when a request finished: status 0 or -errno (-EIO,
 * -EOPNOTSUPP).  Any context, no locks of the caller's held; the request
 * belongs to its submitter again from this call on. */
typedef void (*blk_done_t)(struct blk_req *req, int status);

struct blk_req {
	enum blk_op op;
	uint64_t block;		/* first block (not for FLUSH) */
	uint32_t count;		/* blocks (not for FLUSH) */
	void *buf;		/* count * block_size bytes: READ, WRITE */
	blk_done_t done;
	void *priv;		/* the submitter's */
	/* The driver's while the request is in flight (pieces of a split
	 * request still out, first error). */
	int pending;
	int status;
};

/* Feature bits of struct blockdev */
#define BLKDEV_F_FLUSH		(1u << 0)	/* volatile write cache */
#define BLKDEV_F_DISCARD	(1u << 1)
#define BLKDEV_F_WRITE_ZEROES	(1u << 2)

struct blockdev_ops {
	/*
	 * Starts req, which the layer has checked (in range, an operation
	 * the device has, no write to a read-only device).  May block while
	 * the device's queue is full.  0: req->done will be called exactly
	 * once; -errno: it will not be.
	 */
	int (*submit)(struct blockdev *bd, struct blk_req *req);
};

struct blockdev {
	/* Set by the driver before blockdev_register(), then constant. */
	char name[16];			/* device file name: "vda" */
	uint32_t block_size;		/* power of two, 512 .. 65536 */
	uint64_t nr_blocks;
	bool read_only;
	unsigned int features;		/* BLKDEV_F_* */
	const struct blockdev_ops *ops;
	void *priv;			/* the driver's */
	/* The layer's. */
	struct bcache *cache;
	struct list_node link;		/* all devices */
};

/* Registers bd with its buffer cache and /dev/<name>.  0, -EINVAL (bad
 * geometry), -EEXIST, -ENOMEM. */
int blockdev_register(struct blockdev *bd);
/* Checks and submits req (see struct blockdev_ops).  A FLUSH on a device
 * without a volatile cache completes at once.  0 (done will be called)
 * or -EINVAL (out of range), -EROFS, -EOPNOTSUPP, a driver's -errno. */
int blockdev_submit(struct blockdev *bd, struct blk_req *req);
/* Synchronous request: submits and waits (not interruptible: the buffer
 * must outlive the transfer).  0 or -errno. */
int blockdev_io(struct blockdev *bd, enum blk_op op, uint64_t block,
		uint32_t count, void *buf);
/* Writes back every device's dirty buffers and flushes its write cache
 * (sync(2), poweroff).  0 or the first error. */
int blockdev_sync_all(void);

/* Size in bytes. */
static inline uint64_t blockdev_size(const struct blockdev *bd)
{
	return bd->nr_blocks * bd->block_size;
}

/*
 * Byte-granular access at any offset, through the cache for partial
 * blocks (read-modify-write) and straight to the device for whole
 * blocks, coherently with buffers the cache holds.  Reads stop at the
 * end of the device (0 at or past it); writes are cut short there, and
 * one that starts at or past it fails with -ENOSPC.  A count or -errno.
 * The caller holds no buffer of the cache (these lock buffers).
 */
ssize_t blockdev_pread(struct blockdev *bd, void *buf, size_t len,
		       uint64_t off);
ssize_t blockdev_pwrite(struct blockdev *bd, const void *buf, size_t len,
			uint64_t off);

/* Discards (BLK_OP_DISCARD) or zeroes (BLK_OP_WRITE_ZEROES) count blocks
 * at block, in as many requests as it takes, and makes the cache agree
 * (zeroed, or dropped).  0, -EINVAL, -EROFS, -EOPNOTSUPP, -EIO. */
int blockdev_erase(struct blockdev *bd, enum blk_op op, uint64_t block,
		   uint64_t count);

/*
 * The buffer cache (drivers/block/bcache.c): one per device, buffers of
 * the device's logical block size.  A buffer is returned referenced and
 * locked (a sleeping lock: one user at a time) and stays so until
 * bcache_release().  Callers never hold more than a few buffers at once
 * and do not call bcache_sync() while holding one.
 */
struct buf {
	uint64_t block;
	void *data;		/* block_size bytes; the holder's */
	struct bcache *cache;
};

/* Buffer of block with its contents read from the device when the cache
 * did not hold them.  0 and *out, or -EINVAL (out of range), -EIO,
 * -ENOBUFS (every buffer held by callers). */
int bcache_read(struct blockdev *bd, uint64_t block, struct buf **out);
/* As bcache_read() but without reading: for a caller that overwrites
 * the whole block (then marks it dirty). */
int bcache_get(struct blockdev *bd, uint64_t block, struct buf **out);
/* The holder changed b: write it back later (sync, eviction). */
void bcache_mark_dirty(struct buf *b);
/* Writes the held buffer b to the device now and waits (for a file
 * system that orders its metadata writes): 0 or -errno; b is clean
 * afterwards unless it failed. */
int bcache_write(struct buf *b);
/* Unlocks and unreferences b. */
void bcache_release(struct buf *b);
/* Writes back every dirty buffer of bd in block order, several in
 * flight, then flushes the device's write cache.  A buffer whose write
 * fails stays dirty.  0 or the first error. */
int bcache_sync(struct blockdev *bd);
