// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of fs/fat over a RAM disk and the real block cache
 * (fat_env.c): formatting each FAT type and mounting it, files (write,
 * read, holes, truncate, the 4 GiB - 1 limit), long and short names,
 * rename across directories, unlink of an open file, mkdir/rmdir,
 * readdir, filling the volume and reusing it, both FATs in step, the
 * dirty flag and FSInfo, times, and corrupted volumes (boot sector,
 * looping and runaway chains, impossible sizes) giving errors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include "../../fs/fat/fat_priv.h"
#include "fat_env.h"
#include "unit.h"

#define MIB (1u << 20)

static struct mount mnt;

/* A fresh disk of bytes bytes formatted as type and mounted on mnt. */
static struct fat_vol *fresh(size_t bytes, int type)
{
	int made = 0;

	if (env_disk)
		env_disk_free(env_disk);
	EXPECT(env_disk_new(bytes) != NULL);
	EXPECT_EQ(env_format(type, "TEST", 0, &made), 0);
	EXPECT_EQ(made, type);
	memset(&mnt, 0, sizeof(mnt));
	EXPECT_EQ(env_mount(&mnt, NULL), 0);
	return mnt.priv;
}

static struct fat_vol *remount(void)
{
	env_umount(&mnt);
	memset(&mnt, 0, sizeof(mnt));
	env_disk_drop_cache(env_disk);
	EXPECT_EQ(env_mount(&mnt, NULL), 0);
	return mnt.priv;
}

static void fill(uint8_t *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 31 + seed + i / 4096);
}

static uint32_t node_first_cluster(struct vnode *vn)
{
	return ((struct fat_node *)vn->priv)->first;
}

static struct vnode *dir_of(const char *path, char *last)
{
	struct vnode *d = NULL;

	EXPECT_EQ(env_parent(&mnt, path, &d, last), 0);
	return d;
}

static int op_mkdir(const char *path)
{
	char last[VFS_NAME_MAX + 1];
	struct vnode *d = dir_of(path, last);
	int r = d->ops->mkdir(d, last, 0755);

	vnode_put_locked(d);
	return r;
}

static int op_unlink(const char *path, bool dir)
{
	char last[VFS_NAME_MAX + 1];
	struct vnode *d = dir_of(path, last);
	int r = dir ? d->ops->rmdir(d, last) : d->ops->unlink(d, last);

	vnode_put_locked(d);
	return r;
}

static int op_rename(const char *from, const char *to)
{
	char a[VFS_NAME_MAX + 1], b[VFS_NAME_MAX + 1];
	struct vnode *da = dir_of(from, a), *db = dir_of(to, b);
	int r = da->ops->rename(da, a, db, b);

	vnode_put_locked(da);
	vnode_put_locked(db);
	return r;
}

static off_t size_of(const char *path)
{
	struct vnode *vn;
	struct stat st = { 0 };

	if (env_lookup(&mnt, path, &vn))
		return -1;
	vn->ops->getattr(vn, &st);
	vnode_put_locked(vn);
	return st.st_size;
}

/* Names readdir lists, joined by spaces ("." and ".." left out). */
static void list(const char *path, char *out, size_t size)
{
	struct vnode *d;
	struct vfs_dirent e;
	uint64_t pos = 2;

	out[0] = 0;
	EXPECT_EQ(env_lookup(&mnt, path, &d), 0);
	while (d->ops->readdir(d, pos++, &e) == 1) {
		if (out[0])
			strncat(out, " ", size - strlen(out) - 1);
		strncat(out, e.name, size - strlen(out) - 1);
	}
	vnode_put_locked(d);
}

static bool fats_equal(struct fat_vol *v)
{
	size_t len = (size_t)v->g.fat_sectors * v->g.bps;
	uint8_t *m = env_disk->mem + (size_t)v->g.rsvd * v->g.bps;

	bcache_sync(v->bd);
	return !memcmp(m, m + len, len);
}

static uint32_t free_clusters(struct fat_vol *v)
{
	uint32_t n = 0;

	EXPECT_EQ(fat_count_free(v, &n), 0);
	return n;
}

