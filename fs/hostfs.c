// SPDX-License-Identifier: BSD-2-Clause
/*
 * hostfs: the host's files through Arm semihosting (`mount -t hostfs -o
 * fs=PATH DIR`, QEMU started with -semihosting), as knsh will load its
 * programs.  PATH is a host directory, relative to QEMU's working
 * directory unless absolute.
 *
 * Semihosting knows only file names and open handles: open with an fopen()
 * mode, read, write, seek, length, close, remove, rename.  So:
 *  - A vnode is a path under PATH ("rel"), nothing more; every lookup asks
 *    the host again, so host changes show at once.  A name is a directory
 *    when the host refuses to open it read-write with EISDIR; it is a
 *    regular file when it opens (read-write, or else read-only).  Host
 *    symlinks are followed by the host; other host file types are not
 *    expected under PATH (a FIFO would block the open).
 *  - Each open file has its own host handle, opened with the mode its
 *    flags map to (hostfs_name.c says which flags cannot be expressed) and
 *    closed by close().
 *  - Directories cannot be listed (opendir fails with ENOTSUP, so `ls`
 *    says "Not supported") nor made (mkdir: ENOTSUP).  rmdir works where
 *    the host's remove also removes empty directories (QEMU's does).
 *  - stat: regular files have their size (SYS_FLEN), mode 0644 (0444 when
 *    the host allowed only reading), no times; directories 0755.
 *    truncate makes a file empty (a "wb" open) or longer (a byte written
 *    at the new end); shrinking it to another length is ENOTSUP.
 * Names never hold ".." (the VFS resolves it, and hostfs_child refuses
 * it), so every host path lies lexically under PATH.
 *
 * Locking: the VFS lock serialises the vnode operations, and the file
 * operations below take it too: it covers the node list, each node's
 * open files and a handle's cached position (a seek and the read or
 * write after it stay together).  Semihosting calls block the CPU under
 * it (semihosting.c); so do v9fs's calls to its server.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/file.h>
#include <vireo/klog.h>
#include <vireo/mm.h>
#include "fs_priv.h"
#include "hostfs_priv.h"

struct hostfs {
	char root[HOSTFS_ROOT_MAX];
	struct list_node nodes;		/* live nodes that still name a file */
};

struct hostfs_node {
	struct vnode vn;
	struct list_node link;		/* in nodes; self-linked once the file
					 * was removed or renamed over */
	struct list_node files;		/* its open hostfs_files */
	char rel[HOSTFS_REL_MAX];
};

struct hostfs_file {
	struct list_node link;		/* in its node's files */
	long handle;
	off_t hpos;			/* the handle's host position, -1: unknown */
	bool readable, writable, append;
};

static const struct vnode_ops hostfs_ops;
static const struct file_ops hostfs_fops;

static struct hostfs_node *node_of(struct vnode *vn)
{
	return (struct hostfs_node *)vn;
}

static struct hostfs *fs_of(struct vnode *vn)
{
	return vn->priv;
}

/* The host path of rel on vn's mount into path (HOSTFS_PATH_MAX bytes). */
static int host_path(struct vnode *vn, const char *rel, char *path)
{
	return hostfs_host_path(fs_of(vn)->root, rel, path, HOSTFS_PATH_MAX);
}

/*
 * What path is on the host: S_IFDIR, S_IFREG | 0644, S_IFREG | 0444 (the
 * host let it be opened only for reading), or -errno (-ENOENT).  Writable
 * files cost one open and one close, directories one open.
 */
static int probe(const char *path, mode_t *mode)
{
	long h = semihost_open(path, SEMIHOST_RPLUSB);

	if (h == -EISDIR) {
		*mode = S_IFDIR | 0755;
		return 0;
	}
	if (h >= 0) {
		*mode = S_IFREG | 0644;
	} else {
		if (h == -ENOENT || h == -ENOTDIR || h == -ENAMETOOLONG ||
		    h == -ELOOP || h == -ENOSYS)
			return (int)h;
		h = semihost_open(path, SEMIHOST_RB);
		if (h < 0)
			return (int)h;
		*mode = S_IFREG | 0444;
	}
	semihost_close(h);
	return 0;
}

