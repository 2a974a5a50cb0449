// SPDX-License-Identifier: BSD-2-Clause
/*
 * The FAT boot sector (BIOS parameter block) and FSInfo sector: parsing
 * and validating the geometry of a volume.  The FAT type follows from the
 * count of data clusters alone (Microsoft's FAT specification, "FAT type
 * determination"), never from the type string.  Every field is checked
 * against the others and against the device's size, so the rest of the
 * file system may trust the geometry: a volume that fails gets -EINVAL
 * with a log line saying which field is wrong.  Pure: builds on the host.
 */
#include <errno.h>
#include <string.h>
#include <vireo/klog.h>
#include "fat_priv.h"

uint16_t fat_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

uint32_t fat_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

void fat_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void fat_put32(uint8_t *p, uint32_t v)
{
	fat_put16(p, (uint16_t)v);
	fat_put16(p + 2, (uint16_t)(v >> 16));
}

static bool pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

static int bad(const char *what)
{
	pr_err("fat: bad boot sector: %s\n", what);
	return -EINVAL;
}

/* The fields every FAT type has. */
static int parse_common(const uint8_t *bs, struct fat_geo *g)
{
	uint32_t total16 = fat_le16(bs + 19);

	if ((bs[0] != 0xeb && bs[0] != 0xe9) || bs[510] != 0x55 ||
	    bs[511] != 0xaa)
		return bad("no jump or signature");
	g->bps = fat_le16(bs + 11);
	g->spc = bs[13];
	g->rsvd = fat_le16(bs + 14);
	g->nfats = bs[16];
	g->root_entries = fat_le16(bs + 17);
	g->total_sectors = total16 ? total16 : fat_le32(bs + 32);
	g->fat_sectors = fat_le16(bs + 22);
	if (!g->fat_sectors)
		g->fat_sectors = fat_le32(bs + 36);
	if (g->bps < 512 || g->bps > 4096 || !pow2(g->bps))
		return bad("bytes per sector");
	if (!pow2(g->spc) || g->spc * g->bps > 65536)
		return bad("sectors per cluster");
	if (!g->rsvd || !g->nfats || g->nfats > 4 || !g->fat_sectors)
		return bad("reserved sectors, FAT count or FAT size");
	g->cluster_size = g->spc * g->bps;
	return 0;
}

/* The areas: reserved, FATs, fixed root, data; and the cluster count. */
static int layout(struct fat_geo *g)
{
	uint64_t root_bytes = (uint64_t)g->root_entries * FAT_DIRENT_SIZE;
	uint64_t data = (uint64_t)g->rsvd + (uint64_t)g->nfats * g->fat_sectors;
	uint64_t root_secs = (root_bytes + g->bps - 1) / g->bps;

	g->root_sector = (uint32_t)data;
	data += root_secs;
	if (data >= g->total_sectors)
		return bad("no room for data");
	g->data_sector = (uint32_t)data;
	g->nclusters = (uint32_t)((g->total_sectors - data) / g->spc);
	if (g->nclusters < 1)
		return bad("no clusters");
	g->type = g->nclusters < 4085 ? 12 : g->nclusters < 65525 ? 16 : 32;
	return 0;
}

/* The FAT must have an entry for every cluster. */
static int check_fat_size(const struct fat_geo *g)
{
	uint64_t entries = (uint64_t)g->nclusters + 2;
	uint64_t bytes = g->type == 12 ? (entries * 3 + 1) / 2 :
			 entries * (uint64_t)(g->type / 8);

	if (bytes > (uint64_t)g->fat_sectors * g->bps)
		return bad("FAT too small for the clusters");
	return 0;
}

static int parse_fat32(const uint8_t *bs, struct fat_geo *g)
{
	if (g->root_entries || fat_le16(bs + 22))
		return bad("FAT32 with a fixed root or a 16-bit FAT size");
	if (fat_le16(bs + 42))
		return bad("FAT32 version");
	g->root_cluster = fat_le32(bs + 44);
	if (g->root_cluster < 2 || g->root_cluster > g->nclusters + 1)
		return bad("root cluster");
	g->fsinfo_sector = fat_le16(bs + 48);
	if (g->fsinfo_sector >= g->rsvd || g->fsinfo_sector == 0)
		g->fsinfo_sector = 0;	/* none: counts are computed */
	g->dirty_offset = 65;
	return 0;
}

int fat_parse_bpb(const uint8_t *bs, size_t len, uint64_t dev_bytes,
		  struct fat_geo *g)
{
	int r;

	memset(g, 0, sizeof(*g));
	g->fsinfo_free = g->fsinfo_next = 0xffffffffu;
	if (len < 512)
		return bad("short");
	r = parse_common(bs, g);
	if (!r && (uint64_t)g->total_sectors * g->bps > dev_bytes)
		r = bad("larger than the device");
	if (!r)
		r = layout(g);
	if (!r)
		r = check_fat_size(g);
	if (r)
		return r;
	if (g->type == 32)
		return parse_fat32(bs, g);
	if (!g->root_entries)
		return bad("FAT12/16 without root entries");
	g->dirty_offset = 37;
	return 0;
}

void fat_parse_fsinfo(const uint8_t *sec, struct fat_geo *g)
{
	g->fsinfo_free = g->fsinfo_next = 0xffffffffu;
	if (fat_le32(sec) != 0x41615252 || fat_le32(sec + 484) != 0x61417272 ||
	    fat_le32(sec + 508) != 0xaa550000)
		return;
	g->fsinfo_free = fat_le32(sec + 488);
	g->fsinfo_next = fat_le32(sec + 492);
}
