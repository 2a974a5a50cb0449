// SPDX-License-Identifier: BSD-2-Clause
/*
 * The read-only /etc built into the image.  Mounting builds a small tmpfs
 * from the generated table (fs/CMakeLists.txt) and the mount is read-only
 * (MS_RDONLY, enforced by the VFS), so the tree code is tmpfs's and a few
 * hundred bytes of copies are the price.
 */
#include <errno.h>
#include <string.h>
#include "etcfs.h"
#include "fs_priv.h"

/* Creates the directories of rel under root; *leaf gets the directory
 * holding the last component, name that component. */
static int make_dirs(struct vnode *root, const char *rel, struct vnode **leaf,
		     char *name)
{
	struct vnode *dir = root, *next;
	const char *p = rel;
	int r;

	vnode_get_locked(dir);
	while ((r = path_next(&p, name, VFS_NAME_MAX + 1)) > 0) {
		if (path_at_end(p)) {
			*leaf = dir;
			return 0;
		}
		if (dir->ops->lookup(dir, name, &next) == -ENOENT) {
			r = dir->ops->mkdir(dir, name, 0755);
			if (!r)
				r = dir->ops->lookup(dir, name, &next);
			if (r)
				break;
		}
		vnode_put_locked(dir);
		dir = next;
	}
	vnode_put_locked(dir);
	return r < 0 ? r : -EINVAL;
}

static int add_file(struct vnode *root, const struct etcfs_entry *e)
{
	char name[VFS_NAME_MAX + 1];
	struct vnode *dir, *vn;
	int r = make_dirs(root, e->path, &dir, name);

	if (r)
		return r;
	r = dir->ops->create(dir, name, S_IFREG | 0755, &vn);
	if (!r) {
		if (dir->ops->write(vn, e->data, e->size, 0) != (ssize_t)e->size)
			r = -ENOSPC;
		vnode_put_locked(vn);
	}
	vnode_put_locked(dir);
	return r;
}

static int etcfs_mount(struct mount *m, const char *source,
		       unsigned long flags, const void *data)
{
	const struct etcfs_entry *e;
	size_t total = 16 * 1024;
	int r;

	(void)source;
	(void)data;
	for (e = etcfs_entries; e->path; e++)
		total += e->size + 5 * 1024;
	r = tmpfs_mount_limit(m, total);
	for (e = etcfs_entries; !r && e->path; e++)
		r = add_file(m->root, e);
	if (r && m->root)
		tmpfs_umount(m);
	m->flags = flags | MS_RDONLY;
	return r;
}

struct fs_type etcfs_type = {
	.name = "etcfs",
	.mount = etcfs_mount,
	.umount = tmpfs_umount,
	.statfs = tmpfs_statfs,
};