/* The node for rel on m: the live one, or a new one with mode.
 * Referenced. */
static int node_get(struct mount *m, struct hostfs *fs, const char *rel,
		    mode_t mode, struct vnode **out)
{
	struct hostfs_node *n;
	struct list_node *l;

	list_for_each(l, &fs->nodes) {
		n = list_entry(l, struct hostfs_node, link);
		if (!strcmp(n->rel, rel)) {
			n->vn.mode = mode;	/* the host may have changed it */
			vnode_get_locked(&n->vn);
			*out = &n->vn;
			return 0;
		}
	}
	n = kcalloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->vn = (struct vnode){ .ops = &hostfs_ops, .mnt = m,
				.priv = fs, .mode = mode,
				.ino = hostfs_ino(rel), .refs = 1 };
	list_init(&n->files);
	strcpy(n->rel, rel);	/* checked against HOSTFS_REL_MAX by the caller */
	list_add_tail(&fs->nodes, &n->link);
	*out = &n->vn;
	return 0;
}

/* The live node of rel, if any, no longer names a file: the next lookup
 * makes a new one.  Its open files keep their host handles. */
static void node_forget(struct hostfs *fs, const char *rel)
{
	struct list_node *l;

	list_for_each(l, &fs->nodes) {
		struct hostfs_node *n = list_entry(l, struct hostfs_node, link);

		if (!strcmp(n->rel, rel)) {
			list_del(&n->link);
			return;
		}
	}
}

static int hostfs_lookup(struct vnode *dir, const char *name,
			 struct vnode **out)
{
	const char *rel = node_of(dir)->rel;
	char child[HOSTFS_REL_MAX], path[HOSTFS_PATH_MAX];
	mode_t mode;
	int r;

	if (!strcmp(name, ".") || (!strcmp(name, "..") && !*rel)) {
		vnode_get_locked(dir);	/* ".." of the root is the root */
		*out = dir;
		return 0;
	}
	if (!strcmp(name, "..")) {
		memcpy(child, rel, hostfs_parent_len(rel));
		child[hostfs_parent_len(rel)] = '\0';
		return node_get(dir->mnt, fs_of(dir), child, S_IFDIR | 0755,
				out);
	}
	r = hostfs_child(rel, name, child, sizeof(child));
	if (!r)
		r = host_path(dir, child, path);
	if (!r)
		r = probe(path, &mode);
	return r ? r : node_get(dir->mnt, fs_of(dir), child, mode, out);
}

static int hostfs_create(struct vnode *dir, const char *name, mode_t mode,
			 struct vnode **out)
{
	char child[HOSTFS_REL_MAX], path[HOSTFS_PATH_MAX];
	long h;
	int r;

	if (!S_ISREG(mode))
		return -ENOTSUP;	/* no FIFOs on the host through this */
	r = hostfs_child(node_of(dir)->rel, name, child, sizeof(child));
	if (!r)
		r = host_path(dir, child, path);
	if (r)
		return r;
	/* "ab" creates without truncating what the host may have made
	 * since the lookup. */
	h = semihost_open(path, SEMIHOST_AB);
	if (h < 0)
		return (int)h;
	semihost_close(h);
	return node_get(dir->mnt, fs_of(dir), child, S_IFREG | 0644, out);
}

static int hostfs_mkdir(struct vnode *dir, const char *name, mode_t mode)
{
	(void)dir;
	(void)name;
	(void)mode;
	return -ENOTSUP;	/* semihosting has no call for it */
}

/* unlink and rmdir: SYS_REMOVE (QEMU's host calls remove(3), which takes
 * files and empty directories); the VFS has checked the victim's kind. */
static int remove_name(struct vnode *dir, const char *name)
{
	char child[HOSTFS_REL_MAX], path[HOSTFS_PATH_MAX];
	int r = hostfs_child(node_of(dir)->rel, name, child, sizeof(child));

	if (!r)
		r = host_path(dir, child, path);
	if (!r)
		r = semihost_remove(path);
	if (!r)
		node_forget(fs_of(dir), child);
	return r;
}