TEST(format_and_mount_each_type)
{
	static const struct { size_t bytes; int type; } cases[] = {
		{ 2 * MIB, 12 }, { 16 * MIB, 16 }, { 40 * MIB, 32 },
	};
	struct statfs st;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fat_vol *v = fresh(cases[i].bytes, cases[i].type);
		EXPECT_EQ(v->g.type, cases[i].type);
		EXPECT_EQ(fat_fs_type.statfs(&mnt, &st), 0);
		EXPECT_EQ(st.f_bfree, free_clusters(v));
		EXPECT_EQ(st.f_blocks, v->g.nclusters);
		env_umount(&mnt);
	}
	/* Too small for FAT32: an error, nothing written. */
	EXPECT(env_disk_new(4 * MIB) != NULL);
	EXPECT_EQ(env_format(32, NULL, 0, NULL), -EINVAL);
	EXPECT_EQ(env_format(16, "bad/label", 0, NULL), -EINVAL);
}

TEST(files_read_write_holes_truncate)
{
	static uint8_t a[300000], b[300000];
	struct fat_vol *v = fresh(16 * MIB, 16);
	struct vnode *vn;

	fill(a, sizeof(a), 1);
	EXPECT_EQ(env_write(&mnt, "f.bin", a, sizeof(a), 0), (ssize_t)sizeof(a));
	EXPECT_EQ(env_read(&mnt, "f.bin", b, sizeof(b), 0), (ssize_t)sizeof(a));
	EXPECT(!memcmp(a, b, sizeof(a)));
	/* Overwrite in the middle, across clusters. */
	EXPECT_EQ(env_write(&mnt, "f.bin", a + 7, 5000, 1000), 5000);
	EXPECT_EQ(env_read(&mnt, "f.bin", b, 5000, 1000), 5000);
	EXPECT(!memcmp(a + 7, b, 5000));
	/* A write past the end leaves a gap of zeros. */
	EXPECT_EQ(env_write(&mnt, "g", "xy", 2, 70000), 2);
	EXPECT_EQ(size_of("g"), 70002);
	memset(b, 1, 70002);
	EXPECT_EQ(env_read(&mnt, "g", b, sizeof(b), 0), 70002);
	for (int i = 0; i < 70000; i++)
		if (b[i]) {
			EXPECT_EQ(b[i], 0);
			break;
		}
	/* Shrink, then grow: the cut part reads as zeros. */
	EXPECT_EQ(env_lookup(&mnt, "f.bin", &vn), 0);
	uint32_t before = v->free_count;
	EXPECT_EQ(vn->ops->truncate(vn, 10), 0);
	EXPECT(v->free_count > before);
	EXPECT_EQ(vn->ops->truncate(vn, 9000), 0);
	EXPECT_EQ(vn->ops->read(vn, b, sizeof(b), 0), 9000);
	EXPECT(!memcmp(a, b, 10));
	EXPECT_EQ(b[10], 0);
	EXPECT_EQ(b[8999], 0);
	EXPECT_EQ(vn->ops->truncate(vn, 0), 0);
	EXPECT_EQ(node_first_cluster(vn), 0);
	/* 4 GiB - 1 is the largest size. */
	EXPECT_EQ(vn->ops->write(vn, "z", 1, 0xffffffffLL), -EFBIG);
	EXPECT_EQ(vn->ops->truncate(vn, 0x100000000LL), -EFBIG);
	vnode_put_locked(vn);
	EXPECT(fats_equal(v));
	v = remount();
	EXPECT_EQ(size_of("f.bin"), 0);
	EXPECT_EQ(size_of("g"), 70002);
	env_umount(&mnt);
}

TEST(names_long_short_and_case)
{
	char out[512];
	uint8_t b[8];
	struct fat_vol *v = fresh(2 * MIB, 12);

	(void)v;
	EXPECT_EQ(env_write(&mnt, "readme.txt", "1", 1, 0), 1);
	EXPECT_EQ(env_write(&mnt, "A Long Name.text", "2", 1, 0), 1);
	EXPECT_EQ(env_write(&mnt, "A Long Name.texts", "3", 1, 0), 1);
	EXPECT_EQ(env_write(&mnt, "Ünïcödé name", "4", 1, 0), 1);
	list("", out, sizeof(out));
	EXPECT_STR(out, "readme.txt A Long Name.text A Long Name.texts Ünïcödé name");
	/* FAT ignores case; the short aliases are distinct. */
	EXPECT_EQ(env_read(&mnt, "README.TXT", b, 8, 0), 1);
	EXPECT_EQ(env_read(&mnt, "a long name.TEXT", b, 8, 0), 1);
	EXPECT_EQ(b[0], '2');
	EXPECT_EQ(env_read(&mnt, "ALONGN~1.TEX", b, 8, 0), 1);
	EXPECT_EQ(b[0], '2');
	EXPECT_EQ(env_read(&mnt, "ALONGN~2.TEX", b, 8, 0), 1);
	EXPECT_EQ(b[0], '3');
	/* An existing name, and characters FAT cannot hold. */
	struct vnode *root = mnt.root, *vn;
	EXPECT_EQ(root->ops->create(root, "ReadMe.Txt", S_IFREG, &vn), -EEXIST);
	EXPECT_EQ(root->ops->create(root, "a:b", S_IFREG, &vn), -EINVAL);
	EXPECT_EQ(root->ops->create(root, "trailing.", S_IFREG, &vn), -EINVAL);
	v = remount();
	list("", out, sizeof(out));
	EXPECT_STR(out, "readme.txt A Long Name.text A Long Name.texts Ünïcödé name");
	env_umount(&mnt);
}

