// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of drivers/virtio/virtqueue.c against a fake device written
 * here from the spec (Virtio 1.2, 2.7): it reads the available ring and
 * the descriptors (direct and indirect) at their byte offsets as a device
 * would, writes into the device-writable buffers, fills the used ring and
 * decides on notifications and interrupts from the flags or event indices.
 * Covers add/get, a full ring, 16-bit index wrap-around, indirect tables,
 * suppression of kicks and interrupts, and every misbehaviour the queue
 * must catch (the device is then broken; ASan checks nothing is touched
 * outside the buffers).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <vireo/virtio.h>
#include "../../drivers/virtio/virtio_priv.h"
#include "unit.h"

#define F_INDIRECT	VIRTIO_FEATURE(VIRTIO_F_RING_INDIRECT_DESC)
#define F_EVENT_IDX	VIRTIO_FEATURE(VIRTIO_F_RING_EVENT_IDX)

/* ---- the transport and core seen by the queue ---- */

static int notifies;
static const char *broken_why;

static void fake_notify(struct virtio_device *vdev, struct virtqueue *vq)
{
	(void)vdev;
	(void)vq;
	notifies++;
}

static uint8_t fake_get_status(struct virtio_device *vdev)
{
	(void)vdev;
	return 0;
}

static const struct virtio_transport_ops fake_ops = {
	.get_status = fake_get_status, .notify = fake_notify,
};

/* The core's version logs and resets; here the reason is kept. */
void virtio_device_break(struct virtio_device *vdev, const char *why)
{
	if (!vdev->broken)
		broken_why = why;
	vdev->broken = true;
}

/* ---- the fake device: byte offsets of spec 2.7.5-2.7.8 ---- */

struct seg {
	uint8_t *addr;
	uint32_t len;
	bool write;
};

struct fake {
	struct virtio_device vdev;
	struct virtqueue *vq;
	unsigned int size;
	uint8_t *desc, *avail, *used;
	uint16_t last_avail;	/* next available entry to take */
	uint16_t used_idx;	/* our used index */
	uint16_t signalled;	/* used_idx at the last interrupt decision */
	int interrupts;
	struct seg segs[64];
	unsigned int nsegs;
};

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static void wr16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void wr32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void fake_start(struct fake *f, unsigned int size, uint64_t features)
{
	uint64_t d, a, u;

	memset(f, 0, sizeof(*f));
	notifies = 0;
	broken_why = NULL;
	f->vdev.ops = &fake_ops;
	f->vdev.features = features;
	strcpy(f->vdev.name, "fake");
	f->size = size;
	f->vq = virtqueue_new(&f->vdev, 0, size, NULL, "test");
	EXPECT(f->vq != NULL);
	virtqueue_ring_addrs(f->vq, &d, &a, &u);
	f->desc = (uint8_t *)(uintptr_t)d;
	f->avail = (uint8_t *)(uintptr_t)a;
	f->used = (uint8_t *)(uintptr_t)u;
}

static void fake_stop(struct fake *f)
{
	while (virtqueue_detach_unused(f->vq))
		;
	virtqueue_free(f->vq);
}

static uint16_t avail_idx(struct fake *f)
{
	return rd16(f->avail + 2);
}

static uint16_t used_event(struct fake *f)
{
	return rd16(f->avail + 4 + 2 * f->size);
}

static void set_avail_event(struct fake *f, uint16_t v)
{
	wr16(f->used + 4 + 8 * f->size, v);
}

/* Appends the descriptors of a table (ring or indirect) from index i. */
static void walk(struct fake *f, const uint8_t *table, unsigned int n, uint16_t i)
{
	for (;;) {
		const uint8_t *d = table + 16 * i;
		uint16_t flags = rd16(d + 12);

		EXPECT(i < n);
		EXPECT(f->nsegs < 64);
		if (i >= n || f->nsegs >= 64)
			return;
		if (flags & 4) {	/* INDIRECT: its own table */
			EXPECT_EQ(rd32(d + 8) % 16, 0);
			walk(f, (const uint8_t *)(uintptr_t)rd64(d), rd32(d + 8) / 16, 0);
			return;
		}
		f->segs[f->nsegs++] = (struct seg){
			(uint8_t *)(uintptr_t)rd64(d), rd32(d + 8), flags & 2,
		};
		if (!(flags & 1))
			return;
		i = rd16(d + 14);
	}
}

