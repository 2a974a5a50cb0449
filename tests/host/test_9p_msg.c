// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of fs/v9fs/p9_msg.c: every T-message's bytes, every
 * R-message's fields, and malformed replies (wrong tag, short, lying size,
 * unknown type, Rlerror, truncated fields) turned into errors without
 * reading past the reply (ASan watches each reply copied to an exact-size
 * heap block).
 */
#include <errno.h>
#include <stdlib.h>
#include "../../fs/v9fs/p9_msg.h"
#include "unit.h"

static uint8_t out[256];
static struct p9_buf tx = { .data = out, .size = sizeof(out) };

/* Expects the message in out to be exactly the len bytes of want. */
static void expect_bytes(int len, const uint8_t *want, int want_len)
{
	EXPECT_EQ(len, want_len);
	for (int i = 0; len == want_len && i < len; i++)
		EXPECT_EQ(out[i], want[i]);
}

#define EXPECT_MSG(call, ...) do {                                    \
		static const uint8_t want[] = { __VA_ARGS__ };        \
		expect_bytes((call), want, (int)sizeof(want));        \
	} while (0)

TEST(encode_version_attach_walk)
{
	const char *names[] = { "a", "bc" };

	EXPECT_MSG(p9_tversion(&tx, 8192, "9P2000.L"),
		   21, 0, 0, 0, 100, 0xff, 0xff, 0, 0x20, 0, 0,
		   8, 0, '9', 'P', '2', '0', '0', '0', '.', 'L');
	EXPECT_MSG(p9_tattach(&tx, 1, 2, "", "x", P9_NONUNAME),
		   24, 0, 0, 0, 104, 1, 0, 2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
		   0, 0, 1, 0, 'x', 0xff, 0xff, 0xff, 0xff);
	EXPECT_MSG(p9_twalk(&tx, 3, 4, 5, 2, names),
		   24, 0, 0, 0, 110, 3, 0, 4, 0, 0, 0, 5, 0, 0, 0, 2, 0,
		   1, 0, 'a', 2, 0, 'b', 'c');
	EXPECT_EQ(p9_twalk(&tx, 3, 4, 5, P9_MAXWELEM + 1, names), -EMSGSIZE);
}

TEST(encode_open_create_io)
{
	EXPECT_MSG(p9_tlopen(&tx, 1, 7, P9_DOTL_RDWR),
		   15, 0, 0, 0, 12, 1, 0, 7, 0, 0, 0, 2, 0, 0, 0);
	EXPECT_MSG(p9_tlcreate(&tx, 1, 7, "f", 0102, 0644, 0),
		   26, 0, 0, 0, 14, 1, 0, 7, 0, 0, 0, 1, 0, 'f',
		   0x42, 0, 0, 0, 0xa4, 1, 0, 0, 0, 0, 0, 0);
	EXPECT_MSG(p9_tread(&tx, 2, 7, 0x0102030405060708ull, 4096),
		   23, 0, 0, 0, 116, 2, 0, 7, 0, 0, 0,
		   8, 7, 6, 5, 4, 3, 2, 1, 0, 0x10, 0, 0);
	EXPECT_MSG(p9_twrite(&tx, 2, 7, 1, "hi", 2),
		   25, 0, 0, 0, 118, 2, 0, 7, 0, 0, 0,
		   1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 'h', 'i');
	EXPECT_MSG(p9_treaddir(&tx, 2, 7, 0, 512),
		   23, 0, 0, 0, 40, 2, 0, 7, 0, 0, 0,
		   0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0);
	EXPECT_MSG(p9_tfsync(&tx, 2, 7),
		   15, 0, 0, 0, 50, 2, 0, 7, 0, 0, 0, 0, 0, 0, 0);
	EXPECT_MSG(p9_tfid(&tx, P9_TCLUNK, 9, 7),
		   11, 0, 0, 0, 120, 9, 0, 7, 0, 0, 0);
}