/* Long names of any length FAT allows (255 UTF-16 units, here up to the
 * VFS's 255 bytes) list and open whole, not as their 8.3 alias. */
TEST(names_past_64_bytes)
{
	char out[1024], name[300];
	uint8_t b[8];
	struct fat_vol *v = fresh(2 * MIB, 12);
	struct vnode *vn;

	(void)v;
	memset(name, 'n', sizeof(name));
	memcpy(name + 100, ".txt", 5);		/* 104 bytes */
	EXPECT_EQ(env_write(&mnt, name, "1", 1, 0), 1);
	memset(name, 'n', sizeof(name));
	name[255] = 0;				/* 255 bytes: the most */
	EXPECT_EQ(env_write(&mnt, name, "2", 1, 0), 1);
	v = remount();
	list("", out, sizeof(out));
	EXPECT_EQ(strlen(out), 104 + 1 + 255);
	EXPECT_EQ(env_read(&mnt, name, b, 8, 0), 1);
	EXPECT_EQ(b[0], '2');
	name[255] = 'n';
	name[256] = 0;				/* one past */
	EXPECT_EQ(mnt.root->ops->create(mnt.root, name, S_IFREG, &vn), -ENAMETOOLONG);
	env_umount(&mnt);
}

TEST(directories_rename_unlink)
{
	char out[8192], name[64];
	uint8_t b[16];
	struct fat_vol *v = fresh(40 * MIB, 32);
	uint32_t free0 = v->free_count;

	EXPECT_EQ(op_mkdir("d1"), 0);
	EXPECT_EQ(op_mkdir("d1/sub"), 0);
	EXPECT_EQ(op_mkdir("d2"), 0);
	EXPECT_EQ(op_mkdir("d1"), -EEXIST);
	EXPECT_EQ(env_write(&mnt, "d1/sub/file", "hello", 5, 0), 5);
	EXPECT_EQ(op_unlink("d1", true), -ENOTEMPTY);
	EXPECT_EQ(op_unlink("d1/sub", false), -EISDIR);
	/* A directory moves across directories; ".." follows. */
	EXPECT_EQ(op_rename("d1/sub", "d2/moved"), 0);
	EXPECT_EQ(op_rename("d2", "d2/moved/x"), -EINVAL);
	EXPECT_EQ(env_read(&mnt, "d2/moved/file", b, 16, 0), 5);
	EXPECT_EQ(env_read(&mnt, "d2/moved/../moved/file", b, 16, 0), 5);
	/* rename over an existing file replaces it. */
	EXPECT_EQ(env_write(&mnt, "d2/other", "other", 5, 0), 5);
	EXPECT_EQ(op_rename("d2/moved/file", "d2/other"), 0);
	EXPECT_EQ(env_read(&mnt, "d2/other", b, 16, 0), 5);
	EXPECT(!memcmp(b, "hello", 5));
	/* Many long names grow a directory past its first cluster. */
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "d1/a rather long file name %03d", i);
		EXPECT_EQ(env_write(&mnt, name, name, 8, 0), 8);
	}
	v = remount();
	list("d1", out, sizeof(out));
	EXPECT(strstr(out, "a rather long file name 000") != NULL);
	EXPECT(strstr(out, "a rather long file name 199") != NULL);
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "d1/a rather long file name %03d", i);
		EXPECT_EQ(op_unlink(name, false), 0);
	}
	list("d1", out, sizeof(out));
	EXPECT_STR(out, "");
	EXPECT_EQ(op_unlink("d2/other", false), 0);
	EXPECT_EQ(op_unlink("d2/moved", true), 0);
	EXPECT_EQ(op_unlink("d2", true), 0);
	EXPECT_EQ(op_unlink("d1", true), 0);
	EXPECT_EQ(v->free_count, free0);
	EXPECT_EQ(free_clusters(v), free0);
	EXPECT(fats_equal(v));
	env_umount(&mnt);
}

