/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The world fs/fat sees, for host tests and the fuzz target: the block
 * layer (the real drivers/block/ cache) over a RAM disk whose requests
 * complete at once, the few VFS calls FAT makes (vnode references, the
 * device behind a path, the clock), and helpers that format, mount and
 * walk paths through the vnode operations.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vireo/blockdev.h>
#include <vireo/vfs.h>

struct ram_disk {
	struct blockdev bd;
	uint8_t *mem;
	size_t size;
	uint64_t writes;	/* write requests seen */
	uint64_t lo, hi;	/* bytes written: [lo, hi), lo > hi when none */
};

/* The disk FAT mounts ("/dev/ram"); a new one replaces it. */
extern struct ram_disk *env_disk;
/* What vfs_now_ns() returns. */
extern uint64_t env_now_ns;

/* A zeroed RAM disk of bytes bytes with its cache.  NULL: out of memory. */
struct ram_disk *env_disk_new(size_t bytes);
void env_disk_free(struct ram_disk *d);
/* Forgets the cache (after the test changed mem behind its back). */
void env_disk_drop_cache(struct ram_disk *d);
/* fat_format() onto the first bytes of the disk (0: all of it): 0 or
 * -errno; *type_out gets the FAT type. */
int env_format(int type, const char *label, size_t bytes, int *type_out);
/* Mounts the disk on m (zeroed by the caller) with -o opts. */
int env_mount(struct mount *m, const char *opts);
void env_umount(struct mount *m);
/* The node at a slash-separated path under m's root (referenced). */
int env_lookup(struct mount *m, const char *path, struct vnode **out);
/* Creates (or opens) a file and writes len bytes at off. */
ssize_t env_write(struct mount *m, const char *path, const void *buf,
		  size_t len, off_t off);
ssize_t env_read(struct mount *m, const char *path, void *buf, size_t len,
		 off_t off);
/* The parent directory node of path and its last component in last. */
int env_parent(struct mount *m, const char *path, struct vnode **dir,
	       char *last);
