// SPDX-License-Identifier: BSD-2-Clause
/*
 * The 9P2000.L client of one mount: each call takes a tag, builds its
 * T-message in a heap buffer with room for the reply behind it, makes one
 * round trip on the transport and decodes the reply (p9_msg.c checks the
 * size, tag and type and every field's bounds).  Fids and tags come from
 * two bitmaps under c->lock, so any number of threads may call at once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/klog.h>
#include "v9fs_priv.h"

/* Buffer for a message with a few names or a path in it. */
#define SMALL_MSG	1024

struct call {
	struct p9_client *c;
	uint8_t type;
	uint16_t tag;
	uint8_t *mem;		/* the request, then the reply's room */
	uint32_t rxcap;
	struct p9_buf tx, rx;
};

/* ---- fids and tags ---- */

static int id_alloc(struct p9_client *c, uint64_t *map, unsigned int nbits)
{
	int id = -1;

	spin_lock(&c->lock);
	for (unsigned int i = 0; i < nbits && id < 0; i++) {
		if (!(map[i / 64] & (1ull << (i % 64)))) {
			map[i / 64] |= 1ull << (i % 64);
			id = (int)i;
		}
	}
	spin_unlock(&c->lock);
	return id;
}

static void id_free(struct p9_client *c, uint64_t *map, unsigned int id)
{
	spin_lock(&c->lock);
	map[id / 64] &= ~(1ull << (id % 64));
	spin_unlock(&c->lock);
}

int p9c_fid_alloc(struct p9_client *c, uint32_t *fid)
{
	int id = id_alloc(c, c->fids, P9C_MAX_FIDS);

	if (id < 0)
		return -ENFILE;
	*fid = (uint32_t)id;
	return 0;
}

void p9c_fid_free(struct p9_client *c, uint32_t fid)
{
	id_free(c, c->fids, fid);
}

/* ---- one round trip ---- */

static int call_begin(struct p9_client *c, struct call *k, uint8_t type,
		      uint32_t txcap, uint32_t rxcap)
{
	int tag = id_alloc(c, c->tags, P9C_MAX_TAGS);

	if (tag < 0)
		return -EAGAIN;
	k->mem = malloc((size_t)txcap + rxcap);
	if (!k->mem) {
		id_free(c, c->tags, (unsigned int)tag);
		return -ENOMEM;
	}
	k->c = c;
	k->type = type;
	k->tag = (uint16_t)tag;
	k->rxcap = rxcap;
	k->tx = (struct p9_buf){ .data = k->mem, .size = txcap };
	return 0;
}

/* Sends the txlen bytes built (or the builder's error) and checks the
 * reply's header. */
static int call_run(struct call *k, int txlen)
{
	struct p9_trans *t = k->c->trans;
	uint8_t *rx = k->mem + k->tx.size;
	int n;

	if (txlen < 0)
		return txlen;
	n = t->rpc(t, k->mem, (uint32_t)txlen, rx, k->rxcap);
	if (n < 0)
		return n;
	return p9_reply_begin(&k->rx, rx, (uint32_t)n, k->type, k->tag);
}

static void call_end(struct call *k)
{
	free(k->mem);
	if (k->tag != P9_NOTAG)
		id_free(k->c, k->c->tags, k->tag);
}

/* A small message whose reply has no fields. */
static int call_simple(struct call *k, int txlen)
{
	int r = call_run(k, txlen);

	if (!r)
		r = p9_reply_end(&k->rx);
	call_end(k);
	return r;
}

/* ---- operations ---- */

int p9c_init(struct p9_client *c, struct p9_trans *t, uint32_t msize)
{
	struct call k;
	char version[16];
	uint32_t got;
	int r;

	c->trans = t;
	spin_init(&c->lock);
	r = call_begin(c, &k, P9_TVERSION, SMALL_MSG, SMALL_MSG);
	if (r)
		return r;
	id_free(c, c->tags, k.tag);
	k.tag = P9_NOTAG;	/* Tversion's own tag, none of ours */
	r = call_run(&k, p9_tversion(&k.tx, msize, "9P2000.L"));
	if (!r)
		r = p9_rversion(&k.rx, &got, version, sizeof(version));
	call_end(&k);
	if (!r && (strcmp(version, "9P2000.L") || got < 4096 || got > msize)) {
		pr_err("v9fs: server offers %s, msize %u\n", version, got);
		r = -EPROTONOSUPPORT;
	}
	if (!r)
		c->msize = got;
	return r;
}