TEST(unlink_open_file_keeps_data_until_closed)
{
	struct fat_vol *v = fresh(2 * MIB, 12);
	uint32_t free0 = v->free_count;
	struct vnode *vn;
	uint8_t b[8];

	EXPECT_EQ(env_write(&mnt, "f", "12345678", 8, 0), 8);
	EXPECT_EQ(env_lookup(&mnt, "f", &vn), 0);
	EXPECT_EQ(op_unlink("f", false), 0);
	EXPECT_EQ(size_of("f"), -1);
	EXPECT_EQ(vn->ops->read(vn, b, 8, 0), 8);
	EXPECT_EQ(v->free_count, free0 - 1);
	vnode_put_locked(vn);
	EXPECT_EQ(v->free_count, free0);
	/* A directory in use keeps its cluster until it goes, too. */
	EXPECT_EQ(op_mkdir("d"), 0);
	EXPECT_EQ(env_lookup(&mnt, "d", &vn), 0);
	EXPECT_EQ(op_unlink("d", true), 0);
	EXPECT_EQ(vn->ops->create(vn, "x", S_IFREG, &vn), -ENOENT);
	vnode_put_locked(vn);
	EXPECT_EQ(v->free_count, free0);
	env_umount(&mnt);
}

TEST(fill_to_enospc_then_reuse)
{
	static uint8_t a[64 * 1024];
	struct fat_vol *v = fresh(2 * MIB, 12);
	char name[16];
	ssize_t r;
	int i;

	fill(a, sizeof(a), 3);
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		r = env_write(&mnt, name, a, sizeof(a), 0);
		if (r != (ssize_t)sizeof(a))
			break;
	}
	EXPECT(i < 100);
	EXPECT(r > 0);	/* the last write got the bytes that fitted */
	EXPECT_EQ(v->free_count, 0);
	EXPECT_EQ(env_write(&mnt, "more", a, 10, 0), -ENOSPC);
	EXPECT_EQ(free_clusters(v), 0);
	EXPECT_EQ(op_unlink("f0", false), 0);
	EXPECT_EQ(env_write(&mnt, "again", a, sizeof(a), 0), (ssize_t)sizeof(a));
	EXPECT(fats_equal(v));
	v = remount();
	uint8_t b[sizeof(a)];
	EXPECT_EQ(env_read(&mnt, "again", b, sizeof(b), 0), (ssize_t)sizeof(a));
	EXPECT(!memcmp(a, b, sizeof(a)));
	env_umount(&mnt);
}

TEST(dirty_flag_fsinfo_and_times)
{
	struct fat_vol *v = fresh(40 * MIB, 32);
	uint32_t fsinfo = v->g.fsinfo_sector * 512;
	struct vnode *vn;
	struct stat st;

	bcache_sync(v->bd);
	EXPECT_EQ(env_disk->mem[65] & 1, 1);	/* dirty while mounted */
	env_now_ns = 1700000000ULL * 1000000000ULL;	/* 2023-11-14 22:13:20 */
	EXPECT_EQ(env_write(&mnt, "t", "x", 1, 0), 1);
	EXPECT_EQ(env_lookup(&mnt, "t", &vn), 0);
	EXPECT_EQ(vn->ops->getattr(vn, &st), 0);
	EXPECT_EQ(st.st_mtim.tv_sec, 1700000000);
	vnode_put_locked(vn);
	uint32_t nfree = v->free_count;
	/* sync(2) leaves the volume clean until the next change. */
	EXPECT_EQ(fat_fs_type.sync(&mnt), 0);
	EXPECT_EQ(env_disk->mem[65] & 1, 0);
	EXPECT_EQ(env_write(&mnt, "t", "y", 1, 0), 1);
	bcache_sync(v->bd);
	EXPECT_EQ(env_disk->mem[65] & 1, 1);
	env_umount(&mnt);
	EXPECT_EQ(env_disk->mem[65] & 1, 0);	/* clean after umount */
	EXPECT_EQ(fat_le32(env_disk->mem + fsinfo + 488), nfree);
	/* Read-only: the flag stays clear, writes are the VFS's to refuse. */
	memset(&mnt, 0, sizeof(mnt));
	EXPECT_EQ(env_mount(&mnt, "ro"), 0);
	EXPECT(mnt.flags & MS_RDONLY);
	env_umount(&mnt);
	EXPECT_EQ(env_disk->mem[65] & 1, 0);
	memset(&mnt, 0, sizeof(mnt));
	EXPECT_EQ(env_mount(&mnt, "bogus"), -EINVAL);
}

