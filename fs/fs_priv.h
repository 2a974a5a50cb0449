/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Between the files of fs/: the resolver's internals that mount.c and
 * file_vfs.c use.  All need the VFS lock.
 */
#pragma once

#include <vireo/vfs.h>

extern struct mount *vfs_root_mount;

int vfs_resolve_locked(const char *path, bool follow, struct vnode **out);
/* Whether path (made absolute) is a mount point or a directory above
 * one (rename must not move it).  VFS lock held (mount.c). */
bool vfs_mounted_at_or_under_locked(const char *path);
void vfs_fill_stat(struct vnode *vn, struct stat *st);
int vfs_truncate_vnode_locked(struct vnode *vn, off_t len);
int vfs_getcwd_locked(char *buf, size_t len);
bool vfs_cwd_inside_locked(const char *mpath);
/* A plain file over vn (takes over the caller's reference) or NULL. */
struct file *vfs_vnode_file_new(struct vnode *vn, int flags);
/* Boot: devfs/etcfs internals. */
int etcfs_populate(struct mount *m);
