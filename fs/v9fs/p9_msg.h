/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * 9P2000.L messages: encoders for the T-messages the client sends and
 * decoders for the R-messages it expects.  Pure byte work with no kernel
 * dependencies, so the host unit tests (tests/host/test_9p_msg.c) build
 * fs/v9fs/p9_msg.c unchanged.
 *
 * Every message is size[4] type[1] tag[2] then its fields, little-endian;
 * a string is len[2] then that many bytes (no NUL); a qid is type[1]
 * version[4] path[8].  The protocol facts come from the 9P2000.L
 * description of the Linux v9fs documentation and QEMU's server.
 *
 * Encoding into a too small buffer and decoding past the end of a reply
 * set the buffer's error flag instead of touching memory out of bounds;
 * p9_end() and p9_reply_end() turn it into -EMSGSIZE / -EPROTO, so a
 * caller checks once per message.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Message types (R = T + 1). */
enum {
	P9_RLERROR = 7,
	P9_TSTATFS = 8,
	P9_TLOPEN = 12,
	P9_TLCREATE = 14,
	P9_TSYMLINK = 16,
	P9_TREADLINK = 22,
	P9_TGETATTR = 24,
	P9_TSETATTR = 26,
	P9_TREADDIR = 40,
	P9_TFSYNC = 50,
	P9_TMKDIR = 72,
	P9_TRENAMEAT = 74,
	P9_TUNLINKAT = 76,
	P9_TVERSION = 100,
	P9_TATTACH = 104,
	P9_TWALK = 110,
	P9_TREAD = 116,
	P9_TWRITE = 118,
	P9_TCLUNK = 120,
};

#define P9_HDR_SIZE	7		/* size, type, tag */
#define P9_NOTAG	0xffffu		/* Tversion's tag */
#define P9_NOFID	0xffffffffu	/* no afid in Tattach */
#define P9_NONUNAME	0xffffffffu	/* n_uname absent: use uname */
#define P9_MAXWELEM	16		/* names in one Twalk */
#define P9_READ_HDR	(P9_HDR_SIZE + 4)	/* Rread before the data */
#define P9_WRITE_HDR	(P9_HDR_SIZE + 4 + 8 + 4)	/* Twrite before it */
#define P9_READDIR_HDR	(P9_HDR_SIZE + 4)	/* Rreaddir before it */

/* Linux open flags as 9P2000.L carries them (Tlopen, Tlcreate). */
#define P9_DOTL_RDONLY		00000000
#define P9_DOTL_WRONLY		00000001
#define P9_DOTL_RDWR		00000002
#define P9_DOTL_CREATE		00000100
#define P9_DOTL_EXCL		00000200
#define P9_DOTL_TRUNC		00001000
#define P9_DOTL_DIRECTORY	00200000
#define P9_DOTL_AT_REMOVEDIR	0x200	/* Tunlinkat flags */

/* Tgetattr request mask: everything but btime, gen, data_version. */
#define P9_GETATTR_BASIC	0x7ffull
/* Tsetattr valid bits. */
#define P9_SETATTR_MODE		0x001u
#define P9_SETATTR_SIZE		0x008u
#define P9_SETATTR_ATIME	0x010u
#define P9_SETATTR_MTIME	0x020u
#define P9_SETATTR_CTIME	0x040u
#define P9_SETATTR_ATIME_SET	0x080u
#define P9_SETATTR_MTIME_SET	0x100u

/* qid.type bits */
#define P9_QTDIR	0x80
#define P9_QTSYMLINK	0x02

struct p9_qid {
	uint8_t type;
	uint32_t version;
	uint64_t path;
};

struct p9_attr {
	uint64_t valid;
	struct p9_qid qid;
	uint32_t mode, uid, gid;
	uint64_t nlink, rdev, size, blksize, blocks;
	uint64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec;
	uint64_t ctime_sec, ctime_nsec;
};

struct p9_setattr {
	uint32_t valid, mode, uid, gid;
	uint64_t size;
	uint64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec;
};

struct p9_statfs {
	uint32_t type, bsize;
	uint64_t blocks, bfree, bavail, files, ffree, fsid;
	uint32_t namelen;
};

/* One entry of an Rreaddir's data. */
struct p9_dirent {
	struct p9_qid qid;
	uint64_t offset;	/* where the next Treaddir continues */
	uint8_t type;		/* DT_* */
	char name[256];
};

