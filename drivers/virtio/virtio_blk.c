// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio block device (Virtio 1.2, 5.2): one request queue; each request
 * is a header (type, sector), the data or a discard/write-zeroes range,
 * and a status byte the device writes.  Devices become block devices
 * vda, vdb, ... in probe order (<vireo/blockdev.h>).
 *
 * A block request larger than one device request may carry (seg_max
 * segments of at most size_max bytes, max_discard_sectors, ...) goes out
 * as several pieces; it completes when the last piece does, with the
 * first error.  Many pieces are in flight at once, one per slot (a slot
 * holds a piece's header, range and status); a submitter finding no free
 * slot or no room in the ring sleeps until a completion makes some.
 *
 * Locking: vb->lock (IRQ-safe spinlock) protects the free slots and every
 * call on the queue; the queue callback takes it in interrupt context.
 * The scheduler lock protects the wait queue of submitters; when both are
 * held the scheduler lock comes first, so the callback drops vb->lock
 * before waking (as drivers/serial/pl011.c does).  Block requests' pending
 * counts and status are atomics: their pieces complete on any CPU.
 *
 * When the device breaks (virtio_device_is_broken(): the core has logged
 * it and reset the device) the callback fails every piece still in the
 * ring with -EIO, and later submissions fail at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/blockdev.h>
#include <vireo/compiler.h>
#include <vireo/klog.h>
#include <vireo/spinlock.h>
#include <vireo/thread.h>
#include <vireo/virtio.h>
#include <vireo/wait.h>

/* Feature bits (5.2.3) */
#define VIRTIO_BLK_F_SIZE_MAX		1
#define VIRTIO_BLK_F_SEG_MAX		2
#define VIRTIO_BLK_F_RO			5
#define VIRTIO_BLK_F_BLK_SIZE		6
#define VIRTIO_BLK_F_FLUSH		9
#define VIRTIO_BLK_F_DISCARD		13
#define VIRTIO_BLK_F_WRITE_ZEROES	14

/* Configuration space (5.2.4), little-endian */
#define CFG_CAPACITY		0	/* le64, 512-byte sectors */
#define CFG_SIZE_MAX		8	/* le32 */
#define CFG_SEG_MAX		12	/* le32 */
#define CFG_BLK_SIZE		20	/* le32 */
#define CFG_MAX_DISCARD_SECTORS	36	/* le32 */
#define CFG_MAX_WZ_SECTORS	48	/* le32 */

/* Request types and status (5.2.6) */
#define VIRTIO_BLK_T_IN			0
#define VIRTIO_BLK_T_OUT		1
#define VIRTIO_BLK_T_FLUSH		4
#define VIRTIO_BLK_T_DISCARD		11
#define VIRTIO_BLK_T_WRITE_ZEROES	13
#define VIRTIO_BLK_S_OK			0
#define VIRTIO_BLK_S_IOERR		1
#define VIRTIO_BLK_S_UNSUPP		2
#define VIRTIO_BLK_WZ_UNMAP		1u	/* may deallocate the range */

#define SECTOR			512
#define MAX_SEGS		16	/* data segments of one piece we build */
/* Our bound on one data segment when the device sets none: larger
 * pieces gain nothing and would keep one request busy for long. */
#define SEG_BYTES_DEFAULT	(1u << 20)

/* The header and range are little-endian; so is this CPU (also what a
 * legacy device, which uses the guest's byte order, expects). */
struct vblk_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct vblk_range {
	uint64_t sector;
	uint32_t num_sectors;
	uint32_t flags;
};

struct vblk_slot {
	struct vblk_hdr hdr;
	struct vblk_range range;
	uint8_t status;			/* written by the device */
	int err;			/* the piece's result, at completion */
	struct blk_req *req;		/* the block request it is part of */
	struct vblk_slot *next;		/* free list, or completed list */
};

struct vblk {
	struct blockdev bd;
	struct virtio_device *vdev;
	struct virtqueue *vq;
	spinlock_t lock;		/* see the top of the file */
	struct vblk_slot *slots;
	struct vblk_slot *free;		/* vb->lock */
	struct wait_queue room;		/* submitters; scheduler lock */
	unsigned int segs;		/* data segments per piece */
	uint32_t seg_bytes;		/* bytes per segment, whole blocks */
	uint32_t max_discard;		/* sectors per discard piece */
	uint32_t max_wz;		/* sectors per write-zeroes piece */
};

/* What one piece asks: built by the submitter, copied into a slot. */
struct piece {
	uint32_t type;
	uint64_t sector;
	uint8_t *data;			/* READ/WRITE */
	size_t len;			/* data bytes */
	uint32_t sectors;		/* DISCARD/WRITE_ZEROES */
};

static unsigned int nr_disks;		/* probe order; probing is serial */

/* ---- completion ---- */

/* One piece of req finished with err: the last one completes req. */
static void piece_done(struct blk_req *req, int err)
{
	int zero = 0;

	if (err)
		__atomic_compare_exchange_n(&req->status, &zero, err, false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	if (__atomic_sub_fetch(&req->pending, 1, __ATOMIC_ACQ_REL) == 0)
		req->done(req, __atomic_load_n(&req->status, __ATOMIC_RELAXED));
}

static int status_errno(const struct vblk_slot *s, uint32_t len)
{
	if (len < 1)
		return -EIO;		/* the status byte was not written */
	switch (s->status) {
	case VIRTIO_BLK_S_OK:
		return 0;
	case VIRTIO_BLK_S_UNSUPP:
		return -EOPNOTSUPP;
	default:
		return -EIO;		/* IOERR, or a value the spec lacks */
	}
}

/* Takes the used pieces (and, once the device broke, every piece still
 * in the ring) off the queue: a list linked through next. */
static struct vblk_slot *collect_locked(struct vblk *vb)
{
	struct vblk_slot *list = NULL, *s;
	uint32_t len;

	while ((s = virtqueue_get_buf(vb->vq, &len))) {
		s->err = status_errno(s, len);
		s->next = list;
		list = s;
	}
	if (!virtio_device_is_broken(vb->vdev))
		return list;
	while ((s = virtqueue_detach_unused(vb->vq))) {
		s->err = -EIO;
		s->next = list;
		list = s;
	}
	return list;
}

static void vblk_callback(struct virtqueue *vq)
{
	struct vblk *vb = virtqueue_device(vq)->priv;
	struct vblk_slot *list, *s, *last = NULL;
	irqflags_t f = spin_lock_irqsave(&vb->lock);

	list = collect_locked(vb);
	spin_unlock_irqrestore(&vb->lock, f);
	for (s = list; s; s = s->next) {
		piece_done(s->req, s->err);
		last = s;
	}
	if (last) {
		f = spin_lock_irqsave(&vb->lock);
		last->next = vb->free;
		vb->free = list;
		spin_unlock_irqrestore(&vb->lock, f);
	}
	/* Outside vb->lock: the scheduler lock comes first. */
	f = sched_lock_acquire();
	wait_wake_all_locked(&vb->room, 0);
	sched_lock_release(f);
}

/* ---- submission ---- */

static bool is_range(const struct piece *p)
{
	return p->type == VIRTIO_BLK_T_DISCARD ||
	       p->type == VIRTIO_BLK_T_WRITE_ZEROES;
}

/* Buffers of p: header, range or data segments, status. */
static unsigned int piece_bufs(const struct vblk *vb, const struct piece *p)
{
	return 2 + is_range(p) + (unsigned int)((p->len + vb->seg_bytes - 1) /
						vb->seg_bytes);
}

/* The descriptors of p in slot s; returns how many, device-readable
 * first (*nr_out of them). */
static unsigned int build_bufs(struct vblk *vb, struct vblk_slot *s,
			       const struct piece *p, struct virtq_buf *b,
			       unsigned int *nr_out)
{
	unsigned int n = 0;

	b[n++] = (struct virtq_buf){ &s->hdr, sizeof(s->hdr) };
	if (is_range(p))
		b[n++] = (struct virtq_buf){ &s->range, sizeof(s->range) };
	for (size_t off = 0; off < p->len; off += vb->seg_bytes)
		b[n++] = (struct virtq_buf){ p->data + off,
					     (uint32_t)MIN(p->len - off, (size_t)vb->seg_bytes) };
	*nr_out = p->type == VIRTIO_BLK_T_IN ? 1 : n;
	b[n++] = (struct virtq_buf){ &s->status, 1 };
	return n;
}

/* Puts p in a free slot and on the ring: 0, -ENOSPC (no slot or no
 * room), -EIO (broken), or the queue's error. */
static int add_locked(struct vblk *vb, struct blk_req *req,
		      const struct piece *p)
{
	struct virtq_buf b[MAX_SEGS + 3];
	struct vblk_slot *s = vb->free;
	unsigned int n, nr_out;
	int r;

	if (virtio_device_is_broken(vb->vdev))
		return -EIO;
	if (!s)
		return -ENOSPC;
	s->hdr = (struct vblk_hdr){ .type = p->type, .sector = p->sector };
	s->range = (struct vblk_range){
		.sector = p->sector, .num_sectors = p->sectors,
		.flags = p->type == VIRTIO_BLK_T_WRITE_ZEROES ? VIRTIO_BLK_WZ_UNMAP : 0,
	};
	s->status = 0xff;
	s->req = req;
	n = build_bufs(vb, s, p, b, &nr_out);
	r = virtqueue_add(vb->vq, b, nr_out, n - nr_out, s);
	if (r)
		return r;
	vb->free = s->next;
	virtqueue_kick(vb->vq);
	return 0;
}

/* Sleeps until a completion may have made room for need descriptors
 * (or the device broke).  The condition is checked again under the
 * scheduler lock, which the callback takes to wake us, so a completion
 * meanwhile is not missed. */
static void wait_room(struct vblk *vb, unsigned int need)
{
	irqflags_t f = sched_lock_acquire();
	bool full;

	spin_lock(&vb->lock);
	full = !virtio_device_is_broken(vb->vdev) &&
	       (!vb->free || virtqueue_free_count(vb->vq) < need);
	spin_unlock(&vb->lock);
	if (full)
		wait_block_locked(&vb->room, WAIT_FOREVER);
	sched_lock_release(f);
}

/* Sends one piece of req; counts it in req->pending first, since it may
 * complete before this returns. */
static int send_piece(struct vblk *vb, struct blk_req *req,
		      const struct piece *p)
{
	int r;

	__atomic_add_fetch(&req->pending, 1, __ATOMIC_RELAXED);
	for (;;) {
		irqflags_t f = spin_lock_irqsave(&vb->lock);

		r = add_locked(vb, req, p);
		spin_unlock_irqrestore(&vb->lock, f);
		if (r != -ENOSPC)
			break;
		wait_room(vb, piece_bufs(vb, p));
	}
	if (r)
		__atomic_sub_fetch(&req->pending, 1, __ATOMIC_RELAXED);
	if (r == -EIO)
		vblk_callback(vb->vq);	/* fail what the ring still holds */
	return r;
}

/* READ/WRITE: pieces of at most segs * seg_bytes. */
static int send_data(struct vblk *vb, struct blk_req *req)
{
	size_t len = (size_t)req->count * vb->bd.block_size;
	size_t max = (size_t)vb->segs * vb->seg_bytes;
	uint64_t sector = req->block * (vb->bd.block_size / SECTOR);
	int r = 0;

	for (size_t off = 0; off < len && !r; off += max) {
		struct piece p = {
			.type = req->op == BLK_OP_READ ? VIRTIO_BLK_T_IN : VIRTIO_BLK_T_OUT,
			.sector = sector + off / SECTOR,
			.data = (uint8_t *)req->buf + off,
			.len = MIN(len - off, max),
		};
		r = send_piece(vb, req, &p);
	}
	return r;
}

/* DISCARD/WRITE_ZEROES: pieces of at most max sectors. */
static int send_range(struct vblk *vb, struct blk_req *req, uint32_t type,
		      uint32_t max)
{
	uint64_t per = vb->bd.block_size / SECTOR;
	uint64_t sector = req->block * per, end = sector + req->count * per;
	int r = 0;

	while (sector < end && !r) {
		struct piece p = {
			.type = type, .sector = sector,
			.sectors = (uint32_t)MIN(end - sector, (uint64_t)max),
		};
		r = send_piece(vb, req, &p);
		sector += p.sectors;
	}
	return r;
}

static int vblk_submit(struct blockdev *bd, struct blk_req *req)
{
	struct vblk *vb = bd->priv;
	struct piece flush = { .type = VIRTIO_BLK_T_FLUSH };
	int r;

	/* One count for the submission itself: pieces completing while
	 * later ones are sent cannot complete req early. */
	req->pending = 1;
	req->status = 0;
	switch (req->op) {
	case BLK_OP_READ:
	case BLK_OP_WRITE:
		r = send_data(vb, req);
		break;
	case BLK_OP_FLUSH:
		r = send_piece(vb, req, &flush);
		break;
	case BLK_OP_DISCARD:
		r = send_range(vb, req, VIRTIO_BLK_T_DISCARD, vb->max_discard);
		break;
	default:
		r = send_range(vb, req, VIRTIO_BLK_T_WRITE_ZEROES, vb->max_wz);
		break;
	}
	/* Pieces already sent complete req; it fails with r. */
	piece_done(req, r);
	return 0;
}

static const struct blockdev_ops vblk_ops = { .submit = vblk_submit };

/* ---- probe ---- */

static uint32_t config32(struct virtio_device *vdev, unsigned int off)
{
	uint32_t v;

	virtio_config_read(vdev, off, &v, sizeof(v));
	return v;
}

/* Sectors per discard or write-zeroes piece: the device's limit, whole
 * blocks, at least one block. */
static uint32_t range_limit(struct vblk *vb, unsigned int off)
{
	uint32_t per = vb->bd.block_size / SECTOR;
	uint32_t max = config32(vb->vdev, off);

	return MAX(ALIGN_DOWN(max, per), per);
}

/* Reads the geometry and limits; -EINVAL for a block size we cannot use. */
static int read_config(struct vblk *vb)
{
	struct virtio_device *vdev = vb->vdev;
	uint32_t bs = SECTOR, v;
	uint64_t sectors;

	virtio_config_read(vdev, CFG_CAPACITY, &sectors, sizeof(sectors));
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_BLK_SIZE))
		bs = config32(vdev, CFG_BLK_SIZE);
	if (bs < SECTOR || bs > 65536 || (bs & (bs - 1))) {
		pr_err("%s: block size %u not supported\n", vdev->name, bs);
		return -EINVAL;
	}
	vb->bd.block_size = bs;
	vb->bd.nr_blocks = sectors / (bs / SECTOR);
	vb->bd.read_only = virtio_has_feature(vdev, VIRTIO_BLK_F_RO);
	vb->segs = MAX_SEGS;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SEG_MAX) &&
	    (v = config32(vdev, CFG_SEG_MAX)) && v < MAX_SEGS)
		vb->segs = v;
	vb->seg_bytes = SEG_BYTES_DEFAULT;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SIZE_MAX) &&
	    (v = config32(vdev, CFG_SIZE_MAX)) < SEG_BYTES_DEFAULT)
		vb->seg_bytes = MAX(ALIGN_DOWN(v, bs), bs);
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_FLUSH))
		vb->bd.features |= BLKDEV_F_FLUSH;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_DISCARD)) {
		vb->bd.features |= BLKDEV_F_DISCARD;
		vb->max_discard = range_limit(vb, CFG_MAX_DISCARD_SECTORS);
	}
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_WRITE_ZEROES)) {
		vb->bd.features |= BLKDEV_F_WRITE_ZEROES;
		vb->max_wz = range_limit(vb, CFG_MAX_WZ_SECTORS);
	}
	return 0;
}

