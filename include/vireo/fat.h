/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Making a FAT volume (fs/fat/fat_format.c), for mkfatfs: the formatter
 * sees the device only through a write callback, so it runs the same in
 * the shell (over /dev/vda) and in host tests (over memory).  Thread
 * context; no locks.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct fat_format_opts {
	int type;		/* 12, 16, 32, or 0: chosen by size */
	const char *label;	/* up to 11 characters, or NULL */
	uint32_t volume_id;	/* the serial number */
	uint32_t sector_size;	/* the device's block size (512 .. 4096) */
};

/* Writes len bytes at byte offset off of the device: 0 or -errno. */
typedef int (*fat_write_fn)(void *ctx, const void *buf, size_t len,
			    uint64_t off);

/* Formats a device of bytes bytes.  0, -EINVAL (a label FAT cannot hold,
 * a size the type cannot have: "too small for FAT32"), or the callback's
 * -errno.  *type_out (when not NULL) gets the type made. */
int fat_format(const struct fat_format_opts *o, uint64_t bytes,
	       fat_write_fn write, void *ctx, int *type_out);

/* Formats the block device at path (o->sector_size is taken from it)
 * and writes it to the disk.  0, -ENODEV (not a block device), -EBUSY
 * (mounted), -EROFS, fat_format()'s errors. */
int fat_mkfs(const char *path, struct fat_format_opts *o, int *type_out);
