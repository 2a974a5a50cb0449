// SPDX-License-Identifier: BSD-2-Clause
/*
 * File data on a FAT volume: a file is its chain of clusters, found from
 * the last cluster looked up (so sequential access never walks the chain
 * from its start), read and written in runs of adjacent clusters with
 * blockdev_pread/pwrite (whole blocks straight to the device, coherent
 * with the cache, which keeps the metadata).  FAT has no holes: growing a
 * file past its end, by a write or a truncate, allocates clusters and
 * writes zeros there.  Clusters are linked before the size grows, so a
 * crash leaves at worst clusters fsck reclaims, never a size past the
 * chain.  Files stop at 4 GiB - 1 (-EFBIG).
 */
#include <errno.h>
#include <string.h>
#include <vireo/klog.h>
#include "fat_priv.h"

static const uint8_t zeros[4096];

int fat_file_cluster(struct fat_node *n, uint32_t index, uint32_t *clus)
{
	struct fat_vol *v = n->vol;
	uint32_t i = 0, c = n->first, steps = 0;
	int r;

	if (!c) {
		*clus = FAT_EOC;
		return 0;
	}
	if (n->hint_cluster && n->hint_index <= index) {
		i = n->hint_index;
		c = n->hint_cluster;
	}
	for (; i < index; i++) {
		if (++steps > v->g.nclusters)
			return -EIO;	/* a loop */
		r = fat_next(v, c, &c);
		if (r)
			return r;
		if (c == FAT_EOC) {
			*clus = FAT_EOC;
			return 0;
		}
	}
	n->hint_index = index;
	n->hint_cluster = c;
	*clus = c;
	return 0;
}

int fat_file_check_chain(struct fat_vol *v, uint32_t first, uint32_t size)
{
	uint32_t need = (uint32_t)(((uint64_t)size + v->g.cluster_size - 1) /
				   v->g.cluster_size);
	uint32_t c = first, n = 0;
	int r;

	/* To its end: a loop never ends, so the walk stops after as many
	 * steps as the volume has clusters. */
	for (; c && c != FAT_EOC && n <= v->g.nclusters; n++) {
		r = fat_next(v, c, &c);
		if (r)
			return r;
	}
	if (n < need || n > v->g.nclusters) {
		pr_err("fat: chain from %u shorter than its %u bytes, or looping\n",
		       first, size);
		return -EIO;
	}
	return 0;
}

/* The run of adjacent clusters from byte off, at most len bytes: its
 * device offset in *dev and length in *run.  -EIO when the chain is
 * shorter than needed. */
static int data_run(struct fat_node *n, uint64_t off, size_t len,
		    uint64_t *dev, size_t *run)
{
	struct fat_vol *v = n->vol;
	uint32_t cs = v->g.cluster_size, idx = (uint32_t)(off / cs), c, k;
	uint64_t want = (off % cs + len + cs - 1) / cs;
	int r = fat_file_cluster(n, idx, &c);

	if (!r && c == FAT_EOC)
		r = -EIO;
	if (!r)
		r = fat_contig(v, c, want > UINT32_MAX ? UINT32_MAX : (uint32_t)want, &k);
	if (r)
		return r;
	*dev = fat_cluster_off(v, c) + off % cs;
	n->hint_index = idx + k - 1;
	n->hint_cluster = c + k - 1;
	*run = (uint64_t)k * cs - off % cs < len ? (size_t)((uint64_t)k * cs - off % cs) : len;
	return 0;
}