/* After a rename on the host: live nodes at or under from move to to
 * (their new rels were checked to fit beforehand). */
static void nodes_renamed(struct hostfs *fs, const char *from, const char *to)
{
	struct list_node *l;

	node_forget(fs, to);	/* replaced by the rename */
	list_for_each(l, &fs->nodes) {
		struct hostfs_node *n = list_entry(l, struct hostfs_node, link);

		if (hostfs_renamed(n->rel, from, to, n->rel, sizeof(n->rel)) > 0)
			n->vn.ino = hostfs_ino(n->rel);
	}
}

/* Whether every live node under from still fits once renamed to to. */
static int renames_fit(struct hostfs *fs, const char *from, const char *to)
{
	char tmp[HOSTFS_REL_MAX];
	struct list_node *l;

	list_for_each(l, &fs->nodes) {
		struct hostfs_node *n = list_entry(l, struct hostfs_node, link);

		if (hostfs_renamed(n->rel, from, to, tmp, sizeof(tmp)) < 0)
			return -ENAMETOOLONG;
	}
	return 0;
}

static int hostfs_rename(struct vnode *odir, const char *oname,
			 struct vnode *ndir, const char *nname)
{
	char from[HOSTFS_REL_MAX], to[HOSTFS_REL_MAX];
	char opath[HOSTFS_PATH_MAX], npath[HOSTFS_PATH_MAX];
	int r = hostfs_child(node_of(odir)->rel, oname, from, sizeof(from));

	if (!r)
		r = hostfs_child(node_of(ndir)->rel, nname, to, sizeof(to));
	if (!r)
		r = host_path(odir, from, opath);
	if (!r)
		r = host_path(ndir, to, npath);
	if (!r)
		r = renames_fit(fs_of(odir), from, to);
	if (!r)
		r = semihost_rename(opath, npath);
	if (!r && strcmp(from, to))	/* a rename onto itself changes nothing */
		nodes_renamed(fs_of(odir), from, to);
	return r;
}

/* A handle on vn's file opened with mode (for an operation on the path). */
static long open_path(struct vnode *vn, enum semihost_mode mode)
{
	char path[HOSTFS_PATH_MAX];
	int r = host_path(vn, node_of(vn)->rel, path);

	return r ? r : semihost_open(path, mode);
}

/* One of n's open files that reads, or writes where it is told (not an
 * O_APPEND one), or NULL. */
static struct hostfs_file *open_file_for(struct hostfs_node *n, bool write)
{
	struct list_node *l;

	list_for_each(l, &n->files) {
		struct hostfs_file *hf = list_entry(l, struct hostfs_file, link);

		if (write ? hf->writable && !hf->append : hf->readable)
			return hf;
	}
	return NULL;
}

/* Reads or writes len bytes at off through hf's handle: bytes, or -errno. */
static ssize_t io_at(struct hostfs_file *hf, void *buf, size_t len,
		     off_t off, bool write)
{
	ssize_t r;

	if (hf->hpos != off) {
		r = semihost_seek(hf->handle, off);
		if (r)
			return r;
		hf->hpos = off;
	}
	r = write ? semihost_write(hf->handle, buf, len) :
		    semihost_read(hf->handle, buf, len);
	hf->hpos = r >= 0 ? hf->hpos + r : -1;
	return r;
}

/*
 * pread/pwrite (the VFS's vnode read and write) and truncate's extension:
 * through an open handle of the file when one fits, else through one
 * opened for the call.  pwrite writes at off even on an O_APPEND file, as
 * POSIX says.
 */
static ssize_t vnode_io(struct vnode *vn, void *buf, size_t len, off_t off,
			bool write)
{
	struct hostfs_file *hf = open_file_for(node_of(vn), write);
	struct hostfs_file tmp = { .hpos = -1 };
	ssize_t r;

	if (hf)
		return io_at(hf, buf, len, off, write);
	tmp.handle = open_path(vn, write ? SEMIHOST_RPLUSB : SEMIHOST_RB);
	if (tmp.handle < 0)
		return tmp.handle;
	r = io_at(&tmp, buf, len, off, write);
	semihost_close(tmp.handle);
	return r;
}

