// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of kernel/ringbuf.c: put/get/peek, overwrite mode, full and
 * empty, wrap-around in the buffer and of the free-running counters
 * themselves (started just below SIZE_MAX).
 */
#include <stdbool.h>
#include <stdint.h>
#include <vireo/compiler.h>
#include <vireo/ringbuf.h>
#include "fake_panic.h"
#include "unit.h"

#define RB_SIZE 16

/* A ring whose counters start at start (as if start bytes had passed). */
static void ring_at(struct ringbuf *r, uint8_t *buf, size_t start)
{
	ringbuf_init(r, buf, RB_SIZE);
	r->head = r->tail = start;
}

static void fill_seq(uint8_t *p, size_t n, uint8_t first)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(first + i);
}

static bool is_seq(const uint8_t *p, size_t n, uint8_t first)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (uint8_t)(first + i))
			return false;
	return true;
}

TEST(empty_after_init)
{
	uint8_t buf[RB_SIZE], out[4];
	struct ringbuf r;

	ringbuf_init(&r, buf, sizeof(buf));
	EXPECT(ringbuf_empty(&r));
	EXPECT_EQ(ringbuf_used(&r), 0);
	EXPECT_EQ(ringbuf_space(&r), RB_SIZE);
	EXPECT_EQ(ringbuf_get(&r, out, sizeof(out)), 0);
	EXPECT_EQ(ringbuf_getc(&r), -1);
	EXPECT_EQ(ringbuf_peek(&r, 0, out, sizeof(out)), 0);
}

TEST(put_get_in_order)
{
	uint8_t buf[RB_SIZE], in[10], out[10];
	struct ringbuf r;

	ringbuf_init(&r, buf, sizeof(buf));
	fill_seq(in, sizeof(in), 1);
	EXPECT_EQ(ringbuf_put(&r, in, 10), 10);
	EXPECT_EQ(ringbuf_used(&r), 10);
	EXPECT_EQ(ringbuf_space(&r), 6);
	EXPECT_EQ(ringbuf_get(&r, out, 4), 4);
	EXPECT(is_seq(out, 4, 1));
	EXPECT_EQ(ringbuf_get(&r, out, 10), 6);
	EXPECT(is_seq(out, 6, 5));
	EXPECT(ringbuf_empty(&r));
}

TEST(put_stops_when_full)
{
	uint8_t buf[RB_SIZE], in[20], out[20];
	struct ringbuf r;

	ringbuf_init(&r, buf, sizeof(buf));
	fill_seq(in, sizeof(in), 0);
	EXPECT_EQ(ringbuf_put(&r, in, 20), RB_SIZE);
	EXPECT_EQ(ringbuf_space(&r), 0);
	EXPECT(!ringbuf_empty(&r));
	EXPECT_EQ(ringbuf_put(&r, in, 1), 0);
	EXPECT_EQ(ringbuf_putc(&r, 0xaa), -1);
	EXPECT_EQ(ringbuf_get(&r, out, 20), RB_SIZE);
	EXPECT(is_seq(out, RB_SIZE, 0));
}

TEST(putc_getc)
{
	uint8_t buf[RB_SIZE];
	struct ringbuf r;

	ringbuf_init(&r, buf, sizeof(buf));
	EXPECT_EQ(ringbuf_putc(&r, 0xff), 0);
	EXPECT_EQ(ringbuf_putc(&r, 0x00), 0);
	EXPECT_EQ(ringbuf_getc(&r), 0xff);	/* not -1: bytes are unsigned */
	EXPECT_EQ(ringbuf_getc(&r), 0x00);
	EXPECT_EQ(ringbuf_getc(&r), -1);
}

TEST(wraps_inside_buffer)
{
	uint8_t buf[RB_SIZE], in[12], out[12];
	struct ringbuf r;

	ringbuf_init(&r, buf, sizeof(buf));
	fill_seq(in, sizeof(in), 0);
	/* Move the indices to offset 10, then write across the end. */
	EXPECT_EQ(ringbuf_put(&r, in, 10), 10);
	EXPECT_EQ(ringbuf_get(&r, out, 10), 10);
	fill_seq(in, sizeof(in), 100);
	EXPECT_EQ(ringbuf_put(&r, in, 12), 12);
	EXPECT_EQ(buf[15], 105);
	EXPECT_EQ(buf[0], 106);
	EXPECT_EQ(ringbuf_get(&r, out, 12), 12);
	EXPECT(is_seq(out, 12, 100));
}