int p9c_attach(struct p9_client *c, uint32_t fid, const char *aname,
	       struct p9_qid *qid)
{
	struct call k;
	int r = call_begin(c, &k, P9_TATTACH, SMALL_MSG, SMALL_MSG);

	if (r)
		return r;
	r = call_run(&k, p9_tattach(&k.tx, k.tag, fid, "root", aname, 0));
	if (!r)
		r = p9_rqid(&k.rx, qid);
	call_end(&k);
	return r;
}

int p9c_walk(struct p9_client *c, uint32_t fid, uint32_t newfid,
	     const char *name, struct p9_qid *qid)
{
	struct p9_qid qids[1] = { { 0 } };
	unsigned int n, want = name ? 1 : 0;
	struct call k;
	int r = call_begin(c, &k, P9_TWALK, SMALL_MSG, SMALL_MSG);

	if (r)
		return r;
	r = call_run(&k, p9_twalk(&k.tx, k.tag, fid, newfid, want, &name));
	if (!r)
		r = p9_rwalk(&k.rx, &n, qids, 1);
	call_end(&k);
	/* A walk that stops short made no newfid (and is an error). */
	if (!r && n != want)
		r = -ENOENT;
	if (!r && qid)
		*qid = qids[0];
	return r;
}

int p9c_lopen(struct p9_client *c, uint32_t fid, uint32_t flags,
	      uint32_t *iounit)
{
	struct p9_qid qid;
	struct call k;
	int r = call_begin(c, &k, P9_TLOPEN, SMALL_MSG, SMALL_MSG);

	if (r)
		return r;
	r = call_run(&k, p9_tlopen(&k.tx, k.tag, fid, flags));
	if (!r)
		r = p9_ropen(&k.rx, &qid, iounit);
	call_end(&k);
	return r;
}

int p9c_lcreate(struct p9_client *c, uint32_t fid, const char *name,
		uint32_t flags, uint32_t mode, uint32_t *iounit)
{
	struct p9_qid qid;
	struct call k;
	int r = call_begin(c, &k, P9_TLCREATE, SMALL_MSG, SMALL_MSG);

	if (r)
		return r;
	r = call_run(&k, p9_tlcreate(&k.tx, k.tag, fid, name, flags, mode, 0));
	if (!r)
		r = p9_ropen(&k.rx, &qid, iounit);
	call_end(&k);
	return r;
}

uint32_t p9c_io_max(const struct p9_client *c, uint32_t iounit)
{
	uint32_t n = c->msize - P9_WRITE_HDR;	/* the larger header */

	return iounit && iounit < n ? iounit : n;
}

/* Tread and Treaddir: the reply's data copied to buf. */
static int read_data(struct p9_client *c, uint8_t type, uint32_t fid,
		     uint64_t off, void *buf, uint32_t len)
{
	const uint8_t *data;
	uint32_t count;
	struct call k;
	int r = call_begin(c, &k, type, SMALL_MSG, P9_READ_HDR + len);

	if (r)
		return r;
	r = call_run(&k, type == P9_TREAD ?
		     p9_tread(&k.tx, k.tag, fid, off, len) :
		     p9_treaddir(&k.tx, k.tag, fid, off, len));
	/* The reply's room holds len data bytes: p9_rdata() refuses a
	 * count beyond them. */
	if (!r)
		r = p9_rdata(&k.rx, &count, &data);
	if (!r) {
		memcpy(buf, data, count);
		r = (int)count;
	}
	call_end(&k);
	return r;
}

int p9c_read(struct p9_client *c, uint32_t fid, uint64_t off, void *buf,
	     uint32_t len)
{
	return read_data(c, P9_TREAD, fid, off, buf, len);
}

int p9c_readdir(struct p9_client *c, uint32_t fid, uint64_t off, void *buf,
		uint32_t len)
{
	return read_data(c, P9_TREADDIR, fid, off, buf, len);
}

int p9c_write(struct p9_client *c, uint32_t fid, uint64_t off,
	      const void *buf, uint32_t len)
{
	uint32_t count;
	struct call k;
	int r = call_begin(c, &k, P9_TWRITE, P9_WRITE_HDR + len, SMALL_MSG);

	if (r)
		return r;
	r = call_run(&k, p9_twrite(&k.tx, k.tag, fid, off, buf, len));
	if (!r)
		r = p9_rwrite(&k.rx, &count);
	if (!r)
		r = count > len ? -EPROTO : (int)count;
	call_end(&k);
	return r;
}