/* Takes the next available request into f->segs; its head, or -1. */
static int fake_pop(struct fake *f)
{
	uint16_t head;

	if (f->last_avail == avail_idx(f))
		return -1;
	head = rd16(f->avail + 4 + 2 * (f->last_avail % f->size));
	f->last_avail++;
	f->nsegs = 0;
	walk(f, f->desc, f->size, head);
	return head;
}

/* Writes byte v into every writable segment; returns the bytes written. */
static uint32_t fake_fill(struct fake *f, uint8_t v)
{
	uint32_t n = 0;

	for (unsigned int i = 0; i < f->nsegs; i++)
		if (f->segs[i].write) {
			memset(f->segs[i].addr, v, f->segs[i].len);
			n += f->segs[i].len;
		}
	return n;
}

/* Puts a used element and publishes the used index. */
static void fake_push(struct fake *f, uint32_t id, uint32_t len)
{
	uint8_t *e = f->used + 4 + 8 * (f->used_idx % f->size);

	wr32(e, id);
	wr32(e + 4, len);
	f->used_idx++;
	wr16(f->used + 2, f->used_idx);
}

/* The interrupt decision of 2.7.7.2 over what was used since the last. */
static bool fake_signal(struct fake *f)
{
	uint16_t old = f->signalled, now = f->used_idx;
	bool irq;

	f->signalled = now;
	if (f->vdev.features & F_EVENT_IDX)
		irq = (uint16_t)(now - used_event(f) - 1) < (uint16_t)(now - old);
	else
		irq = !(rd16(f->avail) & 1);
	if (irq && old != now)
		f->interrupts++;
	return irq && old != now;
}

/* Serves every available request: fills writable bytes, uses it. */
static void fake_serve(struct fake *f, uint8_t v)
{
	int head;

	while ((head = fake_pop(f)) >= 0)
		fake_push(f, (uint32_t)head, fake_fill(f, v));
}

/* ---- tests ---- */

TEST(add_and_get)
{
	uint8_t hdr[8] = "request", data[100];
	struct virtq_buf bufs[] = { { hdr, sizeof(hdr) }, { data, sizeof(data) } };
	struct fake f;
	uint32_t len = 0;
	int token;

	fake_start(&f, 8, 0);
	EXPECT_EQ(virtqueue_size(f.vq), 8);
	EXPECT_EQ(virtqueue_add(f.vq, bufs, 1, 1, &token), 0);
	EXPECT_EQ(virtqueue_free_count(f.vq), 6);
	EXPECT(virtqueue_get_buf(f.vq, &len) == NULL);	/* not used yet */
	EXPECT(virtqueue_kick(f.vq));
	EXPECT_EQ(notifies, 1);

	EXPECT_EQ(fake_pop(&f), 0);
	EXPECT_EQ(f.nsegs, 2);
	EXPECT(f.segs[0].addr == hdr && f.segs[0].len == 8 && !f.segs[0].write);
	EXPECT(f.segs[1].addr == data && f.segs[1].len == 100 && f.segs[1].write);
	fake_push(&f, 0, fake_fill(&f, 0xa5));

	EXPECT(virtqueue_get_buf(f.vq, &len) == &token);
	EXPECT_EQ(len, 100);
	EXPECT_EQ(data[99], 0xa5);
	EXPECT_EQ(virtqueue_free_count(f.vq), 8);
	EXPECT(virtqueue_get_buf(f.vq, &len) == NULL);
	EXPECT(!virtqueue_kick(f.vq));	/* nothing new: no doorbell */
	EXPECT(broken_why == NULL);
	fake_stop(&f);
}

TEST(rejects_bad_requests)
{
	uint8_t b[4];
	struct virtq_buf one = { b, 4 }, null_addr = { NULL, 4 };
	struct virtq_buf many[9];
	struct fake f;
	int token;

	for (int i = 0; i < 9; i++)
		many[i] = one;
	fake_start(&f, 8, F_INDIRECT);
	EXPECT_EQ(virtqueue_add(f.vq, &one, 1, 0, NULL), -EINVAL);
	EXPECT_EQ(virtqueue_add(f.vq, &one, 0, 0, &token), -EINVAL);
	EXPECT_EQ(virtqueue_add(f.vq, &null_addr, 1, 0, &token), -EINVAL);
	EXPECT_EQ(virtqueue_add(f.vq, many, 5, 4, &token), -EINVAL);	/* > size */
	EXPECT_EQ(virtqueue_free_count(f.vq), 8);
	EXPECT_EQ(avail_idx(&f), 0);
	fake_stop(&f);
}