static ssize_t hostfs_read(struct vnode *vn, void *buf, size_t len, off_t off)
{
	return vnode_io(vn, buf, len, off, false);
}

static ssize_t hostfs_write(struct vnode *vn, const void *buf, size_t len,
			    off_t off)
{
	return vnode_io(vn, (void *)buf, len, off, true);
}

/* The length of n's file: through an open handle when there is one. */
static off_t file_length(struct hostfs_node *n)
{
	struct hostfs_file *hf;
	off_t len;
	long h;

	if (!list_empty(&n->files)) {
		hf = list_entry(list_first(&n->files), struct hostfs_file, link);
		return semihost_flen(hf->handle);
	}
	if (list_empty(&n->link))
		return -ENOENT;	/* removed, and no handle left */
	h = open_path(&n->vn, SEMIHOST_RB);
	if (h < 0)
		return h;
	len = semihost_flen(h);
	semihost_close(h);
	return len;
}

static int hostfs_getattr(struct vnode *vn, struct stat *st)
{
	off_t len;

	st->st_mode = vn->mode;
	st->st_nlink = S_ISDIR(vn->mode) ? 2 : 1;
	if (S_ISDIR(vn->mode))
		return 0;
	len = file_length(node_of(vn));
	if (len < 0)
		return (int)len;
	st->st_size = len;
	st->st_blocks = (len + 511) / 512;
	return 0;
}

/* Longer: one zero byte at the new end (the host fills the gap). */
static int extend(struct vnode *vn, off_t len)
{
	ssize_t r = vnode_io(vn, &(char){ 0 }, 1, len - 1, true);

	return r < 0 ? (int)r : 0;
}

static int hostfs_truncate(struct vnode *vn, off_t len)
{
	off_t now;
	long h;

	if (len == 0) {
		h = open_path(vn, SEMIHOST_WB);
		if (h < 0)
			return (int)h;
		return semihost_close(h);
	}
	now = file_length(node_of(vn));
	if (now < 0)
		return (int)now;
	if (len == now)
		return 0;
	return len > now ? extend(vn, len) : -ENOTSUP;
}

/* ---- open files ---- */

static void hf_close(struct hostfs_file *hf)
{
	vfs_lock();
	list_del(&hf->link);
	vfs_unlock();
	semihost_close(hf->handle);
	free(hf);
}

static int hostfs_open_file(struct vnode *vn, int flags, struct file **out)
{
	struct hostfs_file *hf;
	int mode;

	if (S_ISDIR(vn->mode))
		/* Listing needs a call semihosting lacks; a plain open of a
		 * directory is a vnode file whose reads say EISDIR. */
		return flags & O_DIRECTORY ? -ENOTSUP : 1;
	mode = hostfs_open_mode(flags);
	if (mode < 0)
		return mode;
	hf = kcalloc(1, sizeof(*hf));
	if (!hf)
		return -ENOMEM;
	*hf = (struct hostfs_file){ .hpos = 0,
				    .readable = (flags & O_ACCMODE) != O_WRONLY,
				    .writable = (flags & O_ACCMODE) != O_RDONLY,
				    .append = flags & O_APPEND };
	vfs_lock();
	hf->handle = open_path(vn, (enum semihost_mode)mode);
	if (hf->handle >= 0)
		list_add_tail(&node_of(vn)->files, &hf->link);
	vfs_unlock();
	if (hf->handle < 0) {
		int r = (int)hf->handle;

		free(hf);
		return r;
	}
	vnode_get(vn);	/* the file's */
	*out = vfs_file_new(&hostfs_fops, vn, hf, flags);
	if (*out)
		return 0;
	vnode_put(vn);
	hf_close(hf);
	return -ENOMEM;
}

