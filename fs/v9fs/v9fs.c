// SPDX-License-Identifier: BSD-2-Clause
/*
 * v9fs: the host's files over 9P2000.L (`mount -t v9fs -o
 * trans=virtio,tag=TAG[,aname=PATH][,msize=N] DIR`).
 *
 * Every vnode holds a fid walked to its file (and, once read or written,
 * a second fid opened for I/O).  Nothing is cached: stat asks the server
 * (Tgetattr), read and write go straight to it, lookups walk again, so a
 * change made on the host is seen at the next call.  The live vnodes of
 * a mount are kept in a list by qid path, so one file has one vnode
 * (which a mount on a v9fs directory needs) however often it is looked up.
 *
 * Locking: the VFS lock serialises every vnode operation here, and so
 * the node list and a node's fields; the client (client.c) is safe
 * without it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <vireo/klog.h>
#include <vireo/vfs.h>
#include "v9fs_priv.h"

#define V9FS_MAGIC		0x01021997	/* Linux's V9FS_MAGIC */
#define MSIZE_DEFAULT		(128u * 1024)
#define MSIZE_MIN		4096u
#define READDIR_CHUNK		4096u
#define NO_FID			UINT32_MAX

struct v9fs {
	struct p9_client client;
	struct list_node nodes;		/* live v9fs_nodes */
};

struct v9fs_node {
	struct vnode vn;
	struct list_node link;
	uint32_t fid;			/* walked, never opened */
	uint32_t iofid;			/* opened, or NO_FID */
	uint32_t iounit;
	/* readdir: entry number next_pos is at cookie in the server's
	 * stream; dbuf[dpos..dlen) holds entries already fetched. */
	uint64_t next_pos, cookie;
	uint8_t *dbuf;
	uint32_t dpos, dlen;
};

static const struct vnode_ops v9fs_ops;

static struct v9fs_node *node_of(struct vnode *vn)
{
	return (struct v9fs_node *)vn;
}

static struct p9_client *client_of(struct vnode *vn)
{
	return &((struct v9fs *)vn->mnt->priv)->client;
}

static mode_t mode_of_qid(const struct p9_qid *q)
{
	if (q->type & P9_QTDIR)
		return S_IFDIR;
	return q->type & P9_QTSYMLINK ? S_IFLNK : S_IFREG;
}

/* The node for fid (whose walk gave qid), reusing a live one for the
 * same file; takes over fid either way.  *out is referenced. */
static int node_get(struct mount *m, struct v9fs *fs, uint32_t fid,
		    const struct p9_qid *qid, struct vnode **out)
{
	struct v9fs_node *n;
	struct list_node *l;

	list_for_each(l, &fs->nodes) {
		n = list_entry(l, struct v9fs_node, link);
		if (n->vn.ino == qid->path) {
			p9c_clunk(&fs->client, fid);
			vnode_get_locked(&n->vn);
			*out = &n->vn;
			return 0;
		}
	}
	n = calloc(1, sizeof(*n));
	if (!n) {
		p9c_clunk(&fs->client, fid);
		return -ENOMEM;
	}
	n->vn = (struct vnode){ .ops = &v9fs_ops, .mnt = m, .priv = fs,
				.mode = mode_of_qid(qid) | 0777,
				.ino = qid->path, .refs = 1 };
	n->fid = fid;
	n->iofid = NO_FID;
	list_add_tail(&fs->nodes, &n->link);
	*out = &n->vn;
	return 0;
}

/* Walks dir's fid to name and returns its node. */
static int walk_to(struct vnode *dir, const char *name, struct vnode **out)
{
	struct p9_client *c = client_of(dir);
	struct p9_qid qid;
	uint32_t fid;
	int r = p9c_fid_alloc(c, &fid);

	if (r)
		return r;
	r = p9c_walk(c, node_of(dir)->fid, fid, name, &qid);
	if (r) {
		p9c_fid_free(c, fid);
		return r;
	}
	return node_get(dir->mnt, dir->mnt->priv, fid, &qid, out);
}