/* ---- corrupted volumes ---- */

TEST(bad_boot_sectors_fail_to_mount)
{
	static const struct { size_t off; uint8_t val; } bad[] = {
		{ 510, 0 }, { 12, 0 }, { 12, 3 }, { 13, 3 }, { 14, 0 },
		{ 16, 0 }, { 18, 0 }, { 22, 0 }, { 20, 0xff },
	};
	fresh(2 * MIB, 12);
	env_umount(&mnt);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t keep = env_disk->mem[bad[i].off];
		env_disk->mem[bad[i].off] = bad[i].val;
		env_disk_drop_cache(env_disk);
		memset(&mnt, 0, sizeof(mnt));
		EXPECT_EQ(env_mount(&mnt, NULL), -EINVAL);
		env_disk->mem[bad[i].off] = keep;
	}
	env_disk_drop_cache(env_disk);
	memset(&mnt, 0, sizeof(mnt));
	EXPECT_EQ(env_mount(&mnt, NULL), 0);
	env_umount(&mnt);
}

TEST(bad_chains_and_sizes_give_eio)
{
	static uint8_t a[20000], b[20000];
	struct fat_vol *v = fresh(16 * MIB, 16);
	struct vnode *vn;
	uint32_t c;

	fill(a, sizeof(a), 5);
	EXPECT_EQ(env_write(&mnt, "loop", a, sizeof(a), 0), (ssize_t)sizeof(a));
	EXPECT_EQ(env_write(&mnt, "past", a, sizeof(a), 0), (ssize_t)sizeof(a));
	EXPECT_EQ(env_write(&mnt, "huge", a, 10, 0), 10);
	EXPECT_EQ(op_mkdir("dir"), 0);
	/* loop: its second cluster points back at its first. */
	EXPECT_EQ(env_lookup(&mnt, "loop", &vn), 0);
	c = node_first_cluster(vn);
	vnode_put_locked(vn);
	EXPECT_EQ(fat_set(v, c + 1, c), 0);
	/* past: its first cluster points past the volume's end. */
	EXPECT_EQ(env_lookup(&mnt, "past", &vn), 0);
	EXPECT_EQ(fat_set(v, node_first_cluster(vn), v->g.nclusters + 5), 0);
	vnode_put_locked(vn);
	v = remount();
	EXPECT_EQ(env_read(&mnt, "loop", b, sizeof(b), 0), -EIO);
	EXPECT_EQ(env_read(&mnt, "past", b, sizeof(b), 0), -EIO);
	EXPECT_EQ(env_write(&mnt, "loop", a, 10, 100000), -EIO);
	EXPECT_EQ(op_unlink("loop", false), -EIO);
	/* huge: a size the volume cannot hold; dir: a cluster past the end. */
	struct fat_dirent e;
	EXPECT_EQ(fat_dir_find(v, 0, "huge", &e), 0);
	fat_put32(e.raw + 28, 0xfffffff0);
	EXPECT_EQ(fat_meta_write(v, e.off, e.raw, 32), 0);
	EXPECT_EQ(fat_dir_find(v, 0, "dir", &e), 0);
	fat_dirent_set_cluster(e.raw, 0xfff0);
	EXPECT_EQ(fat_meta_write(v, e.off, e.raw, 32), 0);
	v = remount();
	EXPECT_EQ(env_lookup(&mnt, "huge", &vn), -EIO);
	EXPECT_EQ(env_lookup(&mnt, "dir", &vn), -EIO);
	env_umount(&mnt);
}

UNIT_MAIN(UNIT_CASE(format_and_mount_each_type),
	  UNIT_CASE(files_read_write_holes_truncate),
	  UNIT_CASE(names_long_short_and_case),
	  UNIT_CASE(names_past_64_bytes),
	  UNIT_CASE(directories_rename_unlink),
	  UNIT_CASE(unlink_open_file_keeps_data_until_closed),
	  UNIT_CASE(fill_to_enospc_then_reuse),
	  UNIT_CASE(dirty_flag_fsinfo_and_times),
	  UNIT_CASE(bad_boot_sectors_fail_to_mount),
	  UNIT_CASE(bad_chains_and_sizes_give_eio))