/* vda .. vdz, then vdaa .. vdzz. */
static void disk_name(unsigned int n, char *buf, size_t len)
{
	if (n < 26)
		snprintf(buf, len, "vd%c", 'a' + n);
	else
		snprintf(buf, len, "vd%c%c", 'a' + (n / 26 - 1) % 26, 'a' + n % 26);
}

/* Free slots: one per ring entry, as a piece takes one at least.  A
 * piece never has more buffers than the ring has entries. */
static int make_slots(struct vblk *vb)
{
	unsigned int n = virtqueue_size(vb->vq);

	if (n < 4)
		return -ENODEV;
	vb->segs = MIN(vb->segs, n - 3);
	vb->slots = calloc(n, sizeof(*vb->slots));
	if (!vb->slots)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++) {
		vb->slots[i].next = vb->free;
		vb->free = &vb->slots[i];
	}
	return 0;
}

static void log_disk(struct vblk *vb)
{
	uint64_t size = blockdev_size(&vb->bd);
	bool mib = size >= (1u << 20);

	pr_info("%s: block device %s, %llu %s%s\n", vb->vdev->name, vb->bd.name,
		(unsigned long long)(mib ? size >> 20 : size >> 10),
		mib ? "MiB" : "KiB", vb->bd.read_only ? ", read-only" : "");
}

