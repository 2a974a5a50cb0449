// SPDX-License-Identifier: BSD-2-Clause
/*
 * mkfatfs's formatter: picks the FAT type (by size unless asked for),
 * the smallest cluster that keeps the cluster count inside that type's
 * range (FAT32: 4 KiB clusters from 260 MiB on, smaller below), sizes
 * the FATs by iterating until they cover the clusters they leave, and
 * writes the reserved area, both FATs, the root directory, the FAT32
 * FSInfo and backup boot sectors, and the label.  The data area is left
 * as it was.  Pure: the device is a write callback (include/vireo/fat.h).
 */
#include <errno.h>
#include <string.h>
#include <vireo/fat.h>
#include "fat_priv.h"

struct layout {
	int type;
	uint32_t bps, spc, rsvd, root_entries, fat_sectors, total, nclusters;
};

static uint64_t fat_bytes(int type, uint64_t entries)
{
	return type == 12 ? (entries * 3 + 1) / 2 : entries * (uint64_t)(type / 8);
}

/* Fills fat_sectors and nclusters for l->spc: 0, or -EINVAL when the
 * count falls outside the type's range. */
static int fit(struct layout *l)
{
	uint32_t root = (l->root_entries * FAT_DIRENT_SIZE + l->bps - 1) / l->bps;
	uint64_t fs = 1, data, need;

	for (;;) {
		data = l->rsvd + 2 * fs + root;
		if (data >= l->total)
			return -EINVAL;
		l->nclusters = (uint32_t)((l->total - data) / l->spc);
		need = (fat_bytes(l->type, (uint64_t)l->nclusters + 2) + l->bps - 1) /
		       l->bps;
		if (need <= fs)
			break;
		fs = need;
	}
	l->fat_sectors = (uint32_t)fs;
	if (l->type == 12)
		return l->nclusters < 4085 ? 0 : -EINVAL;
	if (l->type == 16)
		return l->nclusters >= 4085 && l->nclusters < 65525 ? 0 : -EINVAL;
	return l->nclusters >= 65525 && l->nclusters < 0x0ffffff5 ? 0 : -EINVAL;
}

static int choose(struct layout *l, uint64_t bytes, int type, uint32_t bps)
{
	uint64_t mib = bytes >> 20;

	l->bps = bps;
	l->total = bytes / bps > 0xffffffffu ? 0xffffffffu : (uint32_t)(bytes / bps);
	l->type = type ? type : mib < 16 ? 12 : mib < 512 ? 16 : 32;
	l->rsvd = l->type == 32 ? 32 : 1;
	l->root_entries = l->type == 32 ? 0 : 512;
	if (l->type == 32) {
		/* Larger clusters first; smaller ones until the count fits. */
		for (l->spc = mib >= 260 ? 4096 / bps : 1; l->spc; l->spc /= 2)
			if (l->spc && !fit(l))
				return 0;
		for (l->spc = 8192 / bps; l->spc * bps <= 32768; l->spc *= 2)
			if (!fit(l))
				return 0;
		return -EINVAL;
	}
	for (l->spc = 1; l->spc * bps <= 32768; l->spc *= 2)
		if (!fit(l))
			return 0;
	return -EINVAL;
}

/* The 11-byte label, upper case: 0 or -EINVAL. */
static int make_label(const char *s, uint8_t *out)
{
	size_t i;

	memset(out, ' ', 11);
	if (!s) {
		memcpy(out, "NO NAME    ", 11);
		return 0;
	}
	if (!*s || strlen(s) > 11)
		return -EINVAL;
	for (i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 32);
		if (c < 0x20 || c >= 0x7f || strchr("\"*+,./:;<=>?[\\]|", c))
			return -EINVAL;
		out[i] = c;
	}
	return 0;
}

