// SPDX-License-Identifier: BSD-2-Clause
/*
 * The file allocation table: entries of 12, 16 or 28 bits (FAT32's top
 * four bits are reserved and kept as found), every copy written in step,
 * allocation from a moving hint (the FSInfo "next free"), chains freed
 * with a bound on their length so a looping chain ends in -EIO instead of
 * a hang.  An entry that points outside the volume, at a free or bad
 * cluster, is corruption: -EIO with a log line.
 */
#include <errno.h>
#include <vireo/klog.h>
#include "fat_priv.h"

#define RUN_MAX 256	/* clusters in one run: 1 MiB of 4 KiB clusters */

bool fat_valid_cluster(const struct fat_vol *v, uint32_t clus)
{
	return clus >= 2 && clus <= v->g.nclusters + 1;
}

static uint64_t entry_off(const struct fat_vol *v, uint32_t clus,
			  uint32_t copy)
{
	uint64_t fat = ((uint64_t)v->g.rsvd + (uint64_t)copy * v->g.fat_sectors) *
		       v->g.bps;

	if (v->g.type == 12)
		return fat + clus + clus / 2;
	return fat + (uint64_t)clus * (uint32_t)(v->g.type / 8);
}

/* The raw entry of clus in the first FAT. */
static int get_raw(struct fat_vol *v, uint32_t clus, uint32_t *val)
{
	uint8_t b[4] = { 0 };
	int r = fat_meta_read(v, entry_off(v, clus, 0), b,
			      v->g.type == 12 ? 2 : (size_t)(v->g.type / 8));

	if (r)
		return r;
	if (v->g.type == 12)
		*val = clus & 1 ? fat_le16(b) >> 4 : fat_le16(b) & 0xfff;
	else if (v->g.type == 16)
		*val = fat_le16(b);
	else
		*val = fat_le32(b) & 0x0fffffff;
	return 0;
}

static uint32_t eoc_min(const struct fat_vol *v)
{
	return v->g.type == 12 ? 0xff8 : v->g.type == 16 ? 0xfff8 : 0x0ffffff8;
}

static int corrupt(uint32_t clus, uint32_t val)
{
	pr_err("fat: corrupt FAT: cluster %u -> %#x\n", clus, val);
	return -EIO;
}

int fat_next(struct fat_vol *v, uint32_t clus, uint32_t *next)
{
	uint32_t val;
	int r;

	if (!fat_valid_cluster(v, clus))
		return corrupt(clus, 0);
	r = get_raw(v, clus, &val);
	if (r)
		return r;
	if (val >= eoc_min(v)) {
		*next = FAT_EOC;
		return 0;
	}
	if (!fat_valid_cluster(v, val))
		return corrupt(clus, val);
	*next = val;
	return 0;
}

static int set_copy(struct fat_vol *v, uint32_t clus, uint32_t val,
		    uint32_t copy)
{
	uint64_t off = entry_off(v, clus, copy);
	uint8_t b[4];
	int r;

	if (v->g.type == 16) {
		fat_put16(b, (uint16_t)val);
		return fat_meta_write(v, off, b, 2);
	}
	r = fat_meta_read(v, off, b, v->g.type == 12 ? 2 : 4);
	if (r)
		return r;
	if (v->g.type == 32) {
		fat_put32(b, (fat_le32(b) & 0xf0000000) | (val & 0x0fffffff));
		return fat_meta_write(v, off, b, 4);
	}
	if (clus & 1)
		fat_put16(b, (uint16_t)((fat_le16(b) & 0x000f) | (val << 4)));
	else
		fat_put16(b, (uint16_t)((fat_le16(b) & 0xf000) | (val & 0xfff)));
	return fat_meta_write(v, off, b, 2);
}

int fat_set(struct fat_vol *v, uint32_t clus, uint32_t val)
{
	uint32_t copy;
	int r = 0;

	if (!fat_valid_cluster(v, clus))
		return corrupt(clus, val);
	if (val == FAT_EOC)
		val = v->g.type == 12 ? 0xfff : v->g.type == 16 ? 0xffff :
					  0x0fffffff;
	for (copy = 0; !r && copy < v->g.nfats; copy++)
		r = set_copy(v, clus, val, copy);
	return r;
}

int fat_alloc(struct fat_vol *v, uint32_t prev, uint32_t *out)
{
	uint32_t n = v->g.nclusters, i, c, val;
	int r;

	if (!v->free_count)
		return -ENOSPC;
	c = fat_valid_cluster(v, v->next_free) ? v->next_free : 2;
	for (i = 0; i < n; i++, c = c == n + 1 ? 2 : c + 1) {
		r = get_raw(v, c, &val);
		if (r)
			return r;
		if (val == FAT_FREE)
			break;
	}
	if (i == n) {
		v->free_count = 0;	/* the count was wrong */
		return -ENOSPC;
	}
	r = fat_set(v, c, FAT_EOC);
	if (!r && prev)
		r = fat_set(v, prev, c);
	if (r)
		return r;
	v->free_count--;
	v->next_free = c == n + 1 ? 2 : c + 1;
	v->fsinfo_stale = true;
	*out = c;
	return 0;
}