static int v9fs_lookup(struct vnode *dir, const char *name, struct vnode **out)
{
	if (!strcmp(name, "..") && dir == dir->mnt->root) {
		vnode_get_locked(dir);
		*out = dir;
		return 0;
	}
	return walk_to(dir, name, out);
}

/* A new fid open on n's file: O_RDWR, else read-only, else write-only
 * (what the host's permissions allow). */
static int open_io(struct v9fs_node *n)
{
	static const uint32_t modes[] = { P9_DOTL_RDWR, P9_DOTL_RDONLY,
					  P9_DOTL_WRONLY };
	struct p9_client *c = client_of(&n->vn);
	uint32_t fid;
	int r;

	if (n->iofid != NO_FID)
		return 0;
	r = p9c_fid_alloc(c, &fid);
	if (!r)
		r = p9c_walk(c, n->fid, fid, NULL, NULL);
	if (r)
		return r;
	for (unsigned int i = 0; i < 3; i++) {
		r = p9c_lopen(c, fid, modes[i], &n->iounit);
		if (r != -EACCES && r != -EISDIR && r != -EPERM)
			break;
	}
	if (r) {
		p9c_clunk(c, fid);
		return r;
	}
	n->iofid = fid;
	return 0;
}

/* Reads or writes in pieces the messages carry, until len or a short
 * transfer (end of file, or a full disk for writes). */
static ssize_t do_io(struct vnode *vn, uint8_t *buf, size_t len, off_t off,
		     bool write)
{
	struct v9fs_node *n = node_of(vn);
	struct p9_client *c = client_of(vn);
	size_t done = 0;
	int r = open_io(n);

	while (!r && done < len) {
		uint32_t chunk = p9c_io_max(c, n->iounit);
		uint64_t at = (uint64_t)off + done;

		if (chunk > len - done)
			chunk = (uint32_t)(len - done);
		r = write ? p9c_write(c, n->iofid, at, buf + done, chunk) :
			    p9c_read(c, n->iofid, at, buf + done, chunk);
		if (r <= 0)
			break;
		done += (size_t)r;
		r = r < (int)chunk ? -1 : 0;	/* short: stop, no error */
	}
	if (done)
		return (ssize_t)done;
	if (write && r == 0 && len)
		return -ENOSPC;	/* the server took nothing, said nothing */
	return r < 0 ? r : 0;
}

static ssize_t v9fs_read(struct vnode *vn, void *buf, size_t len, off_t off)
{
	return do_io(vn, buf, len, off, false);
}

static ssize_t v9fs_write(struct vnode *vn, const void *buf, size_t len,
			  off_t off)
{
	return do_io(vn, (uint8_t *)buf, len, off, true);
}

static int v9fs_getattr(struct vnode *vn, struct stat *st)
{
	struct p9_attr a;
	mode_t type;
	int r = p9c_getattr(client_of(vn), node_of(vn)->fid, &a);

	if (r)
		return r;
	/* The qid gave only directory/symlink/file; the server's mode (Linux
	 * S_IF* values, the same as ours) also names FIFOs and devices. */
	type = (mode_t)a.mode & S_IFMT;
	vn->mode = (type ? type : vn->mode & S_IFMT) | (a.mode & 07777);
	st->st_mode = vn->mode;
	st->st_nlink = (nlink_t)a.nlink;
	st->st_uid = a.uid;
	st->st_gid = a.gid;
	st->st_size = (off_t)a.size;
	st->st_blocks = (blkcnt_t)a.blocks;
	st->st_blksize = (blksize_t)a.blksize;
	st->st_atim = (struct timespec){ (time_t)a.atime_sec, (long)a.atime_nsec };
	st->st_mtim = (struct timespec){ (time_t)a.mtime_sec, (long)a.mtime_nsec };
	st->st_ctim = (struct timespec){ (time_t)a.ctime_sec, (long)a.ctime_nsec };
	return 0;
}