TEST(ring_full)
{
	uint8_t b[4][16];
	struct virtq_buf one[4], two[2];
	struct fake f;
	int tokens[5];

	fake_start(&f, 4, 0);
	for (int i = 0; i < 4; i++) {
		one[i] = (struct virtq_buf){ b[i], 16 };
		EXPECT_EQ(virtqueue_add(f.vq, &one[i], 0, 1, &tokens[i]), 0);
	}
	EXPECT_EQ(virtqueue_free_count(f.vq), 0);
	EXPECT_EQ(virtqueue_add(f.vq, &one[0], 0, 1, &tokens[4]), -ENOSPC);
	fake_serve(&f, 1);
	EXPECT(virtqueue_get_buf(f.vq, NULL) == &tokens[0]);
	/* One descriptor free: a two-buffer chain still does not fit. */
	two[0] = one[0];
	two[1] = one[1];
	EXPECT_EQ(virtqueue_add(f.vq, two, 1, 1, &tokens[4]), -ENOSPC);
	EXPECT_EQ(virtqueue_add(f.vq, &one[0], 0, 1, &tokens[4]), 0);
	fake_stop(&f);
}

/* Runs many more requests than 65536 through a small ring, several in
 * flight, and checks that each completes with its own token and data. */
static void run_wrap(uint64_t features)
{
	uint8_t bufs[3][32];
	struct fake f;
	int tokens[3];
	unsigned int next = 0, done = 0;

	fake_start(&f, 8, features);
	while (done < 70000) {
		while (next - done < 3) {
			struct virtq_buf b[2] = { { bufs[next % 3], 16 },
						  { bufs[next % 3] + 16, 16 } };
			EXPECT_EQ(virtqueue_add(f.vq, b, 1, 1, &tokens[next % 3]), 0);
			next++;
		}
		virtqueue_kick(f.vq);
		int head = fake_pop(&f);
		EXPECT(head >= 0);
		fake_push(&f, (uint32_t)head, fake_fill(&f, (uint8_t)done));
		uint32_t len = 0;
		EXPECT(virtqueue_get_buf(f.vq, &len) == &tokens[done % 3]);
		EXPECT_EQ(len, 16);
		EXPECT_EQ(bufs[done % 3][31], (uint8_t)done);
		done++;
		if (broken_why)
			break;
	}
	EXPECT_EQ(done, 70000);
	EXPECT(f.used_idx == (uint16_t)70000);
	EXPECT(broken_why == NULL);
	fake_stop(&f);
}

TEST(indices_wrap)
{
	run_wrap(0);
}

TEST(indices_wrap_indirect_event_idx)
{
	run_wrap(F_INDIRECT | F_EVENT_IDX);
}

TEST(indirect_descriptors)
{
	uint8_t a[10], b[20], c[30];
	struct virtq_buf bufs[] = { { a, 10 }, { b, 20 }, { c, 30 } };
	struct fake f;
	uint32_t len;
	int token;

	fake_start(&f, 4, F_INDIRECT);
	EXPECT_EQ(virtqueue_add(f.vq, bufs, 1, 2, &token), 0);
	EXPECT_EQ(virtqueue_free_count(f.vq), 3);	/* one ring slot */
	int head = fake_pop(&f);
	EXPECT_EQ(rd16(f.desc + 16 * head + 12), 4);	/* INDIRECT only */
	EXPECT_EQ(rd32(f.desc + 16 * head + 8), 3 * 16);
	EXPECT_EQ(f.nsegs, 3);
	EXPECT(f.segs[0].addr == a && !f.segs[0].write);
	EXPECT(f.segs[1].addr == b && f.segs[1].write);
	EXPECT(f.segs[2].addr == c && f.segs[2].len == 30 && f.segs[2].write);
	fake_push(&f, (uint32_t)head, 50);
	EXPECT(virtqueue_get_buf(f.vq, &len) == &token);
	EXPECT_EQ(len, 50);
	EXPECT_EQ(virtqueue_free_count(f.vq), 4);
	/* A single buffer goes in the ring directly. */
	EXPECT_EQ(virtqueue_add(f.vq, bufs, 1, 0, &token), 0);
	head = fake_pop(&f);
	EXPECT_EQ(rd16(f.desc + 16 * head + 12), 0);
	EXPECT_EQ(f.nsegs, 1);
	fake_stop(&f);
}