TEST(encode_attrs_and_names)
{
	struct p9_setattr a = { .valid = P9_SETATTR_SIZE, .size = 0x100 };

	EXPECT_MSG(p9_tgetattr(&tx, 1, 7, P9_GETATTR_BASIC),
		   19, 0, 0, 0, 24, 1, 0, 7, 0, 0, 0,
		   0xff, 7, 0, 0, 0, 0, 0, 0);
	EXPECT_EQ(p9_tsetattr(&tx, 1, 7, &a), 7 + 4 + 16 + 8 + 32);
	EXPECT_EQ(out[4], P9_TSETATTR);
	EXPECT_EQ(out[11], P9_SETATTR_SIZE);	/* valid, after the fid */
	EXPECT_EQ(out[27], 0x00);		/* size 0x100, after ids */
	EXPECT_EQ(out[28], 0x01);
	EXPECT_MSG(p9_tmkdir(&tx, 1, 7, "d", 0755, 0),
		   22, 0, 0, 0, 72, 1, 0, 7, 0, 0, 0, 1, 0, 'd',
		   0xed, 1, 0, 0, 0, 0, 0, 0);
	EXPECT_MSG(p9_tunlinkat(&tx, 1, 7, "d", P9_DOTL_AT_REMOVEDIR),
		   18, 0, 0, 0, 76, 1, 0, 7, 0, 0, 0, 1, 0, 'd', 0, 2, 0, 0);
	EXPECT_MSG(p9_trenameat(&tx, 1, 7, "a", 8, "b"),
		   21, 0, 0, 0, 74, 1, 0, 7, 0, 0, 0, 1, 0, 'a',
		   8, 0, 0, 0, 1, 0, 'b');
	EXPECT_MSG(p9_tsymlink(&tx, 1, 7, "l", "t", 0),
		   21, 0, 0, 0, 16, 1, 0, 7, 0, 0, 0, 1, 0, 'l', 1, 0, 't',
		   0, 0, 0, 0);
	EXPECT_MSG(p9_tfid(&tx, P9_TREADLINK, 1, 7),
		   11, 0, 0, 0, 22, 1, 0, 7, 0, 0, 0);
	EXPECT_MSG(p9_tfid(&tx, P9_TSTATFS, 1, 7),
		   11, 0, 0, 0, 8, 1, 0, 7, 0, 0, 0);
}

TEST(encode_overflow)
{
	uint8_t small[12];
	struct p9_buf b = { .data = small, .size = sizeof(small) };
	char big[70000];

	EXPECT_EQ(p9_tversion(&b, 8192, "9P2000.L"), -EMSGSIZE);
	EXPECT_EQ(p9_twrite(&b, 1, 1, 0, "0123456789", 10), -EMSGSIZE);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	EXPECT_EQ(p9_tmkdir(&tx, 1, 7, big, 0755, 0), -EMSGSIZE);
	/* A failed message leaves a buffer usable for the next one. */
	EXPECT_EQ(p9_tfid(&b, P9_TCLUNK, 1, 1), 11);
}

/* ---- replies: built here, copied to an exact-size heap block ---- */

static uint8_t rbuf[512];
static uint32_t rlen;
static uint8_t *heap;

static void r_le(uint64_t v, int n)
{
	for (int i = 0; i < n; i++, v >>= 8)
		rbuf[rlen++] = (uint8_t)v;
}

static void r_begin(uint8_t type, uint16_t tag)
{
	rlen = 0;
	r_le(0, 4);
	r_le(type, 1);
	r_le(tag, 2);
}

static void r_str(const char *s)
{
	r_le(strlen(s), 2);
	memcpy(rbuf + rlen, s, strlen(s));
	rlen += (uint32_t)strlen(s);
}

static void r_qid(uint8_t type, uint64_t path)
{
	r_le(type, 1);
	r_le(1, 4);
	r_le(path, 8);
}

/* Sets the size field to size (or the true length), starts decoding a
 * heap copy of the first len bytes (or all) as the reply to t/tag. */