ssize_t fat_file_read(struct fat_node *n, void *buf, size_t len, off_t off)
{
	size_t done = 0, run;
	uint64_t dev;
	ssize_t r;

	if (off < 0)
		return -EINVAL;
	if ((uint64_t)off >= n->size)
		return 0;
	if (len > n->size - (uint64_t)off)
		len = n->size - (size_t)off;
	while (done < len) {
		r = data_run(n, (uint64_t)off + done, len - done, &dev, &run);
		if (!r)
			r = blockdev_pread(n->vol->bd, (uint8_t *)buf + done,
					   run, dev);
		if (r < 0)
			return done ? (ssize_t)done : r;
		if (r == 0)
			return -EIO;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

/* Clusters for the first end bytes: allocates the missing ones.  Returns
 * the bytes covered (less than end when the volume filled) or -errno. */
static int64_t ensure_clusters(struct fat_node *n, uint64_t end)
{
	struct fat_vol *v = n->vol;
	uint32_t cs = v->g.cluster_size;
	uint32_t have = (uint32_t)((n->size + cs - 1) / cs);
	uint32_t need = (uint32_t)((end + cs - 1) / cs), prev = 0, c, got;
	int r = 0;

	if (have && have < need) {
		r = fat_file_cluster(n, have - 1, &prev);
		if (!r && prev == FAT_EOC)
			r = -EIO;
		if (r)
			return r;
	}
	/* The write that follows starts at the old end: the hint stays
	 * there (ahead of it, the next lookup would walk from the start). */
	uint32_t old = have;
	while (have < need) {
		r = fat_alloc_run(v, prev, need - have, &c, &got);
		if (r)
			break;
		if (!prev)
			n->first = c;
		if (have == old) {
			n->hint_index = old ? old - 1 : 0;
			n->hint_cluster = old ? prev : c;
		}
		have += got;
		prev = c + got - 1;
	}
	if (r && r != -ENOSPC)
		return r;
	return (uint64_t)have * cs < end ? (int64_t)have * cs : (int64_t)end;
}

/* Writes len bytes of buf (zeros when NULL) at off, within the clusters
 * the file has. */
static ssize_t write_data(struct fat_node *n, const uint8_t *buf, size_t len,
			  uint64_t off)
{
	size_t done = 0, run;
	uint64_t dev;
	ssize_t r;

	while (done < len) {
		r = data_run(n, off + done, len - done, &dev, &run);
		if (r)
			return r;
		if (!buf && run > sizeof(zeros))
			run = sizeof(zeros);
		r = blockdev_pwrite(n->vol->bd, buf ? buf + done : zeros, run,
				    dev);
		if (r <= 0)
			return r ? r : -EIO;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

static void touch(struct fat_node *n)
{
	fat_time_encode(vfs_now_ns(), &n->mdate, &n->mtime);
	n->adate = n->mdate;
	n->attr |= FAT_ATTR_ARCHIVE;
}

/* Writes (or zero-fills) [off, off + len): the count or -errno. */
static ssize_t write_at(struct fat_node *n, const uint8_t *buf, size_t len,
			uint64_t off)
{
	int64_t covered = ensure_clusters(n, off + len);
	ssize_t r;

	if (covered < 0)
		return covered;
	if ((uint64_t)covered <= off)
		return -ENOSPC;
	r = write_data(n, buf, (size_t)((uint64_t)covered - off), off);
	if (r > 0 && off + (uint64_t)r > n->size)
		n->size = (uint32_t)(off + (uint64_t)r);
	if (r > 0)
		touch(n);
	return r;
}

/* Zeroes from the size to end, so a gap reads as zeros. */
static int fill_to(struct fat_node *n, uint64_t end)
{
	while (n->size < end) {
		ssize_t r = write_at(n, NULL, (size_t)(end - n->size), n->size);
		if (r < 0)
			return (int)r;
	}
	return 0;
}

ssize_t fat_file_write(struct fat_node *n, const void *buf, size_t len,
		       off_t off)
{
	ssize_t r;
	int e;

	if (off < 0)
		return -EINVAL;
	if ((uint64_t)off >= FAT_MAX_FILE)
		return len ? -EFBIG : 0;
	if (len > FAT_MAX_FILE - (uint64_t)off)
		len = (size_t)(FAT_MAX_FILE - (uint64_t)off);
	if (!len)
		return 0;
	e = fill_to(n, (uint64_t)off);
	r = e ? e : write_at(n, buf, len, (uint64_t)off);
	e = fat_node_store(n);
	return r < 0 ? r : e ? e : r;
}

/* Cuts the chain after keep clusters. */
static int cut_chain(struct fat_node *n, uint32_t keep)
{
	uint32_t last, next;
	int r;

	if (!keep) {
		r = n->first ? fat_free_chain(n->vol, n->first) : 0;
		n->first = 0;
		n->hint_cluster = 0;
		return r;
	}
	r = fat_file_cluster(n, keep - 1, &last);
	if (r || last == FAT_EOC)
		return r ? r : -EIO;
	r = fat_next(n->vol, last, &next);
	if (r || next == FAT_EOC)
		return r;
	r = fat_set(n->vol, last, FAT_EOC);
	return r ? r : fat_free_chain(n->vol, next);
}

int fat_file_truncate(struct fat_node *n, uint64_t len)
{
	uint32_t cs = n->vol->g.cluster_size;
	int r;

	if (len > FAT_MAX_FILE)
		return -EFBIG;
	if (len > n->size) {
		r = fill_to(n, len);
	} else {
		r = cut_chain(n, (uint32_t)((len + cs - 1) / cs));
		if (!r) {
			n->size = (uint32_t)len;
			touch(n);
		}
	}
	int e = fat_node_store(n);
	return r ? r : e;
}