TEST(used_flag_suppresses_kicks)
{
	uint8_t b[8];
	struct virtq_buf one = { b, 8 };
	struct fake f;
	int token;

	fake_start(&f, 8, 0);
	wr16(f.used, 1);	/* VIRTQ_USED_F_NO_NOTIFY */
	EXPECT_EQ(virtqueue_add(f.vq, &one, 1, 0, &token), 0);
	EXPECT(!virtqueue_kick(f.vq));
	wr16(f.used, 0);
	EXPECT_EQ(virtqueue_add(f.vq, &one, 1, 0, &token), 0);
	EXPECT(virtqueue_kick(f.vq));
	EXPECT_EQ(notifies, 1);
	fake_stop(&f);
}

TEST(event_idx_suppresses_kicks)
{
	uint8_t b[8];
	struct virtq_buf one = { b, 8 };
	struct fake f;
	int token;

	fake_start(&f, 8, F_EVENT_IDX);
	/* The device wants a kick when entry 0 is made available. */
	EXPECT_EQ(virtqueue_add(f.vq, &one, 1, 0, &token), 0);
	EXPECT(virtqueue_kick(f.vq));
	/* It has not caught up (still waits for entry 0): busy, or it
	 * missed the doorbell (virtqueue_kick()): kicked again. */
	EXPECT_EQ(virtqueue_add(f.vq, &one, 1, 0, &token), 0);
	EXPECT(virtqueue_kick(f.vq));
	/* It has taken both and asks for a kick at entry 2. */
	fake_pop(&f);
	fake_pop(&f);
	set_avail_event(&f, 2);
	EXPECT_EQ(virtqueue_add(f.vq, &one, 1, 0, &token), 0);
	EXPECT_EQ(virtqueue_add(f.vq, &one, 1, 0, &token), 0);
	EXPECT(virtqueue_kick(f.vq));	/* entries 2 and 3 cross it */
	/* Asks for entry 6, ahead of us: two more entries do not reach it. */
	set_avail_event(&f, 6);
	EXPECT_EQ(virtqueue_add(f.vq, &one, 1, 0, &token), 0);
	EXPECT_EQ(virtqueue_add(f.vq, &one, 1, 0, &token), 0);
	EXPECT(!virtqueue_kick(f.vq));
	EXPECT_EQ(notifies, 3);
	fake_stop(&f);
}

/* Interrupt suppression through the flag or the event index: while
 * disabled no use interrupts; enable_cb reports what was used meanwhile. */
static void run_interrupt_suppression(uint64_t features)
{
	uint8_t b[4][8];
	struct fake f;
	int tokens[4];

	fake_start(&f, 8, features);
	for (int i = 0; i < 4; i++) {
		struct virtq_buf one = { b[i], 8 };
		EXPECT_EQ(virtqueue_add(f.vq, &one, 0, 1, &tokens[i]), 0);
	}
	fake_pop(&f);
	fake_push(&f, 0, 8);
	EXPECT(fake_signal(&f));		/* enabled: interrupt */
	EXPECT(virtqueue_get_buf(f.vq, NULL) == &tokens[0]);
	virtqueue_disable_cb(f.vq);
	fake_pop(&f);
	fake_push(&f, 1, 8);
	EXPECT(!fake_signal(&f));		/* disabled: none */
	fake_pop(&f);
	fake_push(&f, 2, 8);
	EXPECT(!fake_signal(&f));
	EXPECT(!virtqueue_enable_cb(f.vq));	/* used meanwhile: poll again */
	EXPECT(virtqueue_get_buf(f.vq, NULL) == &tokens[1]);
	EXPECT(virtqueue_get_buf(f.vq, NULL) == &tokens[2]);
	EXPECT(virtqueue_enable_cb(f.vq));	/* nothing pending: may sleep */
	fake_pop(&f);
	fake_push(&f, 3, 8);
	EXPECT(fake_signal(&f));		/* enabled again */
	EXPECT_EQ(f.interrupts, 2);
	fake_stop(&f);
}