/* A message being written (data[0..size)) or read (data[0..end)). */
struct p9_buf {
	uint8_t *data;
	uint32_t size;		/* encoding: capacity */
	uint32_t pos;
	uint32_t end;		/* decoding: the size field's end */
	bool err;		/* overflow or truncated reply */
};

/* ---- encoding: p9_t*() build one whole message at b->data.  Each
 * returns its length, or -EMSGSIZE when it does not fit in b->size. ---- */
int p9_tversion(struct p9_buf *b, uint32_t msize, const char *version);
int p9_tattach(struct p9_buf *b, uint16_t tag, uint32_t fid,
	       const char *uname, const char *aname, uint32_t n_uname);
int p9_twalk(struct p9_buf *b, uint16_t tag, uint32_t fid, uint32_t newfid,
	     unsigned int nwname, const char *const *names);
int p9_tlopen(struct p9_buf *b, uint16_t tag, uint32_t fid, uint32_t flags);
int p9_tlcreate(struct p9_buf *b, uint16_t tag, uint32_t fid, const char *name,
		uint32_t flags, uint32_t mode, uint32_t gid);
int p9_tread(struct p9_buf *b, uint16_t tag, uint32_t fid, uint64_t off,
	     uint32_t count);
int p9_twrite(struct p9_buf *b, uint16_t tag, uint32_t fid, uint64_t off,
	      const void *data, uint32_t count);
int p9_treaddir(struct p9_buf *b, uint16_t tag, uint32_t fid, uint64_t off,
		uint32_t count);
int p9_tgetattr(struct p9_buf *b, uint16_t tag, uint32_t fid, uint64_t mask);
int p9_tsetattr(struct p9_buf *b, uint16_t tag, uint32_t fid,
		const struct p9_setattr *a);
int p9_tmkdir(struct p9_buf *b, uint16_t tag, uint32_t dfid, const char *name,
	      uint32_t mode, uint32_t gid);
int p9_tunlinkat(struct p9_buf *b, uint16_t tag, uint32_t dfid,
		 const char *name, uint32_t flags);
int p9_trenameat(struct p9_buf *b, uint16_t tag, uint32_t odfid,
		 const char *oname, uint32_t ndfid, const char *nname);
int p9_tsymlink(struct p9_buf *b, uint16_t tag, uint32_t dfid,
		const char *name, const char *target, uint32_t gid);
int p9_tfsync(struct p9_buf *b, uint16_t tag, uint32_t fid);
/* Tclunk, Treadlink and Tstatfs: type and one fid. */
int p9_tfid(struct p9_buf *b, uint8_t type, uint16_t tag, uint32_t fid);

/* ---- decoding ---- */

/* Checks a reply of len bytes the transport received for a request of
 * type t with tag: the size field within len and at least a header, the
 * tag, and the type R(t).  An Rlerror gives its error as -errno (mapped
 * from Linux numbers); anything else unexpected gives -EPROTO.  On 0, b
 * is positioned at the first field. */
int p9_reply_begin(struct p9_buf *b, const void *data, uint32_t len,
		   uint8_t t, uint16_t tag);
/* 0 when every field read so far was inside the reply, else -EPROTO. */
int p9_reply_end(const struct p9_buf *b);

/* Field parsers of the replies that carry fields (the rest have none).
 * Each returns p9_reply_end(b). */
int p9_rversion(struct p9_buf *b, uint32_t *msize, char *version, size_t vsize);
int p9_rqid(struct p9_buf *b, struct p9_qid *qid);	/* Rattach, Rmkdir, Rsymlink */
int p9_ropen(struct p9_buf *b, struct p9_qid *qid, uint32_t *iounit); /* Rlopen, Rlcreate */
int p9_rwalk(struct p9_buf *b, unsigned int *nwqid, struct p9_qid *qids,
	     unsigned int max);
/* Rread and Rreaddir: the count and where its bytes start (inside the
 * reply, count bytes available). */
int p9_rdata(struct p9_buf *b, uint32_t *count, const uint8_t **data);
int p9_rwrite(struct p9_buf *b, uint32_t *count);
int p9_rgetattr(struct p9_buf *b, struct p9_attr *a);
int p9_rreadlink(struct p9_buf *b, char *target, size_t size);
int p9_rstatfs(struct p9_buf *b, struct p9_statfs *st);

/* The next entry of Rreaddir data in d (d->data, d->end as p9_rdata gave
 * them, d->pos starting at 0).  1 and *e, 0 at the end, -EPROTO for a
 * truncated entry, -ENAMETOOLONG for a name longer than e->name holds. */
int p9_dirent_next(struct p9_buf *d, struct p9_dirent *e);

