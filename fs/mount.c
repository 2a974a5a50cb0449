// SPDX-License-Identifier: BSD-2-Clause
/*
 * File-system types and the mount table.  Types register by name; a
 * mount ties a new file system's root to a directory vnode (covered), and
 * the resolver crosses between them.  A mount is busy while files are
 * open in it, the working directory is inside it, or another mount sits
 * inside it: umount then fails with -EBUSY.  Everything under the VFS lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/compiler.h>
#include <vireo/devfs.h>
#include <vireo/klog.h>
#include <vireo/mm.h>
#include "fs_priv.h"

static struct list_node fs_types = LIST_INIT(fs_types);	/* VFS lock */
static struct list_node mounts = LIST_INIT(mounts);	/* VFS lock */

static struct fs_type *find_type_locked(const char *name)
{
	struct list_node *n;

	list_for_each(n, &fs_types) {
		struct fs_type *t = list_entry(n, struct fs_type, link);
		if (!strcmp(t->name, name))
			return t;
	}
	return NULL;
}

int vfs_register_fs(struct fs_type *t)
{
	int r = 0;

	vfs_lock();
	if (find_type_locked(t->name))
		r = -EEXIST;
	else
		list_add_tail(&fs_types, &t->link);
	vfs_unlock();
	return r;
}

static struct mount *mount_new(struct fs_type *t, const char *source,
			       unsigned long flags)
{
	struct mount *m = kcalloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->type = t;
	m->flags = flags;
	strncpy(m->source, source ? source : t->name, sizeof(m->source) - 1);
	return m;
}

/* The absolute, normalised form of a mount target, for /proc/mounts. */
static int mount_path(const char *target, char *out)
{
	char cwd[VFS_PATH_MAX];
	int r;

	strcpy(cwd, "/");
	r = vfs_getcwd_locked(cwd, sizeof(cwd));
	if (!r)
		r = path_absolute(cwd, target, out, VFS_PATH_MAX);
	if (!r)
		r = path_normalize(out);
	return r;
}

static int mount_locked(const char *source, const char *target,
			struct fs_type *t, unsigned long flags,
			const void *data)
{
	struct vnode *dir;
	struct mount *m;
	int r = vfs_resolve_locked(target, true, &dir);

	if (r)
		return r;
	if (!S_ISDIR(dir->mode))
		r = -ENOTDIR;
	else if (dir->covered_by || dir == dir->mnt->root)
		r = -EBUSY;
	else if (dir->mnt->type->ephemeral_nodes)
		r = -EINVAL;
	else if (!(m = mount_new(t, source, flags)))
		r = -ENOMEM;
	if (r)
		goto err_dir;
	r = mount_path(target, m->path);
	if (!r)
		r = t->mount(m, source, flags, data);
	if (r)
		goto err_mount;
	m->root->mnt = m;
	m->covered = dir;	/* keeps the resolve's reference */
	dir->covered_by = m;
	list_add_tail(&mounts, &m->link);
	return 0;
err_mount:
	free(m);
err_dir:
	vnode_put_locked(dir);
	return r;
}

int vfs_mount(const char *source, const char *target, const char *type,
	      unsigned long flags, const void *data)
{
	struct fs_type *t;
	int r;

	if (!target || !type)
		return -EFAULT;
	vfs_lock();
	t = find_type_locked(type);
	r = t ? mount_locked(source, target, t, flags, data) : -ENODEV;
	vfs_unlock();
	return r;
}

static bool busy_locked(struct mount *m)
{
	struct list_node *n;

	if (m->busy || vfs_cwd_inside_locked(m->path))
		return true;
	list_for_each(n, &mounts) {
		struct mount *o = list_entry(n, struct mount, link);
		if (o->covered && o->covered->mnt == m)
			return true;
	}
	return false;
}

int vfs_umount(const char *target)
{
	struct vnode *vn;
	struct mount *m;
	int r;

	vfs_lock();
	r = vfs_resolve_locked(target, true, &vn);
	if (r)
		goto out;
	m = vn->mnt;
	vnode_put_locked(vn);
	if (vn != m->root || !m->covered) {
		r = -EINVAL;	/* not a mount point, or the root */
		goto out;
	}
	if (busy_locked(m)) {
		r = -EBUSY;
		goto out;
	}
	list_del(&m->link);
	m->covered->covered_by = NULL;
	vnode_put_locked(m->covered);
	if (m->type->umount)
		m->type->umount(m);
	free(m);
out:
	vfs_unlock();
	return r;
}

bool vfs_mounted_at_or_under_locked(const char *path)
{
	char abs[VFS_PATH_MAX];
	struct list_node *n;
	size_t len;

	if (mount_path(path, abs))
		return false;
	len = strlen(abs);
	list_for_each(n, &mounts) {
		const char *p = list_entry(n, struct mount, link)->path;

		if (!strncmp(p, abs, len) && (p[len] == '\0' || p[len] == '/' ||
					      (len == 1 && abs[0] == '/')))
			return true;
	}
	return false;
}

void vfs_for_each_mount(void (*fn)(struct mount *m, void *ctx), void *ctx)
{
	struct list_node *n;

	vfs_lock();
	list_for_each(n, &mounts)
		fn(list_entry(n, struct mount, link), ctx);
	vfs_unlock();
}

static int mount_root(void)
{
	struct mount *m = mount_new(&tmpfs_type, "rootfs", 0);
	int r;

	if (!m)
		return -ENOMEM;
	/* The root holds only mount points: a small fixed limit. */
	r = tmpfs_mount_limit(m, 64 * 1024);
	if (r) {
		free(m);
		return r;
	}
	strcpy(m->path, "/");
	m->root->mnt = m;
	vfs_root_mount = m;
	list_add_tail(&mounts, &m->link);
	return 0;
}

int vfs_init(void)
{
	/* No /mnt: the board document's session starts with `mkdir mnt`. */
	static const char *const dirs[] = { "/dev", "/proc", "/tmp", "/etc" };
	unsigned i;
	int r;

	vfs_register_fs(&tmpfs_type);
	vfs_register_fs(&procfs_type);
	vfs_register_fs(&devfs_type);
	vfs_register_fs(&etcfs_type);
	if (IS_ENABLED(CONFIG_V9FS))
		vfs_register_fs(&v9fs_type);
	if (IS_ENABLED(CONFIG_FS_FAT))
		vfs_register_fs(&fat_fs_type);
	if (IS_ENABLED(CONFIG_FS_HOSTFS))
		vfs_register_fs(&hostfs_type);
	vfs_lock();
	r = mount_root();
	vfs_unlock();
	for (i = 0; !r && i < sizeof(dirs) / sizeof(dirs[0]); i++)
		r = vfs_mkdir(dirs[i], 0755);
	if (!r)
		r = devfs_init();
	if (!r)
		r = vfs_mount("devfs", "/dev", "devfs", 0, NULL);
	if (!r)
		r = vfs_mount("etc", "/etc", "etcfs", MS_RDONLY, NULL);
	if (r)
		pr_err("vfs: init failed (%d)\n", r);
	return r;
}