TEST(flag_suppresses_interrupts)
{
	run_interrupt_suppression(0);
}

TEST(event_idx_suppresses_interrupts)
{
	run_interrupt_suppression(F_EVENT_IDX);
}

TEST(event_idx_interrupt_at_next_element_only)
{
	uint8_t b[8];
	struct virtq_buf one = { b, 8 };
	struct fake f;
	int tokens[3];

	fake_start(&f, 8, F_EVENT_IDX);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(virtqueue_add(f.vq, &one, 0, 1, &tokens[i]), 0);
	fake_pop(&f);
	fake_push(&f, 0, 8);
	EXPECT(fake_signal(&f));
	/* Not consumed yet: used_event still asks for element 0, which the
	 * device has passed, so the next use does not interrupt again. */
	fake_pop(&f);
	fake_push(&f, 1, 8);
	EXPECT(!fake_signal(&f));
	EXPECT(virtqueue_get_buf(f.vq, NULL) == &tokens[0]);
	EXPECT(virtqueue_get_buf(f.vq, NULL) == &tokens[1]);
	EXPECT_EQ(used_event(&f), 2);
	fake_pop(&f);
	fake_push(&f, 2, 8);
	EXPECT(fake_signal(&f));
	fake_stop(&f);
}

/* ---- a misbehaving device ---- */

/* Two requests in flight (heads 0 and 2, each a two-descriptor chain),
 * then bad is applied to the used ring (returning how many requests it
 * completed properly first); the queue must break. */
static void run_bad(int (*bad)(struct fake *f), const char *why_part)
{
	uint8_t out[2][8], in[2][16];
	struct fake f;
	int tokens[2], seen = 0;
	uint32_t len = 0;

	fake_start(&f, 4, 0);
	for (int i = 0; i < 2; i++) {
		struct virtq_buf b[2] = { { out[i], 8 }, { in[i], 16 } };
		EXPECT_EQ(virtqueue_add(f.vq, b, 1, 1, &tokens[i]), 0);
	}
	int completed = bad(&f);
	EXPECT(virtqueue_get_buf(f.vq, &len) == NULL);
	EXPECT(f.vdev.broken);
	EXPECT(broken_why && strstr(broken_why, why_part));
	EXPECT(virtqueue_get_buf(f.vq, &len) == NULL);
	uint8_t b[4];
	struct virtq_buf one = { b, 4 };
	EXPECT_EQ(virtqueue_add(f.vq, &one, 1, 0, &tokens[0]), -EIO);
	EXPECT(!virtqueue_kick(f.vq));
	/* Every request still in flight comes back once for failing. */
	void *t;
	while ((t = virtqueue_detach_unused(f.vq)))
		seen += t == &tokens[0] || t == &tokens[1];
	EXPECT_EQ(seen, 2 - completed);
	EXPECT_EQ(virtqueue_free_count(f.vq), 4);
	virtqueue_free(f.vq);
}

static int used_idx_ahead(struct fake *f)
{
	fake_push(f, 0, 16);
	f->used_idx += 2;		/* claims 3 used of 2 in flight */
	wr16(f->used + 2, f->used_idx);
	return 0;
}

static int used_idx_backwards(struct fake *f)
{
	wr16(f->used + 2, (uint16_t)-1);
	return 0;
}

static int id_out_of_range(struct fake *f)
{
	fake_push(f, 4, 0);
	return 0;
}

static int id_huge(struct fake *f)
{
	fake_push(f, 0xffffffff, 0);
	return 0;
}

static int id_not_a_head(struct fake *f)
{
	fake_push(f, 1, 0);		/* the second descriptor of chain 0 */
	return 0;
}

static int id_free(struct fake *f)
{
	uint8_t b[4];
	struct virtq_buf one = { b, 4 };
	int token;

	/* Head 0 completes properly and is freed; then it is named again. */
	fake_push(f, 0, 16);
	EXPECT(virtqueue_get_buf(f->vq, NULL) != NULL);
	EXPECT_EQ(virtqueue_add(f->vq, &one, 1, 0, &token), 0);
	EXPECT(virtqueue_detach_unused(f->vq) != NULL);	/* free again */
	fake_push(f, 0, 0);
	return 1;
}

