// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for fs/fat over a RAM disk and the real block cache
 * (tests/host/fat_env.c): three small volumes (FAT12, FAT16, FAT32) with
 * directories, long names and files are made once; each input picks one,
 * overwrites bytes of its metadata (boot sector, FSInfo, FATs, root and
 * first directories) with its own, then mounts it and walks, reads,
 * writes, renames, truncates and removes what it finds before unmounting.
 * Anything but an error return is a finding: a sanitizer report, a hang
 * (libFuzzer's timeout) or a write past the volume's declared end (the
 * disk has room after it that must stay untouched).  Afterwards the bytes
 * written are restored, so every input starts from the same volume.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../fs/fat/fat_priv.h"
#include "../host/fat_env.h"

#define GUARD (64u << 10)	/* disk bytes after the volume */

static struct vol {
	struct ram_disk *d;
	uint8_t *base;		/* the pristine disk */
	size_t meta;		/* bytes the patches may reach */
	size_t vol_bytes;
} vols[3];

static void populate(struct mount *m)
{
	static uint8_t data[9000];
	struct vnode *root = m->root, *vn;
	char name[40];

	memset(data, 'x', sizeof(data));
	root->ops->mkdir(root, "Sub Directory", 0755);
	root->ops->mkdir(root, "DIR2", 0755);
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "Sub Directory/long file name %d", i);
		env_write(m, name, data, (size_t)i * 1500 + 1, 0);
		snprintf(name, sizeof(name), "f%d.txt", i);
		env_write(m, name, data, (size_t)i * 700, 0);
	}
	if (!env_lookup(m, "DIR2", &vn)) {
		vn->ops->mkdir(vn, "inner", 0755);
		vnode_put_locked(vn);
	}
}

static void make(struct vol *v, size_t bytes, int type)
{
	struct mount m = { 0 };

	v->vol_bytes = bytes;
	v->d = env_disk_new(bytes + GUARD);
	if (!v->d || env_format(type, "FUZZ", bytes, NULL) || env_mount(&m, NULL))
		abort();
	populate(&m);
	/* Metadata and the first data clusters (the directories made first). */
	v->meta = fat_cluster_off(m.priv, 2) + 16 * ((struct fat_vol *)m.priv)->g.cluster_size;
	env_umount(&m);
	v->base = malloc(v->d->size);
	memcpy(v->base, v->d->mem, v->d->size);
}

static void setup(void)
{
	make(&vols[0], 1u << 20, 12);
	make(&vols[1], 3u << 20, 16);
	make(&vols[2], 34u << 20, 32);
}

/* The volume's end as its (maybe patched) boot sector declares it. */
static uint64_t declared_end(const uint8_t *bs)
{
	uint32_t total = fat_le16(bs + 19) ? fat_le16(bs + 19) : fat_le32(bs + 32);

	return (uint64_t)total * fat_le16(bs + 11);
}

static void walk(struct vnode *dir, int depth, int *budget)
{
	struct vfs_dirent e;
	uint8_t buf[4096];
	struct vnode *vn;

	for (uint64_t pos = 2; *budget > 0 && dir->ops->readdir(dir, pos, &e) == 1;
	     pos++, (*budget)--) {
		if (dir->ops->lookup(dir, e.name, &vn))
			continue;
		if (S_ISDIR(vn->mode) && depth < 4)
			walk(vn, depth + 1, budget);
		else if (S_ISREG(vn->mode))
			for (off_t o = 0; vn->ops->read(vn, buf, sizeof(buf), o) > 0 &&
			     o < (1 << 20); o += sizeof(buf))
				;
		vnode_put_locked(vn);
	}
}

static void exercise(struct mount *m)
{
	struct vnode *root = m->root, *vn;
	int budget = 300;

	walk(root, 0, &budget);
	env_write(m, "new file with a long name", "data", 4, 5000);
	env_write(m, "Sub Directory/long file name 3", "more", 4, 20000);
	root->ops->rename(root, "f3.txt", root, "renamed.txt");
	root->ops->mkdir(root, "made", 0755);
	if (!env_lookup(m, "f4.txt", &vn)) {
		vn->ops->truncate(vn, 100);
		vn->ops->truncate(vn, 70000);
		vnode_put_locked(vn);
	}
	if (!env_lookup(m, "DIR2", &vn)) {
		vn->ops->rename(vn, "inner", root, "inner moved");
		vnode_put_locked(vn);
	}
	root->ops->unlink(root, "f2.txt");
	root->ops->rmdir(root, "DIR2");
	root->ops->unlink(root, "f5.txt");
	walk(root, 0, &budget);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct mount m = { 0 };
	struct vol *v;
	size_t i;

	if (!ready) {
		setup();
		ready = true;
	}
	if (size < 1)
		return 0;
	v = &vols[data[0] % 3];
	env_disk = v->d;
	/* Patches: 3 bytes of offset, 1 of length, then the bytes. */
	for (i = 1; i + 4 <= size;) {
		size_t off = ((size_t)data[i] << 16 | (size_t)data[i + 1] << 8 |
			      data[i + 2]) % v->meta;
		size_t len = data[i + 3];
		i += 4;
		if (len > size - i)
			len = size - i;
		if (len > v->meta - off)
			len = v->meta - off;
		memcpy(v->d->mem + off, data + i, len);
		i += len;
	}
	env_disk_drop_cache(v->d);
	v->d->lo = UINT64_MAX;
	v->d->hi = 0;
	if (!env_mount(&m, NULL)) {
		exercise(&m);
		env_umount(&m);
	}
	if (v->d->hi > declared_end(v->d->mem) || v->d->hi > v->vol_bytes + GUARD)
		abort();	/* a write past the volume */
	/* Back to the pristine disk: the patched and the written bytes. */
	memcpy(v->d->mem, v->base, v->meta);
	if (v->d->lo < v->d->hi)
		memcpy(v->d->mem + v->d->lo, v->base + v->d->lo, v->d->hi - v->d->lo);
	return 0;
}
