// SPDX-License-Identifier: BSD-2-Clause
/*
 * FAT under the VFS ("vfat"): nodes for directory entries and the vnode
 * operations (mounting is fat_mount.c's).  FAT has no inodes: a node is
 * named by the byte offset of its 8.3 entry, and the volume keeps the
 * nodes in use in a list so that every lookup of one file gives the same
 * node (a rename moves the offset; an unlinked file open somewhere keeps
 * its clusters until its node goes).  A directory node holds its parent
 * for "..".
 *
 * Everything runs under the VFS lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/mm.h>
#include <vireo/klog.h>
#include "../fs_priv.h"
#include "fat_priv.h"

static struct fat_node *node_of(struct vnode *vn)
{
	return container_of(vn, struct fat_node, vn);
}

static struct fat_node *live_node(struct fat_vol *v, uint64_t off)
{
	struct list_node *l;

	list_for_each(l, &v->nodes) {
		struct fat_node *n = list_entry(l, struct fat_node, link);
		if (n->dirent_off == off && !n->unlinked)
			return n;
	}
	return NULL;
}

struct fat_node *fat_node_new(struct fat_vol *v, struct fat_node *parent,
				 const uint8_t *raw, uint64_t off)
{
	struct fat_node *n = kcalloc(1, sizeof(*n));
	bool dir;

	if (!n)
		return NULL;
	n->vol = v;
	n->dirent_off = off;
	n->attr = raw[11];
	dir = n->attr & FAT_ATTR_DIR;
	n->first = fat_dirent_cluster(v, raw);
	n->size = dir ? 0 : fat_le32(raw + 28);
	n->ctime = fat_le16(raw + 14);
	n->cdate = fat_le16(raw + 16);
	n->adate = fat_le16(raw + 18);
	n->mtime = fat_le16(raw + 22);
	n->mdate = fat_le16(raw + 24);
	n->vn.ops = &fat_vops;
	n->vn.mnt = parent ? parent->vn.mnt : NULL;
	n->vn.mode = dir ? S_IFDIR | 0777 :
		     S_IFREG | (n->attr & FAT_ATTR_RO ? 0444 : 0666);
	n->vn.ino = off / FAT_DIRENT_SIZE + 2;
	n->vn.priv = n;
	n->vn.refs = 1;
	n->parent = dir && parent ? parent : n;
	if (dir && parent)
		vnode_get_locked(&parent->vn);
	list_add_tail(&v->nodes, &n->link);
	return n;
}

/* Whether an entry's cluster and size can be right on this volume. */
static int check_entry(struct fat_vol *v, const struct fat_dirent *e)
{
	uint32_t c = fat_dirent_cluster(v, e->raw);
	uint32_t size = fat_le32(e->raw + 28);
	uint64_t room = (uint64_t)v->g.nclusters * v->g.cluster_size;
	bool dir = e->raw[11] & FAT_ATTR_DIR;

	if ((c && !fat_valid_cluster(v, c)) || (dir && !c) ||
	    (!dir && (size > room || (size && !c)))) {
		pr_err("fat: entry '%s': bad cluster %u or size %u\n", e->name,
		       c, size);
		return -EIO;
	}
	return dir ? 0 : fat_file_check_chain(v, c, size);
}

/* The referenced node of entry e of directory d. */
static int node_get(struct fat_node *d, const struct fat_dirent *e,
		    struct fat_node **out)
{
	struct fat_node *n = live_node(d->vol, e->off);
	int r;

	if (n) {
		n->vn.refs++;
		*out = n;
		return 0;
	}
	r = check_entry(d->vol, e);
	if (r)
		return r;
	*out = fat_node_new(d->vol, d, e->raw, e->off);
	return *out ? 0 : -ENOMEM;
}

int fat_node_store(struct fat_node *n)
{
	uint8_t raw[FAT_DIRENT_SIZE];
	int r;

	if (!n->dirent_off || n->unlinked)
		return 0;
	r = fat_meta_read(n->vol, n->dirent_off, raw, sizeof(raw));
	if (r)
		return r;
	raw[11] = n->attr;
	fat_dirent_set_cluster(raw, n->first);
	fat_put32(raw + 28, S_ISDIR(n->vn.mode) ? 0 : n->size);
	fat_put16(raw + 18, n->adate);
	fat_put16(raw + 22, n->mtime);
	fat_put16(raw + 24, n->mdate);
	return fat_meta_write(n->vol, n->dirent_off, raw, sizeof(raw));
}