TEST(peek_with_skip)
{
	uint8_t buf[RB_SIZE], in[14], out[16];
	struct ringbuf r;

	ring_at(&r, buf, 9);	/* data straddles the end of buf */
	fill_seq(in, sizeof(in), 50);
	ringbuf_put(&r, in, 14);
	EXPECT_EQ(ringbuf_peek(&r, 0, out, 16), 14);
	EXPECT(is_seq(out, 14, 50));
	EXPECT_EQ(ringbuf_peek(&r, 5, out, 3), 3);
	EXPECT(is_seq(out, 3, 55));
	EXPECT_EQ(ringbuf_peek(&r, 10, out, 16), 4);
	EXPECT(is_seq(out, 4, 60));
	EXPECT_EQ(ringbuf_peek(&r, 14, out, 16), 0);
	EXPECT_EQ(ringbuf_peek(&r, SIZE_MAX, out, 16), 0);
	EXPECT_EQ(ringbuf_used(&r), 14);	/* nothing consumed */
}

TEST(skip_drops_oldest)
{
	uint8_t buf[RB_SIZE], in[14], out[16];
	struct ringbuf r;

	ring_at(&r, buf, 12);	/* the skip crosses the end of buf */
	fill_seq(in, sizeof(in), 20);
	ringbuf_put(&r, in, 14);
	EXPECT_EQ(ringbuf_skip(&r, 6), 6);
	EXPECT_EQ(ringbuf_used(&r), 8);
	EXPECT_EQ(ringbuf_get(&r, out, 2), 2);
	EXPECT(is_seq(out, 2, 26));
	EXPECT_EQ(ringbuf_skip(&r, 100), 6);	/* only what is there */
	EXPECT(ringbuf_empty(&r));
	EXPECT_EQ(ringbuf_skip(&r, 1), 0);
}

TEST(overwrite_drops_oldest)
{
	uint8_t buf[RB_SIZE], in[10], out[RB_SIZE];
	struct ringbuf r;

	ringbuf_init(&r, buf, sizeof(buf));
	fill_seq(in, sizeof(in), 0);
	ringbuf_put_overwrite(&r, in, 10);
	fill_seq(in, sizeof(in), 10);
	ringbuf_put_overwrite(&r, in, 10);	/* 20 written, 4 dropped */
	EXPECT_EQ(ringbuf_used(&r), RB_SIZE);
	EXPECT_EQ(ringbuf_get(&r, out, RB_SIZE), RB_SIZE);
	EXPECT(is_seq(out, RB_SIZE, 4));
}

TEST(overwrite_longer_than_ring)
{
	uint8_t buf[RB_SIZE], in[40], out[RB_SIZE];
	struct ringbuf r;

	ringbuf_init(&r, buf, sizeof(buf));
	ringbuf_putc(&r, 0xee);
	fill_seq(in, sizeof(in), 0);
	ringbuf_put_overwrite(&r, in, 40);	/* only the last 16 stay */
	EXPECT_EQ(ringbuf_used(&r), RB_SIZE);
	EXPECT_EQ(ringbuf_get(&r, out, RB_SIZE), RB_SIZE);
	EXPECT(is_seq(out, RB_SIZE, 24));
}

TEST(overwrite_fits_without_drop)
{
	uint8_t buf[RB_SIZE], in[5], out[RB_SIZE];
	struct ringbuf r;

	ringbuf_init(&r, buf, sizeof(buf));
	fill_seq(in, sizeof(in), 1);
	ringbuf_put_overwrite(&r, in, 5);
	ringbuf_put_overwrite(&r, in, 0);
	EXPECT_EQ(ringbuf_used(&r), 5);
	EXPECT_EQ(ringbuf_get(&r, out, RB_SIZE), 5);
	EXPECT(is_seq(out, 5, 1));
}