static void boot_sector(uint8_t *bs, const struct layout *l,
			const struct fat_format_opts *o, const uint8_t *label)
{
	size_t ext = l->type == 32 ? 64 : 36;

	memset(bs, 0, 512);
	bs[0] = 0xeb;
	bs[1] = l->type == 32 ? 0x58 : 0x3c;
	bs[2] = 0x90;
	memcpy(bs + 3, "VIREO1.0", 8);
	fat_put16(bs + 11, (uint16_t)l->bps);
	bs[13] = (uint8_t)l->spc;
	fat_put16(bs + 14, (uint16_t)l->rsvd);
	bs[16] = 2;
	fat_put16(bs + 17, (uint16_t)l->root_entries);
	if (l->total < 65536 && l->type != 32)
		fat_put16(bs + 19, (uint16_t)l->total);
	else
		fat_put32(bs + 32, l->total);
	bs[21] = 0xf8;
	fat_put16(bs + 24, 32);		/* sectors per track, heads: legacy */
	fat_put16(bs + 26, 64);
	if (l->type == 32) {
		fat_put32(bs + 36, l->fat_sectors);
		fat_put32(bs + 44, 2);	/* root cluster */
		fat_put16(bs + 48, 1);	/* FSInfo */
		fat_put16(bs + 50, 6);	/* backup boot sector */
	} else {
		fat_put16(bs + 22, (uint16_t)l->fat_sectors);
	}
	bs[ext] = 0x80;
	bs[ext + 2] = 0x29;
	fat_put32(bs + ext + 3, o->volume_id);
	memcpy(bs + ext + 7, label, 11);
	memcpy(bs + ext + 18, l->type == 12 ? "FAT12   " : l->type == 16 ?
	       "FAT16   " : "FAT32   ", 8);
	bs[ext + 26] = 0xeb;		/* boot code: a loop on itself */
	bs[ext + 27] = 0xfe;
	bs[510] = 0x55;
	bs[511] = 0xaa;
}

static void fsinfo_sector(uint8_t *s, const struct layout *l)
{
	memset(s, 0, 512);
	fat_put32(s, 0x41615252);
	fat_put32(s + 484, 0x61417272);
	fat_put32(s + 488, l->nclusters - 1);	/* the root has one */
	fat_put32(s + 492, 3);
	fat_put32(s + 508, 0xaa550000);
}

static int zero(fat_write_fn write, void *ctx, uint64_t off, uint64_t len)
{
	static const uint8_t z[4096];
	int r = 0;

	while (!r && len) {
		size_t k = len < sizeof(z) ? (size_t)len : sizeof(z);
		r = write(ctx, z, k, off);
		off += k;
		len -= k;
	}
	return r;
}

/* Reserved sectors, FATs, root: zeroed, then their first bytes. */
static int write_areas(const struct layout *l, fat_write_fn write, void *ctx,
		       const uint8_t *label)
{
	static const uint8_t head[3][12] = {
		{ 0xf8, 0xff, 0xff },
		{ 0xf8, 0xff, 0xff, 0xff },
		{ 0xf8, 0xff, 0xff, 0x0f, 0xff, 0xff, 0xff, 0x0f,
		  0xff, 0xff, 0xff, 0x0f },
	};
	int t = l->type == 12 ? 0 : l->type == 16 ? 1 : 2;
	uint64_t fat0 = (uint64_t)l->rsvd * l->bps;
	uint64_t root = fat0 + 2ULL * l->fat_sectors * l->bps;
	uint64_t root_len = l->type == 32 ? (uint64_t)l->spc * l->bps :
			    (uint64_t)l->root_entries * FAT_DIRENT_SIZE;
	uint8_t vol[FAT_DIRENT_SIZE] = { 0 };
	int r = zero(write, ctx, 0, root + root_len), i;

	for (i = 0; !r && i < 2; i++)
		r = write(ctx, head[t], (size_t)(t == 0 ? 3 : t == 1 ? 4 : 12),
			  fat0 + (uint64_t)i * l->fat_sectors * l->bps);
	if (r || !memcmp(label, "NO NAME    ", 11))
		return r;
	memcpy(vol, label, 11);
	vol[11] = FAT_ATTR_VOLUME;
	return write(ctx, vol, sizeof(vol), root);
}

int fat_format(const struct fat_format_opts *o, uint64_t bytes,
	       fat_write_fn write, void *ctx, int *type_out)
{
	uint32_t bps = o->sector_size ? o->sector_size : 512;
	uint8_t label[11], bs[512], fsi[512];
	struct layout l;
	int r;

	if ((o->type && o->type != 12 && o->type != 16 && o->type != 32) ||
	    bps < 512 || bps > 4096 || (bps & (bps - 1)) || make_label(o->label, label))
		return -EINVAL;
	r = choose(&l, bytes, o->type, bps);
	if (r)
		return r;
	boot_sector(bs, &l, o, label);
	r = write_areas(&l, write, ctx, label);
	if (!r && l.type == 32) {
		fsinfo_sector(fsi, &l);
		r = write(ctx, fsi, sizeof(fsi), bps);
		if (!r)
			r = write(ctx, bs, sizeof(bs), 6ULL * bps);
		if (!r)
			r = write(ctx, fsi, sizeof(fsi), 7ULL * bps);
	}
	/* The boot sector last: a volume cut short is not mistaken for one. */
	if (!r)
		r = write(ctx, bs, sizeof(bs), 0);
	if (!r && type_out)
		*type_out = l.type;
	return r;
}
