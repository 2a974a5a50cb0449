/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared between the files of fs/fat/: the volume's geometry (fat_bpb.c),
 * metadata access through the block cache (fat_meta.c), the allocation
 * table (fat_table.c), directories with long names (fat_dir.c), file data
 * (fat_file.c) and the nodes the VFS sees (fat_vfs.c).
 *
 * Everything here runs under the VFS lock (include/vireo/vfs.h), which
 * serialises every call into a mounted volume; nothing here takes a lock
 * of its own, which is also what lets these files build on the host.
 * Every value read from the disk is checked before it is used: a corrupt
 * volume gives -EIO (and a log line), never a fault or a write outside
 * the volume.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <vireo/blockdev.h>
#include <vireo/list.h>
#include <vireo/vfs.h>

#define FAT_DIRENT_SIZE 32
#define FAT_ATTR_RO 0x01
#define FAT_ATTR_HIDDEN 0x02
#define FAT_ATTR_SYSTEM 0x04
#define FAT_ATTR_VOLUME 0x08
#define FAT_ATTR_DIR 0x10
#define FAT_ATTR_ARCHIVE 0x20
#define FAT_ATTR_LFN 0x0f
#define FAT_DELETED 0xe5
#define FAT_CASE_LOWER_BASE 0x08	/* byte 12: NT's lower-case flags */
#define FAT_CASE_LOWER_EXT 0x10
#define FAT_MAX_FILE 0xffffffffu	/* 4 GiB - 1 */
#define FAT_LFN_MAX 255			/* UTF-16 units of a long name */
#define FAT_MAX_DIR_ENTRIES 65536	/* the specification's limit */

/* A free cluster and the end of a chain as fat_next() reports them. */
#define FAT_FREE 0u
#define FAT_EOC 0xffffffffu

/* The geometry of a mounted volume, from its boot sector. */
struct fat_geo {
	int type;			/* 12, 16 or 32 */
	uint32_t bps;			/* bytes per sector */
	uint32_t spc;			/* sectors per cluster */
	uint32_t cluster_size;		/* bytes */
	uint32_t rsvd;			/* reserved sectors */
	uint32_t nfats;
	uint32_t fat_sectors;		/* of one FAT */
	uint32_t root_entries;		/* FAT12/16: entries of the fixed root */
	uint32_t root_sector;		/* FAT12/16: its first sector */
	uint32_t data_sector;		/* cluster 2's first sector */
	uint32_t total_sectors;
	uint32_t nclusters;		/* valid clusters: 2 .. nclusters + 1 */
	uint32_t root_cluster;		/* FAT32 */
	uint32_t fsinfo_sector;		/* FAT32, 0: none */
	uint32_t fsinfo_free;		/* FAT32 FSInfo hints, 0xffffffff: none */
	uint32_t fsinfo_next;
	uint32_t dirty_offset;		/* boot-sector byte of the dirty flag */
};

struct fat_vol {
	struct blockdev *bd;
	struct fat_geo g;
	bool ro;
	bool flagged;			/* the dirty flag is set on the disk */
	uint32_t free_count;		/* clusters */
	uint32_t next_free;		/* where the next allocation looks */
	bool fsinfo_stale;		/* free_count changed since written */
	struct list_node nodes;		/* fat_node.link: nodes in use */
	struct fat_node *root;
};

/* A directory entry's place on the disk and what the VFS needs of it. */
struct fat_node {
	struct vnode vn;
	struct fat_vol *vol;
	struct list_node link;
	struct fat_node *parent;	/* directories: referenced, ".." */
	uint64_t dirent_off;		/* byte offset of the 8.3 entry; 0: root */
	uint32_t first;			/* first cluster, 0: none */
	uint32_t size;
	uint8_t attr;
	uint16_t ctime, cdate, mtime, mdate, adate;
	bool unlinked;			/* free the clusters when unused */
	/* The last cluster looked up: sequential access walks no chain. */
	uint32_t hint_index, hint_cluster;
	/* Directories: readdir position rd_pos is at entry rd_index. */
	uint64_t rd_pos;
	uint32_t rd_index;
};

/* fat_bpb.c: the boot sector of a volume of dev_bytes bytes. */
int fat_parse_bpb(const uint8_t *bs, size_t len, uint64_t dev_bytes,
		  struct fat_geo *g);
/* The FSInfo sector's free count and next-free hint, or none when its
 * signatures are wrong (then both become 0xffffffff). */
void fat_parse_fsinfo(const uint8_t *sec, struct fat_geo *g);
uint16_t fat_le16(const uint8_t *p);
uint32_t fat_le32(const uint8_t *p);
void fat_put16(uint8_t *p, uint16_t v);
void fat_put32(uint8_t *p, uint32_t v);

/* fat_meta.c: bytes of the volume through the block cache (metadata). */
int fat_meta_read(struct fat_vol *v, uint64_t off, void *buf, size_t len);
int fat_meta_write(struct fat_vol *v, uint64_t off, const void *buf,
		   size_t len);
/* Zeroes a whole cluster through the cache (a new directory's). */
int fat_meta_zero_cluster(struct fat_vol *v, uint32_t clus);
/* Byte offset of a cluster's first byte. */
uint64_t fat_cluster_off(const struct fat_vol *v, uint32_t clus);
/* The dirty flag in the boot sector (and FAT[1]), written now. */
int fat_set_dirty(struct fat_vol *v, bool dirty);
/* Writes the FSInfo counts when they changed (FAT32). */
int fat_write_fsinfo(struct fat_vol *v);

/* fat_table.c */
/* The cluster after clus: *next is another valid cluster or FAT_EOC.
 * -EIO when clus or its entry is out of range, free or bad. */