static int v9fs_truncate(struct vnode *vn, off_t len)
{
	/* MTIME and CTIME without _SET: the server's "now", as POSIX
	 * wants for a size change. */
	struct p9_setattr a = { .valid = P9_SETATTR_SIZE | P9_SETATTR_MTIME |
					 P9_SETATTR_CTIME,
				.size = (uint64_t)len };

	return p9c_setattr(client_of(vn), node_of(vn)->fid, &a);
}

static int v9fs_create(struct vnode *dir, const char *name, mode_t mode,
		       struct vnode **out)
{
	struct p9_client *c = client_of(dir);
	struct v9fs_node *n;
	uint32_t fid, iounit;
	int r;

	if (!S_ISREG(mode))
		return -EPERM;	/* FIFOs would need Tmknod */
	r = p9c_fid_alloc(c, &fid);
	if (!r)
		r = p9c_walk(c, node_of(dir)->fid, fid, NULL, NULL);
	if (r)
		return r;
	r = p9c_lcreate(c, fid, name, P9_DOTL_RDWR | P9_DOTL_CREATE |
			P9_DOTL_EXCL, mode & 07777, &iounit);
	if (!r)
		r = walk_to(dir, name, out);
	if (r) {
		p9c_clunk(c, fid);
		return r;
	}
	/* The created fid is already open read-write: keep it for I/O. */
	n = node_of(*out);
	if (n->iofid == NO_FID) {
		n->iofid = fid;
		n->iounit = iounit;
	} else {
		p9c_clunk(c, fid);
	}
	return 0;
}

static int v9fs_mkdir(struct vnode *dir, const char *name, mode_t mode)
{
	return p9c_mkdir(client_of(dir), node_of(dir)->fid, name, mode & 07777);
}

static int v9fs_rmdir(struct vnode *dir, const char *name)
{
	return p9c_unlinkat(client_of(dir), node_of(dir)->fid, name,
			    P9_DOTL_AT_REMOVEDIR);
}

static int v9fs_unlink(struct vnode *dir, const char *name)
{
	return p9c_unlinkat(client_of(dir), node_of(dir)->fid, name, 0);
}

static int v9fs_rename(struct vnode *odir, const char *oname,
		       struct vnode *ndir, const char *nname)
{
	return p9c_renameat(client_of(odir), node_of(odir)->fid, oname,
			    node_of(ndir)->fid, nname);
}

static int v9fs_symlink(struct vnode *dir, const char *name,
			const char *target)
{
	return p9c_symlink(client_of(dir), node_of(dir)->fid, name, target);
}

static ssize_t v9fs_readlink(struct vnode *vn, char *buf, size_t len)
{
	char target[VFS_PATH_MAX];
	int r = p9c_readlink(client_of(vn), node_of(vn)->fid, target,
			     sizeof(target));

	if (r < 0)
		return r;
	if ((size_t)r > len)
		r = (int)len;
	memcpy(buf, target, (size_t)r);
	return r;
}

/* Refills n->dbuf from the server at n->cookie: bytes fetched (0: end). */
static int readdir_fetch(struct v9fs_node *n)
{
	int r;

	if (!n->dbuf && !(n->dbuf = malloc(READDIR_CHUNK)))
		return -ENOMEM;
	r = p9c_readdir(client_of(&n->vn), n->iofid, n->cookie, n->dbuf,
			READDIR_CHUNK);
	n->dpos = 0;
	n->dlen = r > 0 ? (uint32_t)r : 0;
	return r;
}

