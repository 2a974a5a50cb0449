// SPDX-License-Identifier: BSD-2-Clause
/*
 * See fat_env.h.  The fake kernel pieces here are the ones drivers/block/
 * and fs/fat/ call: klog, sleeping mutexes and semaphores (one thread, so
 * a mutex is a flag and a semaphore a counter that requests complete
 * before any wait), devfs registration, and from the VFS the reference
 * counting of vnodes and vfs_blockdev_locked().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/fat.h>
#include <vireo/klog.h>
#include <vireo/mutex.h>
#include <vireo/sem.h>
#include "../../drivers/block/block_priv.h"
#include "../../fs/fs_priv.h"
#include "fat_env.h"

struct ram_disk *env_disk;
uint64_t env_now_ns = 1700000000ULL * 1000000000ULL;

void klog(int level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

void kmutex_init(struct kmutex *m, bool recursive)
{
	(void)recursive;
	memset(m, 0, sizeof(*m));
}

int kmutex_lock(struct kmutex *m)
{
	if (m->depth)
		abort();	/* would deadlock in the kernel */
	m->depth = 1;
	return 0;
}

int kmutex_trylock(struct kmutex *m)
{
	if (m->depth)
		return -EBUSY;
	m->depth = 1;
	return 0;
}

int kmutex_unlock(struct kmutex *m)
{
	m->depth = 0;
	return 0;
}

void ksem_init(struct ksem *s, int count)
{
	s->count = count;
}

int ksem_post(struct ksem *s)
{
	s->count++;
	return 0;
}

void ksem_wait(struct ksem *s)
{
	if (s->count == 0)
		abort();	/* requests complete before anyone waits */
	s->count--;
}

int blockdev_file_register(struct blockdev *bd)
{
	(void)bd;
	return 0;
}

uint64_t vfs_now_ns(void)
{
	return env_now_ns;
}

void vnode_get_locked(struct vnode *vn)
{
	vn->refs++;
}

void vnode_put_locked(struct vnode *vn)
{
	if (--vn->refs == 0 && vn->ops->inactive)
		vn->ops->inactive(vn);
}

int vfs_blockdev_locked(const char *path, struct blockdev **out)
{
	if (strcmp(path, "/dev/ram") || !env_disk)
		return -ENOENT;
	*out = &env_disk->bd;
	return 0;
}

/* ---- the RAM disk ---- */

static int ram_submit(struct blockdev *bd, struct blk_req *req)
{
	struct ram_disk *d = container_of(bd, struct ram_disk, bd);
	uint8_t *at = d->mem + req->block * bd->block_size;
	size_t n = (size_t)req->count * bd->block_size;

	if (req->op == BLK_OP_READ)
		memcpy(req->buf, at, n);
	else if (req->op == BLK_OP_WRITE) {
		memcpy(at, req->buf, n);
		d->writes++;
		if (at - d->mem < (ptrdiff_t)d->lo)
			d->lo = (uint64_t)(at - d->mem);
		if (at + n - d->mem > (ptrdiff_t)d->hi)
			d->hi = (uint64_t)(at + n - d->mem);
	}
	req->done(req, 0);
	return 0;
}

static const struct blockdev_ops ram_ops = { .submit = ram_submit };

struct ram_disk *env_disk_new(size_t bytes)
{
	static unsigned serial;
	struct ram_disk *d = calloc(1, sizeof(*d));

	if (!d || !(d->mem = calloc(1, bytes))) {
		free(d);
		return NULL;
	}
	/* Devices stay registered for ever: each gets its own name. */
	snprintf(d->bd.name, sizeof(d->bd.name), "ram%u", serial++);
	d->bd.block_size = 512;
	d->bd.nr_blocks = bytes / 512;
	d->bd.ops = &ram_ops;
	d->size = bytes;
	d->lo = UINT64_MAX;
	if (blockdev_register(&d->bd)) {
		free(d->mem);
		free(d);
		return NULL;
	}
	env_disk = d;
	return d;
}

void env_disk_free(struct ram_disk *d)
{
	/* The block layer keeps the device listed; only its memory goes. */
	bcache_destroy(&d->bd);
	free(d->mem);
	d->mem = NULL;
	if (env_disk == d)
		env_disk = NULL;
}

void env_disk_drop_cache(struct ram_disk *d)
{
	bcache_after_direct(&d->bd, 0, d->bd.nr_blocks, d->mem,
			    BCACHE_DONE_DISCARD);
}

static int ram_write(void *ctx, const void *buf, size_t len, uint64_t off)
{
	struct ram_disk *d = ctx;

	if (off > d->size || len > d->size - off)
		return -ENOSPC;
	memcpy(d->mem + off, buf, len);
	return 0;
}

int env_format(int type, const char *label, size_t bytes, int *type_out)
{
	struct fat_format_opts o = { .type = type, .label = label,
				     .volume_id = 0x12345678 };

	env_disk_drop_cache(env_disk);
	return fat_format(&o, bytes ? bytes : env_disk->size, ram_write,
			  env_disk, type_out);
}

int env_mount(struct mount *m, const char *opts)
{
	int r = fat_fs_type.mount(m, "/dev/ram", 0, opts);

	if (!r)
		m->root->mnt = m;
	return r;
}

void env_umount(struct mount *m)
{
	fat_fs_type.umount(m);
}

/* ---- paths ---- */

int env_lookup(struct mount *m, const char *path, struct vnode **out)
{
	struct vnode *cur = m->root, *next;
	char name[VFS_NAME_MAX + 1];
	int r;

	cur->refs++;
	while ((r = path_next(&path, name, sizeof(name))) > 0) {
		r = cur->ops->lookup(cur, name, &next);
		vnode_put_locked(cur);
		if (r)
			return r;
		cur = next;
	}
	if (r < 0) {
		vnode_put_locked(cur);
		return r;
	}
	*out = cur;
	return 0;
}

int env_parent(struct mount *m, const char *path, struct vnode **dir,
	       char *last)
{
	char d[VFS_PATH_MAX];
	int r = path_split(path, d, sizeof(d), last, VFS_NAME_MAX + 1);

	if (r)
		return r;
	return env_lookup(m, strcmp(d, ".") ? d : "", dir);
}

static int open_file(struct mount *m, const char *path, bool create,
		     struct vnode **out)
{
	char last[VFS_NAME_MAX + 1];
	struct vnode *dir;
	int r = env_lookup(m, path, out);

	if (r != -ENOENT || !create)
		return r;
	r = env_parent(m, path, &dir, last);
	if (r)
		return r;
	r = dir->ops->create(dir, last, S_IFREG | 0644, out);
	vnode_put_locked(dir);
	return r;
}

ssize_t env_write(struct mount *m, const char *path, const void *buf,
		  size_t len, off_t off)
{
	struct vnode *vn;
	ssize_t r = open_file(m, path, true, &vn);

	if (r)
		return r;
	r = vn->ops->write(vn, buf, len, off);
	vnode_put_locked(vn);
	return r;
}

ssize_t env_read(struct mount *m, const char *path, void *buf, size_t len,
		 off_t off)
{
	struct vnode *vn;
	ssize_t r = open_file(m, path, false, &vn);

	if (r)
		return r;
	r = vn->ops->read(vn, buf, len, off);
	vnode_put_locked(vn);
	return r;
}
