/* SPDX-License-Identifier: BSD-2-Clause */
/* Interfaces shared inside drivers/block/ only. */
#pragma once

#include <stdint.h>
#include <vireo/blockdev.h>

/* bcache.c: a cache of nr_buffers buffers for bd (bd->cache), and
 * freeing it.  0 or -ENOMEM. */
int bcache_create(struct blockdev *bd, unsigned int nr_buffers);
void bcache_destroy(struct blockdev *bd);

/* What a transfer that bypassed the cache did to count blocks at block:
 * wrote them from p, read them into p, zeroed or discarded them. */
enum bcache_done {
	BCACHE_DONE_WRITE,
	BCACHE_DONE_READ,
	BCACHE_DONE_ZERO,
	BCACHE_DONE_DISCARD,
};

/* bcache.c: makes the cache agree after such a transfer: its buffers in
 * the range take the data written (a dirty one is then the same as the
 * device), give a read their newer data, become zeros, or are dropped.
 * The caller holds no buffer. */
void bcache_after_direct(struct blockdev *bd, uint64_t block, uint64_t count,
			 uint8_t *p, enum bcache_done op);

/* blockdev_file.c: /dev/<name> for bd.  0 or devfs's -errno. */
int blockdev_file_register(struct blockdev *bd);

/* blockdev.c: a done callback for waiters: records status in
 * req->status, then posts the struct ksem that req->priv points to (the
 * waiter may return, and the request go away, as soon as it sees it). */
void blk_done_post(struct blk_req *req, int status);
