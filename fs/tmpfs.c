// SPDX-License-Identifier: BSD-2-Clause
/*
 * tmpfs: files, directories, symlinks and FIFOs kept in the heap.  File
 * data lives in fixed-size chunks reached through a chunk table, so a
 * large file never needs one huge contiguous block and a hole costs
 * nothing (a NULL chunk reads as zeros).
 *
 * Every byte the file system allocates (nodes, names, chunks, chunk
 * tables, link targets) is charged to the mount's limit before it is
 * allocated; a request over the limit fails with -ENOSPC before anything
 * changes, so a full file system stays consistent (a write that fills
 * it returns the bytes it managed, as POSIX asks).
 *
 * No locks: the VFS lock serialises every call (include/vireo/vfs.h), and
 * nothing here touches hardware, so this file builds on the host.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <vireo/mm.h>
#include <vireo/panic.h>
#include <vireo/vfs.h>

#define CHUNK_SIZE 4096

struct tmpfs {
	size_t limit;		/* bytes */
	size_t used;		/* bytes charged */
	uint64_t next_ino;
	size_t nodes;
};

struct tmpfs_node {
	struct vnode vn;
	struct tmpfs *fs;
	struct tmpfs_node *parent;	/* directories: ".." */
	struct list_node sibling;
	struct list_node children;
	char *name;
	unsigned int nlink;		/* 0: unlinked, freed when unused */
	size_t size;
	char **chunks;			/* regular files */
	size_t nchunks;			/* entries in chunks */
	char *target;			/* symlinks */
	void *fifo;			/* FIFOs: the pipe, see fifo_open */
	uint64_t mtime_ns, ctime_ns;
};

static const struct vnode_ops tmpfs_vops;

static struct tmpfs_node *node_of(struct vnode *vn)
{
	return container_of(vn, struct tmpfs_node, vn);
}

static int charge(struct tmpfs *fs, size_t n)
{
	if (n > fs->limit || fs->used > fs->limit - n)
		return -ENOSPC;
	fs->used += n;
	return 0;
}

static void uncharge(struct tmpfs *fs, size_t n)
{
	fs->used -= n;
}

static size_t node_cost(const char *name)
{
	return sizeof(struct tmpfs_node) + strlen(name) + 1;
}

static struct tmpfs_node *node_new(struct tmpfs *fs, struct tmpfs_node *dir,
				   const char *name, mode_t mode)
{
	struct tmpfs_node *n;

	if (charge(fs, node_cost(name)))
		return NULL;
	n = kcalloc(1, sizeof(*n));
	if (n)
		n->name = kstrdup(name);
	if (!n || !n->name) {
		free(n);
		uncharge(fs, node_cost(name));
		return NULL;
	}
	n->fs = fs;
	n->vn.ops = &tmpfs_vops;
	n->vn.mnt = dir ? dir->vn.mnt : NULL;
	n->vn.mode = mode;
	n->vn.ino = ++fs->next_ino;
	n->vn.priv = n;
	n->parent = dir ? dir : n;
	n->nlink = S_ISDIR(mode) ? 2 : 1;
	list_init(&n->children);
	list_init(&n->sibling);
	n->mtime_ns = n->ctime_ns = vfs_now_ns();
	fs->nodes++;
	if (dir) {
		list_add_tail(&dir->children, &n->sibling);
		if (S_ISDIR(mode))
			dir->nlink++;
		dir->mtime_ns = n->mtime_ns;
	}
	return n;
}

static void free_data(struct tmpfs_node *n)
{
	size_t i;

	for (i = 0; i < n->nchunks; i++) {
		if (n->chunks[i]) {
			free(n->chunks[i]);
			uncharge(n->fs, CHUNK_SIZE);
		}
	}
	free(n->chunks);
	uncharge(n->fs, n->nchunks * sizeof(char *));
	n->chunks = NULL;
	n->nchunks = 0;
}

static void node_free(struct tmpfs_node *n)
{
	struct tmpfs *fs = n->fs;

	free_data(n);
	if (n->target) {
		uncharge(fs, strlen(n->target) + 1);
		free(n->target);
	}
	if (n->fifo)
		fifo_release_slot(&n->fifo);
	uncharge(fs, node_cost(n->name));
	free(n->name);
	free(n);
	fs->nodes--;
}

/* Frees n once it is neither linked nor referenced. */
static void maybe_free(struct tmpfs_node *n)
{
	if (n->nlink == 0 && n->vn.refs == 0)
		node_free(n);
}

