/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtual file system: vnodes (one per file a file system shows), file
 * system types registered by name, a mount table, and path resolution.
 *
 * Locking: one sleeping mutex, the VFS lock (vfs_lock()/vfs_unlock()),
 * serialises every namespace operation and every vnode operation below
 * except the ones the VFS calls with it dropped (open_file, which may
 * block on a FIFO).  File systems therefore need no locks of their own for
 * their trees (tmpfs has none, which is also what lets it build on the
 * host).  Blocking I/O (pipes, devices) never runs under the VFS lock.
 * Thread context throughout.
 *
 * A file the VFS opened has its vnode in file->vn (which keeps the mount
 * busy) and its operations' state in file->priv.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <vireo/list.h>

#define VFS_PATH_MAX 256	/* bytes including the NUL (PATH_MAX is larger) */
#define VFS_NAME_MAX 255	/* bytes of one component, without the NUL */
#define VFS_SYMLOOP_MAX 8	/* symlinks followed in one resolution */

struct file;
struct file_ops;
struct vnode;
struct mount;
struct statfs;

/* poll(2) event bits, shared with <poll.h>. */
#define VFS_POLLIN 0x001
#define VFS_POLLPRI 0x002
#define VFS_POLLOUT 0x004
#define VFS_POLLERR 0x008
#define VFS_POLLHUP 0x010
#define VFS_POLLNVAL 0x020

/* One directory entry as readdir returns it. */
struct vfs_dirent {
	uint64_t ino;
	unsigned char type;	/* DT_* values: S_IFMT >> 12 */
	char name[VFS_NAME_MAX + 1];
};

/*
 * Operations of a vnode.  Called with the VFS lock held.  name arguments
 * are one component, NUL-terminated, never "." or ".." except for lookup.
 * Any operation may be NULL: the VFS answers -EPERM/-ENOTDIR/-EINVAL.
 */
struct vnode_ops {
	/* Directory: *out gets a referenced child (vnode_put it), or
	 * -ENOENT.  ".." of a file system's root is the root itself. */
	int (*lookup)(struct vnode *dir, const char *name, struct vnode **out);
	/* Creates a regular file or FIFO (mode has S_IFREG/S_IFIFO). */
	int (*create)(struct vnode *dir, const char *name, mode_t mode,
		      struct vnode **out);
	int (*mkdir)(struct vnode *dir, const char *name, mode_t mode);
	int (*rmdir)(struct vnode *dir, const char *name);
	int (*unlink)(struct vnode *dir, const char *name);
	/* Both directories belong to the same mount (the VFS checks). */
	int (*rename)(struct vnode *odir, const char *oname,
		      struct vnode *ndir, const char *nname);
	int (*symlink)(struct vnode *dir, const char *name, const char *target);
	/* Copies the target (no NUL); returns its length or -errno. */
	ssize_t (*readlink)(struct vnode *vn, char *buf, size_t len);
	/* Entry number pos: 1 and *d, 0 past the end, or -errno. */
	int (*readdir)(struct vnode *dir, uint64_t pos, struct vfs_dirent *d);
	ssize_t (*read)(struct vnode *vn, void *buf, size_t len, off_t off);
	ssize_t (*write)(struct vnode *vn, const void *buf, size_t len,
			 off_t off);
	int (*truncate)(struct vnode *vn, off_t len);
	/* Fills mode, size, nlink, times; the VFS sets dev/ino/blksize. */
	int (*getattr)(struct vnode *vn, struct stat *st);
	/* Optional: fsync() of an open file: its data and metadata to the
	 * device or server (nothing to write back when absent). */
	int (*fsync)(struct vnode *vn);
	/* Optional, called WITHOUT the VFS lock: makes f something other
	 * than a plain vnode file (a device, a FIFO end).  Returns 0 and
	 * *out, 1 for "a plain vnode file after all", or -errno; may block
	 * (FIFO rendezvous).  Takes its own vnode reference if it keeps vn. */
	int (*open_file)(struct vnode *vn, int flags, struct file **out);
	/* Last reference dropped (the VFS lock is held). */
	void (*inactive)(struct vnode *vn);
};