/* Bytes of entries first..first+n-1 of FAT copy into b (FAT16/32). */
static int run_bytes(struct fat_vol *v, uint32_t first, uint32_t n,
		     uint32_t copy, uint8_t *b, bool write)
{
	uint64_t off = entry_off(v, first, copy);
	size_t len = (size_t)n * (size_t)(v->g.type / 8);

	return write ? fat_meta_write(v, off, b, len) : fat_meta_read(v, off, b, len);
}

/* Chains first..first+n into one run ending in EOC, in every copy, one
 * cache access per block instead of per entry (FAT32's top bits kept). */
static int link_run(struct fat_vol *v, uint32_t first, uint32_t n)
{
	uint8_t b[RUN_MAX * 4];
	uint32_t copy, i;
	int r = 0;

	for (copy = 0; !r && copy < v->g.nfats; copy++) {
		r = run_bytes(v, first, n + 1, copy, b, false);
		for (i = 0; !r && i <= n; i++) {
			uint32_t val = i == n ? 0x0fffffff : first + i + 1;
			if (v->g.type == 16)
				fat_put16(b + 2 * i, (uint16_t)val);
			else
				fat_put32(b + 4 * i, (fat_le32(b + 4 * i) & 0xf0000000) | val);
		}
		if (!r)
			r = run_bytes(v, first, n + 1, copy, b, true);
	}
	return r;
}

int fat_alloc_run(struct fat_vol *v, uint32_t prev, uint32_t want,
		  uint32_t *first, uint32_t *got)
{
	uint8_t b[RUN_MAX * 4];
	uint32_t n = want - 1, k, w = (uint32_t)(v->g.type / 8);
	int r = fat_alloc(v, prev, first);

	*got = 1;
	if (r || v->g.type == 12 || want < 2)
		return r;
	/* The free clusters right after it join the run. */
	if (n > RUN_MAX - 1)
		n = RUN_MAX - 1;
	if (n > v->g.nclusters + 1 - *first)
		n = v->g.nclusters + 1 - *first;
	if (n > v->free_count)
		n = v->free_count;
	r = n ? run_bytes(v, *first + 1, n, 0, b, false) : 0;
	for (k = 0; !r && k < n; k++) {
		uint32_t e = w == 2 ? fat_le16(b + 2 * k) : fat_le32(b + 4 * k) & 0x0fffffff;
		if (e != FAT_FREE)
			break;
	}
	if (r || !k)
		return r;
	r = link_run(v, *first, k);
	if (r)
		return r;
	v->free_count -= k;
	v->next_free = *first + k + 1 > v->g.nclusters + 1 ? 2 : *first + k + 1;
	*got = k + 1;
	return 0;
}

int fat_contig(struct fat_vol *v, uint32_t c, uint32_t max, uint32_t *out)
{
	uint8_t b[RUN_MAX * 4];
	uint32_t k = 1, m = max < RUN_MAX ? max : RUN_MAX, next;
	int r;

	if (m > v->g.nclusters + 2 - c)
		m = v->g.nclusters + 2 - c;
	if (v->g.type == 12) {
		/* 12-bit entries straddle bytes: one at a time. */
		for (; k < m; k++) {
			r = fat_next(v, c + k - 1, &next);
			if (r || next != c + k)
				break;
		}
		*out = k;
		return 0;
	}
	r = m > 1 ? run_bytes(v, c, m - 1, 0, b, false) : 0;
	for (; !r && k < m; k++) {
		uint32_t e = v->g.type == 16 ? fat_le16(b + 2 * (k - 1)) :
			     fat_le32(b + 4 * (k - 1)) & 0x0fffffff;
		if (e != c + k)
			break;
	}
	*out = k;
	return r;
}

int fat_free_chain(struct fat_vol *v, uint32_t first)
{
	uint32_t c = first, next, steps;
	int r;

	for (steps = 0; c != FAT_EOC; steps++) {
		if (steps > v->g.nclusters)
			return corrupt(c, 0);	/* a loop */
		r = fat_next(v, c, &next);
		if (!r)
			r = fat_set(v, c, FAT_FREE);
		if (r)
			return r;
		v->free_count++;
		v->fsinfo_stale = true;
		c = next;
	}
	return 0;
}

int fat_count_free(struct fat_vol *v, uint32_t *out)
{
	uint32_t c, val, n = 0;
	int r;

	for (c = 2; c <= v->g.nclusters + 1; c++) {
		r = get_raw(v, c, &val);
		if (r)
			return r;
		n += val == FAT_FREE;
	}
	*out = n;
	return 0;
}