static int vblk_probe(struct virtio_device *vdev)
{
	struct vblk *vb = calloc(1, sizeof(*vb));
	int r;

	if (!vb)
		return -ENOMEM;
	vb->vdev = vdev;
	spin_init(&vb->lock);
	wait_queue_init(&vb->room);
	r = read_config(vb);
	if (r)
		goto err_free;
	vb->vq = virtio_find_vq(vdev, 0, 0, vblk_callback, "requestq");
	r = vb->vq ? make_slots(vb) : -ENODEV;
	if (r)
		goto err_free;
	disk_name(nr_disks, vb->bd.name, sizeof(vb->bd.name));
	vb->bd.ops = &vblk_ops;
	vb->bd.priv = vb;
	vdev->priv = vb;
	virtio_device_ready(vdev);
	r = blockdev_register(&vb->bd);
	if (r) {
		pr_err("%s: %s not registered (%d)\n", vdev->name, vb->bd.name, r);
		goto err_slots;
	}
	nr_disks++;
	log_disk(vb);
	return 0;
err_slots:
	/* The core resets the device before the memory goes. */
	vdev->priv = NULL;
	free(vb->slots);
err_free:
	free(vb);
	return r;
}

VIRTIO_DRIVER_DECLARE(blk, .name = "virtio-blk", .device_id = VIRTIO_ID_BLOCK,
		      .features = VIRTIO_FEATURE(VIRTIO_BLK_F_SIZE_MAX) |
				  VIRTIO_FEATURE(VIRTIO_BLK_F_SEG_MAX) |
				  VIRTIO_FEATURE(VIRTIO_BLK_F_RO) |
				  VIRTIO_FEATURE(VIRTIO_BLK_F_BLK_SIZE) |
				  VIRTIO_FEATURE(VIRTIO_BLK_F_FLUSH) |
				  VIRTIO_FEATURE(VIRTIO_BLK_F_DISCARD) |
				  VIRTIO_FEATURE(VIRTIO_BLK_F_WRITE_ZEROES),
		      .probe = vblk_probe);
