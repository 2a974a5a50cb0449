// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of fs/v9fs/client.c over a scripted fake transport: version
 * negotiation, replies that break the protocol (wrong tag, short, a size
 * field that lies, an unknown type, more data than asked for, Rlerror, a
 * transport error) reaching the caller as errors, and fids and tags given
 * back on every path, so a long run never runs out of them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include "../../fs/v9fs/v9fs_priv.h"
#include "unit.h"

/* The client takes its lock around the bitmaps only, never twice. */
void fake_spin_deadlock(arch_spinlock_t *l)
{
	(void)l;
	EXPECT(!"client.c took its spinlock twice");
	abort();
}

void klog(int level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

enum fault { OK, WRONG_TAG, SHORT, SIZE_LIES, UNKNOWN_TYPE, LERROR,
	     TRANSPORT_ERR, TOO_MUCH };

static struct {
	enum fault fault;
	uint32_t server_msize;
	uint8_t last_type;
	uint32_t last_fid;
	unsigned int calls;
} srv;

static void le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* The body of a good reply to type (after the 7-byte header): its
 * length.  Reads give 3 bytes. */
static uint32_t good_body(const uint8_t *tx, uint8_t *body)
{
	uint32_t asked;

	switch (tx[4]) {
	case P9_TVERSION:
		le(body, srv.server_msize, 4);
		le(body + 4, 8, 2);
		memcpy(body + 6, "9P2000.L", 8);
		return 14;
	case P9_TWALK:
		le(body, tx[15], 2);	/* nwname: one qid per name */
		memset(body + 2, 0, 13 * tx[15]);
		return 2 + 13u * tx[15];
	case P9_TREAD:
		/* TOO_MUCH: a count beyond the room we gave (whose bytes
		 * cannot all be there). */
		asked = (uint32_t)tx[19] | (uint32_t)tx[20] << 8;
		le(body, srv.fault == TOO_MUCH ? asked + 1 : 3, 4);
		memset(body + 4, 'r', srv.fault == TOO_MUCH ? asked : 3);
		return 4 + (srv.fault == TOO_MUCH ? asked : 3);
	case P9_TGETATTR:
		memset(body, 0, 153);
		le(body + 8 + 13 + 12 + 16, 4242, 8);	/* size */
		return 153;
	default:		/* Rclunk and the other empty replies */
		return 0;
	}
}

static int fake_rpc(struct p9_trans *t, const void *tx_, uint32_t txlen,
		    void *rx_, uint32_t rxcap)
{
	const uint8_t *tx = tx_;
	uint8_t *rx = rx_;
	uint32_t len;

	(void)t;
	srv.calls++;
	EXPECT(txlen >= P9_HDR_SIZE && tx[0] == (uint8_t)txlen);
	srv.last_type = tx[4];
	srv.last_fid = (uint32_t)tx[7] | (uint32_t)tx[8] << 8;
	if (srv.fault == TRANSPORT_ERR)
		return -EIO;
	len = P9_HDR_SIZE + good_body(tx, rx + P9_HDR_SIZE);
	rx[4] = srv.fault == UNKNOWN_TYPE ? 99 : tx[4] + 1;
	memcpy(rx + 5, tx + 5, 2);
	if (srv.fault == WRONG_TAG)
		rx[5] ^= 1;
	if (srv.fault == LERROR) {
		rx[4] = P9_RLERROR;
		le(rx + P9_HDR_SIZE, 2, 4);	/* Linux ENOENT */
		len = P9_HDR_SIZE + 4;
	}
	le(rx, srv.fault == SIZE_LIES ? len + 100 : len, 4);
	EXPECT(len <= rxcap);
	return srv.fault == SHORT ? 5 : (int)len;
}

static struct p9_trans trans = { .tag = "t", .kind = "virtio", .rpc = fake_rpc };
static struct p9_client c;

static void start(uint32_t server_msize)
{
	memset(&c, 0, sizeof(c));
	memset(&srv, 0, sizeof(srv));
	srv.server_msize = server_msize;
	EXPECT_EQ(p9c_init(&c, &trans, 65536), 0);
}

TEST(version_negotiates_msize)
{
	start(8192);
	EXPECT_EQ(c.msize, 8192);
	EXPECT_EQ(p9c_io_max(&c, 0), 8192 - P9_WRITE_HDR);
	EXPECT_EQ(p9c_io_max(&c, 1000), 1000);
	memset(&c, 0, sizeof(c));
	srv.server_msize = 1 << 20;	/* more than we asked for */
	EXPECT_EQ(p9c_init(&c, &trans, 65536), -EPROTONOSUPPORT);
}

TEST(good_replies)
{
	struct p9_attr a;
	struct p9_qid q;
	char buf[8];

	start(65536);
	EXPECT_EQ(p9c_walk(&c, 0, 1, "name", &q), 0);
	EXPECT_EQ(p9c_getattr(&c, 1, &a), 0);
	EXPECT_EQ(a.size, 4242);
	EXPECT_EQ(p9c_read(&c, 1, 0, buf, sizeof(buf)), 3);
	EXPECT(!memcmp(buf, "rrr", 3));
}

TEST(malformed_replies_are_errors)
{
	static const enum fault faults[] = { WRONG_TAG, SHORT, SIZE_LIES,
					     UNKNOWN_TYPE };
	struct p9_attr a;
	struct p9_qid q;
	char buf[8];

	start(65536);
	for (unsigned int i = 0; i < 4; i++) {
		srv.fault = faults[i];
		EXPECT_EQ(p9c_walk(&c, 0, 1, "x", &q), -EPROTO);
		EXPECT_EQ(p9c_getattr(&c, 0, &a), -EPROTO);
		EXPECT_EQ(p9c_read(&c, 0, 0, buf, sizeof(buf)), -EPROTO);
		EXPECT_EQ(p9c_mkdir(&c, 0, "d", 0755), -EPROTO);
	}
	srv.fault = TOO_MUCH;
	EXPECT_EQ(p9c_read(&c, 0, 0, buf, sizeof(buf)), -EPROTO);
	srv.fault = LERROR;
	EXPECT_EQ(p9c_walk(&c, 0, 1, "x", &q), -ENOENT);
	EXPECT_EQ(p9c_unlinkat(&c, 0, "x", 0), -ENOENT);
	srv.fault = TRANSPORT_ERR;
	EXPECT_EQ(p9c_fsync(&c, 0), -EIO);
}

TEST(names_too_long_never_sent)
{
	char big[2000];

	start(65536);
	memset(big, 'n', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	srv.calls = 0;
	EXPECT_EQ(p9c_mkdir(&c, 0, big, 0755), -EMSGSIZE);
	EXPECT_EQ(srv.calls, 0);
}

TEST(fids_and_tags_are_given_back)
{
	struct p9_qid q;
	uint32_t fid, first;

	start(65536);
	EXPECT_EQ(p9c_fid_alloc(&c, &first), 0);
	p9c_fid_free(&c, first);
	/* Many more calls than tags, half of them failing. */
	for (unsigned int i = 0; i < 4 * P9C_MAX_TAGS; i++) {
		srv.fault = i % 2 ? WRONG_TAG : OK;
		EXPECT_EQ(p9c_fid_alloc(&c, &fid), 0);
		EXPECT_EQ(fid, first);	/* the same one every time: freed */
		if (p9c_walk(&c, 0, fid, "x", &q) == 0)
			p9c_clunk(&c, fid);	/* fails half the time: still freed */
		else
			p9c_fid_free(&c, fid);
	}
	srv.fault = OK;
	p9c_clunk(&c, 7);
	EXPECT_EQ(srv.last_type, P9_TCLUNK);
	EXPECT_EQ(srv.last_fid, 7);
	/* Every fid, then none left. */
	for (unsigned int i = 0; i < P9C_MAX_FIDS; i++)
		EXPECT_EQ(p9c_fid_alloc(&c, &fid), 0);
	EXPECT_EQ(p9c_fid_alloc(&c, &fid), -ENFILE);
}

UNIT_MAIN(UNIT_CASE(version_negotiates_msize),
	  UNIT_CASE(good_replies),
	  UNIT_CASE(malformed_replies_are_errors),
	  UNIT_CASE(names_too_long_never_sent),
	  UNIT_CASE(fids_and_tags_are_given_back))