static int fat_lookup(struct vnode *dir, const char *name, struct vnode **out)
{
	struct fat_node *d = node_of(dir), *n;
	struct fat_dirent e;
	int r;

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (!strcmp(name, ".") || !strcmp(name, "..")) {
		n = name[1] ? d->parent : d;
		n->vn.refs++;
		*out = &n->vn;
		return 0;
	}
	r = fat_dir_find(d->vol, d->first, name, &e);
	if (!r)
		r = node_get(d, &e, &n);
	if (!r)
		*out = &n->vn;
	return r;
}

/* An 8.3 entry with times of now (names are filled by fat_dir_add). */
void fat_new_raw(uint8_t *raw, uint8_t attr, uint32_t clus)
{
	uint16_t date, time;

	memset(raw, 0, FAT_DIRENT_SIZE);
	raw[11] = attr;
	fat_time_encode(vfs_now_ns(), &date, &time);
	fat_put16(raw + 14, time);
	fat_put16(raw + 16, date);
	fat_put16(raw + 18, date);
	fat_put16(raw + 22, time);
	fat_put16(raw + 24, date);
	fat_dirent_set_cluster(raw, clus);
}

static int add_entry(struct fat_node *d, const char *name, uint8_t attr,
		     uint32_t clus, struct fat_dirent *e)
{
	uint8_t raw[FAT_DIRENT_SIZE];

	if (!S_ISDIR(d->vn.mode))
		return -ENOTDIR;
	if (d->unlinked)
		return -ENOENT;
	if (strlen(name) > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	fat_new_raw(raw, attr, clus);
	return fat_dir_add(d->vol, d->first, name, raw, e);
}

static int fat_create(struct vnode *dir, const char *name, mode_t mode,
		      struct vnode **out)
{
	struct fat_dirent e;
	struct fat_node *n;
	int r;

	if (!S_ISREG(mode))
		return -EPERM;	/* FAT holds no FIFOs */
	r = add_entry(node_of(dir), name, FAT_ATTR_ARCHIVE, 0, &e);
	if (!r)
		r = node_get(node_of(dir), &e, &n);
	if (!r)
		*out = &n->vn;
	return r;
}

/* The "." and ".." entries of a new directory's first cluster. */
static int write_dots(struct fat_vol *v, uint32_t clus, uint32_t parent)
{
	uint8_t raw[2 * FAT_DIRENT_SIZE];

	fat_new_raw(raw, FAT_ATTR_DIR, clus);
	memset(raw, ' ', 11);
	raw[0] = '.';
	fat_new_raw(raw + FAT_DIRENT_SIZE, FAT_ATTR_DIR, parent);
	memset(raw + FAT_DIRENT_SIZE, ' ', 11);
	raw[FAT_DIRENT_SIZE] = raw[FAT_DIRENT_SIZE + 1] = '.';
	return fat_meta_write(v, fat_cluster_off(v, clus), raw, sizeof(raw));
}

/* ".." names the root as cluster 0, on FAT32 too. */
static uint32_t dotdot_cluster(struct fat_node *d)
{
	return d->dirent_off ? d->first : 0;
}

static int fat_mkdir(struct vnode *dir, const char *name, mode_t mode)
{
	struct fat_node *d = node_of(dir);
	struct fat_vol *v = d->vol;
	struct fat_dirent e;
	uint32_t c;
	int r;

	(void)mode;
	if (d->unlinked)
		return -ENOENT;
	r = fat_dir_find(v, d->first, name, &e);
	if (r != -ENOENT)
		return r ? r : -EEXIST;
	r = fat_alloc(v, 0, &c);
	if (r)
		return r;
	r = fat_meta_zero_cluster(v, c);
	if (!r)
		r = write_dots(v, c, dotdot_cluster(d));
	if (!r)
		r = add_entry(d, name, FAT_ATTR_DIR, c, &e);
	if (r)
		fat_free_chain(v, c);
	return r;
}

/* Takes entry e out of directory d; its clusters go now or, when a node
 * is still in use, with the node. */
static int remove_entry(struct fat_node *d, const struct fat_dirent *e)
{
	struct fat_vol *v = d->vol;
	struct fat_node *n = live_node(v, e->off);
	uint32_t first = fat_dirent_cluster(v, e->raw);
	int r = fat_dir_remove(v, d->first, e);

	if (r)
		return r;
	if (n) {
		n->unlinked = true;
		return 0;
	}
	return first && fat_valid_cluster(v, first) ? fat_free_chain(v, first) : 0;
}

static int find_typed(struct fat_node *d, const char *name, bool want_dir,
		      struct fat_dirent *e)
{
	int r = S_ISDIR(d->vn.mode) ? fat_dir_find(d->vol, d->first, name, e) :
				      -ENOTDIR;

	if (r)
		return r;
	if (!!(e->raw[11] & FAT_ATTR_DIR) != want_dir)
		return want_dir ? -ENOTDIR : -EISDIR;
	return 0;
}

static int fat_unlink(struct vnode *dir, const char *name)
{
	struct fat_dirent e;
	int r = find_typed(node_of(dir), name, false, &e);

	return r ? r : remove_entry(node_of(dir), &e);
}

static int check_rmdir(struct fat_node *d, const struct fat_dirent *e)
{
	struct fat_node *n = live_node(d->vol, e->off);
	uint32_t c = fat_dirent_cluster(d->vol, e->raw);
	int r;

	if (n && n->vn.covered_by)
		return -EBUSY;
	if (!fat_valid_cluster(d->vol, c))
		return -EIO;
	r = fat_dir_is_empty(d->vol, c);
	return r < 0 ? r : r ? 0 : -ENOTEMPTY;
}

static int fat_rmdir(struct vnode *dir, const char *name)
{
	struct fat_dirent e;
	int r;

	if (!strcmp(name, "."))
		return -EINVAL;
	if (!strcmp(name, ".."))
		return -ENOTEMPTY;
	r = find_typed(node_of(dir), name, true, &e);
	if (!r)
		r = check_rmdir(node_of(dir), &e);
	return r ? r : remove_entry(node_of(dir), &e);
}

/* Whether directory a is d or above it. */
static bool is_ancestor(struct fat_node *a, struct fat_node *d)
{
	for (;; d = d->parent) {
		if (d == a)
			return true;
		if (d->parent == d)
			return false;
	}
}

/* A directory moved to nd: its ".." (at cluster clus) and its node's
 * parent (n, when in use) follow. */
static int reparent(struct fat_vol *v, struct fat_node *n,
		    struct fat_node *nd, uint32_t clus)
{
	uint64_t off = fat_cluster_off(v, clus) + FAT_DIRENT_SIZE;
	uint32_t p = dotdot_cluster(nd);
	uint8_t hi[2], lo[2];
	int r;

	fat_put16(hi, (uint16_t)(p >> 16));
	fat_put16(lo, (uint16_t)p);
	r = fat_meta_write(v, off + 20, hi, 2);
	if (!r)
		r = fat_meta_write(v, off + 26, lo, 2);
	if (!r && n && n->parent != nd) {
		vnode_put_locked(&n->parent->vn);
		n->parent = nd;
		vnode_get_locked(&nd->vn);
	}
	return r;
}

/* The checks of rename before anything changes; *dst_found says whether
 * the new name exists (as another entry). */
static int rename_check(struct fat_node *od, struct fat_dirent *src,
			struct fat_node *nd, const char *nname,
			struct fat_dirent *dst, bool *dst_found)
{
	struct fat_node *sn = live_node(od->vol, src->off);
	bool sdir = src->raw[11] & FAT_ATTR_DIR;
	int r;

	if (sdir && sn && is_ancestor(sn, nd))
		return -EINVAL;
	if (sdir && !sn && !fat_valid_cluster(od->vol,
					      fat_dirent_cluster(od->vol, src->raw)))
		return -EIO;
	r = fat_dir_find(nd->vol, nd->first, nname, dst);
	*dst_found = !r && dst->off != src->off;
	if (r && r != -ENOENT)
		return r;
	if (!*dst_found)
		return 0;
	if (sdir != !!(dst->raw[11] & FAT_ATTR_DIR))
		return sdir ? -ENOTDIR : -EISDIR;
	return sdir ? check_rmdir(nd, dst) : 0;
}

static int fat_rename(struct vnode *odir, const char *oname,
		      struct vnode *ndir, const char *nname)
{
	struct fat_node *od = node_of(odir), *nd = node_of(ndir), *sn;
	struct fat_dirent src, dst, added;
	bool dst_found;
	int r;

	if (!S_ISDIR(ndir->mode) || !S_ISDIR(odir->mode))
		return -ENOTDIR;
	if (strlen(nname) > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	r = fat_dir_find(od->vol, od->first, oname, &src);
	if (!r)
		r = rename_check(od, &src, nd, nname, &dst, &dst_found);
	if (r)
		return r;
	if (dst_found && (r = remove_entry(nd, &dst)))
		return r;
	sn = live_node(od->vol, src.off);
	/* The old entry goes first, so a new name that differs only in case
	 * is not taken for an existing one; the entry is kept in memory and
	 * put back under the old name when the new one does not fit. */
	r = fat_dir_remove(od->vol, od->first, &src);
	if (r)
		return r;
	r = fat_dir_add(nd->vol, nd->first, nname, src.raw, &added);
	if (r) {
		fat_dir_add(od->vol, od->first, src.name, src.raw, &added);
		return r;
	}
	if (sn)
		sn->dirent_off = added.off;
	if ((src.raw[11] & FAT_ATTR_DIR) && od != nd)
		return reparent(od->vol, sn, nd,
				 fat_dirent_cluster(od->vol, src.raw));
	return 0;
}

static int fat_readdir(struct vnode *dir, uint64_t pos, struct vfs_dirent *d)
{
	struct fat_node *n = node_of(dir);
	struct fat_dirent e;
	struct fat_dcur c;
	uint32_t idx = 0;
	uint64_t p = 2;
	int r;

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (pos < 2) {
		d->ino = pos ? n->parent->vn.ino : dir->ino;
		d->type = 4;
		strcpy(d->name, pos ? ".." : ".");
		return 1;
	}
	if (pos == n->rd_pos) {
		idx = n->rd_index;
		p = pos;
	}
	fat_dcur_init(&c, n->first);
	for (; (r = fat_dir_next(n->vol, &c, &idx, &e)) > 0; p++) {
		if (p == pos)
			break;
	}
	if (r <= 0)
		return r;
	d->ino = e.off / FAT_DIRENT_SIZE + 2;
	d->type = e.raw[11] & FAT_ATTR_DIR ? 4 : 8;
	strcpy(d->name, e.name);
	n->rd_pos = pos + 1;
	n->rd_index = idx;
	return 1;
}

static ssize_t fat_read(struct vnode *vn, void *buf, size_t len, off_t off)
{
	if (S_ISDIR(vn->mode))
		return -EISDIR;
	return fat_file_read(node_of(vn), buf, len, off);
}

static ssize_t fat_write(struct vnode *vn, const void *buf, size_t len,
			 off_t off)
{
	if (!S_ISREG(vn->mode))
		return -EISDIR;
	return fat_file_write(node_of(vn), buf, len, off);
}

static int fat_truncate(struct vnode *vn, off_t len)
{
	if (S_ISDIR(vn->mode))
		return -EISDIR;
	if (len < 0)
		return -EINVAL;
	return fat_file_truncate(node_of(vn), (uint64_t)len);
}

static void set_ts(struct timespec *ts, uint16_t date, uint16_t time)
{
	uint64_t ns = fat_time_decode(date, time);

	ts->tv_sec = (time_t)(ns / 1000000000ULL);
	ts->tv_nsec = 0;
}

static int fat_getattr(struct vnode *vn, struct stat *st)
{
	struct fat_node *n = node_of(vn);
	uint32_t cs = n->vol->g.cluster_size;

	st->st_mode = vn->mode;
	st->st_nlink = S_ISDIR(vn->mode) ? 2 : 1;
	st->st_size = n->size;
	st->st_blocks = (blkcnt_t)(((uint64_t)n->size + cs - 1) / cs * (cs / 512));
	set_ts(&st->st_mtim, n->mdate, n->mtime);
	st->st_ctim = st->st_mtim;
	set_ts(&st->st_atim, n->adate, 0);
	return 0;
}

static int fat_fsync(struct vnode *vn)
{
	struct fat_node *n = node_of(vn);
	int r = n->vol->ro ? 0 : fat_node_store(n);

	return r ? r : fat_vol_sync(n->vol);
}

void fat_node_free(struct fat_node *n)
{
	list_del(&n->link);
	if (n->parent != n)
		vnode_put_locked(&n->parent->vn);
	free(n);
}

static void fat_inactive(struct vnode *vn)
{
	struct fat_node *n = node_of(vn);

	if (n->unlinked && n->first && fat_free_chain(n->vol, n->first))
		pr_err("fat: clusters of a removed file not freed\n");
	fat_node_free(n);
}

const struct vnode_ops fat_vops = {
	.lookup = fat_lookup,
	.create = fat_create,
	.mkdir = fat_mkdir,
	.rmdir = fat_rmdir,
	.unlink = fat_unlink,
	.rename = fat_rename,
	.readdir = fat_readdir,
	.read = fat_read,
	.write = fat_write,
	.truncate = fat_truncate,
	.getattr = fat_getattr,
	.fsync = fat_fsync,
	.inactive = fat_inactive,
};