/* The next entry of the stream in *e: 1, 0 at the end, or -errno. */
static int readdir_next(struct v9fs_node *n, struct p9_dirent *e)
{
	struct p9_buf d;
	int r;

	if (n->dpos == n->dlen) {
		r = readdir_fetch(n);
		if (r <= 0)
			return r;
	}
	d = (struct p9_buf){ .data = n->dbuf, .pos = n->dpos, .end = n->dlen };
	r = p9_dirent_next(&d, e);
	if (r <= 0)
		return r ? r : -EPROTO;	/* a fetch that held no entry */
	n->dpos = d.pos;
	n->cookie = e->offset;
	return 1;
}

static int v9fs_readdir(struct vnode *dir, uint64_t pos, struct vfs_dirent *d)
{
	struct v9fs_node *n = node_of(dir);
	struct p9_dirent e;
	int r = open_io(n);

	if (r)
		return r;
	if (pos != n->next_pos || pos == 0) {
		/* Not where the last call ended (or a new listing): read the
		 * directory afresh from its start. */
		n->next_pos = n->cookie = 0;
		n->dpos = n->dlen = 0;
	}
	while ((r = readdir_next(n, &e)) > 0) {
		/* Longer names cannot be opened through this VFS: hidden. */
		if (strlen(e.name) > VFS_NAME_MAX)
			continue;
		if (n->next_pos++ == pos)
			break;
	}
	if (r <= 0)
		return r;
	d->ino = e.qid.path;
	d->type = e.type;
	strcpy(d->name, e.name);
	return 1;
}

static int v9fs_fsync(struct vnode *vn)
{
	struct v9fs_node *n = node_of(vn);

	return n->iofid == NO_FID ? 0 : p9c_fsync(client_of(vn), n->iofid);
}

static void node_free(struct v9fs *fs, struct v9fs_node *n)
{
	list_del(&n->link);
	if (n->iofid != NO_FID)
		p9c_clunk(&fs->client, n->iofid);
	p9c_clunk(&fs->client, n->fid);
	free(n->dbuf);
	free(n);
}

static void v9fs_inactive(struct vnode *vn)
{
	node_free(vn->priv, node_of(vn));
}

static const struct vnode_ops v9fs_ops = {
	.lookup = v9fs_lookup,
	.create = v9fs_create,
	.mkdir = v9fs_mkdir,
	.rmdir = v9fs_rmdir,
	.unlink = v9fs_unlink,
	.rename = v9fs_rename,
	.symlink = v9fs_symlink,
	.readlink = v9fs_readlink,
	.readdir = v9fs_readdir,
	.read = v9fs_read,
	.write = v9fs_write,
	.truncate = v9fs_truncate,
	.getattr = v9fs_getattr,
	.fsync = v9fs_fsync,
	.inactive = v9fs_inactive,
};

/* ---- mounting ---- */

struct v9fs_opts {
	char trans[16];
	char tag[P9_TAG_MAX + 1];
	char aname[VFS_PATH_MAX];
	unsigned long msize;
};

/* Copies the value of "key=value" into out: 0, or -EINVAL (too long). */
static int opt_copy(const char *v, size_t n, char *out, size_t size)
{
	if (n >= size)
		return -EINVAL;
	memcpy(out, v, n);
	out[n] = '\0';
	return 0;
}

static int opt_one(struct v9fs_opts *o, const char *s, size_t n)
{
	const char *eq = memchr(s, '=', n);
	char num[16];
	char *end;
	size_t k, vn;

	if (!eq)
		return -EINVAL;
	k = (size_t)(eq - s);
	vn = n - k - 1;
	if (k == 5 && !memcmp(s, "trans", 5))
		return opt_copy(eq + 1, vn, o->trans, sizeof(o->trans));
	if (k == 3 && !memcmp(s, "tag", 3))
		return opt_copy(eq + 1, vn, o->tag, sizeof(o->tag));
	if (k == 5 && !memcmp(s, "aname", 5))
		return opt_copy(eq + 1, vn, o->aname, sizeof(o->aname));
	if (k == 5 && !memcmp(s, "msize", 5) && vn &&
	    !opt_copy(eq + 1, vn, num, sizeof(num))) {
		o->msize = strtoul(num, &end, 10);
		return *end ? -EINVAL : 0;
	}
	return -EINVAL;
}

