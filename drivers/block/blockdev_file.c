// SPDX-License-Identifier: BSD-2-Clause
/*
 * The device files of block devices (/dev/vda ...): reads and writes of
 * any length at any offset through blockdev_pread/pwrite, lseek relative
 * to the device's size, fsync (write back and flush), the ioctls of
 * <sys/ioctl.h> (size, block size, discard, zero-out), and stat with the
 * size.  The last close of a file that
 * was open for writing syncs the device, so data written with dd reaches
 * the disk without an explicit sync.
 *
 * The file position is the open file's own; two threads sharing one open
 * file race on it as they do on any file (pread-style positioning per
 * thread needs one open per thread).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <vireo/blockdev.h>
#include <vireo/devfs.h>
#include <vireo/file.h>
#include <vireo/klog.h>
#include "block_priv.h"

static ssize_t bdf_read(struct file *f, void *buf, size_t len)
{
	ssize_t r = blockdev_pread(f->priv, buf, len, (uint64_t)f->pos);

	if (r > 0)
		f->pos += r;
	return r;
}

static ssize_t bdf_write(struct file *f, const void *buf, size_t len)
{
	ssize_t r = blockdev_pwrite(f->priv, buf, len, (uint64_t)f->pos);

	if (r > 0)
		f->pos += r;
	return r;
}

static off_t bdf_lseek(struct file *f, off_t off, int whence)
{
	struct blockdev *bd = f->priv;
	off_t base;

	if (whence == SEEK_SET)
		base = 0;
	else if (whence == SEEK_CUR)
		base = f->pos;
	else if (whence == SEEK_END)
		base = (off_t)blockdev_size(bd);
	else
		return -EINVAL;
	if (off < 0 ? base + off < 0 : off > INT64_MAX - base)
		return -EINVAL;
	f->pos = base + off;
	return f->pos;
}

/* Stores v at the caller's pointer arg of size n. */
static int put_arg(unsigned long arg, const void *v, size_t n)
{
	if (!arg)
		return -EFAULT;
	memcpy((void *)arg, v, n);
	return 0;
}

/* BLKDISCARD, BLKZEROOUT: a byte range {offset, length} of whole
 * blocks. */
static int erase(struct file *f, enum blk_op op, unsigned long arg)
{
	struct blockdev *bd = f->priv;
	uint64_t range[2];

	if (!arg)
		return -EFAULT;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	memcpy(range, (const void *)arg, sizeof(range));
	if ((range[0] | range[1]) % bd->block_size)
		return -EINVAL;
	return blockdev_erase(bd, op, range[0] / bd->block_size,
			      range[1] / bd->block_size);
}

static int bdf_ioctl(struct file *f, unsigned long req, unsigned long arg)
{
	struct blockdev *bd = f->priv;
	uint64_t size = blockdev_size(bd);
	unsigned long sectors = (unsigned long)(size / 512);
	int v;

	switch (req) {
	case BLKGETSIZE64:
		return put_arg(arg, &size, sizeof(size));
	case BLKGETSIZE:
		return put_arg(arg, &sectors, sizeof(sectors));
	case BLKSSZGET:
		v = (int)bd->block_size;
		return put_arg(arg, &v, sizeof(v));
	case BLKROGET:
		v = bd->read_only;
		return put_arg(arg, &v, sizeof(v));
	case BLKFLSBUF:
		return bcache_sync(bd);
	case BLKDISCARD:
		return erase(f, BLK_OP_DISCARD, arg);
	case BLKZEROOUT:
		return erase(f, BLK_OP_WRITE_ZEROES, arg);
	default:
		return -ENOTTY;
	}
}

static int bdf_stat(struct file *f, struct stat *st)
{
	struct blockdev *bd = f->priv;

	st->st_mode = S_IFBLK | (bd->read_only ? 0440 : 0660);
	st->st_size = (off_t)blockdev_size(bd);
	st->st_blksize = bd->block_size;
	st->st_blocks = (blkcnt_t)(blockdev_size(bd) / 512);
	return 0;
}

static int bdf_fsync(struct file *f)
{
	return bcache_sync(f->priv);
}

static void bdf_release(struct file *f)
{
	struct blockdev *bd = f->priv;
	int r;

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return;
	r = bcache_sync(bd);
	if (r)
		pr_err("%s: sync at close failed (%d)\n", bd->name, r);
}

static const struct file_ops blockdev_file_ops = {
	.read = bdf_read,
	.write = bdf_write,
	.lseek = bdf_lseek,
	.ioctl = bdf_ioctl,
	.stat = bdf_stat,
	.fsync = bdf_fsync,
	.release = bdf_release,
};

int blockdev_file_register(struct blockdev *bd)
{
	return devfs_register_node(bd->name, S_IFBLK | 0660,
				   &blockdev_file_ops, bd);
}
