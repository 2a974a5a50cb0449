// SPDX-License-Identifier: BSD-2-Clause
/*
 * Path names to vnodes, and the namespace operations (mkdir, unlink,
 * rename, ...) on top of the file systems' vnode operations.
 *
 * Resolution is iterative: the absolute path (the working directory
 * joined with a relative one) is walked component by component from the
 * root; a mount point is crossed downwards by its covered_by link and
 * upwards ("..") by the mount's covered vnode; a symlink replaces the
 * walked prefix by its target, at most VFS_SYMLOOP_MAX times (-ELOOP).
 *
 * Each task's working directory (task_cwd()) is kept lexically
 * normalised (what getcwd returns).  Everything here runs under the VFS
 * lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/statfs.h>
#include <vireo/blockdev.h>
#include <vireo/clock.h>
#include <vireo/devfs.h>
#include <vireo/file.h>
#include <vireo/mm.h>
#include <vireo/mutex.h>
#include <vireo/task.h>
#include <vireo/thread.h>
#include "fs_priv.h"

#define WALK_FOLLOW 1u	/* follow a final symlink */
#define WALK_PARENT 2u	/* stop at the last component's directory */

struct walk {
	struct vnode *vn;		/* referenced */
	char last[VFS_NAME_MAX + 1];	/* WALK_PARENT: "" for "/" */
	bool trailing;			/* path ended in a slash */
};

static struct kmutex vfs_mutex = KMUTEX_INIT(vfs_mutex, false);
_Static_assert(TASK_CWD_MAX == VFS_PATH_MAX, "a cwd holds any path");
struct mount *vfs_root_mount;		/* mount.c sets it at boot */

void vfs_lock(void)
{
	kmutex_lock(&vfs_mutex);
}

void vfs_unlock(void)
{
	kmutex_unlock(&vfs_mutex);
}

uint64_t vfs_now_ns(void)
{
	return clock_realtime_ns();
}

size_t tmpfs_default_limit(void)
{
	struct mm_stats st;

	mm_get_stats(&st);
	return st.free / 4;
}

void vnode_get_locked(struct vnode *vn)
{
	vn->refs++;
}

void vnode_get(struct vnode *vn)
{
	vfs_lock();
	vn->refs++;
	vfs_unlock();
}

void vnode_put_locked(struct vnode *vn)
{
	if (--vn->refs == 0 && vn->ops->inactive)
		vn->ops->inactive(vn);
}

void vnode_put(struct vnode *vn)
{
	vfs_lock();
	vnode_put_locked(vn);
	vfs_unlock();
}

/* One step from directory cur to its child name, across mount points. */
static int step(struct vnode *cur, const char *name, struct vnode **out)
{
	struct vnode *next;
	int r;

	if (!strcmp(name, ".."))
		while (cur == cur->mnt->root && cur->mnt->covered)
			cur = cur->mnt->covered;
	if (!S_ISDIR(cur->mode))
		return -ENOTDIR;
	if (!cur->ops->lookup)
		return -ENOENT;
	r = cur->ops->lookup(cur, name, &next);
	if (r)
		return r;
	while (next->covered_by) {
		struct vnode *root = next->covered_by->root;
		vnode_get_locked(root);
		vnode_put_locked(next);
		next = root;
	}
	*out = next;
	return 0;
}

