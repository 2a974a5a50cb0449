// SPDX-License-Identifier: BSD-2-Clause
/*
 * mkfatfs (also mkfs.vfat): formats a block device as FAT12, FAT16 or
 * FAT32 with fs/fat's formatter, writing through the device file, which
 * keeps the buffer cache coherent; fsync puts it on the disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <vireo/fat.h>
#include "nsh.h"

/* Device files have no pwrite: seek, then write. */
static int dev_write(void *ctx, const void *buf, size_t len, uint64_t off)
{
	int fd = *(int *)ctx;
	ssize_t r = lseek(fd, (off_t)off, SEEK_SET) < 0 ? -1 : write(fd, buf, len);

	return r == (ssize_t)len ? 0 : r < 0 ? -errno : -EIO;
}

/* Formats dev; 0 or -errno (errno set for nsh_fail). */
static int format(const char *dev, struct fat_format_opts *o, int *type)
{
	uint64_t size;
	int fd = open(dev, O_RDWR), bs, r;

	if (fd < 0)
		return -errno;
	r = ioctl(fd, BLKGETSIZE64, &size) || ioctl(fd, BLKSSZGET, &bs) ?
	    -errno : 0;
	if (!r) {
		o->sector_size = (uint32_t)bs;
		r = fat_format(o, size, dev_write, &fd, type);
	}
	if (!r && fsync(fd))
		r = -errno;
	close(fd);
	errno = -r;
	return r;
}

static int cmd_mkfatfs(struct nsh *sh, int argc, char **argv)
{
	struct fat_format_opts o = { .volume_id = (uint32_t)time(NULL) };
	int i, type = 0;

	(void)sh;
	for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "-F"))
			o.type = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-n"))
			o.label = argv[i + 1];
		else
			return nsh_usage(argv[0]);
	}
	if (i != argc - 1 || (o.type && o.type != 12 && o.type != 16 &&
			      o.type != 32))
		return nsh_usage(argv[0]);
	if (format(argv[i], &o, &type)) {
		if (errno == EINVAL)
			fprintf(stderr, "%s: %s: label or size not possible for "
				"this FAT type\n", argv[0], argv[i]);
		else
			return nsh_fail(argv[0], argv[i]);
		return 1;
	}
	printf("%s: FAT%d\n", argv[i], type);
	return 0;
}
NSH_COMMAND(mkfatfs, cmd_mkfatfs, "mkfatfs [-F 12|16|32] [-n LABEL] DEVICE",
	    "Make a FAT file system on a block device");
NSH_COMMAND_NAMED(mkfs_vfat, "mkfs.vfat", cmd_mkfatfs,
		  "mkfs.vfat [-F 12|16|32] [-n LABEL] DEVICE",
		  "Same as mkfatfs");
