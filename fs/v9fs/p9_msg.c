// SPDX-License-Identifier: BSD-2-Clause
/*
 * 9P2000.L message encoding and decoding (see p9_msg.h).  Every put and
 * get checks the bounds first and sets b->err instead of going past them;
 * the fields that follow a failed one read as zero and are discarded by
 * the caller's one error check.
 */
#include <errno.h>
#include <string.h>
#include <vireo/linux_errno.h>
#include "p9_msg.h"

/* ---- primitives ---- */

static uint8_t *room(struct p9_buf *b, uint32_t n)
{
	uint8_t *p;

	if (b->err || n > b->size - b->pos) {
		b->err = true;
		return NULL;
	}
	p = b->data + b->pos;
	b->pos += n;
	return p;
}

static void put_le(struct p9_buf *b, uint64_t v, unsigned int n)
{
	uint8_t *p = room(b, n);

	for (unsigned int i = 0; p && i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static void put_u8(struct p9_buf *b, uint8_t v) { put_le(b, v, 1); }
static void put_u16(struct p9_buf *b, uint16_t v) { put_le(b, v, 2); }
static void put_u32(struct p9_buf *b, uint32_t v) { put_le(b, v, 4); }
static void put_u64(struct p9_buf *b, uint64_t v) { put_le(b, v, 8); }

static void put_bytes(struct p9_buf *b, const void *d, uint32_t n)
{
	uint8_t *p = room(b, n);

	if (p && n)
		memcpy(p, d, n);
}

static void put_str(struct p9_buf *b, const char *s)
{
	size_t n = strlen(s);

	if (n > UINT16_MAX) {
		b->err = true;
		return;
	}
	put_u16(b, (uint16_t)n);
	put_bytes(b, s, (uint32_t)n);
}

/* Starts a message; p9_end() fills in its size. */
static void begin(struct p9_buf *b, uint8_t type, uint16_t tag)
{
	b->pos = 0;
	b->err = false;
	put_u32(b, 0);
	put_u8(b, type);
	put_u16(b, tag);
}

static int end(struct p9_buf *b)
{
	if (b->err)
		return -EMSGSIZE;
	for (int i = 0; i < 4; i++)
		b->data[i] = (uint8_t)(b->pos >> (8 * i));
	return (int)b->pos;
}

static const uint8_t *take(struct p9_buf *b, uint32_t n)
{
	const uint8_t *p;

	if (b->err || n > b->end - b->pos) {
		b->err = true;
		return NULL;
	}
	p = b->data + b->pos;
	b->pos += n;
	return p;
}

static uint64_t get_le(struct p9_buf *b, unsigned int n)
{
	const uint8_t *p = take(b, n);
	uint64_t v = 0;

	while (p && n--)
		v = v << 8 | p[n];
	return v;
}

static uint8_t get_u8(struct p9_buf *b) { return (uint8_t)get_le(b, 1); }
static uint16_t get_u16(struct p9_buf *b) { return (uint16_t)get_le(b, 2); }
static uint32_t get_u32(struct p9_buf *b) { return (uint32_t)get_le(b, 4); }
static uint64_t get_u64(struct p9_buf *b) { return get_le(b, 8); }

/* A string into out (NUL-terminated); one that does not fit is an
 * error of its own kind: -ENAMETOOLONG, the reply itself being sound. */
static int get_str(struct p9_buf *b, char *out, size_t size)
{
	uint16_t n = get_u16(b);
	const uint8_t *p = take(b, n);

	if (!p)
		return -EPROTO;
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

static void get_qid(struct p9_buf *b, struct p9_qid *q)
{
	q->type = get_u8(b);
	q->version = get_u32(b);
	q->path = get_u64(b);
}

/* ---- T-messages ---- */

int p9_tversion(struct p9_buf *b, uint32_t msize, const char *version)
{
	begin(b, P9_TVERSION, P9_NOTAG);
	put_u32(b, msize);
	put_str(b, version);
	return end(b);
}

int p9_tattach(struct p9_buf *b, uint16_t tag, uint32_t fid,
	       const char *uname, const char *aname, uint32_t n_uname)
{
	begin(b, P9_TATTACH, tag);
	put_u32(b, fid);
	put_u32(b, P9_NOFID);
	put_str(b, uname);
	put_str(b, aname);
	put_u32(b, n_uname);
	return end(b);
}

int p9_twalk(struct p9_buf *b, uint16_t tag, uint32_t fid, uint32_t newfid,
	     unsigned int nwname, const char *const *names)
{
	begin(b, P9_TWALK, tag);
	put_u32(b, fid);
	put_u32(b, newfid);
	if (nwname > P9_MAXWELEM)
		b->err = true;
	put_u16(b, (uint16_t)nwname);
	for (unsigned int i = 0; i < nwname && !b->err; i++)
		put_str(b, names[i]);
	return end(b);
}

int p9_tlopen(struct p9_buf *b, uint16_t tag, uint32_t fid, uint32_t flags)
{
	begin(b, P9_TLOPEN, tag);
	put_u32(b, fid);
	put_u32(b, flags);
	return end(b);
}

int p9_tlcreate(struct p9_buf *b, uint16_t tag, uint32_t fid, const char *name,
		uint32_t flags, uint32_t mode, uint32_t gid)
{
	begin(b, P9_TLCREATE, tag);
	put_u32(b, fid);
	put_str(b, name);
	put_u32(b, flags);
	put_u32(b, mode);
	put_u32(b, gid);
	return end(b);
}

/* Tread and Treaddir: fid, offset, count. */
static int fid_off_count(struct p9_buf *b, uint8_t type, uint16_t tag,
			 uint32_t fid, uint64_t off, uint32_t count)
{
	begin(b, type, tag);
	put_u32(b, fid);
	put_u64(b, off);
	put_u32(b, count);
	return end(b);
}

int p9_tread(struct p9_buf *b, uint16_t tag, uint32_t fid, uint64_t off,
	     uint32_t count)
{
	return fid_off_count(b, P9_TREAD, tag, fid, off, count);
}

int p9_treaddir(struct p9_buf *b, uint16_t tag, uint32_t fid, uint64_t off,
		uint32_t count)
{
	return fid_off_count(b, P9_TREADDIR, tag, fid, off, count);
}

int p9_twrite(struct p9_buf *b, uint16_t tag, uint32_t fid, uint64_t off,
	      const void *data, uint32_t count)
{
	fid_off_count(b, P9_TWRITE, tag, fid, off, count);
	put_bytes(b, data, count);
	return end(b);
}

int p9_tgetattr(struct p9_buf *b, uint16_t tag, uint32_t fid, uint64_t mask)
{
	begin(b, P9_TGETATTR, tag);
	put_u32(b, fid);
	put_u64(b, mask);
	return end(b);
}

int p9_tsetattr(struct p9_buf *b, uint16_t tag, uint32_t fid,
		const struct p9_setattr *a)
{
	begin(b, P9_TSETATTR, tag);
	put_u32(b, fid);
	put_u32(b, a->valid);
	put_u32(b, a->mode);
	put_u32(b, a->uid);
	put_u32(b, a->gid);
	put_u64(b, a->size);
	put_u64(b, a->atime_sec);
	put_u64(b, a->atime_nsec);
	put_u64(b, a->mtime_sec);
	put_u64(b, a->mtime_nsec);
	return end(b);
}

int p9_tmkdir(struct p9_buf *b, uint16_t tag, uint32_t dfid, const char *name,
	      uint32_t mode, uint32_t gid)
{
	begin(b, P9_TMKDIR, tag);
	put_u32(b, dfid);
	put_str(b, name);
	put_u32(b, mode);
	put_u32(b, gid);
	return end(b);
}

int p9_tunlinkat(struct p9_buf *b, uint16_t tag, uint32_t dfid,
		 const char *name, uint32_t flags)
{
	begin(b, P9_TUNLINKAT, tag);
	put_u32(b, dfid);
	put_str(b, name);
	put_u32(b, flags);
	return end(b);
}

int p9_trenameat(struct p9_buf *b, uint16_t tag, uint32_t odfid,
		 const char *oname, uint32_t ndfid, const char *nname)
{
	begin(b, P9_TRENAMEAT, tag);
	put_u32(b, odfid);
	put_str(b, oname);
	put_u32(b, ndfid);
	put_str(b, nname);
	return end(b);
}

int p9_tsymlink(struct p9_buf *b, uint16_t tag, uint32_t dfid,
		const char *name, const char *target, uint32_t gid)
{
	begin(b, P9_TSYMLINK, tag);
	put_u32(b, dfid);
	put_str(b, name);
	put_str(b, target);
	put_u32(b, gid);
	return end(b);
}

int p9_tfsync(struct p9_buf *b, uint16_t tag, uint32_t fid)
{
	begin(b, P9_TFSYNC, tag);
	put_u32(b, fid);
	put_u32(b, 0);		/* datasync: no, metadata too */
	return end(b);
}

int p9_tfid(struct p9_buf *b, uint8_t type, uint16_t tag, uint32_t fid)
{
	begin(b, type, tag);
	put_u32(b, fid);
	return end(b);
}

/* ---- R-messages ---- */

int p9_reply_begin(struct p9_buf *b, const void *data, uint32_t len,
		   uint8_t t, uint16_t tag)
{
	uint32_t size;
	uint8_t type;

	b->data = (uint8_t *)data;
	b->size = b->end = len;
	b->pos = 0;
	b->err = false;
	size = get_u32(b);
	if (b->err || size < P9_HDR_SIZE || size > len)
		return -EPROTO;
	b->end = size;
	type = get_u8(b);
	if (get_u16(b) != tag)
		return -EPROTO;
	if (type == P9_RLERROR) {
		uint32_t ecode = get_u32(b);

		return b->err ? -EPROTO : -errno_from_linux(ecode);
	}
	return type == t + 1 ? 0 : -EPROTO;
}

int p9_reply_end(const struct p9_buf *b)
{
	return b->err ? -EPROTO : 0;
}

int p9_rversion(struct p9_buf *b, uint32_t *msize, char *version, size_t vsize)
{
	int r;

	*msize = get_u32(b);
	r = get_str(b, version, vsize);
	return r ? r : p9_reply_end(b);
}

int p9_rqid(struct p9_buf *b, struct p9_qid *qid)
{
	get_qid(b, qid);
	return p9_reply_end(b);
}

int p9_ropen(struct p9_buf *b, struct p9_qid *qid, uint32_t *iounit)
{
	get_qid(b, qid);
	*iounit = get_u32(b);
	return p9_reply_end(b);
}

int p9_rwalk(struct p9_buf *b, unsigned int *nwqid, struct p9_qid *qids,
	     unsigned int max)
{
	unsigned int n = get_u16(b);

	if (n > max)
		return -EPROTO;
	for (unsigned int i = 0; i < n; i++)
		get_qid(b, &qids[i]);
	*nwqid = n;
	return p9_reply_end(b);
}

int p9_rdata(struct p9_buf *b, uint32_t *count, const uint8_t **data)
{
	*count = get_u32(b);
	*data = take(b, *count);
	return p9_reply_end(b);
}

int p9_rwrite(struct p9_buf *b, uint32_t *count)
{
	*count = get_u32(b);
	return p9_reply_end(b);
}

int p9_rgetattr(struct p9_buf *b, struct p9_attr *a)
{
	a->valid = get_u64(b);
	get_qid(b, &a->qid);
	a->mode = get_u32(b);
	a->uid = get_u32(b);
	a->gid = get_u32(b);
	a->nlink = get_u64(b);
	a->rdev = get_u64(b);
	a->size = get_u64(b);
	a->blksize = get_u64(b);
	a->blocks = get_u64(b);
	a->atime_sec = get_u64(b);
	a->atime_nsec = get_u64(b);
	a->mtime_sec = get_u64(b);
	a->mtime_nsec = get_u64(b);
	a->ctime_sec = get_u64(b);
	a->ctime_nsec = get_u64(b);
	/* btime, gen and data_version follow; not asked for, not read. */
	return p9_reply_end(b);
}

int p9_rreadlink(struct p9_buf *b, char *target, size_t size)
{
	int r = get_str(b, target, size);

	return r ? r : p9_reply_end(b);
}

int p9_rstatfs(struct p9_buf *b, struct p9_statfs *st)
{
	st->type = get_u32(b);
	st->bsize = get_u32(b);
	st->blocks = get_u64(b);
	st->bfree = get_u64(b);
	st->bavail = get_u64(b);
	st->files = get_u64(b);
	st->ffree = get_u64(b);
	st->fsid = get_u64(b);
	st->namelen = get_u32(b);
	return p9_reply_end(b);
}

int p9_dirent_next(struct p9_buf *d, struct p9_dirent *e)
{
	int r;

	if (d->pos == d->end)
		return 0;
	get_qid(d, &e->qid);
	e->offset = get_u64(d);
	e->type = get_u8(d);
	r = get_str(d, e->name, sizeof(e->name));
	if (r)
		return r;
	return d->err ? -EPROTO : 1;
}