static int id_twice(struct fake *f)
{
	fake_push(f, 2, 16);
	EXPECT(virtqueue_get_buf(f->vq, NULL) != NULL);
	fake_push(f, 2, 16);		/* already completed */
	return 1;
}

static int len_too_long(struct fake *f)
{
	fake_push(f, 0, 17);		/* the writable buffer has 16 */
	return 0;
}

TEST(bad_used_index_ahead) { run_bad(used_idx_ahead, "used index"); }
TEST(bad_used_index_backwards) { run_bad(used_idx_backwards, "used index"); }
TEST(bad_id_out_of_range) { run_bad(id_out_of_range, "descriptor"); }
TEST(bad_id_huge) { run_bad(id_huge, "descriptor"); }
TEST(bad_id_not_a_head) { run_bad(id_not_a_head, "descriptor"); }
TEST(bad_id_free) { run_bad(id_free, "descriptor"); }
TEST(bad_id_twice) { run_bad(id_twice, "descriptor"); }
TEST(bad_length) { run_bad(len_too_long, "length"); }

TEST(bad_length_indirect)
{
	uint8_t a[8], b[8], c[8];
	struct virtq_buf bufs[] = { { a, 8 }, { b, 8 }, { c, 8 } };
	struct fake f;
	int token;

	fake_start(&f, 4, F_INDIRECT);
	EXPECT_EQ(virtqueue_add(f.vq, bufs, 1, 2, &token), 0);
	int head = fake_pop(&f);
	fake_push(&f, (uint32_t)head, 17);	/* 16 writable bytes */
	EXPECT(virtqueue_get_buf(f.vq, NULL) == NULL);
	EXPECT(f.vdev.broken);
	fake_stop(&f);
}

TEST(rejects_invalid_sizes)
{
	struct virtio_device vdev = { .ops = &fake_ops };

	EXPECT(virtqueue_new(&vdev, 0, 0, NULL, "x") == NULL);
	EXPECT(virtqueue_new(&vdev, 0, 6, NULL, "x") == NULL);
	EXPECT(virtqueue_new(&vdev, 0, 65536, NULL, "x") == NULL);
	struct virtqueue *vq = virtqueue_new(&vdev, 3, 32768, NULL, "x");
	EXPECT(vq && virtqueue_size(vq) == 32768 && virtqueue_index(vq) == 3);
	virtqueue_free(vq);
}

TEST(legacy_layout)
{
	struct fake f;

	fake_start(&f, 256, 0);
	/* Descriptors, then the available ring, the used ring at the next
	 * 4 KiB boundary (the legacy QueueAlign the transport programs). */
	EXPECT_EQ(f.avail - f.desc, 16 * 256);
	EXPECT_EQ(f.used - f.desc, 8192);
	EXPECT_EQ((uintptr_t)f.desc % 4096, 0);
	EXPECT_EQ(virtqueue_ring_bytes(256), 8192 + 6 + 8 * 256);
	fake_stop(&f);
}

UNIT_MAIN(UNIT_CASE(add_and_get), UNIT_CASE(rejects_bad_requests),
	  UNIT_CASE(ring_full), UNIT_CASE(indices_wrap),
	  UNIT_CASE(indices_wrap_indirect_event_idx),
	  UNIT_CASE(indirect_descriptors), UNIT_CASE(used_flag_suppresses_kicks),
	  UNIT_CASE(event_idx_suppresses_kicks),
	  UNIT_CASE(flag_suppresses_interrupts),
	  UNIT_CASE(event_idx_suppresses_interrupts),
	  UNIT_CASE(event_idx_interrupt_at_next_element_only),
	  UNIT_CASE(bad_used_index_ahead), UNIT_CASE(bad_used_index_backwards),
	  UNIT_CASE(bad_id_out_of_range), UNIT_CASE(bad_id_huge),
	  UNIT_CASE(bad_id_not_a_head), UNIT_CASE(bad_id_free),
	  UNIT_CASE(bad_id_twice), UNIT_CASE(bad_length),
	  UNIT_CASE(bad_length_indirect), UNIT_CASE(rejects_invalid_sizes),
	  UNIT_CASE(legacy_layout))
