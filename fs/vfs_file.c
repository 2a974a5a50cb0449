// SPDX-License-Identifier: BSD-2-Clause
/*
 * Files opened through the VFS: plain vnode files (regular files and
 * directories) use vnode_ops below, pipes and FIFOs pipe.c's, procfs its
 * text files'.  A file with a vnode keeps its mount busy until the file's
 * last reference goes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <vireo/file.h>
#include "fs_priv.h"

struct file *vfs_file_new(const struct file_ops *ops, struct vnode *vn,
			  void *priv, int flags)
{
	struct file *f = file_new(ops, priv, flags);

	if (!f)
		return NULL;
	f->vn = vn;
	if (vn) {
		vfs_lock();
		vn->mnt->busy++;
		vfs_unlock();
	}
	return f;
}

void vfs_file_drop_vnode(struct file *f)
{
	vfs_lock();
	f->vn->mnt->busy--;
	vnode_put_locked(f->vn);
	vfs_unlock();
}

static off_t file_size_locked(struct vnode *vn)
{
	struct stat st;

	vfs_fill_stat(vn, &st);
	return st.st_size;
}

static off_t vnode_lseek(struct file *f, off_t off, int whence)
{
	off_t r;

	vfs_lock();
	r = file_seek_in_size(f, off, whence,
			      whence == SEEK_END ? file_size_locked(f->vn) : 0);
	vfs_unlock();
	return r;
}

/* Whether f is a device read and written at f->pos (it has an lseek of
 * its own): pread/pwrite work on it; pipes, FIFOs, terminals and
 * sockets have none and give ESPIPE. */
static bool seekable_device(const struct file *f)
{
	return (!f->vn || !S_ISREG(f->vn->mode)) && f->ops->lseek &&
	       f->ops->lseek != vnode_lseek;
}

/* pread/pwrite on a seekable device: its read or write at off through a
 * copy of the file, so that the file's own offset never moves (POSIX),
 * not even while the call runs. */
static ssize_t device_at(struct file *f, void *buf, size_t len, off_t off,
			 bool write)
{
	struct file at = *f;

	at.pos = off;
	if (write)
		return f->ops->write ? f->ops->write(&at, buf, len) : -EBADF;
	return f->ops->read ? f->ops->read(&at, buf, len) : -EBADF;
}

ssize_t vfs_file_pread(struct file *f, void *buf, size_t len, off_t off)
{
	struct vnode *vn = f->vn;
	ssize_t r;

	if (off < 0 && (seekable_device(f) || (vn && S_ISREG(vn->mode))))
		return -EINVAL;
	if (seekable_device(f))
		return device_at(f, buf, len, off, false);
	if (!vn || !S_ISREG(vn->mode))
		return vn && S_ISDIR(vn->mode) ? -EISDIR : -ESPIPE;
	vfs_lock();
	r = vn->ops->read ? vn->ops->read(vn, buf, len, off) : -EINVAL;
	vfs_unlock();
	return r;
}

ssize_t vfs_file_pwrite(struct file *f, const void *buf, size_t len,
			off_t off)
{
	struct vnode *vn = f->vn;
	ssize_t r;

	if (off < 0 && (seekable_device(f) || (vn && S_ISREG(vn->mode))))
		return -EINVAL;
	if (seekable_device(f))
		return device_at(f, (void *)buf, len, off, true);
	if (!vn || !S_ISREG(vn->mode))
		return -ESPIPE;
	vfs_lock();
	r = vn->ops->write ? vn->ops->write(vn, buf, len, off) : -EROFS;
	vfs_unlock();
	return r;
}

/* Regular files and directories. */
static ssize_t vnode_read(struct file *f, void *buf, size_t len)
{
	struct vnode *vn = f->vn;
	ssize_t r;

	if (S_ISDIR(vn->mode))
		return -EISDIR;
	vfs_lock();
	r = vn->ops->read ? vn->ops->read(vn, buf, len, f->pos) : -EINVAL;
	if (r > 0)
		f->pos += r;
	vfs_unlock();
	return r;
}

static ssize_t vnode_write(struct file *f, const void *buf, size_t len)
{
	struct vnode *vn = f->vn;
	ssize_t r;

	vfs_lock();
	if (f->flags & O_APPEND)
		f->pos = file_size_locked(vn);
	r = vn->ops->write ? vn->ops->write(vn, buf, len, f->pos) : -EROFS;
	if (r > 0)
		f->pos += r;
	vfs_unlock();
	return r;
}

static int vnode_poll(struct file *f, int events)
{
	(void)f;
	/* Regular files never block (POSIX). */
	return events & (VFS_POLLIN | VFS_POLLOUT);
}

static int vnode_stat(struct file *f, struct stat *st)
{
	vfs_lock();
	vfs_fill_stat(f->vn, st);
	vfs_unlock();
	return 0;
}

/* Asks the file system to make the file durable (its device, a server). */
static int vnode_fsync(struct file *f)
{
	int r;

	vfs_lock();
	r = f->vn->ops->fsync ? f->vn->ops->fsync(f->vn) : 0;
	vfs_unlock();
	return r;
}

static const struct file_ops vnode_ops = {
	.read = vnode_read,
	.write = vnode_write,
	.lseek = vnode_lseek,
	.poll = vnode_poll,
	.stat = vnode_stat,
	.fsync = vnode_fsync,
};

struct file *vfs_vnode_file_new(struct vnode *vn, int flags)
{
	return vfs_file_new(&vnode_ops, vn, NULL, flags);
}

int vfs_file_readdir(struct file *f, struct vfs_dirent *d)
{
	struct vnode *vn = f->vn;
	int r;

	if (!vn || !S_ISDIR(vn->mode))
		return -ENOTDIR;
	vfs_lock();
	r = vn->ops->readdir ? vn->ops->readdir(vn, (uint64_t)f->pos, d)
			     : -ENOTDIR;
	if (r > 0)
		f->pos++;
	vfs_unlock();
	return r;
}

int vfs_file_truncate(struct file *f, off_t len)
{
	int r;

	if (!f->vn || !S_ISREG(f->vn->mode))
		return -EINVAL;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	vfs_lock();
	r = vfs_truncate_vnode_locked(f->vn, len);
	vfs_unlock();
	return r;
}

int vfs_file_fsync(struct file *f)
{
	/* The in-memory file systems have nothing to write back. */
	return f->ops->fsync ? f->ops->fsync(f) : 0;
}

int vfs_file_fstatfs(struct file *f, struct statfs *st)
{
	struct mount *m;
	int r = 0;

	memset(st, 0, sizeof(*st));
	if (!f->vn)
		return 0;
	vfs_lock();
	m = f->vn->mnt;
	if (m->type->statfs)
		r = m->type->statfs(m, st);
	st->f_flags = m->flags & MS_RDONLY ? ST_RDONLY : 0;
	vfs_unlock();
	return r;
}

int vfs_file_poll(struct file *f, int events)
{
	return f->ops->poll ? f->ops->poll(f, events) :
			      events & (VFS_POLLIN | VFS_POLLOUT);
}
