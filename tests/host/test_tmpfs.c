// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of fs/tmpfs.c through its vnode operations: directories,
 * files with holes and many chunks, rename, truncate, and the size limit
 * (ENOSPC leaves the tree consistent and everything freed on the way).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/statfs.h>
#include <vireo/vfs.h>
#include "fake_panic.h"
#include "unit.h"

/* What the kernel provides to tmpfs. */
uint64_t vfs_now_ns(void)
{
	return 1;
}

size_t tmpfs_default_limit(void)
{
	return 1 << 20;
}

int fifo_open(void **slot, struct vnode *vn, int flags, struct file **out)
{
	(void)slot; (void)vn; (void)flags; (void)out;
	return -ENOSYS;
}

void fifo_release_slot(void **slot)
{
	*slot = NULL;
}

static struct mount m;

static struct vnode *mk(size_t limit)
{
	memset(&m, 0, sizeof(m));
	EXPECT_EQ(tmpfs_mount_limit(&m, limit), 0);
	return m.root;
}

static struct vnode *get(struct vnode *dir, const char *name)
{
	struct vnode *v = NULL;

	if (dir->ops->lookup(dir, name, &v))
		return NULL;
	return v;
}

static void put(struct vnode *v)
{
	if (--v->refs == 0 && v->ops->inactive)
		v->ops->inactive(v);
}

static uint64_t used(void)
{
	struct statfs st;

	tmpfs_statfs(&m, &st);
	return st.f_blocks - st.f_bfree;
}

TEST(dirs_and_files)
{
	struct vnode *root = mk(1 << 20), *f, *d;
	struct vfs_dirent e;
	char buf[8];

	EXPECT_EQ(root->ops->mkdir(root, "d", 0755), 0);
	EXPECT_EQ(root->ops->mkdir(root, "d", 0755), -EEXIST);
	d = get(root, "d");
	EXPECT(d && S_ISDIR(d->mode));
	EXPECT_EQ(d->ops->create(d, "f", S_IFREG | 0644, &f), 0);
	EXPECT_EQ(f->ops->write(f, "hello", 5, 0), 5);
	EXPECT_EQ(f->ops->read(f, buf, sizeof(buf), 0), 5);
	EXPECT(!memcmp(buf, "hello", 5));
	EXPECT_EQ(f->ops->read(f, buf, sizeof(buf), 5), 0);
	EXPECT_EQ(d->ops->readdir(d, 0, &e), 1);
	EXPECT_STR(e.name, ".");
	EXPECT_EQ(d->ops->readdir(d, 2, &e), 1);
	EXPECT_STR(e.name, "f");
	EXPECT_EQ(d->ops->readdir(d, 3, &e), 0);
	EXPECT_EQ(root->ops->rmdir(root, "d"), -ENOTEMPTY);
	EXPECT_EQ(root->ops->unlink(root, "d"), -EISDIR);
	EXPECT_EQ(d->ops->rmdir(d, "f"), -ENOTDIR);
	/* Unlinked while open: still readable, freed on the last put. */
	EXPECT_EQ(d->ops->unlink(d, "f"), 0);
	EXPECT_EQ(f->ops->read(f, buf, 5, 0), 5);
	put(f);
	EXPECT_EQ(root->ops->rmdir(root, "d"), 0);
	put(d);
	EXPECT(get(root, "d") == NULL);
	tmpfs_umount(&m);
}

TEST(large_file_and_holes)
{
	struct vnode *root = mk(8 << 20), *f;
	static char big[300000];
	char buf[16];
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	EXPECT_EQ(root->ops->create(root, "big", S_IFREG | 0644, &f), 0);
	EXPECT_EQ(f->ops->write(f, big, sizeof(big), 0), (long)sizeof(big));
	EXPECT_EQ(f->ops->read(f, buf, 16, 123456), 16);
	EXPECT(!memcmp(buf, big + 123456, 16));
	/* A hole reads as zeros. */
	EXPECT_EQ(f->ops->write(f, "x", 1, 1000000), 1);
	EXPECT_EQ(f->ops->read(f, buf, 16, 500000), 16);
	for (i = 0; i < 16; i++)
		EXPECT_EQ(buf[i], 0);
	/* Shrink, then grow: the old bytes past the cut are gone. */
	EXPECT_EQ(f->ops->truncate(f, 10), 0);
	EXPECT_EQ(f->ops->truncate(f, 20), 0);
	EXPECT_EQ(f->ops->read(f, buf, 16, 8), 12);
	EXPECT_EQ(buf[0], big[8]);
	EXPECT_EQ(buf[1], big[9]);
	EXPECT_EQ(buf[2], 0);
	put(f);
	tmpfs_umount(&m);
}

