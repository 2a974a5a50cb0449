// SPDX-License-Identifier: BSD-2-Clause
/*
 * The block layer's core: the list of registered devices, the checks
 * every request passes before a driver sees it, and synchronous I/O on
 * top of the asynchronous requests.  Devices are registered at probe and
 * never removed; dev_lock (a sleeping mutex) guards the list.
 *
 * A synchronous caller waits on a semaphore that the request's done
 * callback posts; the wait is uninterruptible because the device writes
 * into (or reads from) the caller's buffer until the request completes.
 */
#include <errno.h>
#include <string.h>
#include <vireo/blockdev.h>
#include <vireo/compiler.h>
#include <vireo/klog.h>
#include <vireo/mutex.h>
#include <vireo/sem.h>
#include "block_priv.h"

/* Buffers per device: the configured size, and at least a few for a
 * device with large blocks. */
#define CACHE_MIN_BUFFERS 16
#define CACHE_BUFFERS(bd) \
	MAX((unsigned int)(CONFIG_BLOCK_CACHE_KIB * 1024u / (bd)->block_size), \
	    (unsigned int)CACHE_MIN_BUFFERS)

static struct list_node devices = LIST_INIT(devices);	/* dev_lock */
static struct kmutex dev_lock = KMUTEX_INIT(dev_lock, false);

static bool valid_geometry(const struct blockdev *bd)
{
	uint32_t bs = bd->block_size;

	return bd->name[0] && bd->ops && bd->ops->submit && bs >= 512 &&
	       bs <= 65536 && !(bs & (bs - 1)) && bd->nr_blocks &&
	       bd->nr_blocks <= UINT64_MAX / bs;
}

static bool name_taken_locked(const char *name)
{
	struct list_node *n;

	list_for_each(n, &devices) {
		struct blockdev *d = list_entry(n, struct blockdev, link);
		if (!strcmp(d->name, name))
			return true;
	}
	return false;
}

int blockdev_register(struct blockdev *bd)
{
	int r;

	if (!valid_geometry(bd))
		return -EINVAL;
	kmutex_lock(&dev_lock);
	r = name_taken_locked(bd->name) ? -EEXIST : 0;
	if (!r)
		r = bcache_create(bd, CACHE_BUFFERS(bd));
	if (!r) {
		r = blockdev_file_register(bd);
		if (r)
			bcache_destroy(bd);
	}
	if (!r)
		list_add_tail(&devices, &bd->link);
	kmutex_unlock(&dev_lock);
	return r;
}

static int check_req(const struct blockdev *bd, const struct blk_req *req)
{
	static const unsigned int needs[] = {
		[BLK_OP_DISCARD] = BLKDEV_F_DISCARD,
		[BLK_OP_WRITE_ZEROES] = BLKDEV_F_WRITE_ZEROES,
	};

	if (req->op > BLK_OP_WRITE_ZEROES || !req->done)
		return -EINVAL;
	if (req->op == BLK_OP_FLUSH)
		return 0;
	if (!req->count || req->block >= bd->nr_blocks ||
	    req->count > bd->nr_blocks - req->block)
		return -EINVAL;
	if (req->op != BLK_OP_READ && bd->read_only)
		return -EROFS;
	if (req->op < sizeof(needs) / sizeof(needs[0]) && needs[req->op] &&
	    !(bd->features & needs[req->op]))
		return -EOPNOTSUPP;
	if ((req->op == BLK_OP_READ || req->op == BLK_OP_WRITE) && !req->buf)
		return -EINVAL;
	return 0;
}

int blockdev_submit(struct blockdev *bd, struct blk_req *req)
{
	int r = check_req(bd, req);

	if (r)
		return r;
	if (req->op == BLK_OP_FLUSH && !(bd->features & BLKDEV_F_FLUSH)) {
		/* Nothing volatile to write out: writes are on the media
		 * when they complete. */
		req->done(req, 0);
		return 0;
	}
	return bd->ops->submit(bd, req);
}

void blk_done_post(struct blk_req *req, int status)
{
	struct ksem *sem = req->priv;

	req->status = status;
	ksem_post(sem);
}

int blockdev_io(struct blockdev *bd, enum blk_op op, uint64_t block,
		uint32_t count, void *buf)
{
	struct ksem sem;
	struct blk_req req = {
		.op = op, .block = block, .count = count, .buf = buf,
		.done = blk_done_post, .priv = &sem,
	};
	int r;

	ksem_init(&sem, 0);
	r = blockdev_submit(bd, &req);
	if (r)
		return r;
	ksem_wait(&sem);
	return req.status;
}

int blockdev_sync_all(void)
{
	struct list_node *n;
	int r = 0;

	/* The list only grows, and a device stays registered for ever, so
	 * it is walked with dev_lock dropped around each sync. */
	kmutex_lock(&dev_lock);
	list_for_each(n, &devices) {
		struct blockdev *bd = list_entry(n, struct blockdev, link);
		int e;

		kmutex_unlock(&dev_lock);
		e = bcache_sync(bd);
		if (e) {
			pr_err("%s: sync failed (%d)\n", bd->name, e);
			r = r ? r : e;
		}
		kmutex_lock(&dev_lock);
	}
	kmutex_unlock(&dev_lock);
	return r;
}