int fat_next(struct fat_vol *v, uint32_t clus, uint32_t *next);
/* Writes entry clus of every FAT copy (val: a cluster, FAT_FREE, FAT_EOC). */
int fat_set(struct fat_vol *v, uint32_t clus, uint32_t val);
/* A free cluster marked as the end of a chain and linked after prev
 * (0: a new chain).  -ENOSPC when none is left. */
int fat_alloc(struct fat_vol *v, uint32_t prev, uint32_t *out);
/* As fat_alloc(), then up to want - 1 free clusters right after it
 * chained on (fewer when the next ones are taken): *first and *got. */
int fat_alloc_run(struct fat_vol *v, uint32_t prev, uint32_t want,
		  uint32_t *first, uint32_t *got);
/* How many clusters from c (a cluster of some chain) follow each other
 * in the chain as c, c + 1, ...: 1 .. max, read a block of the FAT at a
 * time. */
int fat_contig(struct fat_vol *v, uint32_t c, uint32_t max, uint32_t *out);
/* Frees the chain from first on. */
int fat_free_chain(struct fat_vol *v, uint32_t first);
/* Counts the free clusters by reading the whole FAT. */
int fat_count_free(struct fat_vol *v, uint32_t *out);
bool fat_valid_cluster(const struct fat_vol *v, uint32_t clus);

/* fat_dir.c: directories (first cluster 0 is the fixed FAT12/16 root). */
struct fat_dirent {
	char name[VFS_NAME_MAX + 1];	/* UTF-8 */
	uint8_t raw[FAT_DIRENT_SIZE];	/* the 8.3 entry */
	uint64_t off;			/* its byte offset */
	uint32_t index;			/* its entry number in the directory */
	uint32_t lfn_index;		/* the name's first entry's number */
};
/* Where a walk over a directory is: its cluster (so walking on needs no
 * walk of the chain from its start) and a copy of the 512 bytes of
 * entries last read (one cache access per 16 entries).  A cursor reads;
 * whoever writes entries starts a new one afterwards. */
struct fat_dcur {
	uint32_t dir;		/* first cluster, 0: the fixed root */
	uint32_t ci;		/* index of clus in the chain */
	uint32_t clus;		/* 0: not yet walked */
	uint64_t chunk_off;	/* UINT64_MAX: chunk empty */
	uint8_t chunk[512];
};
void fat_dcur_init(struct fat_dcur *c, uint32_t dir);
/* The entry at entry number >= *index (skipping free, deleted, volume
 * label, "." and ".." entries): 1 and *e with *index past it, 0 at the
 * end, -errno. */
int fat_dir_next(struct fat_vol *v, struct fat_dcur *c, uint32_t *index,
		 struct fat_dirent *e);
/* The entry called name (case-insensitive, long or short): 0, -ENOENT. */
int fat_dir_find(struct fat_vol *v, uint32_t dir, const char *name,
		 struct fat_dirent *e);
/* Adds an entry called name whose 8.3 entry is raw (name fields filled
 * here): 0 and *e.  -EEXIST, -ENAMETOOLONG, -EINVAL (a character FAT
 * cannot hold), -ENOSPC. */
int fat_dir_add(struct fat_vol *v, uint32_t dir, const char *name,
		const uint8_t *raw, struct fat_dirent *e);
/* Marks the entries from lfn_index to index deleted. */
int fat_dir_remove(struct fat_vol *v, uint32_t dir, const struct fat_dirent *e);
/* Whether a directory holds anything but "." and "..": 0/1, -errno. */
int fat_dir_is_empty(struct fat_vol *v, uint32_t dir);
/* First cluster of an 8.3 entry (FAT32 keeps the high half). */
uint32_t fat_dirent_cluster(const struct fat_vol *v, const uint8_t *raw);
void fat_dirent_set_cluster(uint8_t *raw, uint32_t clus);
/* FAT date and time of realtime ns, and back. */
void fat_time_encode(uint64_t ns, uint16_t *date, uint16_t *time);
uint64_t fat_time_decode(uint16_t date, uint16_t time);

/* fat_file.c: file data of a node. */
ssize_t fat_file_read(struct fat_node *n, void *buf, size_t len, off_t off);
ssize_t fat_file_write(struct fat_node *n, const void *buf, size_t len,
		       off_t off);
int fat_file_truncate(struct fat_node *n, uint64_t len);
/* The cluster holding byte position index * cluster_size of n, or
 * FAT_EOC past the chain's end. */
int fat_file_cluster(struct fat_node *n, uint32_t index, uint32_t *clus);

/* Whether the chain from first holds size bytes without a loop (a walk
 * of it, once per file looked up): 0 or -EIO. */
int fat_file_check_chain(struct fat_vol *v, uint32_t first, uint32_t size);

/* fat_vfs.c: nodes.  A node for the 8.3 entry raw at off (referenced;
 * a directory's references parent), and its end. */
extern const struct vnode_ops fat_vops;
struct fat_node *fat_node_new(struct fat_vol *v, struct fat_node *parent,
			      const uint8_t *raw, uint64_t off);
void fat_node_free(struct fat_node *n);
/* An 8.3 entry with attr, cluster and the times of now (no name). */
void fat_new_raw(uint8_t *raw, uint8_t attr, uint32_t clus);
/* The node's 8.3 entry written back (size, cluster, times). */
int fat_node_store(struct fat_node *n);

/* fat_mount.c: whether a volume on bd is mounted (VFS lock held). */
bool fat_mounted_locked(struct blockdev *bd);
/* Everything of the volume to the disk (FSInfo, then the cache). */
int fat_vol_sync(struct fat_vol *v);
