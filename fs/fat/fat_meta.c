// SPDX-License-Identifier: BSD-2-Clause
/*
 * Metadata of a FAT volume (boot sector, FSInfo, FATs, directories) read
 * and written through the block layer's buffer cache, in the device's
 * blocks: the cache keeps what is hot, and sync writes it back in block
 * order (FATs before directories, since the FATs lie lower).  The dirty
 * flag is written through at once: set before the first change after a
 * clean point (mount, sync, umount), cleared when everything is written.
 * Offsets come from the checked geometry, and fat_meta_* refuse anything
 * past the volume's end, so a bug or a corrupt entry cannot reach a
 * block outside the volume.
 */
#include <errno.h>
#include <string.h>
#include "fat_priv.h"

static uint64_t vol_bytes(const struct fat_vol *v)
{
	return (uint64_t)v->g.total_sectors * v->g.bps;
}

/* Copies len bytes at off between buf and the cache; write marks dirty. */
static int meta_rw(struct fat_vol *v, uint64_t off, void *buf, size_t len,
		   bool write)
{
	uint32_t bs = v->bd->block_size;
	uint8_t *p = buf;

	if (off > vol_bytes(v) || len > vol_bytes(v) - off)
		return -EIO;
	if (write && v->ro)
		return -EROFS;
	/* The first change after a clean sync marks the volume dirty. */
	if (write && !v->flagged) {
		int r = fat_set_dirty(v, true);
		if (r)
			return r;
	}
	while (len) {
		uint32_t o = (uint32_t)(off % bs);
		size_t k = bs - o < len ? bs - o : len;
		struct buf *b;
		int r = bcache_read(v->bd, off / bs, &b);

		if (r)
			return r;
		if (write) {
			memcpy((uint8_t *)b->data + o, p, k);
			bcache_mark_dirty(b);
		} else {
			memcpy(p, (uint8_t *)b->data + o, k);
		}
		bcache_release(b);
		p += k;
		off += k;
		len -= k;
	}
	return 0;
}

int fat_meta_read(struct fat_vol *v, uint64_t off, void *buf, size_t len)
{
	return meta_rw(v, off, buf, len, false);
}

int fat_meta_write(struct fat_vol *v, uint64_t off, const void *buf,
		   size_t len)
{
	return meta_rw(v, off, (void *)buf, len, true);
}

uint64_t fat_cluster_off(const struct fat_vol *v, uint32_t clus)
{
	return ((uint64_t)v->g.data_sector + (uint64_t)(clus - 2) * v->g.spc) *
	       v->g.bps;
}

int fat_meta_zero_cluster(struct fat_vol *v, uint32_t clus)
{
	uint32_t bs = v->bd->block_size;
	uint64_t blk = fat_cluster_off(v, clus) / bs;
	uint32_t i;

	for (i = 0; i < v->g.cluster_size / bs; i++) {
		struct buf *b;
		int r = bcache_get(v->bd, blk + i, &b);

		if (r)
			return r;
		memset(b->data, 0, bs);
		bcache_mark_dirty(b);
		bcache_release(b);
	}
	return 0;
}

/* Reads, changes and writes through one byte-range of the cache. */
static int write_through(struct fat_vol *v, uint64_t off, const void *p,
			 size_t len)
{
	struct buf *b;
	uint32_t bs = v->bd->block_size;
	int r = bcache_read(v->bd, off / bs, &b);

	if (r)
		return r;
	memcpy((uint8_t *)b->data + off % bs, p, len);
	bcache_mark_dirty(b);
	r = bcache_write(b);
	bcache_release(b);
	return r;
}

int fat_set_dirty(struct fat_vol *v, bool dirty)
{
	uint8_t flag;
	int r = fat_meta_read(v, v->g.dirty_offset, &flag, 1);

	if (r)
		return r;
	flag = dirty ? flag | 1 : flag & ~1;
	r = write_through(v, v->g.dirty_offset, &flag, 1);
	if (!r)
		v->flagged = dirty;
	return r;
}

int fat_write_fsinfo(struct fat_vol *v)
{
	uint8_t counts[8];
	uint64_t off = (uint64_t)v->g.fsinfo_sector * v->g.bps + 488;
	uint8_t sig[4];
	int r;

	if (v->g.type != 32 || !v->g.fsinfo_sector || !v->fsinfo_stale)
		return 0;
	/* Only a valid FSInfo is updated; a damaged one stays as found. */
	r = fat_meta_read(v, off - 488, sig, 4);
	if (r || fat_le32(sig) != 0x41615252)
		return r;
	fat_put32(counts, v->free_count);
	fat_put32(counts + 4, v->next_free);
	r = fat_meta_write(v, off, counts, sizeof(counts));
	if (!r)
		v->fsinfo_stale = false;
	return r;
}
