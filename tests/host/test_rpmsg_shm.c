// SPDX-License-Identifier: BSD-2-Clause
/*
 * The rpmsg shared-memory layout and its rings (drivers/rpmsg/rpmsg_shm.c):
 * a server's layout is accepted and a message goes round both rings; then
 * every field the other side writes is corrupted in turn (header values,
 * ring indices, element ids and lengths, descriptor addresses and
 * lengths) and each is refused with -EINVAL/-EIO and a reason, never
 * followed outside the region (ASan guards the region's ends).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "../../drivers/rpmsg/rpmsg_shm.h"

#define SHM_SIZE (64 * 1024)
#define NUM 8
#define BUF 256

static uint8_t *shm;
static struct rpmsg_layout lay;
static struct rpmsg_vring drv, dev;
static uint8_t held[NUM];

static struct rpmsg_shm_server *hdr(void)
{
	return (struct rpmsg_shm_server *)shm;
}

/* A fresh region laid out by the "server"; ring 0 attached both ways. */
static void setup(void)
{
	free(shm);
	shm = calloc(1, SHM_SIZE);
	EXPECT_EQ(rpmsg_layout_plan(&lay, SHM_SIZE, NUM, BUF), 0);
	*hdr() = (struct rpmsg_shm_server){
		.magic = RPMSG_SHM_MAGIC, .version = RPMSG_SHM_VERSION, .num = NUM,
		.buf_size = BUF, .ring_off = { lay.ring_off[0], lay.ring_off[1] },
		.buf_off = { lay.buf_off[0], lay.buf_off[1] }, .gen = 1 };
	rpmsg_vring_attach(&drv, shm, &lay, 0, held);
	rpmsg_vring_format(&drv, 0);
	rpmsg_vring_attach(&dev, shm, &lay, 0, NULL);
}

static int check_hdr(const char **why)
{
	struct rpmsg_layout l;

	return rpmsg_layout_check(hdr(), SHM_SIZE, &l, why);
}

TEST(plan_and_check_agree)
{
	struct rpmsg_layout l;
	const char *why = NULL;

	setup();
	EXPECT_EQ(rpmsg_layout_check(hdr(), SHM_SIZE, &l, &why), 0);
	EXPECT(!memcmp(&l, &lay, sizeof(l)));
	EXPECT(lay.buf_off[1] + NUM * BUF <= SHM_SIZE);
	EXPECT_EQ(rpmsg_layout_plan(&l, 4096, NUM, BUF), -EINVAL);	/* too small */
	EXPECT_EQ(rpmsg_layout_plan(&l, SHM_SIZE, 3, BUF), -EINVAL);
	EXPECT_EQ(rpmsg_layout_plan(&l, SHM_SIZE, NUM, 100), -EINVAL);
}

TEST(corrupt_header_refused)
{
	const char *why;
	struct { size_t off; uint32_t v; } bad[] = {
		{ offsetof(struct rpmsg_shm_server, magic), 0x12345678 },
		{ offsetof(struct rpmsg_shm_server, version), 2 },
		{ offsetof(struct rpmsg_shm_server, num), 0 },
		{ offsetof(struct rpmsg_shm_server, num), 12 },		/* not 2^n */
		{ offsetof(struct rpmsg_shm_server, num), 1u << 20 },
		{ offsetof(struct rpmsg_shm_server, buf_size), 0xffffffff },
		{ offsetof(struct rpmsg_shm_server, buf_size), 8 },
		{ offsetof(struct rpmsg_shm_server, ring_off), 0 },	/* on the header */
		{ offsetof(struct rpmsg_shm_server, ring_off), SHM_SIZE - 64 },
		{ offsetof(struct rpmsg_shm_server, ring_off), 0xffffffc0 },	/* wraps */
		{ offsetof(struct rpmsg_shm_server, ring_off) + 4, 320 },	/* overlaps */
		{ offsetof(struct rpmsg_shm_server, buf_off), 0xffffff00 },
		{ offsetof(struct rpmsg_shm_server, buf_off) + 4, 0 },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup();
		memcpy(shm + bad[i].off, &bad[i].v, 4);
		why = NULL;
		EXPECT_EQ(check_hdr(&why), -EINVAL);
		EXPECT(why != NULL);
	}
}

TEST(message_round_trip)
{
	uint32_t id, off, len;
	const char *why;

	setup();
	rpmsg_vring_post(&drv, 3, 100);
	EXPECT(rpmsg_vring_pending(&dev, false));
	EXPECT_EQ(rpmsg_vring_take(&dev, &id, &off, &len, &why), 0);
	EXPECT_EQ(id, 3);
	EXPECT_EQ(off, lay.buf_off[0] + 3 * BUF);
	EXPECT_EQ(len, 100);
	EXPECT_EQ(rpmsg_vring_take(&dev, &id, &off, &len, &why), -EAGAIN);
	rpmsg_vring_give(&dev, 3, 0);
	EXPECT(rpmsg_vring_pending(&drv, true));
	EXPECT_EQ(rpmsg_vring_reclaim(&drv, &id, &len, &why), 0);
	EXPECT_EQ(id, 3);
	EXPECT_EQ(rpmsg_vring_reclaim(&drv, &id, &len, &why), -EAGAIN);
}