static ssize_t file_read(struct file *f, void *buf, size_t len)
{
	ssize_t r;

	vfs_lock();
	r = io_at(f->priv, buf, len, f->pos, false);
	if (r > 0)
		f->pos += r;
	vfs_unlock();
	return r;
}

static ssize_t file_write(struct file *f, const void *buf, size_t len)
{
	struct hostfs_file *hf = f->priv;
	ssize_t r;
	off_t end;

	vfs_lock();
	/* O_APPEND: at the end, found first (see hostfs_name.c on QEMU's
	 * "a" modes); the offset is then the new end. */
	end = hf->append ? semihost_flen(hf->handle) : f->pos;
	r = end < 0 ? end : io_at(hf, (void *)buf, len, end, true);
	if (r > 0)
		f->pos = end + r;
	vfs_unlock();
	return r;
}

static off_t file_lseek(struct file *f, off_t off, int whence)
{
	struct hostfs_file *hf = f->priv;
	off_t r = 0;

	vfs_lock();
	if (whence == SEEK_END)
		r = semihost_flen(hf->handle);
	if (r >= 0)
		r = file_seek_in_size(f, off, whence, r);
	vfs_unlock();
	return r;
}

static int file_stat(struct file *f, struct stat *st)
{
	vfs_lock();
	vfs_fill_stat(f->vn, st);
	vfs_unlock();
	return 0;
}

static void file_release(struct file *f)
{
	hf_close(f->priv);
}

static const struct file_ops hostfs_fops = {
	.read = file_read,
	.write = file_write,
	.lseek = file_lseek,
	.stat = file_stat,
	.release = file_release,
};

static void hostfs_inactive(struct vnode *vn)
{
	struct hostfs_node *n = node_of(vn);

	list_del(&n->link);
	free(n);
}

static const struct vnode_ops hostfs_ops = {
	.lookup = hostfs_lookup,
	.create = hostfs_create,
	.mkdir = hostfs_mkdir,
	.rmdir = remove_name,
	.unlink = remove_name,
	.rename = hostfs_rename,
	.read = hostfs_read,
	.write = hostfs_write,
	.truncate = hostfs_truncate,
	.getattr = hostfs_getattr,
	.open_file = hostfs_open_file,
	.inactive = hostfs_inactive,
};

/* ---- mounting ---- */

/* PATH must be a host directory: opening it read-write says EISDIR. */
static int check_root(const char *root)
{
	mode_t mode;
	int r = probe(root, &mode);

	if (!r && !S_ISDIR(mode))
		r = -ENOTDIR;
	if (r)
		pr_err("hostfs: %s: not a host directory (errno %d)\n", root, -r);
	return r;
}

static int hostfs_mount(struct mount *m, const char *source,
			unsigned long flags, const void *data)
{
	struct hostfs *fs;
	const char *why;
	int r;

	(void)source;
	(void)flags;
	fs = kcalloc(1, sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	r = hostfs_parse_options(data, fs->root, sizeof(fs->root), &why);
	if (r) {
		pr_err("hostfs: %s\n", why);
		goto err;
	}
	r = semihost_probe();
	if (r) {
		pr_err("hostfs: semihosting not enabled (QEMU: -semihosting)\n");
		goto err;
	}
	r = check_root(fs->root);
	if (r)
		goto err;
	list_init(&fs->nodes);
	m->priv = fs;
	r = node_get(m, fs, "", S_IFDIR | 0755, &m->root);
	if (r)
		goto err;
	snprintf(m->source, sizeof(m->source), "%.*s",
		 (int)sizeof(m->source) - 1, fs->root);
	return 0;
err:
	m->priv = NULL;
	free(fs);
	return r;
}

static void hostfs_umount(struct mount *m)
{
	/* The VFS checked nothing is busy: only the root is left. */
	hostfs_inactive(m->root);
	free(m->priv);
	m->root = NULL;
	m->priv = NULL;
}

struct fs_type hostfs_type = {
	.name = "hostfs",
	.mount = hostfs_mount,
	.umount = hostfs_umount,
};