struct vnode {
	const struct vnode_ops *ops;
	struct mount *mnt;
	struct mount *covered_by;	/* a mount sits on this directory */
	void *priv;			/* the file system's */
	mode_t mode;			/* S_IFMT bits and permissions */
	uint64_t ino;
	int refs;			/* under the VFS lock */
};

/* A file system type, registered once by name ("tmpfs"). */
struct fs_type {
	const char *name;
	/* Sets m->root (referenced) and m->priv.  data: the -o options. */
	int (*mount)(struct mount *m, const char *source, unsigned long flags,
		     const void *data);
	/* Releases everything; the VFS checked nothing is busy. */
	void (*umount)(struct mount *m);
	int (*statfs)(struct mount *m, struct statfs *st);
	/* Its vnodes are made afresh at each lookup (procfs): one cannot
	 * stay covered by a mount, so nothing may be mounted inside it. */
	bool ephemeral_nodes;
	/* Optional, sync(): what the file system keeps in memory to its
	 * device (the VFS then writes back every block cache). */
	int (*sync)(struct mount *m);
	struct list_node link;
};

struct mount {
	struct list_node link;
	struct fs_type *type;
	struct vnode *root;
	struct vnode *covered;		/* the directory mounted on (NULL: /) */
	void *priv;
	unsigned long flags;		/* MS_RDONLY */
	int busy;			/* open files and cwd inside */
	char source[32];
	char path[VFS_PATH_MAX];
};


/* ---- the VFS (fs/vfs.c, fs/mount.c) ---- */

/* Boot, after the heap and scheduler, before the first open: mounts a
 * tmpfs root with /dev, /proc, /tmp, /etc and mounts devfs and etcfs. */
int vfs_init(void);
void vfs_lock(void);
void vfs_unlock(void);

/* References: the _locked forms need the VFS lock, the others take it. */
void vnode_get_locked(struct vnode *vn);
void vnode_get(struct vnode *vn);
void vnode_put_locked(struct vnode *vn);
void vnode_put(struct vnode *vn);
/* Boot: the device files devfs.c provides itself (null, zero, random). */
int devfs_init(void);

int vfs_register_fs(struct fs_type *t);
int vfs_mount(const char *source, const char *target, const char *type,
	      unsigned long flags, const void *data);
int vfs_umount(const char *target);
/* Calls fn for every mount in mount order, with the VFS lock held. */
void vfs_for_each_mount(void (*fn)(struct mount *m, void *ctx), void *ctx);

/* The POSIX operations, -errno inside. */
int vfs_open(const char *path, int flags, struct file **out);
int vfs_open_mode(const char *path, int flags, mode_t mode, struct file **out);
int vfs_stat(const char *path, struct stat *st, bool follow);
int vfs_mkdir(const char *path, mode_t mode);
int vfs_mknod_fifo(const char *path, mode_t mode);
int vfs_rmdir(const char *path);
int vfs_unlink(const char *path);
int vfs_rename(const char *from, const char *to);
int vfs_symlink(const char *target, const char *path);
ssize_t vfs_readlink(const char *path, char *buf, size_t len);
int vfs_truncate(const char *path, off_t len);
int vfs_chdir(const char *path);
int vfs_getcwd(char *buf, size_t len);
int vfs_statfs(const char *path, struct statfs *st);
int vfs_access(const char *path, int mode);
/* sync(): writes back every block device's cache.  0 or the first
 * error (logged by the block layer). */
int vfs_sync(void);

/* Files. */
/* A file with ops and priv on vn (which may be NULL: a pipe); takes over
 * the caller's reference to vn.  NULL when out of memory (the reference
 * is then still the caller's). */
struct file *vfs_file_new(const struct file_ops *ops, struct vnode *vn,
			  void *priv, int flags);
/* file_put() of a file with a vnode: releases the vnode and its mount. */
void vfs_file_drop_vnode(struct file *f);
int vfs_file_readdir(struct file *f, struct vfs_dirent *d);
int vfs_file_truncate(struct file *f, off_t len);
int vfs_file_fsync(struct file *f);
int vfs_file_fstatfs(struct file *f, struct statfs *st);
ssize_t vfs_file_pread(struct file *f, void *buf, size_t len, off_t off);
ssize_t vfs_file_pwrite(struct file *f, const void *buf, size_t len,
			off_t off);
