// SPDX-License-Identifier: BSD-2-Clause
/*
 * Files opened through the VFS.  Every such file has vfs_file_ops as its
 * struct file_ops and a struct vfs_file as priv, whose fops carry what
 * struct file_ops cannot yet express (poll); plain vnode files (regular
 * files, directories) use vnode_fops below, pipes and FIFOs pipe.c's,
 * procfs its text files'.  A file with a vnode keeps its mount busy.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <vireo/file.h>
#include "fs_priv.h"

static ssize_t vf_read(struct file *f, void *buf, size_t len);
static ssize_t vf_write(struct file *f, const void *buf, size_t len);
static off_t vf_lseek(struct file *f, off_t off, int whence);
static int vf_stat(struct file *f, struct stat *st);
static void vf_release(struct file *f);

static const struct file_ops vfs_file_ops = {
	.read = vf_read,
	.write = vf_write,
	.lseek = vf_lseek,
	.stat = vf_stat,
	.release = vf_release,
};

struct vfs_file *vfs_file_of(struct file *f)
{
	return f && f->ops == &vfs_file_ops ? f->priv : NULL;
}

struct file *vfs_file_new(const struct vfs_file_fops *fops, struct vnode *vn,
			  void *data, int flags)
{
	struct vfs_file *vf = calloc(1, sizeof(*vf));
	struct file *f;

	if (!vf)
		return NULL;
	f = file_new(&vfs_file_ops, vf, flags);
	if (!f) {
		free(vf);
		return NULL;
	}
	vf->fops = fops;
	vf->vn = vn;
	vf->data = data;
	if (vn) {
		vfs_lock();
		vn->mnt->busy++;
		vfs_unlock();
	}
	return f;
}

static ssize_t vf_read(struct file *f, void *buf, size_t len)
{
	struct vfs_file *vf = f->priv;

	return vf->fops->read ? vf->fops->read(f, buf, len) : -EINVAL;
}

static ssize_t vf_write(struct file *f, const void *buf, size_t len)
{
	struct vfs_file *vf = f->priv;

	return vf->fops->write ? vf->fops->write(f, buf, len) : -EINVAL;
}

static int vf_stat(struct file *f, struct stat *st)
{
	struct vfs_file *vf = f->priv;

	if (vf->fops->stat)
		return vf->fops->stat(f, st);
	if (!vf->vn)
		return 0;
	vfs_lock();
	vfs_fill_stat(vf->vn, st);
	vfs_unlock();
	return 0;
}

static void vf_release(struct file *f)
{
	struct vfs_file *vf = f->priv;

	if (vf->fops->release)
		vf->fops->release(f);
	if (vf->vn) {
		vfs_lock();
		vf->vn->mnt->busy--;
		vnode_put_locked(vf->vn);
		vfs_unlock();
	}
	free(vf);
}

static off_t file_size_locked(struct vnode *vn)
{
	struct stat st;

	vfs_fill_stat(vn, &st);
	return st.st_size;
}

static off_t vf_lseek(struct file *f, off_t off, int whence)
{
	struct vfs_file *vf = f->priv;
	off_t base;

	if (!vf->vn || !(S_ISREG(vf->vn->mode) || S_ISDIR(vf->vn->mode) ||
			 S_ISCHR(vf->vn->mode)))
		return -ESPIPE;
	vfs_lock();
	if (whence == SEEK_SET)
		base = 0;
	else if (whence == SEEK_CUR)
		base = f->pos;
	else if (whence == SEEK_END)
		base = file_size_locked(vf->vn);
	else
		base = -1;
	if (base < 0 || (off < 0 && base + off < 0)) {
		vfs_unlock();
		return -EINVAL;
	}
	f->pos = base + off;
	vfs_unlock();
	return f->pos;
}

ssize_t vfs_file_pread(struct file *f, void *buf, size_t len, off_t off)
{
	struct vfs_file *vf = vfs_file_of(f);
	struct vnode *vn = vf ? vf->vn : NULL;
	ssize_t r;

	if (!vn || !S_ISREG(vn->mode) || vf->fops->read == NULL)
		return vn && S_ISDIR(vn->mode) ? -EISDIR : -ESPIPE;
	if (off < 0)
		return -EINVAL;
	vfs_lock();
	r = vn->ops->read ? vn->ops->read(vn, buf, len, off) : -EINVAL;
	vfs_unlock();
	return r;
}

ssize_t vfs_file_pwrite(struct file *f, const void *buf, size_t len,
			off_t off)
{
	struct vfs_file *vf = vfs_file_of(f);
	struct vnode *vn = vf ? vf->vn : NULL;
	ssize_t r;

	if (!vn || !S_ISREG(vn->mode))
		return -ESPIPE;
	if (off < 0)
		return -EINVAL;
	vfs_lock();
	r = vn->ops->write ? vn->ops->write(vn, buf, len, off) : -EROFS;
	vfs_unlock();
	return r;
}

/* Regular files and directories. */
static ssize_t vnode_read(struct file *f, void *buf, size_t len)
{
	struct vnode *vn = ((struct vfs_file *)f->priv)->vn;
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
	struct vnode *vn = ((struct vfs_file *)f->priv)->vn;
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

static const struct vfs_file_fops vnode_fops = {
	.read = vnode_read,
	.write = vnode_write,
	.poll = vnode_poll,
};

struct file *vfs_vnode_file_new(struct vnode *vn, int flags)
{
	return vfs_file_new(&vnode_fops, vn, NULL, flags);
}

int vfs_file_readdir(struct file *f, struct vfs_dirent *d)
{
	struct vfs_file *vf = vfs_file_of(f);
	struct vnode *vn = vf ? vf->vn : NULL;
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
	struct vfs_file *vf = vfs_file_of(f);
	int r;

	if (!vf || !vf->vn || !S_ISREG(vf->vn->mode))
		return -EINVAL;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	vfs_lock();
	r = vfs_truncate_vnode_locked(vf->vn, len);
	vfs_unlock();
	return r;
}

int vfs_file_fsync(struct file *f)
{
	(void)f;
	return 0;	/* every file system so far is in memory */
}

int vfs_file_fstatfs(struct file *f, struct statfs *st)
{
	struct vfs_file *vf = vfs_file_of(f);
	struct mount *m;
	int r = 0;

	memset(st, 0, sizeof(*st));
	if (!vf || !vf->vn)
		return 0;
	vfs_lock();
	m = vf->vn->mnt;
	if (m->type->statfs)
		r = m->type->statfs(m, st);
	st->f_flags = m->flags & MS_RDONLY ? ST_RDONLY : 0;
	vfs_unlock();
	return r;
}

int vfs_file_poll(struct file *f, int events)
{
	struct vfs_file *vf = vfs_file_of(f);

	if (!vf)	/* a device file outside the VFS: the console */
		return f->ops->poll ? f->ops->poll(f, events) :
				      events & (VFS_POLLIN | VFS_POLLOUT);
	if (!vf->fops->poll)
		return events & (VFS_POLLIN | VFS_POLLOUT);
	return vf->fops->poll(f, events);
}
