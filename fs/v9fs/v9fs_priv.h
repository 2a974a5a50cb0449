/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Between the files of fs/v9fs: the 9P client (client.c), one per mount,
 * which turns each operation into one round trip on a transport, and the
 * file system on top (v9fs.c).
 */
#pragma once

#include <stdint.h>
#include <vireo/p9_trans.h>
#include <vireo/spinlock.h>
#include "p9_msg.h"

#define P9C_MAX_FIDS	4096	/* open fids per mount */
#define P9C_MAX_TAGS	256	/* requests in flight per mount */

struct p9_client {
	struct p9_trans *trans;
	uint32_t msize;			/* negotiated */
	/* Protects the two bitmaps: fids and tags are taken and given
	 * back by any thread (several tasks use one mount at once). */
	spinlock_t lock;
	uint64_t fids[P9C_MAX_FIDS / 64];
	uint64_t tags[P9C_MAX_TAGS / 64];
};

/* Every call: thread context, may block; 0 or -errno (a malformed reply
 * is -EPROTO, a server error its errno). */

/* Tversion: msize is what we ask for, *c->msize what the server allows. */
int p9c_init(struct p9_client *c, struct p9_trans *t, uint32_t msize);
/* A free fid number, or -ENFILE; p9c_clunk() (or p9c_fid_free() for one
 * the server never saw) gives it back. */
int p9c_fid_alloc(struct p9_client *c, uint32_t *fid);
void p9c_fid_free(struct p9_client *c, uint32_t fid);

int p9c_attach(struct p9_client *c, uint32_t fid, const char *aname,
	       struct p9_qid *qid);
/* Walks fid by name (NULL: a clone of fid) to newfid. */
int p9c_walk(struct p9_client *c, uint32_t fid, uint32_t newfid,
	     const char *name, struct p9_qid *qid);
int p9c_lopen(struct p9_client *c, uint32_t fid, uint32_t flags,
	      uint32_t *iounit);
/* fid (a clone of the directory) becomes the new file, opened. */
int p9c_lcreate(struct p9_client *c, uint32_t fid, const char *name,
		uint32_t flags, uint32_t mode, uint32_t *iounit);
/* One Tread/Twrite of at most p9c_io_max() bytes: the count done. */
int p9c_read(struct p9_client *c, uint32_t fid, uint64_t off, void *buf,
	     uint32_t len);
int p9c_write(struct p9_client *c, uint32_t fid, uint64_t off,
	      const void *buf, uint32_t len);
uint32_t p9c_io_max(const struct p9_client *c, uint32_t iounit);
/* One Treaddir into buf (at most len bytes of entries): the count. */
int p9c_readdir(struct p9_client *c, uint32_t fid, uint64_t off, void *buf,
		uint32_t len);
int p9c_getattr(struct p9_client *c, uint32_t fid, struct p9_attr *a);
int p9c_setattr(struct p9_client *c, uint32_t fid, const struct p9_setattr *a);
int p9c_mkdir(struct p9_client *c, uint32_t dfid, const char *name,
	      uint32_t mode);
int p9c_unlinkat(struct p9_client *c, uint32_t dfid, const char *name,
		 uint32_t flags);
int p9c_renameat(struct p9_client *c, uint32_t odfid, const char *oname,
		 uint32_t ndfid, const char *nname);
int p9c_symlink(struct p9_client *c, uint32_t dfid, const char *name,
		const char *target);
/* The target NUL-terminated in buf; its length or -errno. */
int p9c_readlink(struct p9_client *c, uint32_t fid, char *buf, size_t size);
int p9c_statfs(struct p9_client *c, uint32_t fid, struct p9_statfs *st);
int p9c_fsync(struct p9_client *c, uint32_t fid);
/* Releases fid on the server and here.  Errors are only logged: the
 * number is free again either way. */
void p9c_clunk(struct p9_client *c, uint32_t fid);
