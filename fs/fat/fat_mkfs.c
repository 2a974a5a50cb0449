// SPDX-License-Identifier: BSD-2-Clause
/*
 * Formatting a block device by its path (mkfatfs, osperf): the formatter
 * of fat_format.c writing through blockdev_pwrite, which keeps the buffer
 * cache coherent, then a sync.  The VFS lock is held throughout so that
 * nobody mounts the device while it is being made; a mounted device is
 * refused.
 */
#include <errno.h>
#include <vireo/fat.h>
#include "../fs_priv.h"
#include "fat_priv.h"

static int bd_write(void *ctx, const void *buf, size_t len, uint64_t off)
{
	ssize_t r = blockdev_pwrite(ctx, buf, len, off);

	return r == (ssize_t)len ? 0 : r < 0 ? (int)r : -EIO;
}

int fat_mkfs(const char *path, struct fat_format_opts *o, int *type_out)
{
	struct blockdev *bd;
	int r;

	vfs_lock();
	r = vfs_blockdev_locked(path, &bd);
	if (!r && fat_mounted_locked(bd))
		r = -EBUSY;
	else if (!r && bd->read_only)
		r = -EROFS;
	if (!r) {
		o->sector_size = bd->block_size;
		r = fat_format(o, blockdev_size(bd), bd_write, bd, type_out);
	}
	if (!r)
		r = bcache_sync(bd);
	vfs_unlock();
	return r;
}
