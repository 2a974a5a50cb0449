/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * statfs()/fstatfs(): what a mounted file system holds and has free.
 * picolibc has no <sys/statfs.h>; the fields follow the common layout so
 * df-like tools port unchanged.
 */
#pragma once

#include <stdint.h>

struct statfs {
	unsigned long f_type;		/* magic number of the file system */
	unsigned long f_bsize;		/* block size in bytes */
	uint64_t f_blocks;		/* total blocks */
	uint64_t f_bfree;		/* free blocks */
	uint64_t f_bavail;		/* free blocks for unprivileged users */
	uint64_t f_files;		/* total file nodes (0: no limit) */
	uint64_t f_ffree;		/* free file nodes */
	struct {
		int32_t val[2];
	} f_fsid;			/* (no fsid_t: glibc's would clash in host tests) */
	unsigned long f_namelen;	/* longest file name */
	unsigned long f_flags;		/* mount flags (ST_RDONLY) */
};

#define ST_RDONLY 1

#define TMPFS_MAGIC 0x01021994
#define PROC_SUPER_MAGIC 0x9fa0
#define DEVFS_SUPER_MAGIC 0x1373
#define ROMFS_MAGIC 0x7275

#ifdef __cplusplus
extern "C" {
#endif
int statfs(const char *path, struct statfs *buf);
int fstatfs(int fd, struct statfs *buf);
#ifdef __cplusplus
}
#endif
