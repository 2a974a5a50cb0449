/* SPDX-License-Identifier: BSD-2-Clause */
/* Interfaces shared inside drivers/block/ only. */
#pragma once

#include <vireo/blockdev.h>

/* bcache.c: a cache of nr_buffers buffers for bd (bd->cache), and
 * freeing it.  0 or -ENOMEM. */
int bcache_create(struct blockdev *bd, unsigned int nr_buffers);
void bcache_destroy(struct blockdev *bd);

/* blockdev_file.c: /dev/<name> for bd.  0 or devfs's -errno. */
int blockdev_file_register(struct blockdev *bd);

/* blockdev.c: a done callback for waiters: records status in
 * req->status, then posts the struct ksem that req->priv points to (the
 * waiter may return, and the request go away, as soon as it sees it). */
void blk_done_post(struct blk_req *req, int status);