static int parse_opts(const char *data, struct v9fs_opts *o)
{
	*o = (struct v9fs_opts){ .trans = "virtio", .msize = MSIZE_DEFAULT };
	while (data && *data) {
		size_t n = strcspn(data, ",");
		int r = n ? opt_one(o, data, n) : 0;

		if (r) {
			pr_err("v9fs: bad option \"%.*s\"\n", (int)n, data);
			return r;
		}
		data += n + (data[n] == ',');
	}
	if (!o->tag[0]) {
		pr_err("v9fs: no tag= option\n");
		return -EINVAL;
	}
	if (o->msize < MSIZE_MIN) {
		pr_err("v9fs: msize %lu below %u\n", o->msize, MSIZE_MIN);
		return -EINVAL;
	}
	return 0;
}

/* Version, attach and the root node of an opened client. */
static int attach_root(struct mount *m, struct v9fs *fs,
		       const struct v9fs_opts *o, uint32_t msize)
{
	struct p9_qid qid;
	uint32_t fid;
	int r = p9c_init(&fs->client, fs->client.trans, msize);

	if (!r)
		r = p9c_fid_alloc(&fs->client, &fid);
	if (r)
		return r;
	r = p9c_attach(&fs->client, fid, o->aname, &qid);
	if (r) {
		p9c_fid_free(&fs->client, fid);
		return r;
	}
	if (!(qid.type & P9_QTDIR)) {
		p9c_clunk(&fs->client, fid);
		return -ENOTDIR;
	}
	return node_get(m, fs, fid, &qid, &m->root);
}

static int v9fs_mount(struct mount *m, const char *source, unsigned long flags,
		      const void *data)
{
	struct v9fs_opts o;
	struct p9_trans *t;
	struct v9fs *fs;
	int r = parse_opts(data, &o);

	(void)source;
	(void)flags;
	if (r)
		return r;
	t = p9_trans_find(o.trans, o.tag);
	if (!t) {
		pr_err("v9fs: no %s transport with mount tag \"%s\"\n", o.trans,
		       o.tag);
		return -ENOENT;
	}
	fs = calloc(1, sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	list_init(&fs->nodes);
	fs->client.trans = t;
	m->priv = fs;
	r = attach_root(m, fs, &o, (uint32_t)(o.msize < t->max_msize ?
					       o.msize : t->max_msize));
	if (r) {
		m->priv = NULL;
		free(fs);
		return r;
	}
	snprintf(m->source, sizeof(m->source), "%.*s",
		 (int)sizeof(m->source) - 1, o.tag);
	return 0;
}

static void v9fs_umount(struct mount *m)
{
	struct v9fs *fs = m->priv;

	/* The VFS checked nothing is busy: only the root is left. */
	node_free(fs, node_of(m->root));
	free(fs);
	m->root = NULL;
	m->priv = NULL;
}

static int v9fs_statfs(struct mount *m, struct statfs *st)
{
	struct v9fs *fs = m->priv;
	struct p9_statfs s;
	int r = p9c_statfs(&fs->client, node_of(m->root)->fid, &s);

	if (r)
		return r;
	memset(st, 0, sizeof(*st));
	st->f_type = V9FS_MAGIC;
	st->f_bsize = s.bsize;
	st->f_blocks = s.blocks;
	st->f_bfree = s.bfree;
	st->f_bavail = s.bavail;
	st->f_files = s.files;
	st->f_ffree = s.ffree;
	st->f_namelen = s.namelen;
	return 0;
}

struct fs_type v9fs_type = {
	.name = "v9fs",
	.mount = v9fs_mount,
	.umount = v9fs_umount,
	.statfs = v9fs_statfs,
};