TEST(rename_rules)
{
	struct vnode *root = mk(1 << 20), *a, *b, *f;

	root->ops->mkdir(root, "a", 0755);
	root->ops->mkdir(root, "b", 0755);
	a = get(root, "a");
	b = get(root, "b");
	EXPECT_EQ(a->ops->create(a, "f", S_IFREG, &f), 0);
	put(f);
	EXPECT_EQ(root->ops->rename(a, "f", b, "g"), 0);
	EXPECT(get(a, "f") == NULL);
	f = get(b, "g");
	EXPECT(f != NULL);
	put(f);
	EXPECT_EQ(root->ops->rename(root, "a", a, "x"), -EINVAL);
	EXPECT_EQ(root->ops->rename(b, "g", root, "a"), -EISDIR);
	EXPECT_EQ(root->ops->rename(root, "a", b, "g"), -ENOTDIR);
	EXPECT_EQ(root->ops->rename(root, "a", root, "b"), -ENOTEMPTY);
	EXPECT_EQ(b->ops->unlink(b, "g"), 0);
	EXPECT_EQ(root->ops->rename(root, "a", root, "b"), 0);
	EXPECT(get(root, "a") == NULL);
	put(a);
	put(b);
	tmpfs_umount(&m);
}

TEST(enospc_is_harmless)
{
	struct vnode *root = mk(64 * 1024), *f, *g;
	static char chunk[4096];
	long w, total = 0;
	uint64_t before;

	EXPECT_EQ(root->ops->create(root, "fill", S_IFREG | 0644, &f), 0);
	before = used();
	while ((w = f->ops->write(f, chunk, sizeof(chunk), total)) > 0)
		total += w;
	EXPECT_EQ(w, -ENOSPC);
	EXPECT(total > 32 * 1024);
	/* Full: creating fails cleanly, the existing data is intact. */
	EXPECT(root->ops->mkdir(root, "d", 0755) == -ENOSPC ||
	       root->ops->rmdir(root, "d") == 0);
	EXPECT_EQ(f->ops->truncate(f, 0), 0);
	EXPECT_EQ(used(), before);
	EXPECT_EQ(root->ops->create(root, "g", S_IFREG, &g), 0);
	EXPECT_EQ(g->ops->write(g, chunk, sizeof(chunk), 0), 4096);
	put(g);
	put(f);
	tmpfs_umount(&m);
}

TEST(symlinks)
{
	struct vnode *root = mk(1 << 20), *l;
	char buf[32];

	EXPECT_EQ(root->ops->symlink(root, "l", "/tmp/x"), 0);
	l = get(root, "l");
	EXPECT(l && S_ISLNK(l->mode));
	EXPECT_EQ(l->ops->readlink(l, buf, sizeof(buf)), 6);
	EXPECT(!memcmp(buf, "/tmp/x", 6));
	put(l);
	tmpfs_umount(&m);
}

/* A tree far deeper than any recursion could take on a thread's stack
 * is freed by umount (iteratively), with files at every level. */
TEST(deep_tree_umount)
{
	struct vnode *d = mk(256 << 20), *f;

	for (int i = 0; i < 100000; i++) {
		struct vnode *next;
		EXPECT_EQ(d->ops->create(d, "f", S_IFREG | 0644, &f), 0);
		put(f);
		EXPECT_EQ(d->ops->mkdir(d, "d", 0755), 0);
		next = get(d, "d");
		if (d != m.root)
			put(d);
		d = next;
	}
	put(d);
	tmpfs_umount(&m);
	EXPECT(m.root == NULL);
}

/* A node still referenced at umount is a VFS bug (a reference held
 * across an unlocked window): caught, not freed under its user. */
TEST(umount_with_reference_is_caught)
{
	struct vnode *root = mk(1 << 20), *f;

	EXPECT_EQ(root->ops->create(root, "f", S_IFREG | 0644, &f), 0);
	EXPECT_PANIC(tmpfs_umount(&m));	/* stops before freeing anything */
	put(f);
	tmpfs_umount(&m);
	EXPECT(m.root == NULL);
}

/* A write whose end does not fit (off + len wraps) is EFBIG, not a
 * write at a wrapped offset. */
TEST(write_end_overflow)
{
	struct vnode *root = mk(1 << 20), *f;

	EXPECT_EQ(root->ops->create(root, "f", S_IFREG | 0644, &f), 0);
	EXPECT_EQ(f->ops->write(f, "x", SIZE_MAX, INT64_MAX), -EFBIG);
	EXPECT_EQ(f->ops->write(f, "x", (size_t)-8, 16), -EFBIG);
	put(f);
	tmpfs_umount(&m);
}

/* size=N beyond what a size_t holds is malformed: the default limit. */
TEST(mount_size_overflow)
{
	struct statfs st;

	memset(&m, 0, sizeof(m));
	EXPECT_EQ(tmpfs_type.mount(&m, NULL, 0, "size=99999999999999999999999"), 0);
	tmpfs_statfs(&m, &st);
	EXPECT_EQ(st.f_blocks * st.f_bsize, (uint64_t)tmpfs_default_limit());
	tmpfs_umount(&m);
	memset(&m, 0, sizeof(m));
	EXPECT_EQ(tmpfs_type.mount(&m, NULL, 0, "size=17179869184g"), 0);
	tmpfs_statfs(&m, &st);
	EXPECT_EQ(st.f_blocks * st.f_bsize, (uint64_t)tmpfs_default_limit());
	tmpfs_umount(&m);
}

UNIT_MAIN(UNIT_CASE(dirs_and_files), UNIT_CASE(large_file_and_holes),
	  UNIT_CASE(rename_rules), UNIT_CASE(enospc_is_harmless),
	  UNIT_CASE(symlinks), UNIT_CASE(deep_tree_umount),
	  UNIT_CASE(umount_with_reference_is_caught),
	  UNIT_CASE(mount_size_overflow), UNIT_CASE(write_end_overflow))