int p9c_getattr(struct p9_client *c, uint32_t fid, struct p9_attr *a)
{
	struct call k;
	int r = call_begin(c, &k, P9_TGETATTR, SMALL_MSG, SMALL_MSG);

	if (r)
		return r;
	r = call_run(&k, p9_tgetattr(&k.tx, k.tag, fid, P9_GETATTR_BASIC));
	if (!r)
		r = p9_rgetattr(&k.rx, a);
	call_end(&k);
	return r;
}

int p9c_setattr(struct p9_client *c, uint32_t fid, const struct p9_setattr *a)
{
	struct call k;
	int r = call_begin(c, &k, P9_TSETATTR, SMALL_MSG, SMALL_MSG);

	return r ? r : call_simple(&k, p9_tsetattr(&k.tx, k.tag, fid, a));
}

int p9c_mkdir(struct p9_client *c, uint32_t dfid, const char *name,
	      uint32_t mode)
{
	struct p9_qid qid;
	struct call k;
	int r = call_begin(c, &k, P9_TMKDIR, SMALL_MSG, SMALL_MSG);

	if (r)
		return r;
	r = call_run(&k, p9_tmkdir(&k.tx, k.tag, dfid, name, mode, 0));
	if (!r)
		r = p9_rqid(&k.rx, &qid);
	call_end(&k);
	return r;
}

int p9c_unlinkat(struct p9_client *c, uint32_t dfid, const char *name,
		 uint32_t flags)
{
	struct call k;
	int r = call_begin(c, &k, P9_TUNLINKAT, SMALL_MSG, SMALL_MSG);

	return r ? r : call_simple(&k, p9_tunlinkat(&k.tx, k.tag, dfid, name,
						     flags));
}

int p9c_renameat(struct p9_client *c, uint32_t odfid, const char *oname,
		 uint32_t ndfid, const char *nname)
{
	struct call k;
	int r = call_begin(c, &k, P9_TRENAMEAT, SMALL_MSG, SMALL_MSG);

	return r ? r : call_simple(&k, p9_trenameat(&k.tx, k.tag, odfid, oname,
						     ndfid, nname));
}

int p9c_symlink(struct p9_client *c, uint32_t dfid, const char *name,
		const char *target)
{
	struct p9_qid qid;
	struct call k;
	int r = call_begin(c, &k, P9_TSYMLINK, SMALL_MSG, SMALL_MSG);

	if (r)
		return r;
	r = call_run(&k, p9_tsymlink(&k.tx, k.tag, dfid, name, target, 0));
	if (!r)
		r = p9_rqid(&k.rx, &qid);
	call_end(&k);
	return r;
}

int p9c_readlink(struct p9_client *c, uint32_t fid, char *buf, size_t size)
{
	struct call k;
	int r = call_begin(c, &k, P9_TREADLINK, SMALL_MSG, SMALL_MSG);

	if (r)
		return r;
	r = call_run(&k, p9_tfid(&k.tx, P9_TREADLINK, k.tag, fid));
	if (!r)
		r = p9_rreadlink(&k.rx, buf, size);
	call_end(&k);
	return r ? r : (int)strlen(buf);
}

int p9c_statfs(struct p9_client *c, uint32_t fid, struct p9_statfs *st)
{
	struct call k;
	int r = call_begin(c, &k, P9_TSTATFS, SMALL_MSG, SMALL_MSG);

	if (r)
		return r;
	r = call_run(&k, p9_tfid(&k.tx, P9_TSTATFS, k.tag, fid));
	if (!r)
		r = p9_rstatfs(&k.rx, st);
	call_end(&k);
	return r;
}

int p9c_fsync(struct p9_client *c, uint32_t fid)
{
	struct call k;
	int r = call_begin(c, &k, P9_TFSYNC, SMALL_MSG, SMALL_MSG);

	return r ? r : call_simple(&k, p9_tfsync(&k.tx, k.tag, fid));
}

void p9c_clunk(struct p9_client *c, uint32_t fid)
{
	struct call k;
	int r = call_begin(c, &k, P9_TCLUNK, SMALL_MSG, SMALL_MSG);

	if (!r)
		r = call_simple(&k, p9_tfid(&k.tx, P9_TCLUNK, k.tag, fid));
	if (r)
		pr_warn("v9fs: clunk of fid %u: error %d\n", fid, r);
	/* 9P: the fid is released even when Tclunk fails. */
	p9c_fid_free(c, fid);
}