static int r_decode(struct p9_buf *b, uint8_t t, uint16_t tag, uint32_t size,
		    uint32_t len)
{
	size = size ? size : rlen;
	len = len ? len : rlen;
	for (int i = 0; i < 4; i++)
		rbuf[i] = (uint8_t)(size >> (8 * i));
	free(heap);
	heap = malloc(len);
	memcpy(heap, rbuf, len);
	return p9_reply_begin(b, heap, len, t, tag);
}

TEST(decode_version_qids_walk)
{
	struct p9_buf b;
	struct p9_qid q[P9_MAXWELEM];
	uint32_t msize, iounit;
	unsigned int n;
	char v[16];

	r_begin(P9_TVERSION + 1, P9_NOTAG);
	r_le(4096, 4);
	r_str("9P2000.L");
	EXPECT_EQ(r_decode(&b, P9_TVERSION, P9_NOTAG, 0, 0), 0);
	EXPECT_EQ(p9_rversion(&b, &msize, v, sizeof(v)), 0);
	EXPECT_EQ(msize, 4096);
	EXPECT_STR(v, "9P2000.L");
	EXPECT_EQ(r_decode(&b, P9_TVERSION, P9_NOTAG, 0, 0), 0);
	EXPECT_EQ(p9_rversion(&b, &msize, v, 4), -ENAMETOOLONG);

	r_begin(P9_TLOPEN + 1, 3);
	r_qid(0, 0x42);
	r_le(8192, 4);
	EXPECT_EQ(r_decode(&b, P9_TLOPEN, 3, 0, 0), 0);
	EXPECT_EQ(p9_ropen(&b, &q[0], &iounit), 0);
	EXPECT_EQ(q[0].path, 0x42);
	EXPECT_EQ(iounit, 8192);
	EXPECT_EQ(r_decode(&b, P9_TLOPEN, 3, 0, 0), 0);
	EXPECT_EQ(p9_rqid(&b, &q[0]), 0);	/* shorter reads are fine */

	r_begin(P9_TWALK + 1, 3);
	r_le(2, 2);
	r_qid(0x80, 1);
	r_qid(0, 2);
	EXPECT_EQ(r_decode(&b, P9_TWALK, 3, 0, 0), 0);
	EXPECT_EQ(p9_rwalk(&b, &n, q, P9_MAXWELEM), 0);
	EXPECT_EQ(n, 2);
	EXPECT_EQ(q[0].type, 0x80);
	EXPECT_EQ(q[1].path, 2);
	EXPECT_EQ(r_decode(&b, P9_TWALK, 3, 0, 0), 0);
	EXPECT_EQ(p9_rwalk(&b, &n, q, 1), -EPROTO);	/* more than asked */
	/* A count claiming a qid that is not there. */
	EXPECT_EQ(r_decode(&b, P9_TWALK, 3, rlen - 1, rlen - 1), 0);
	EXPECT_EQ(p9_rwalk(&b, &n, q, P9_MAXWELEM), -EPROTO);
}

TEST(decode_data_and_write)
{
	struct p9_buf b;
	const uint8_t *d;
	uint32_t count;

	r_begin(P9_TREAD + 1, 5);
	r_le(3, 4);
	r_le('x', 1); r_le('y', 1); r_le('z', 1);
	EXPECT_EQ(r_decode(&b, P9_TREAD, 5, 0, 0), 0);
	EXPECT_EQ(p9_rdata(&b, &count, &d), 0);
	EXPECT_EQ(count, 3);
	EXPECT(d && !memcmp(d, "xyz", 3));
	/* The count lies: more data than the message holds. */
	rbuf[7] = 200;
	EXPECT_EQ(r_decode(&b, P9_TREAD, 5, 0, 0), 0);
	EXPECT_EQ(p9_rdata(&b, &count, &d), -EPROTO);

	r_begin(P9_TWRITE + 1, 5);
	r_le(77, 4);
	EXPECT_EQ(r_decode(&b, P9_TWRITE, 5, 0, 0), 0);
	EXPECT_EQ(p9_rwrite(&b, &count), 0);
	EXPECT_EQ(count, 77);
	EXPECT_EQ(r_decode(&b, P9_TWRITE, 5, 9, 9), 0);	/* count cut */
	EXPECT_EQ(p9_rwrite(&b, &count), -EPROTO);
}

