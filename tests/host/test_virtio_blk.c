// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of the virtio-blk driver (drivers/virtio/virtio_blk.c, built
 * into this file to reach its probe) over a fake virtqueue and a fake
 * device written here from the spec (Virtio 1.2, 5.2.6): the device reads
 * each request's header, moves data to or from a RAM disk and writes the
 * status byte.  Covers the configuration (capacity, BLK_SIZE, RO, names
 * in probe order), splitting by SEG_MAX/SIZE_MAX and by the discard
 * limit, a full ring (the submitter sleeps until a completion), status
 * bytes turned into errors, and a broken device failing what is pending
 * and what comes later.
 *
 * The fake arch (tests/host/fake_arch) makes spinlocks single-threaded
 * checks; the fake wait_block_locked() plays the device completing the
 * oldest request while the submitter sleeps.
 */
#include "../../drivers/virtio/virtio_blk.c"
#include "unit.h"

#define DISK_SECTORS 2048
#define MAX_PENDING 64

/* ---- the kernel around the driver ---- */

bool fake_irqs_masked;

void fake_spin_deadlock(arch_spinlock_t *l)
{
	(void)l;
	fprintf(stderr, "spinlock taken twice: deadlock\n");
	abort();
}

void klog(int level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

irqflags_t sched_lock_acquire(void)
{
	return 0;
}

void sched_lock_release(irqflags_t f)
{
	(void)f;
}

int wait_wake_all_locked(struct wait_queue *wq, int result)
{
	(void)wq;
	(void)result;
	return 0;
}

static struct blockdev *registered;

int blockdev_register(struct blockdev *bd)
{
	registered = bd;
	return 0;
}

/* ---- the fake core and virtqueue ---- */

static uint8_t config[64];

void virtio_config_read(struct virtio_device *vdev, unsigned int off,
			void *buf, size_t len)
{
	(void)vdev;
	memcpy(buf, config + off, len);
}

void virtio_device_ready(struct virtio_device *vdev)
{
	(void)vdev;
}

struct fake_req {
	void *token;
	struct virtq_buf bufs[MAX_SEGS + 3];
	unsigned int n, nr_out;
	uint32_t used_len;
};

struct virtqueue {
	struct virtio_device *vdev;
	virtqueue_callback_t cb;
	unsigned int size, free;
	struct fake_req pending[MAX_PENDING];	/* in the ring, oldest first */
	unsigned int npending;
	struct fake_req used[MAX_PENDING];	/* completed, not yet taken */
	unsigned int nused;
	unsigned int max_in_flight, adds;
	struct fake_req log[256];		/* every request added */
};

static struct virtqueue queue;
static unsigned int queue_size = 64;
static uint8_t disk[DISK_SECTORS * SECTOR];
static uint8_t next_status = VIRTIO_BLK_S_OK;

struct virtqueue *virtio_find_vq(struct virtio_device *vdev, unsigned int idx,
				 unsigned int max_size, virtqueue_callback_t cb,
				 const char *name)
{
	(void)idx;
	(void)max_size;
	(void)name;
	memset(&queue, 0, sizeof(queue));
	queue.vdev = vdev;
	queue.cb = cb;
	queue.size = queue.free = queue_size;
	return &queue;
}

int virtqueue_add(struct virtqueue *vq, const struct virtq_buf *bufs,
		  unsigned int nr_out, unsigned int nr_in, void *token)
{
	struct fake_req *r;

	if (vq->vdev->broken)
		return -EIO;
	if (nr_out + nr_in > vq->free)
		return -ENOSPC;		/* no indirect descriptors here */
	EXPECT(vq->npending < MAX_PENDING);
	r = &vq->pending[vq->npending++];
	*r = (struct fake_req){ .token = token, .n = nr_out + nr_in, .nr_out = nr_out };
	memcpy(r->bufs, bufs, r->n * sizeof(*bufs));
	vq->free -= r->n;
	if (vq->adds < 256)
		vq->log[vq->adds] = *r;
	vq->adds++;
	if (vq->npending > vq->max_in_flight)
		vq->max_in_flight = vq->npending;
	return 0;
}

bool virtqueue_kick(struct virtqueue *vq)
{
	(void)vq;
	return true;
}

void *virtqueue_get_buf(struct virtqueue *vq, uint32_t *len)
{
	struct fake_req r;

	if (!vq->nused)
		return NULL;
	r = vq->used[0];
	memmove(vq->used, vq->used + 1, --vq->nused * sizeof(r));
	vq->free += r.n;
	*len = r.used_len;
	return r.token;
}

void *virtqueue_detach_unused(struct virtqueue *vq)
{
	struct fake_req r;

	if (!vq->npending)
		return NULL;
	r = vq->pending[--vq->npending];
	vq->free += r.n;
	return r.token;
}

unsigned int virtqueue_free_count(const struct virtqueue *vq)
{
	return vq->free;
}

unsigned int virtqueue_size(const struct virtqueue *vq)
{
	return vq->size;
}

struct virtio_device *virtqueue_device(const struct virtqueue *vq)
{
	return vq->vdev;
}

/* ---- the fake device (spec 5.2.6) ---- */

/* Serves the oldest request in the ring and interrupts. */
static void device_complete_oldest(void)
{
	struct fake_req r = queue.pending[0];
	const struct vblk_hdr *h = r.bufs[0].addr;
	uint64_t at = h->sector * SECTOR;
	uint32_t written = 1;

	memmove(queue.pending, queue.pending + 1, --queue.npending * sizeof(r));
	for (unsigned int i = 1; i + 1 < r.n; i++) {
		struct virtq_buf *b = &r.bufs[i];

		if (h->type == VIRTIO_BLK_T_IN) {
			memcpy(b->addr, disk + at, b->len);
			written += b->len;
		} else if (h->type == VIRTIO_BLK_T_OUT) {
			memcpy(disk + at, b->addr, b->len);
		}
		at += b->len;
	}
	*(uint8_t *)r.bufs[r.n - 1].addr = next_status;
	r.used_len = written;
	queue.used[queue.nused++] = r;
	queue.cb(&queue);
}

static void device_complete_all(void)
{
	while (queue.npending)
		device_complete_oldest();
}

/* The submitter sleeps: the device finishes something meanwhile. */
int wait_block_locked(struct wait_queue *wq, uint64_t deadline_ns)
{
	(void)wq;
	(void)deadline_ns;
	if (!queue.npending) {
		fprintf(stderr, "sleeping with nothing in flight: never woken\n");
		abort();
	}
	device_complete_oldest();
	return 0;
}

/* ---- helpers ---- */

static struct virtio_device vdev;

struct cfg {
	uint64_t features;
	uint32_t blk_size, seg_max, size_max, max_discard;
};

/* Probes a device with c; returns its block device. */
static struct blockdev *probe(const struct cfg *c)
{
	uint64_t cap = DISK_SECTORS;

	memset(&vdev, 0, sizeof(vdev));
	snprintf(vdev.name, sizeof(vdev.name), "fake");
	vdev.features = c->features;
	memset(config, 0, sizeof(config));
	memcpy(config + CFG_CAPACITY, &cap, 8);
	memcpy(config + CFG_SIZE_MAX, &c->size_max, 4);
	memcpy(config + CFG_SEG_MAX, &c->seg_max, 4);
	memcpy(config + CFG_BLK_SIZE, &c->blk_size, 4);
	memcpy(config + CFG_MAX_DISCARD_SECTORS, &c->max_discard, 4);
	registered = NULL;
	EXPECT_EQ(virtio_driver_blk.probe(&vdev), 0);
	return registered;
}

/* Frees what probe() allocated (devices are never removed in the kernel). */
static void unprobe(struct blockdev *bd)
{
	struct vblk *vb = bd->priv;

	free(vb->slots);
	free(vb);
}

static int done_calls, done_status;

static void on_done(struct blk_req *req, int status)
{
	(void)req;
	done_calls++;
	done_status = status;
}

static int submit(struct blockdev *bd, enum blk_op op, uint64_t block,
		  uint32_t count, void *buf)
{
	static struct blk_req req;

	req = (struct blk_req){ .op = op, .block = block, .count = count,
				.buf = buf, .done = on_done };
	done_calls = 0;
	done_status = 1;
	return bd->ops->submit(bd, &req);
}

static void fill_disk(void)
{
	for (size_t i = 0; i < sizeof(disk); i++)
		disk[i] = (uint8_t)(i * 13 + i / SECTOR);
}

#define F(bit) VIRTIO_FEATURE(bit)

/* ---- tests ---- */

TEST(configuration_and_names)
{
	struct cfg c = { .features = F(VIRTIO_BLK_F_BLK_SIZE) | F(VIRTIO_BLK_F_RO) |
				     F(VIRTIO_BLK_F_FLUSH),
			 .blk_size = 4096 };
	struct blockdev *bd;

	nr_disks = 0;
	bd = probe(&c);
	if (!bd)
		return;
	EXPECT_STR(bd->name, "vda");
	EXPECT_EQ(bd->block_size, 4096);
	EXPECT_EQ(bd->nr_blocks, DISK_SECTORS / 8);
	EXPECT(bd->read_only);
	EXPECT_EQ(bd->features, BLKDEV_F_FLUSH);
	unprobe(bd);
	bd = probe(&(struct cfg){ 0 });
	if (!bd)
		return;
	EXPECT_STR(bd->name, "vdb");
	EXPECT_EQ(bd->block_size, 512);
	unprobe(bd);
	/* A block size that is not a power of two is refused. */
	c.blk_size = 1000;
	memset(&vdev, 0, sizeof(vdev));
	vdev.features = c.features;
	memcpy(config + CFG_BLK_SIZE, &c.blk_size, 4);
	EXPECT_EQ(virtio_driver_blk.probe(&vdev), -EINVAL);
}

TEST(reads_split_by_seg_and_size_max)
{
	struct cfg c = { .features = F(VIRTIO_BLK_F_SEG_MAX) | F(VIRTIO_BLK_F_SIZE_MAX),
			 .seg_max = 2, .size_max = 8192 };
	static uint8_t buf[65536];
	struct blockdev *bd = probe(&c);

	fill_disk();
	EXPECT_EQ(submit(bd, BLK_OP_READ, 10, 128, buf), 0);
	EXPECT_EQ(queue.adds, 4);		/* 2 segments of 8 KiB each */
	for (unsigned int i = 0; i < 4 && i < queue.adds; i++) {
		const struct vblk_hdr *h = queue.log[i].bufs[0].addr;

		EXPECT_EQ(queue.log[i].n, 4);
		EXPECT_EQ(queue.log[i].nr_out, 1);	/* only the header */
		EXPECT_EQ(h->sector, 10 + 32 * i);
		EXPECT_EQ(queue.log[i].bufs[1].len, 8192);
	}
	EXPECT_EQ(done_calls, 0);		/* nothing completed yet */
	device_complete_all();
	EXPECT_EQ(done_calls, 1);
	EXPECT_EQ(done_status, 0);
	EXPECT(!memcmp(buf, disk + 10 * SECTOR, sizeof(buf)));
	unprobe(bd);
}

TEST(writes_through_a_full_ring)
{
	static uint8_t buf[65536];
	struct blockdev *bd;

	queue_size = 8;		/* two 4-descriptor pieces at a time */
	bd = probe(&(struct cfg){ .features = F(VIRTIO_BLK_F_SEG_MAX) | F(VIRTIO_BLK_F_SIZE_MAX),
				  .seg_max = 2, .size_max = 8192 });
	queue_size = 64;
	memset(buf, 0xab, sizeof(buf));
	EXPECT_EQ(submit(bd, BLK_OP_WRITE, 0, 128, buf), 0);
	EXPECT_EQ(queue.adds, 4);
	EXPECT_EQ(queue.max_in_flight, 2);	/* the rest waited for room */
	device_complete_all();
	EXPECT_EQ(done_calls, 1);
	EXPECT_EQ(done_status, 0);
	EXPECT(!memcmp(disk, buf, sizeof(buf)));
	unprobe(bd);
}

TEST(status_bytes_become_errors)
{
	static uint8_t buf[4096];
	struct blockdev *bd = probe(&(struct cfg){ .features = F(VIRTIO_BLK_F_FLUSH) });

	next_status = VIRTIO_BLK_S_IOERR;
	EXPECT_EQ(submit(bd, BLK_OP_READ, 0, 8, buf), 0);
	device_complete_all();
	EXPECT_EQ(done_calls, 1);
	EXPECT_EQ(done_status, -EIO);
	next_status = VIRTIO_BLK_S_UNSUPP;
	EXPECT_EQ(submit(bd, BLK_OP_FLUSH, 0, 0, NULL), 0);
	EXPECT_EQ(queue.log[queue.adds - 1].n, 2);	/* header and status */
	device_complete_all();
	EXPECT_EQ(done_status, -EOPNOTSUPP);
	next_status = 7;			/* not in the spec */
	EXPECT_EQ(submit(bd, BLK_OP_READ, 0, 8, buf), 0);
	device_complete_all();
	EXPECT_EQ(done_status, -EIO);
	next_status = VIRTIO_BLK_S_OK;
	unprobe(bd);
}

TEST(discard_split_by_device_limit)
{
	struct blockdev *bd = probe(&(struct cfg){ .features = F(VIRTIO_BLK_F_DISCARD),
						   .max_discard = 16 });
	static const uint32_t want[] = { 16, 16, 8 };

	EXPECT_EQ(bd->features, BLKDEV_F_DISCARD);
	EXPECT_EQ(submit(bd, BLK_OP_DISCARD, 100, 40, NULL), 0);
	EXPECT_EQ(queue.adds, 3);
	for (unsigned int i = 0; i < 3 && i < queue.adds; i++) {
		const struct vblk_range *r = queue.log[i].bufs[1].addr;

		EXPECT_EQ(queue.log[i].nr_out, 2);	/* header and range */
		EXPECT_EQ(r->sector, 100 + 16 * i);
		EXPECT_EQ(r->num_sectors, want[i]);
	}
	device_complete_all();
	EXPECT_EQ(done_calls, 1);
	EXPECT_EQ(done_status, 0);
	unprobe(bd);
}

TEST(broken_device_fails_pending_and_later)
{
	static uint8_t buf[4096];
	struct blockdev *bd = probe(&(struct cfg){ 0 });

	EXPECT_EQ(submit(bd, BLK_OP_READ, 0, 8, buf), 0);
	EXPECT_EQ(queue.npending, 1);
	vdev.broken = true;		/* what virtio_device_break() does */
	queue.cb(&queue);		/* and the interrupt it raises */
	EXPECT_EQ(done_calls, 1);
	EXPECT_EQ(done_status, -EIO);
	EXPECT_EQ(queue.npending, 0);
	EXPECT_EQ(submit(bd, BLK_OP_READ, 0, 8, buf), 0);
	EXPECT_EQ(done_calls, 1);	/* at once, nothing added */
	EXPECT_EQ(done_status, -EIO);
	EXPECT_EQ(queue.adds, 1);
	unprobe(bd);
}

UNIT_MAIN(UNIT_CASE(configuration_and_names),
	  UNIT_CASE(reads_split_by_seg_and_size_max),
	  UNIT_CASE(writes_through_a_full_ring),
	  UNIT_CASE(status_bytes_become_errors),
	  UNIT_CASE(discard_split_by_device_limit),
	  UNIT_CASE(broken_device_fails_pending_and_later))