/* Device side: each corrupted field is refused. */
TEST(corrupt_avail_refused)
{
	uint32_t id, off, len;
	const char *why;

	setup();	/* index ran ahead */
	drv.avail->idx = NUM + 1;
	EXPECT_EQ(rpmsg_vring_take(&dev, &id, &off, &len, &why), -EIO);
	setup();	/* entry names a descriptor beyond the table */
	rpmsg_vring_post(&drv, 0, 10);
	drv.avail->ring[0] = NUM;
	EXPECT_EQ(rpmsg_vring_take(&dev, &id, &off, &len, &why), -EIO);
	uint64_t addrs[] = { 0, lay.ring_off[1], lay.buf_off[1], SHM_SIZE,
			     lay.buf_off[0] + NUM * BUF - 8, UINT64_MAX - 4 };
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		setup();	/* descriptor outside ring 0's buffers */
		rpmsg_vring_post(&drv, 1, 64);
		drv.desc[1].addr = addrs[i];
		EXPECT_EQ(rpmsg_vring_take(&dev, &id, &off, &len, &why), -EIO);
	}
	setup();	/* length beyond the buffer */
	rpmsg_vring_post(&drv, 1, BUF + 1);
	EXPECT_EQ(rpmsg_vring_take(&dev, &id, &off, &len, &why), -EIO);
	setup();	/* the last buffer, whole: fine */
	rpmsg_vring_post(&drv, NUM - 1, BUF);
	EXPECT_EQ(rpmsg_vring_take(&dev, &id, &off, &len, &why), 0);
	EXPECT_EQ(off + len, lay.buf_off[0] + NUM * BUF);
}

/* Driver side: the used ring can only return what was handed over. */
TEST(corrupt_used_refused)
{
	uint32_t id, len;
	const char *why;

	setup();	/* nothing handed over, index moved */
	drv.used->idx = 1;
	EXPECT_EQ(rpmsg_vring_reclaim(&drv, &id, &len, &why), -EIO);
	setup();	/* a buffer not handed over */
	rpmsg_vring_post(&drv, 2, 10);
	drv.used->ring[0] = (struct virtq_used_elem){ 5, 0 };
	drv.used->idx = 1;
	EXPECT_EQ(rpmsg_vring_reclaim(&drv, &id, &len, &why), -EIO);
	setup();	/* an id beyond the table */
	rpmsg_vring_post(&drv, 2, 10);
	drv.used->ring[0] = (struct virtq_used_elem){ 0xffffffff, 0 };
	drv.used->idx = 1;
	EXPECT_EQ(rpmsg_vring_reclaim(&drv, &id, &len, &why), -EIO);
	setup();	/* a length beyond the buffer */
	rpmsg_vring_post(&drv, 2, 10);
	drv.used->ring[0] = (struct virtq_used_elem){ 2, BUF + 1 };
	drv.used->idx = 1;
	EXPECT_EQ(rpmsg_vring_reclaim(&drv, &id, &len, &why), -EIO);
	setup();	/* the same buffer returned twice */
	rpmsg_vring_post(&drv, 2, 10);
	rpmsg_vring_post(&drv, 3, 10);
	drv.used->ring[0] = (struct virtq_used_elem){ 2, 0 };
	drv.used->ring[1] = (struct virtq_used_elem){ 2, 0 };
	drv.used->idx = 2;
	EXPECT_EQ(rpmsg_vring_reclaim(&drv, &id, &len, &why), 0);
	EXPECT_EQ(rpmsg_vring_reclaim(&drv, &id, &len, &why), -EIO);
}

/* Random bytes over everything: every call ends in 0, -EAGAIN or -EIO and
 * every offset handed out stays inside ring 0's buffers. */
TEST(random_garbage_stays_inside)
{
	uint32_t id, off, len;
	const char *why;

	srand(16);
	for (int round = 0; round < 2000; round++) {
		setup();
		for (size_t i = RPMSG_HDR_BYTES; i < lay.buf_off[0]; i++)
			shm[i] = (uint8_t)rand();
		dev.next_avail = (uint16_t)rand();
		for (int k = 0; k < NUM + 2; k++) {
			int r = rpmsg_vring_take(&dev, &id, &off, &len, &why);
			EXPECT(r == 0 || r == -EAGAIN || r == -EIO);
			if (r)
				break;
			EXPECT(id < NUM && off >= lay.buf_off[0] &&
			       off + len <= lay.buf_off[0] + NUM * BUF);
		}
		memset(held, 1, sizeof(held));
		drv.outstanding = NUM;
		for (int k = 0; k < NUM + 2; k++) {
			int r = rpmsg_vring_reclaim(&drv, &id, &len, &why);
			EXPECT(r == 0 || r == -EAGAIN || r == -EIO);
			if (r)
				break;
			EXPECT(id < NUM && len <= BUF);
		}
	}
	free(shm);
	shm = NULL;
}

UNIT_MAIN(UNIT_CASE(plan_and_check_agree), UNIT_CASE(corrupt_header_refused),
	  UNIT_CASE(message_round_trip), UNIT_CASE(corrupt_avail_refused),
	  UNIT_CASE(corrupt_used_refused), UNIT_CASE(random_garbage_stays_inside))
