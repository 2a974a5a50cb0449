// SPDX-License-Identifier: BSD-2-Clause
/*
 * Path names to open files.  The first cut knows one file system, devfs at
 * /dev; the mount table of the VFS replaces this routing when more file
 * systems arrive.
 */
#include <errno.h>
#include <string.h>
#include <vireo/devfs.h>
#include <vireo/file.h>

int vfs_open(const char *path, int flags, struct file **out)
{
	if (!path)
		return -EFAULT;
	if (!*path)
		return -ENOENT;
	if (strncmp(path, "/dev/", 5) == 0 && path[5])
		return devfs_open(path + 5, flags, out);
	return -ENOENT;
}
