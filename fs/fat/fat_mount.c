// SPDX-License-Identifier: BSD-2-Clause
/*
 * Mounting a FAT volume: the device behind the source path, the geometry
 * and free count from the boot and FSInfo sectors, the root node; umount,
 * statfs, sync.  Mounted read-write, the volume's dirty flag is set on
 * the disk at once and again before the first change after a sync;
 * umount and sync(2) (also poweroff's) clear it after everything else
 * reached the disk.  Syncing writes the FSInfo counts into the cache,
 * then the block layer writes the cache back in block order (FATs before
 * directories) and flushes the device.  Everything runs under the VFS
 * lock, which also guards the table of mounted volumes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <vireo/mm.h>
#include <vireo/klog.h>
#include "../fs_priv.h"
#include "fat_priv.h"

#define MSDOS_SUPER_MAGIC 0x4d44

/* Mounted volumes (VFS lock): one device is mounted once. */
static struct fat_vol *mounted[8];

/* Everything of the volume to the disk: FSInfo, then the cache. */
int fat_vol_sync(struct fat_vol *v)
{
	int r;

	if (v->ro)
		return 0;
	r = fat_write_fsinfo(v);
	return r ? r : bcache_sync(v->bd);
}

/* The -o options: "ro", "rw".  0 or -EINVAL. */
static int parse_opts(const char *data, bool *ro)
{
	const char *p = data;

	while (p && *p) {
		size_t l = strcspn(p, ",");
		if (l == 2 && !strncmp(p, "ro", 2))
			*ro = true;
		else if (l == 2 && !strncmp(p, "rw", 2))
			*ro = false;
		else if (l) {
			pr_err("fat: unknown option '%.*s'\n", (int)l, p);
			return -EINVAL;
		}
		p += l + (p[l] == ',');
	}
	return 0;
}

/* The geometry and counts from the boot and FSInfo sectors. */
static int read_geometry(struct fat_vol *v)
{
	uint8_t sec[512];
	ssize_t r = blockdev_pread(v->bd, sec, sizeof(sec), 0);

	if (r >= 0 && r != sizeof(sec))
		r = -EIO;
	if (!r || r == sizeof(sec))
		r = fat_parse_bpb(sec, sizeof(sec), blockdev_size(v->bd), &v->g);
	if (r)
		return (int)r;
	if (v->g.fsinfo_sector) {
		r = blockdev_pread(v->bd, sec, sizeof(sec),
				   (uint64_t)v->g.fsinfo_sector * v->g.bps);
		if (r != sizeof(sec))
			return r < 0 ? (int)r : -EIO;
		fat_parse_fsinfo(sec, &v->g);
	}
	v->next_free = fat_valid_cluster(v, v->g.fsinfo_next) ? v->g.fsinfo_next : 2;
	if (v->g.fsinfo_free <= v->g.nclusters) {
		v->free_count = v->g.fsinfo_free;
		return 0;
	}
	v->fsinfo_stale = true;
	return fat_count_free(v, &v->free_count);
}

bool fat_mounted_locked(struct blockdev *bd)
{
	for (unsigned i = 0; i < sizeof(mounted) / sizeof(mounted[0]); i++)
		if (mounted[i] && mounted[i]->bd == bd)
			return true;
	return false;
}

static int vol_slot(struct blockdev *bd)
{
	if (fat_mounted_locked(bd))
		return -EBUSY;
	for (int i = 0; i < (int)(sizeof(mounted) / sizeof(mounted[0])); i++)
		if (!mounted[i])
			return i;
	return -ENOSPC;
}

static int root_node(struct fat_vol *v, struct mount *m)
{
	uint8_t raw[FAT_DIRENT_SIZE];

	fat_new_raw(raw, FAT_ATTR_DIR, v->g.type == 32 ? v->g.root_cluster : 0);
	v->root = fat_node_new(v, NULL, raw, 0);
	if (!v->root)
		return -ENOMEM;
	v->root->vn.mnt = m;
	v->root->vn.ino = 1;
	m->root = &v->root->vn;
	return 0;
}

static int fat_mount(struct mount *m, const char *source, unsigned long flags,
		     const void *data)
{
	struct fat_vol *v;
	struct blockdev *bd;
	bool ro = flags & MS_RDONLY;
	int slot, r = parse_opts(data, &ro);

	if (!r)
		r = source ? vfs_blockdev_locked(source, &bd) : -ENODEV;
	if (r)
		return r;
	slot = vol_slot(bd);
	if (slot < 0)
		return slot;
	v = kcalloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->bd = bd;
	v->ro = ro || bd->read_only;
	list_init(&v->nodes);
	r = read_geometry(v);
	if (!r)
		r = root_node(v, m);
	if (!r && !v->ro && (r = fat_set_dirty(v, true)))
		fat_node_free(v->root);
	if (r) {
		free(v);
		return r;
	}
	if (v->ro)
		m->flags |= MS_RDONLY;
	m->priv = v;
	mounted[slot] = v;
	pr_info("fat: %s: FAT%d, %u clusters of %u bytes%s\n", bd->name,
		v->g.type, v->g.nclusters, v->g.cluster_size,
		v->ro ? ", read-only" : "");
	return 0;
}

/* Everything to the disk, then the dirty flag cleared (and flushed). */
static int vol_clean(struct fat_vol *v)
{
	int r = fat_vol_sync(v);

	if (!r && v->flagged)
		r = fat_set_dirty(v, false);
	if (!r && !v->ro)
		r = bcache_sync(v->bd);	/* flushes the flag */
	return r;
}

static void fat_umount(struct mount *m)
{
	struct fat_vol *v = m->priv;
	int r = vol_clean(v);
	unsigned i;

	if (r)
		pr_err("fat: %s: sync at umount failed (%d)\n", v->bd->name, r);
	for (i = 0; i < sizeof(mounted) / sizeof(mounted[0]); i++)
		if (mounted[i] == v)
			mounted[i] = NULL;
	fat_node_free(v->root);
	free(v);
	m->root = NULL;
	m->priv = NULL;
}

static int fat_statfs(struct mount *m, struct statfs *st)
{
	struct fat_vol *v = m->priv;

	memset(st, 0, sizeof(*st));
	st->f_type = MSDOS_SUPER_MAGIC;
	st->f_bsize = v->g.cluster_size;
	st->f_blocks = v->g.nclusters;
	st->f_bfree = st->f_bavail = v->free_count;
	st->f_namelen = VFS_NAME_MAX;
	return 0;
}

/* sync(2), poweroff: the volume is clean afterwards until it changes. */
static int fat_sync(struct mount *m)
{
	return vol_clean(m->priv);
}

struct fs_type fat_fs_type = {
	.name = "vfat",
	.mount = fat_mount,
	.umount = fat_umount,
	.statfs = fat_statfs,
	.sync = fat_sync,
};