TEST(counters_wrap_past_size_max)
{
	uint8_t buf[RB_SIZE], in[RB_SIZE], out[RB_SIZE];
	struct ringbuf r;

	ring_at(&r, buf, SIZE_MAX - 5);
	fill_seq(in, sizeof(in), 30);
	EXPECT_EQ(ringbuf_put(&r, in, RB_SIZE), RB_SIZE);
	EXPECT(r.head < r.tail);	/* head has wrapped, tail not yet */
	EXPECT_EQ(ringbuf_used(&r), RB_SIZE);
	EXPECT_EQ(ringbuf_space(&r), 0);
	EXPECT_EQ(ringbuf_put(&r, in, 1), 0);
	EXPECT_EQ(ringbuf_peek(&r, 7, out, 2), 2);
	EXPECT(is_seq(out, 2, 37));
	EXPECT_EQ(ringbuf_get(&r, out, RB_SIZE), RB_SIZE);
	EXPECT(is_seq(out, RB_SIZE, 30));
	EXPECT(ringbuf_empty(&r));
	EXPECT_EQ(r.tail, (size_t)RB_SIZE - 6);
}

TEST(overwrite_across_size_max)
{
	uint8_t buf[RB_SIZE], in[RB_SIZE], out[RB_SIZE];
	struct ringbuf r;

	ring_at(&r, buf, SIZE_MAX - 2);
	for (int round = 0; round < 5; round++) {
		fill_seq(in, 7, (uint8_t)(round * 7));
		ringbuf_put_overwrite(&r, in, 7);
	}
	/* 35 bytes written: the newest 16 are 19..34. */
	EXPECT_EQ(ringbuf_used(&r), RB_SIZE);
	EXPECT_EQ(ringbuf_get(&r, out, RB_SIZE), RB_SIZE);
	EXPECT(is_seq(out, RB_SIZE, 19));
}

/* Byte-for-byte against a trivial model, with the counters crossing
 * SIZE_MAX halfway through. */
TEST(random_against_model)
{
	static uint8_t model[1 << 16];
	uint8_t buf[RB_SIZE], tmp[RB_SIZE * 2];
	size_t m_head = 0, m_tail = 0;
	struct ringbuf r;
	unsigned int seed = 12345;
	uint8_t next = 0;

	ring_at(&r, buf, SIZE_MAX - 5000);
	for (int i = 0; i < 20000 && m_head + 64 < sizeof(model); i++) {
		seed = seed * 1103515245u + 12345u;
		size_t len = (seed >> 16) % (RB_SIZE + 8);
		if ((seed >> 8) & 1) {
			for (size_t k = 0; k < len; k++)
				tmp[k] = next++;
			size_t n = ringbuf_put(&r, tmp, len);
			EXPECT_EQ(n, MIN(len, RB_SIZE - (m_head - m_tail)));
			memcpy(model + m_head, tmp, n);
			next = (uint8_t)(next - (len - n));
			m_head += n;
		} else {
			size_t n = ringbuf_get(&r, tmp, len);
			EXPECT_EQ(n, MIN(len, m_head - m_tail));
			EXPECT(!memcmp(tmp, model + m_tail, n));
			m_tail += n;
		}
		EXPECT_EQ(ringbuf_used(&r), m_head - m_tail);
	}
	EXPECT(r.head < SIZE_MAX - 5000);	/* the counters did wrap */
}

TEST(init_rejects_non_power_of_two)
{
	uint8_t buf[24];
	struct ringbuf r;

	EXPECT_PANIC(ringbuf_init(&r, buf, sizeof(buf)));
}

UNIT_MAIN(UNIT_CASE(empty_after_init), UNIT_CASE(put_get_in_order),
	  UNIT_CASE(put_stops_when_full), UNIT_CASE(putc_getc),
	  UNIT_CASE(wraps_inside_buffer), UNIT_CASE(peek_with_skip),
	  UNIT_CASE(skip_drops_oldest),
	  UNIT_CASE(overwrite_drops_oldest),
	  UNIT_CASE(overwrite_longer_than_ring),
	  UNIT_CASE(overwrite_fits_without_drop),
	  UNIT_CASE(counters_wrap_past_size_max),
	  UNIT_CASE(overwrite_across_size_max),
	  UNIT_CASE(random_against_model),
	  UNIT_CASE(init_rejects_non_power_of_two))