TEST(decode_getattr_statfs_readlink)
{
	struct p9_buf b;
	struct p9_attr a;
	struct p9_statfs st;
	char t[8];

	r_begin(P9_TGETATTR + 1, 1);
	r_le(P9_GETATTR_BASIC, 8);
	r_qid(0, 9);
	r_le(0100644, 4); r_le(1000, 4); r_le(1000, 4);
	r_le(1, 8); r_le(0, 8); r_le(12345, 8); r_le(4096, 8); r_le(8, 8);
	for (int i = 0; i < 6; i++)
		r_le(100 + i, 8);
	for (int i = 0; i < 5; i++)
		r_le(0, 8);	/* btime, gen, data_version */
	EXPECT_EQ(r_decode(&b, P9_TGETATTR, 1, 0, 0), 0);
	EXPECT_EQ(p9_rgetattr(&b, &a), 0);
	EXPECT_EQ(a.mode, 0100644);
	EXPECT_EQ(a.size, 12345);
	EXPECT_EQ(a.mtime_sec, 102);
	EXPECT_EQ(a.ctime_nsec, 105);
	EXPECT_EQ(r_decode(&b, P9_TGETATTR, 1, 60, 60), 0);
	EXPECT_EQ(p9_rgetattr(&b, &a), -EPROTO);

	r_begin(P9_TSTATFS + 1, 1);
	r_le(0x01021997, 4); r_le(4096, 4);
	for (int i = 0; i < 6; i++)
		r_le(1000 - i, 8);
	r_le(255, 4);
	EXPECT_EQ(r_decode(&b, P9_TSTATFS, 1, 0, 0), 0);
	EXPECT_EQ(p9_rstatfs(&b, &st), 0);
	EXPECT_EQ(st.bsize, 4096);
	EXPECT_EQ(st.bavail, 998);
	EXPECT_EQ(st.namelen, 255);
	EXPECT_EQ(r_decode(&b, P9_TSTATFS, 1, rlen - 1, rlen - 1), 0);
	EXPECT_EQ(p9_rstatfs(&b, &st), -EPROTO);

	r_begin(P9_TREADLINK + 1, 1);
	r_str("target");
	EXPECT_EQ(r_decode(&b, P9_TREADLINK, 1, 0, 0), 0);
	EXPECT_EQ(p9_rreadlink(&b, t, sizeof(t)), 0);
	EXPECT_STR(t, "target");
	EXPECT_EQ(r_decode(&b, P9_TREADLINK, 1, 0, 0), 0);
	EXPECT_EQ(p9_rreadlink(&b, t, 4), -ENAMETOOLONG);
	EXPECT_EQ(r_decode(&b, P9_TREADLINK, 1, rlen - 2, rlen - 2), 0);
	EXPECT_EQ(p9_rreadlink(&b, t, sizeof(t)), -EPROTO);
}

static void r_dirent(uint64_t path, uint64_t off, const char *name)
{
	r_qid(0, path);
	r_le(off, 8);
	r_le(8, 1);
	r_str(name);
}

TEST(decode_readdir)
{
	struct p9_buf b, d;
	struct p9_dirent e;
	const uint8_t *data;
	uint32_t count;

	r_begin(P9_TREADDIR + 1, 2);
	r_le(0, 4);
	r_dirent(1, 10, ".");
	r_dirent(2, 20, "file");
	count = rlen - P9_READDIR_HDR;
	memcpy(rbuf + P9_HDR_SIZE, &count, 4);	/* little-endian host */
	EXPECT_EQ(r_decode(&b, P9_TREADDIR, 2, 0, 0), 0);
	EXPECT_EQ(p9_rdata(&b, &count, &data), 0);
	d = (struct p9_buf){ .data = (uint8_t *)data, .end = count };
	EXPECT_EQ(p9_dirent_next(&d, &e), 1);
	EXPECT_STR(e.name, ".");
	EXPECT_EQ(p9_dirent_next(&d, &e), 1);
	EXPECT_STR(e.name, "file");
	EXPECT_EQ(e.offset, 20);
	EXPECT_EQ(e.qid.path, 2);
	EXPECT_EQ(p9_dirent_next(&d, &e), 0);
	/* An entry cut in the middle of its name. */
	d = (struct p9_buf){ .data = (uint8_t *)data, .end = count - 2 };
	EXPECT_EQ(p9_dirent_next(&d, &e), 1);
	EXPECT_EQ(p9_dirent_next(&d, &e), -EPROTO);
}