/* Ready VFS_POLL* bits of any file (a device file outside the VFS through
 * its file_ops poll; always ready without one). */
int vfs_file_poll(struct file *f, int events);

/* ---- poll wake-ups (fs/poll.c) ---- */

/* Any state change that may make a file ready calls this (under the
 * scheduler lock: from pipes and, later, drivers).  Pollers rescan. */
void poll_notify_locked(void);
void poll_notify(void);
/* Waits for readiness of n files; timeout_ns < 0: forever.  Returns
 * how many entries have revents, 0 on timeout, -EINTR. */
struct vfs_pollfd {
	struct file *f;		/* NULL: ignored (revents 0) */
	int events;
	int revents;
};
int vfs_poll(struct vfs_pollfd *p, int n, int64_t timeout_ns);

/* ---- file systems ---- */

/* Time for timestamps (realtime ns; fs/vfs.c, or the host test's). */
uint64_t vfs_now_ns(void);
/* tmpfs: registered by vfs_init().  The data string accepts "size=N"
 * with k/m/g suffixes; the default is a quarter of the free heap. */
extern struct fs_type tmpfs_type;
/* For tests: mounts tmpfs on m with a byte limit (no VFS needed). */
int tmpfs_mount_limit(struct mount *m, size_t limit);
int tmpfs_statfs(struct mount *m, struct statfs *st);
void tmpfs_umount(struct mount *m);
/* Default tmpfs limit (fs/vfs.c: a quarter of the free heap). */
size_t tmpfs_default_limit(void);
extern struct fs_type procfs_type;
extern struct fs_type devfs_type;
extern struct fs_type etcfs_type;
/* v9fs (fs/v9fs/): the host's files over 9P, with CONFIG_V9FS. */
extern struct fs_type v9fs_type;
/* FAT12/16/32 with long names on a block device ("vfat", fs/fat/). */
extern struct fs_type fat_fs_type;
/* The host's files over Arm semihosting (fs/hostfs.c, CONFIG_FS_HOSTFS). */
extern struct fs_type hostfs_type;

/* ---- pipes (fs/pipe.c) ---- */
/* pipe(): two files, read end and write end.  0 or -ENOMEM. */
int pipe_create(struct file **rd, struct file **wr, int flags);
/* FIFO vnode open: the pipe lives in *slot (owned by the vnode's fs),
 * created on first open; blocks per POSIX unless O_NONBLOCK. */
int fifo_open(void **slot, struct vnode *vn, int flags, struct file **out);
/* The FIFO's vnode went away: frees an idle pipe. */
void fifo_release_slot(void **slot);

/* ---- path strings (fs/path.c: pure, host-tested) ---- */

/* Copies the next component of *p into name (NUL-terminated) and
 * advances *p past it and the slashes that follow.  Returns the
 * component's length, 0 at the end, or -ENAMETOOLONG. */
int path_next(const char **p, char *name, size_t size);
/* Whether only slashes remain. */
bool path_at_end(const char *p);
/* Whether path ends in a slash after a component ("a/", not "/"). */
bool path_trailing_slash(const char *path);
/* cwd-relative path to absolute in out: -ENOENT (empty path),
 * -ENAMETOOLONG. */
int path_absolute(const char *cwd, const char *path, char *out, size_t size);
/* Lexical clean-up of an absolute path in place: "//" and "." dropped,
 * ".." removes the previous component (not past "/"), no trailing
 * slash except for "/" itself.  0 or -EINVAL (not absolute). */
int path_normalize(char *path);
/* Splits into directory and last component: "a/b/" -> "a", "b".  The
 * directory of "b" is "." and of "/b" is "/".  -ENOENT (empty or "/"
 * only: no last component), -ENAMETOOLONG. */
int path_split(const char *path, char *dir, size_t dsize, char *last,
	       size_t lsize);