/* Replaces buf by link target + "/" + rest. */
static int splice_link(struct vnode *link, const char *rest, char *buf)
{
	char target[VFS_PATH_MAX];
	ssize_t n;
	size_t rl = strlen(rest);

	if (!link->ops->readlink)
		return -EINVAL;
	n = link->ops->readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return (int)n;
	if (n == 0)
		return -ENOENT;
	if ((size_t)n + 1 + rl >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	memmove(buf + n + 1, rest, rl + 1);
	memcpy(buf, target, (size_t)n);
	buf[n] = '/';
	return 0;
}

static int walk(const char *path, unsigned how, struct walk *w)
{
	char buf[VFS_PATH_MAX], name[VFS_NAME_MAX + 1];
	struct vnode *cur = vfs_root_mount->root, *next;
	const char *p = buf;
	int links = 0, r;

	if (!path)
		return -EFAULT;
	r = path_absolute(task_cwd(), path, buf, sizeof(buf));
	if (r)
		return r;
	w->trailing = path_trailing_slash(buf);
	w->last[0] = '\0';
	vnode_get_locked(cur);
	while ((r = path_next(&p, name, sizeof(name))) > 0) {
		bool last = path_at_end(p);
		if (!S_ISDIR(cur->mode)) {
			r = -ENOTDIR;
			break;
		}
		if (last && (how & WALK_PARENT)) {
			strcpy(w->last, name);
			w->vn = cur;
			return 0;
		}
		r = step(cur, name, &next);
		if (r)
			break;
		if (S_ISLNK(next->mode) &&
		    (!last || (how & WALK_FOLLOW) || w->trailing)) {
			r = ++links > VFS_SYMLOOP_MAX ? -ELOOP :
				splice_link(next, p, buf);
			vnode_put_locked(next);
			if (r)
				break;
			if (buf[0] == '/') {
				vnode_put_locked(cur);
				cur = vfs_root_mount->root;
				vnode_get_locked(cur);
			}
			p = buf;
			continue;
		}
		vnode_put_locked(cur);
		cur = next;
	}
	if (r == 0 && w->trailing && !S_ISDIR(cur->mode))
		r = -ENOTDIR;
	if (r) {
		vnode_put_locked(cur);
		return r;
	}
	w->vn = cur;
	return 0;
}

int vfs_resolve_locked(const char *path, bool follow, struct vnode **out)
{
	struct walk w;
	int r = walk(path, follow ? WALK_FOLLOW : 0, &w);

	if (!r)
		*out = w.vn;
	return r;
}

/* The parent directory of path's last component, checked for writing. */
static int walk_parent_rw(const char *path, struct walk *w)
{
	int r = walk(path, WALK_PARENT, w);

	if (r)
		return r;
	if (!w->last[0]) {
		vnode_put_locked(w->vn);
		return -EEXIST;	/* "/" */
	}
	if (w->vn->mnt->flags & MS_RDONLY) {
		vnode_put_locked(w->vn);
		return -EROFS;
	}
	return 0;
}

void vfs_fill_stat(struct vnode *vn, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = vn->mode;
	st->st_nlink = 1;
	if (vn->ops->getattr)
		vn->ops->getattr(vn, st);
	st->st_dev = (dev_t)(uintptr_t)vn->mnt & 0xffff;
	st->st_ino = (ino_t)vn->ino;
	if (!st->st_blksize)
		st->st_blksize = 512;
}

int vfs_stat(const char *path, struct stat *st, bool follow)
{
	struct walk w;
	int r;

	if (!st)
		return -EFAULT;
	vfs_lock();
	r = walk(path, follow ? WALK_FOLLOW : 0, &w);
	if (!r) {
		vfs_fill_stat(w.vn, st);
		vnode_put_locked(w.vn);
	}
	vfs_unlock();
	return r;
}

int vfs_mkdir(const char *path, mode_t mode)
{
	struct walk w;
	int r;

	vfs_lock();
	r = walk_parent_rw(path, &w);
	if (!r) {
		r = w.vn->ops->mkdir ? w.vn->ops->mkdir(w.vn, w.last, mode)
				     : -EPERM;
		vnode_put_locked(w.vn);
	}
	vfs_unlock();
	return r;
}

int vfs_mknod_fifo(const char *path, mode_t mode)
{
	struct vnode *vn;
	struct walk w;
	int r;

	vfs_lock();
	r = walk_parent_rw(path, &w);
	if (!r) {
		if (w.trailing)
			r = -ENOENT;
		else if (!w.vn->ops->create)
			r = -EPERM;
		else
			r = w.vn->ops->create(w.vn, w.last,
					      S_IFIFO | (mode & 0777), &vn);
		if (!r)
			vnode_put_locked(vn);
		vnode_put_locked(w.vn);
	}
	vfs_unlock();
	return r;
}

/* rmdir/unlink: op is the file system's operation. */
static int remove_name(const char *path, bool dir)
{
	struct vnode *victim;
	struct walk w;
	int r;

	vfs_lock();
	r = walk_parent_rw(path, &w);
	if (r == -EEXIST)
		r = -EBUSY;	/* rmdir("/") */
	if (r)
		goto out;
	if (!strcmp(w.last, ".")) {
		r = -EINVAL;
	} else if (step(w.vn, w.last, &victim) == 0) {
		/* A mount root reached by the step is a busy mount point. */
		if (victim == victim->mnt->root && victim->mnt != w.vn->mnt)
			r = -EBUSY;
		else if (!dir && w.trailing)
			r = S_ISDIR(victim->mode) ? -EISDIR : -ENOTDIR;
		/* The kind is checked here, once for every file system. */
		else if (!S_ISDIR(victim->mode) != !dir)
			r = dir ? -ENOTDIR : -EISDIR;
		vnode_put_locked(victim);
	}
	if (!r) {
		int (*op)(struct vnode *, const char *) =
			dir ? w.vn->ops->rmdir : w.vn->ops->unlink;
		r = op ? op(w.vn, w.last) : -EPERM;
	}
	vnode_put_locked(w.vn);
out:
	vfs_unlock();
	return r;
}

int vfs_rmdir(const char *path)
{
	return remove_name(path, true);
}

int vfs_unlink(const char *path)
{
	return remove_name(path, false);
}

int vfs_rename(const char *from, const char *to)
{
	struct walk a, b;
	int r;

	vfs_lock();
	r = walk(from, WALK_PARENT, &a);
	if (r)
		goto out;
	r = walk(to, WALK_PARENT, &b);
	if (r)
		goto out_a;
	/* Across mounts is EXDEV even when one side is read-only.  A mount
	 * point, or a directory holding one, keeps its name: the mount
	 * table records paths. */
	if (!a.last[0] || !b.last[0] || vfs_mounted_at_or_under_locked(from) ||
	    vfs_mounted_at_or_under_locked(to))
		r = -EBUSY;
	else if (a.vn->mnt != b.vn->mnt)
		r = -EXDEV;
	else if (a.vn->mnt->flags & MS_RDONLY)
		r = -EROFS;
	else if (!strcmp(a.last, ".") || !strcmp(a.last, "..") ||
		 !strcmp(b.last, ".") || !strcmp(b.last, ".."))
		r = -EINVAL;
	else if (!a.vn->ops->rename)
		r = -EPERM;
	else
		r = a.vn->ops->rename(a.vn, a.last, b.vn, b.last);
	vnode_put_locked(b.vn);
out_a:
	vnode_put_locked(a.vn);
out:
	vfs_unlock();
	return r;
}

int vfs_symlink(const char *target, const char *path)
{
	struct walk w;
	int r;

	if (!target)
		return -EFAULT;
	if (!*target)
		return -ENOENT;
	vfs_lock();
	r = walk_parent_rw(path, &w);
	if (!r) {
		r = w.vn->ops->symlink ? w.vn->ops->symlink(w.vn, w.last, target)
				       : -EPERM;
		vnode_put_locked(w.vn);
	}
	vfs_unlock();
	return r;
}

ssize_t vfs_readlink(const char *path, char *buf, size_t len)
{
	struct walk w;
	ssize_t r;

	vfs_lock();
	r = walk(path, 0, &w);
	if (!r) {
		if (!S_ISLNK(w.vn->mode) || !w.vn->ops->readlink)
			r = -EINVAL;
		else
			r = w.vn->ops->readlink(w.vn, buf, len);
		vnode_put_locked(w.vn);
	}
	vfs_unlock();
	return r;
}

int vfs_truncate_vnode_locked(struct vnode *vn, off_t len)
{
	if (len < 0)
		return -EINVAL;
	if (S_ISDIR(vn->mode))
		return -EISDIR;
	if (vn->mnt->flags & MS_RDONLY)
		return -EROFS;
	return vn->ops->truncate ? vn->ops->truncate(vn, len) : -EINVAL;
}

int vfs_truncate(const char *path, off_t len)
{
	struct walk w;
	int r;

	vfs_lock();
	r = walk(path, WALK_FOLLOW, &w);
	if (!r) {
		r = vfs_truncate_vnode_locked(w.vn, len);
		vnode_put_locked(w.vn);
	}
	vfs_unlock();
	return r;
}

int vfs_chdir(const char *path)
{
	char abs[VFS_PATH_MAX];
	struct walk w;
	int r;

	vfs_lock();
	r = walk(path, WALK_FOLLOW, &w);
	if (!r) {
		if (!S_ISDIR(w.vn->mode))
			r = -ENOTDIR;
		vnode_put_locked(w.vn);
	}
	if (!r)
		r = path_absolute(task_cwd(), path, abs, sizeof(abs));
	if (!r) {
		path_normalize(abs);
		strcpy(task_cwd(), abs);
	}
	vfs_unlock();
	return r;
}

int vfs_getcwd_locked(char *buf, size_t len)
{
	const char *cwd = task_cwd();

	if (!buf)
		return -EINVAL;
	if (strlen(cwd) + 1 > len)
		return -ERANGE;
	strcpy(buf, cwd);
	return 0;
}

int vfs_getcwd(char *buf, size_t len)
{
	int r;

	vfs_lock();
	r = vfs_getcwd_locked(buf, len);
	vfs_unlock();
	return r;
}

static bool cwd_inside(const char *cwd, const void *mpath)
{
	size_t n = strlen(mpath);

	return !strncmp(cwd, mpath, n) && (cwd[n] == '/' || cwd[n] == '\0');
}

bool vfs_cwd_inside_locked(const char *mpath)
{
	return task_any_cwd(cwd_inside, mpath);
}

int vfs_statfs(const char *path, struct statfs *st)
{
	struct walk w;
	int r;

	if (!st)
		return -EFAULT;
	vfs_lock();
	r = walk(path, WALK_FOLLOW, &w);
	if (!r) {
		struct mount *m = w.vn->mnt;
		memset(st, 0, sizeof(*st));
		r = m->type->statfs ? m->type->statfs(m, st) : 0;
		st->f_flags = m->flags & MS_RDONLY ? ST_RDONLY : 0;
		vnode_put_locked(w.vn);
	}
	vfs_unlock();
	return r;
}

int vfs_access(const char *path, int mode)
{
	struct walk w;
	int r;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	vfs_lock();
	r = walk(path, WALK_FOLLOW, &w);
	if (!r) {
		/* One user with every permission: only a read-only mount
		 * and missing execute bits refuse. */
		if ((mode & W_OK) && (w.vn->mnt->flags & MS_RDONLY))
			r = -EROFS;
		else if ((mode & X_OK) && !(w.vn->mode & 0111))
			r = -EACCES;
		vnode_put_locked(w.vn);
	}
	vfs_unlock();
	return r;
}

/* open(O_CREAT): the existing file, or a new one. */
static int open_create(const char *path, int flags, mode_t mode,
		       struct vnode **out)
{
	struct vnode *vn;
	struct walk w;
	int r = walk(path, WALK_PARENT, &w);

	if (r)
		return r;
	if (!w.last[0]) {
		r = -EISDIR;
		goto out;
	}
	r = step(w.vn, w.last, &vn);
	if (r == 0) {
		if (flags & O_EXCL) {
			vnode_put_locked(vn);
			r = -EEXIST;
		} else if (S_ISLNK(vn->mode)) {
			vnode_put_locked(vn);
			r = vfs_resolve_locked(path, true, &vn);
		}
	} else if (r == -ENOENT) {
		if (w.trailing)
			r = -EISDIR;
		else if (w.vn->mnt->flags & MS_RDONLY)
			r = -EROFS;
		else if (!w.vn->ops->create)
			r = -EPERM;
		else
			r = w.vn->ops->create(w.vn, w.last,
					      S_IFREG | (mode & 07777), &vn);
	}
	if (!r)
		*out = vn;
out:
	vnode_put_locked(w.vn);
	return r;
}

/* The checks and O_TRUNC of open on a resolved vnode. */
static int open_check(struct vnode *vn, int flags)
{
	int acc = flags & O_ACCMODE;

	if ((flags & O_DIRECTORY) && !S_ISDIR(vn->mode))
		return -ENOTDIR;
	if (S_ISDIR(vn->mode) && acc != O_RDONLY)
		return -EISDIR;
	if (acc != O_RDONLY && (vn->mnt->flags & MS_RDONLY) &&
	    (S_ISREG(vn->mode) || S_ISDIR(vn->mode)))
		return -EROFS;
	if ((flags & O_TRUNC) && acc != O_RDONLY && S_ISREG(vn->mode))
		return vfs_truncate_vnode_locked(vn, 0);
	return 0;
}


int vfs_open_mode(const char *path, int flags, mode_t mode, struct file **out)
{
	struct vnode *vn;
	bool kept = false;
	int r;

	if (!path)
		return -EFAULT;
	/* Before vfs_init() only the device registry exists. */
	if (!vfs_root_mount)
		return strncmp(path, "/dev/", 5) ? -ENOENT :
		       devfs_open(path + 5, flags, out);
	vfs_lock();
	if (flags & O_CREAT)
		r = open_create(path, flags, mode, &vn);
	else
		r = vfs_resolve_locked(path, true, &vn);
	if (!r) {
		r = open_check(vn, flags);
		if (r)
			vnode_put_locked(vn);
	}
	/* Our reference is used without the lock below (a FIFO's open
	 * waits for its other end): the mount stays busy meanwhile, so an
	 * umount cannot free the vnode under it.  The file, once made,
	 * keeps the mount busy itself. */
	if (!r)
		vn->mnt->busy++;
	vfs_unlock();
	if (r)
		return r;
	/* Devices and FIFOs make their own files (with their own vnode
	 * reference), possibly blocking. */
	r = vn->ops->open_file ? vn->ops->open_file(vn, flags, out) : 1;
	if (r == 1) {
		*out = vfs_vnode_file_new(vn, flags);
		r = *out ? 0 : -ENOMEM;
		kept = !r;	/* the file keeps our reference */
	}
	vfs_lock();
	vn->mnt->busy--;
	if (!kept)
		vnode_put_locked(vn);
	vfs_unlock();
	return r;
}

int vfs_open(const char *path, int flags, struct file **out)
{
	return vfs_open_mode(path, flags, 0666, out);
}

static void sync_mount(struct mount *m, void *ctx)
{
	int *r = ctx, e = m->type->sync ? m->type->sync(m) : 0;

	if (e && !*r)
		*r = e;
}

int vfs_sync(void)
{
	int r = 0, e;

	/* File systems put what they keep in memory into the caches first. */
	vfs_for_each_mount(sync_mount, &r);
	e = IS_ENABLED(CONFIG_BLOCK) ? blockdev_sync_all() : 0;
	return r ? r : e;
}

int vfs_blockdev_locked(const char *path, struct blockdev **out)
{
	struct vnode *vn;
	struct file *f = NULL;
	int r = vfs_resolve_locked(path, true, &vn);

	if (r)
		return r;
	if (!IS_ENABLED(CONFIG_BLOCK) || !S_ISBLK(vn->mode) ||
	    !vn->ops->open_file)
		r = -ENODEV;
	else
		r = vn->ops->open_file(vn, O_RDONLY, &f);
	vnode_put_locked(vn);
	if (r)
		return r < 0 ? r : -ENODEV;
	/* Devices stay registered for ever: bd outlives the file. */
	*out = blockdev_of_file(f);
	file_put(f);
	return *out ? 0 : -ENODEV;
}