TEST(decode_malformed_headers)
{
	struct p9_buf b;

	r_begin(P9_TCLUNK + 1, 4);
	EXPECT_EQ(r_decode(&b, P9_TCLUNK, 4, 0, 0), 0);
	EXPECT_EQ(p9_reply_end(&b), 0);
	EXPECT_EQ(r_decode(&b, P9_TCLUNK, 5, 0, 0), -EPROTO);	/* tag */
	EXPECT_EQ(r_decode(&b, P9_TREAD, 4, 0, 0), -EPROTO);	/* type */
	EXPECT_EQ(r_decode(&b, P9_TCLUNK, 4, 0, 3), -EPROTO);	/* short */
	EXPECT_EQ(r_decode(&b, P9_TCLUNK, 4, 0, 6), -EPROTO);
	EXPECT_EQ(r_decode(&b, P9_TCLUNK, 4, 8, 0), -EPROTO);	/* size > len */
	EXPECT_EQ(r_decode(&b, P9_TCLUNK, 4, 6, 0), -EPROTO);	/* size < hdr */
	r_begin(250, 4);
	EXPECT_EQ(r_decode(&b, P9_TCLUNK, 4, 0, 0), -EPROTO);	/* unknown */
	/* A size field shorter than what the device wrote bounds the
	 * fields: a qid beyond it is not read. */
	r_begin(P9_TMKDIR + 1, 4);
	r_qid(0, 1);
	EXPECT_EQ(r_decode(&b, P9_TMKDIR, 4, 10, 0), 0);
	struct p9_qid q;
	EXPECT_EQ(p9_rqid(&b, &q), -EPROTO);
}

TEST(decode_rlerror)
{
	struct p9_buf b;

	r_begin(P9_RLERROR, 4);
	r_le(2, 4);
	EXPECT_EQ(r_decode(&b, P9_TWALK, 4, 0, 0), -ENOENT);
	r_begin(P9_RLERROR, 4);
	r_le(39, 4);
	EXPECT_EQ(r_decode(&b, P9_TUNLINKAT, 4, 0, 0), -ENOTEMPTY);
	EXPECT_EQ(r_decode(&b, P9_TUNLINKAT, 4, 0, 9), -EPROTO); /* cut */
	r_begin(P9_RLERROR, 4);
	r_le(9999, 4);
	EXPECT_EQ(r_decode(&b, P9_TWALK, 4, 0, 0), -EIO);
	r_begin(P9_RLERROR, 4);
	r_le(95, 4);	/* Linux's EOPNOTSUPP, 134 in this C library */
	EXPECT_EQ(r_decode(&b, P9_TWALK, 4, 0, 0), -EOPNOTSUPP);
	free(heap);
	heap = NULL;
}

UNIT_MAIN(UNIT_CASE(encode_version_attach_walk),
	  UNIT_CASE(encode_open_create_io),
	  UNIT_CASE(encode_attrs_and_names),
	  UNIT_CASE(encode_overflow),
	  UNIT_CASE(decode_version_qids_walk),
	  UNIT_CASE(decode_data_and_write),
	  UNIT_CASE(decode_getattr_statfs_readlink),
	  UNIT_CASE(decode_readdir),
	  UNIT_CASE(decode_malformed_headers),
	  UNIT_CASE(decode_rlerror))