static struct tmpfs_node *find(struct tmpfs_node *dir, const char *name)
{
	struct list_node *l;

	list_for_each(l, &dir->children) {
		struct tmpfs_node *c = list_entry(l, struct tmpfs_node, sibling);
		if (!strcmp(c->name, name))
			return c;
	}
	return NULL;
}

static int tmpfs_lookup(struct vnode *dir, const char *name,
			struct vnode **out)
{
	struct tmpfs_node *d = node_of(dir), *c;

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (!strcmp(name, "."))
		c = d;
	else if (!strcmp(name, ".."))
		c = d->parent;
	else
		c = find(d, name);
	if (!c)
		return -ENOENT;
	c->vn.refs++;
	*out = &c->vn;
	return 0;
}

static int check_new(struct vnode *dir, const char *name)
{
	struct tmpfs_node *d = node_of(dir);

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (d->nlink == 0)
		return -ENOENT;	/* creating in a removed directory */
	if (strlen(name) > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	if (!strcmp(name, ".") || !strcmp(name, "..") || find(d, name))
		return -EEXIST;
	return 0;
}

static int tmpfs_create(struct vnode *dir, const char *name, mode_t mode,
			struct vnode **out)
{
	struct tmpfs_node *n;
	int r = check_new(dir, name);

	if (r)
		return r;
	if (!S_ISREG(mode) && !S_ISFIFO(mode))
		return -EINVAL;
	n = node_new(node_of(dir)->fs, node_of(dir), name, mode);
	if (!n)
		return -ENOSPC;
	n->vn.refs++;
	*out = &n->vn;
	return 0;
}

static int tmpfs_mkdir(struct vnode *dir, const char *name, mode_t mode)
{
	int r = check_new(dir, name);

	if (r)
		return r;
	if (!node_new(node_of(dir)->fs, node_of(dir), name,
		      S_IFDIR | (mode & 07777)))
		return -ENOSPC;
	return 0;
}

static int tmpfs_symlink(struct vnode *dir, const char *name,
			 const char *target)
{
	struct tmpfs_node *n;
	size_t tl = strlen(target) + 1;
	int r = check_new(dir, name);

	if (r)
		return r;
	if (tl > VFS_PATH_MAX)
		return -ENAMETOOLONG;
	if (charge(node_of(dir)->fs, tl))
		return -ENOSPC;
	n = node_new(node_of(dir)->fs, node_of(dir), name, S_IFLNK | 0777);
	if (n)
		n->target = kstrdup(target);
	if (!n || !n->target) {
		if (n) {
			list_del(&n->sibling);
			n->nlink = 0;
			node_free(n);
		}
		uncharge(node_of(dir)->fs, tl);
		return -ENOSPC;
	}
	n->size = tl - 1;
	return 0;
}

static ssize_t tmpfs_readlink(struct vnode *vn, char *buf, size_t len)
{
	struct tmpfs_node *n = node_of(vn);
	size_t l;

	if (!S_ISLNK(vn->mode))
		return -EINVAL;
	l = strlen(n->target);
	if (l > len)
		l = len;
	memcpy(buf, n->target, l);
	return (ssize_t)l;
}

/* Takes c out of its directory; frees it when nothing refers to it. */
static void unlink_node(struct tmpfs_node *c)
{
	struct tmpfs_node *d = c->parent;

	list_del(&c->sibling);
	list_init(&c->sibling);
	if (S_ISDIR(c->vn.mode)) {
		d->nlink--;
		c->nlink = 0;
	} else {
		c->nlink--;
	}
	d->mtime_ns = vfs_now_ns();
	maybe_free(c);
}

static int tmpfs_unlink(struct vnode *dir, const char *name)
{
	struct tmpfs_node *c;

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	c = find(node_of(dir), name);
	if (!c)
		return -ENOENT;
	if (S_ISDIR(c->vn.mode))
		return -EISDIR;
	unlink_node(c);
	return 0;
}

static int tmpfs_rmdir(struct vnode *dir, const char *name)
{
	struct tmpfs_node *c;

	if (!strcmp(name, "."))
		return -EINVAL;
	if (!strcmp(name, ".."))
		return -ENOTEMPTY;
	c = find(node_of(dir), name);
	if (!c)
		return -ENOENT;
	if (!S_ISDIR(c->vn.mode))
		return -ENOTDIR;
	if (!list_empty(&c->children))
		return -ENOTEMPTY;
	if (c->vn.covered_by)
		return -EBUSY;
	unlink_node(c);
	return 0;
}

/* Whether a is d or one of d's ancestors. */
static bool is_ancestor(struct tmpfs_node *a, struct tmpfs_node *d)
{
	for (;;) {
		if (d == a)
			return true;
		if (d->parent == d)
			return false;
		d = d->parent;
	}
}

static int check_replace(struct tmpfs_node *src, struct tmpfs_node *dst)
{
	if (S_ISDIR(src->vn.mode)) {
		if (!S_ISDIR(dst->vn.mode))
			return -ENOTDIR;
		if (!list_empty(&dst->children))
			return -ENOTEMPTY;
		if (dst->vn.covered_by)
			return -EBUSY;
	} else if (S_ISDIR(dst->vn.mode)) {
		return -EISDIR;
	}
	return 0;
}

static int tmpfs_rename(struct vnode *odir, const char *oname,
			struct vnode *ndir, const char *nname)
{
	struct tmpfs_node *od = node_of(odir), *nd = node_of(ndir);
	struct tmpfs_node *src, *dst;
	char *nn;
	int r;

	if (!S_ISDIR(ndir->mode) || !S_ISDIR(odir->mode))
		return -ENOTDIR;
	if (strlen(nname) > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	src = find(od, oname);
	if (!src)
		return -ENOENT;
	dst = find(nd, nname);
	if (dst == src)
		return 0;
	if (S_ISDIR(src->vn.mode) && is_ancestor(src, nd))
		return -EINVAL;	/* into its own subtree */
	if (dst && (r = check_replace(src, dst)))
		return r;
	/* The new name is the only allocation: do it before any change. */
	if (charge(src->fs, strlen(nname) + 1))
		return -ENOSPC;
	nn = kstrdup(nname);
	if (!nn) {
		uncharge(src->fs, strlen(nname) + 1);
		return -ENOSPC;
	}
	if (dst)
		unlink_node(dst);
	uncharge(src->fs, strlen(src->name) + 1);
	free(src->name);
	src->name = nn;
	list_del(&src->sibling);
	list_add_tail(&nd->children, &src->sibling);
	if (S_ISDIR(src->vn.mode) && od != nd) {
		od->nlink--;
		nd->nlink++;
	}
	src->parent = nd;
	od->mtime_ns = nd->mtime_ns = src->ctime_ns = vfs_now_ns();
	return 0;
}

static int tmpfs_readdir(struct vnode *dir, uint64_t pos,
			 struct vfs_dirent *d)
{
	struct tmpfs_node *n = node_of(dir), *c = NULL;
	struct list_node *l;
	uint64_t i = 2;

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (pos < 2) {
		c = pos == 0 ? n : n->parent;
		d->ino = c->vn.ino;
		d->type = 4;
		strcpy(d->name, pos == 0 ? "." : "..");
		return 1;
	}
	list_for_each(l, &n->children) {
		if (i++ == pos) {
			c = list_entry(l, struct tmpfs_node, sibling);
			break;
		}
	}
	if (!c)
		return 0;
	d->ino = c->vn.ino;
	d->type = (unsigned char)((c->vn.mode & S_IFMT) >> 12);
	strcpy(d->name, c->name);
	return 1;
}

static ssize_t tmpfs_read(struct vnode *vn, void *buf, size_t len, off_t off)
{
	struct tmpfs_node *n = node_of(vn);
	size_t done = 0;

	if (S_ISDIR(vn->mode))
		return -EISDIR;
	if (off < 0)
		return -EINVAL;
	if ((size_t)off >= n->size)
		return 0;
	if (len > n->size - (size_t)off)
		len = n->size - (size_t)off;
	while (done < len) {
		size_t pos = (size_t)off + done;
		size_t ci = pos / CHUNK_SIZE, co = pos % CHUNK_SIZE;
		size_t k = CHUNK_SIZE - co;
		if (k > len - done)
			k = len - done;
		if (ci < n->nchunks && n->chunks[ci])
			memcpy((char *)buf + done, n->chunks[ci] + co, k);
		else
			memset((char *)buf + done, 0, k);
		done += k;
	}
	return (ssize_t)done;
}

/* Makes the chunk table at least want entries long. */
static int grow_table(struct tmpfs_node *n, size_t want)
{
	size_t cap = n->nchunks ? n->nchunks : 4;
	char **t;

	if (want <= n->nchunks)
		return 0;
	while (cap < want)
		cap *= 2;
	if (charge(n->fs, (cap - n->nchunks) * sizeof(char *)))
		return -ENOSPC;
	t = krealloc(n->chunks, cap * sizeof(char *));
	if (!t) {
		uncharge(n->fs, (cap - n->nchunks) * sizeof(char *));
		return -ENOSPC;
	}
	memset(t + n->nchunks, 0, (cap - n->nchunks) * sizeof(char *));
	n->chunks = t;
	n->nchunks = cap;
	return 0;
}

static char *chunk_at(struct tmpfs_node *n, size_t ci)
{
	if (grow_table(n, ci + 1))
		return NULL;
	if (!n->chunks[ci]) {
		if (charge(n->fs, CHUNK_SIZE))
			return NULL;
		n->chunks[ci] = kcalloc(1, CHUNK_SIZE);
		if (!n->chunks[ci])
			uncharge(n->fs, CHUNK_SIZE);
	}
	return n->chunks[ci];
}

static ssize_t tmpfs_write(struct vnode *vn, const void *buf, size_t len,
			   off_t off)
{
	struct tmpfs_node *n = node_of(vn);
	size_t done = 0, end;

	if (!S_ISREG(vn->mode))
		return -EISDIR;
	if (off < 0 || __builtin_add_overflow((size_t)off, len, &end) ||
	    end > SIZE_MAX / 2)
		return -EFBIG;
	while (done < len) {
		size_t pos = (size_t)off + done;
		size_t co = pos % CHUNK_SIZE, k = CHUNK_SIZE - co;
		char *c = chunk_at(n, pos / CHUNK_SIZE);
		if (!c)
			break;
		if (k > len - done)
			k = len - done;
		memcpy(c + co, (const char *)buf + done, k);
		done += k;
		if (pos + k > n->size)
			n->size = pos + k;
	}
	if (done == 0 && len)
		return -ENOSPC;
	n->mtime_ns = vfs_now_ns();
	return (ssize_t)done;
}

static int tmpfs_truncate(struct vnode *vn, off_t len)
{
	struct tmpfs_node *n = node_of(vn);
	size_t keep, i;

	if (S_ISDIR(vn->mode))
		return -EISDIR;
	if (!S_ISREG(vn->mode))
		return -EINVAL;
	if (len < 0)
		return -EINVAL;
	keep = ((size_t)len + CHUNK_SIZE - 1) / CHUNK_SIZE;
	for (i = keep; i < n->nchunks; i++) {
		if (n->chunks[i]) {
			free(n->chunks[i]);
			n->chunks[i] = NULL;
			uncharge(n->fs, CHUNK_SIZE);
		}
	}
	/* Zero the tail of the last kept chunk so growing again reads 0. */
	if ((size_t)len < n->size && keep && keep <= n->nchunks &&
	    n->chunks[keep - 1] && len % CHUNK_SIZE)
		memset(n->chunks[keep - 1] + len % CHUNK_SIZE, 0,
		       CHUNK_SIZE - len % CHUNK_SIZE);
	if (keep == 0)
		free_data(n);
	n->size = (size_t)len;
	n->mtime_ns = vfs_now_ns();
	return 0;
}

static int tmpfs_getattr(struct vnode *vn, struct stat *st)
{
	struct tmpfs_node *n = node_of(vn);
	size_t i, blocks = 0;

	for (i = 0; i < n->nchunks; i++)
		blocks += n->chunks[i] != NULL;
	st->st_mode = vn->mode;
	st->st_nlink = n->nlink;
	st->st_size = S_ISDIR(vn->mode) ? 0 : (off_t)n->size;
	st->st_blocks = (blkcnt_t)(blocks * (CHUNK_SIZE / 512));
	st->st_mtim.tv_sec = (time_t)(n->mtime_ns / 1000000000ULL);
	st->st_mtim.tv_nsec = (long)(n->mtime_ns % 1000000000ULL);
	st->st_ctim.tv_sec = (time_t)(n->ctime_ns / 1000000000ULL);
	st->st_ctim.tv_nsec = (long)(n->ctime_ns % 1000000000ULL);
	st->st_atim = st->st_mtim;
	return 0;
}

static int tmpfs_open_file(struct vnode *vn, int flags, struct file **out)
{
	if (!S_ISFIFO(vn->mode))
		return 1;	/* a plain vnode file: the VFS makes it */
	return fifo_open(&node_of(vn)->fifo, vn, flags, out);
}

static void tmpfs_inactive(struct vnode *vn)
{
	maybe_free(node_of(vn));
}

static const struct vnode_ops tmpfs_vops = {
	.lookup = tmpfs_lookup,
	.create = tmpfs_create,
	.mkdir = tmpfs_mkdir,
	.rmdir = tmpfs_rmdir,
	.unlink = tmpfs_unlink,
	.rename = tmpfs_rename,
	.symlink = tmpfs_symlink,
	.readlink = tmpfs_readlink,
	.readdir = tmpfs_readdir,
	.read = tmpfs_read,
	.write = tmpfs_write,
	.truncate = tmpfs_truncate,
	.getattr = tmpfs_getattr,
	.open_file = tmpfs_open_file,
	.inactive = tmpfs_inactive,
};

int tmpfs_mount_limit(struct mount *m, size_t limit)
{
	struct tmpfs *fs = kcalloc(1, sizeof(*fs));
	struct tmpfs_node *root;

	if (!fs)
		return -ENOMEM;
	fs->limit = limit;
	root = node_new(fs, NULL, "", S_IFDIR | 01777);
	if (!root) {
		free(fs);
		return -ENOSPC;
	}
	root->vn.mnt = m;
	root->vn.refs = 1;	/* the mount's */
	m->priv = fs;
	m->root = &root->vn;
	return 0;
}

/* Frees one node of an unmounted tree: nothing may refer to it any
 * more but the mount (the root's one reference): umount refuses a busy
 * mount, and opens in progress count as busy (vfs_open_mode). */
static void free_unused(struct tmpfs_node *n, bool root)
{
	CHECK(n->vn.refs == (root ? 1 : 0));
	list_del(&n->sibling);
	node_free(n);
}

/* Frees the tree under top (top included), without recursion: a tree
 * as deep as its users made it must not overflow the caller's stack. */
static void free_tree(struct tmpfs_node *top)
{
	struct tmpfs_node *n = top;

	for (;;) {
		struct list_node *c = list_first(&n->children);
		struct tmpfs_node *child;

		if (!c) {
			struct tmpfs_node *up = n->parent;
			bool last = n == top;
			free_unused(n, last);
			if (last)
				return;
			n = up;
			continue;
		}
		child = list_entry(c, struct tmpfs_node, sibling);
		if (list_empty(&child->children))
			free_unused(child, false);
		else
			n = child;
	}
}

void tmpfs_umount(struct mount *m)
{
	struct tmpfs *fs = m->priv;

	free_tree(node_of(m->root));
	free(fs);
	m->root = NULL;
	m->priv = NULL;
}

int tmpfs_statfs(struct mount *m, struct statfs *st)
{
	struct tmpfs *fs = m->priv;

	memset(st, 0, sizeof(*st));
	st->f_type = TMPFS_MAGIC;
	st->f_bsize = CHUNK_SIZE;
	st->f_blocks = fs->limit / CHUNK_SIZE;
	st->f_bfree = st->f_bavail = (fs->limit - fs->used) / CHUNK_SIZE;
	st->f_files = fs->nodes;
	st->f_ffree = (fs->limit - fs->used) / sizeof(struct tmpfs_node);
	st->f_namelen = VFS_NAME_MAX;
	return 0;
}

/* "size=N[kmg]" in data; 0 when absent, malformed or too large. */
static size_t parse_size(const char *data)
{
	const char *s = data ? strstr(data, "size=") : NULL;
	size_t v = 0, mult = 1;

	if (!s)
		return 0;
	for (s += 5; *s >= '0' && *s <= '9'; s++)
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (size_t)(*s - '0'), &v))
			return 0;
	if (*s == 'k' || *s == 'K')
		mult = (size_t)1 << 10;
	else if (*s == 'm' || *s == 'M')
		mult = (size_t)1 << 20;
	else if (*s == 'g' || *s == 'G')
		mult = (size_t)1 << 30;
	return __builtin_mul_overflow(v, mult, &v) ? 0 : v;
}

static int tmpfs_mount(struct mount *m, const char *source,
		       unsigned long flags, const void *data)
{
	size_t limit = parse_size(data);

	(void)source;
	(void)flags;
	return tmpfs_mount_limit(m, limit ? limit : tmpfs_default_limit());
}

struct fs_type tmpfs_type = {
	.name = "tmpfs",
	.mount = tmpfs_mount,
	.umount = tmpfs_umount,
	.statfs = tmpfs_statfs,
};
