// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio 9P transport (Virtio 1.2, 5.11): one request queue; a request
 * is the 9P message (device-readable) followed by room for the reply
 * (device-writable).  The configuration space names the share: tag_len
 * then the mount tag (VIRTIO_9P_F_MOUNT_TAG).  Each device is registered
 * as a 9P transport under its tag (<vireo/p9_trans.h>), which the v9fs
 * file system finds at mount time.
 *
 * Any number of requests are in flight: each caller adds its own
 * request, sleeps until the interrupt marks it done, and a caller finding
 * the ring full sleeps until a completion makes room.  9P matches replies
 * by tag; the ring already matches them by token, so this layer needs
 * neither.
 *
 * Locking: v->lock (IRQ-safe spinlock) protects every call on the queue
 * and the done/len/err fields of the requests in flight; the queue
 * callback takes it in interrupt context.  The scheduler lock protects
 * the wait queue; when both are held the scheduler lock comes first, so
 * the callback drops v->lock before waking (as virtio_blk.c does).
 *
 * When the device breaks the callback fails every request still in the
 * ring with -EIO, and later requests fail at once.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/cpu.h>
#include <vireo/klog.h>
#include <vireo/p9_trans.h>
#include <vireo/spinlock.h>
#include <vireo/thread.h>
#include <vireo/virtio.h>
#include <vireo/wait.h>

#define VIRTIO_9P_F_MOUNT_TAG	0	/* feature bit (5.11.3) */
#define CFG_TAG_LEN		0	/* le16 (5.11.4) */
#define CFG_TAG			2	/* tag_len bytes, no NUL */
/* Our ceiling on one message: the buffers are single heap blocks. */
#define V9P_MAX_MSIZE		(1u << 20)

struct v9p {
	struct p9_trans trans;		/* first: the rpc callback's handle */
	struct virtio_device *vdev;
	struct virtqueue *vq;
	spinlock_t lock;		/* see the top of the file */
	struct wait_queue wq;		/* callers; scheduler lock */
};

struct v9p_req {
	bool done;			/* v->lock */
	uint32_t len;			/* reply bytes the device wrote */
	int err;
};

static void v9p_done(struct virtqueue *vq)
{
	struct v9p *v = virtqueue_device(vq)->priv;
	struct v9p_req *req;
	uint32_t len;
	irqflags_t f = spin_lock_irqsave(&v->lock);

	while ((req = virtqueue_get_buf(vq, &len))) {
		req->len = len;
		req->done = true;
	}
	if (virtio_device_is_broken(v->vdev)) {
		while ((req = virtqueue_detach_unused(vq))) {
			req->err = -EIO;
			req->done = true;
		}
	}
	spin_unlock_irqrestore(&v->lock, f);
	/* Each waiter looks at its own request (or the ring's room). */
	wait_wake_all(&v->wq);
}

/* Sleeps until busy(v, arg) is false.  It is evaluated with the
 * scheduler lock and then v->lock held, and the callback needs the
 * scheduler lock to wake us, so a completion between the check and the
 * block is not missed.  Uninterruptible: the device owns the buffers. */
static void wait_while(struct v9p *v, bool (*busy)(struct v9p *, void *),
		       void *arg)
{
	irqflags_t f = sched_lock_acquire();

	for (;;) {
		bool b;

		spin_lock(&v->lock);
		b = busy(v, arg);
		spin_unlock(&v->lock);
		if (!b)
			break;
		wait_block_locked(&v->wq, WAIT_FOREVER);
	}
	sched_lock_release(f);
}

/* A request needs two descriptors (one when indirect, if the table can
 * be allocated).  A broken device has room for nothing, ever:
 * virtqueue_add() then fails at once. */
static bool ring_full(struct v9p *v, void *arg)
{
	(void)arg;
	return virtqueue_free_count(v->vq) < 2 &&
	       !virtio_device_is_broken(v->vdev);
}

/* Every request ends done: completed, or failed by the callback, which
 * the core runs after any break (virtio_interrupt_config()), so waiting
 * for done alone never leaves a request in the ring whose stack frame
 * is gone. */
static bool req_pending(struct v9p *v, void *arg)
{
	(void)v;
	return !((struct v9p_req *)arg)->done;
}

static int submit(struct v9p *v, struct virtq_buf *bufs, struct v9p_req *req)
{
	for (;;) {
		irqflags_t f = spin_lock_irqsave(&v->lock);
		int r = virtqueue_add(v->vq, bufs, 1, 1, req);

		if (!r)
			virtqueue_kick(v->vq);
		spin_unlock_irqrestore(&v->lock, f);
		if (r != -ENOSPC)
			return r;
		wait_while(v, ring_full, NULL);
	}
}

static int v9p_rpc(struct p9_trans *t, const void *tx, uint32_t txlen,
		   void *rx, uint32_t rxcap)
{
	struct v9p *v = (struct v9p *)t;
	struct virtq_buf bufs[2] = { { (void *)tx, txlen }, { rx, rxcap } };
	struct v9p_req req = { 0 };
	int r;

	assert(!in_interrupt());
	r = submit(v, bufs, &req);
	if (r)
		return r;
	wait_while(v, req_pending, &req);
	return req.err ? req.err : (int)req.len;
}

/* The mount tag from the configuration space; 0 or -EINVAL. */
static int read_tag(struct v9p *v)
{
	uint16_t len;

	if (!virtio_has_feature(v->vdev, VIRTIO_9P_F_MOUNT_TAG))
		return -EINVAL;
	virtio_config_read(v->vdev, CFG_TAG_LEN, &len, sizeof(len));
	if (len == 0 || len > P9_TAG_MAX)
		return -EINVAL;
	for (uint16_t i = 0; i < len; i++)
		virtio_config_read(v->vdev, CFG_TAG + i, &v->trans.tag[i], 1);
	v->trans.tag[len] = '\0';
	return strlen(v->trans.tag) == len ? 0 : -EINVAL;	/* no NULs */
}

static int v9p_probe(struct virtio_device *vdev)
{
	struct v9p *v = calloc(1, sizeof(*v));
	int err;

	if (!v)
		return -ENOMEM;
	v->vdev = vdev;
	spin_init(&v->lock);
	wait_queue_init_kind(&v->wq, WAIT_IO);
	vdev->priv = v;
	err = read_tag(v);
	if (err) {
		pr_err("%s: no usable mount tag\n", vdev->name);
		goto err_free;
	}
	v->vq = virtio_find_vq(vdev, 0, 0, v9p_done, "requests");
	if (!v->vq) {
		err = -ENODEV;
		goto err_free;
	}
	v->trans.kind = "virtio";
	v->trans.max_msize = V9P_MAX_MSIZE;
	v->trans.rpc = v9p_rpc;
	virtio_device_ready(vdev);
	p9_trans_register(&v->trans);
	pr_info("%s: 9P share, mount tag \"%s\"\n", vdev->name, v->trans.tag);
	return 0;
err_free:
	vdev->priv = NULL;
	free(v);
	return err;
}

VIRTIO_DRIVER_DECLARE(v9p, .name = "virtio-9p", .device_id = VIRTIO_ID_9P,
		      .features = VIRTIO_FEATURE(VIRTIO_9P_F_MOUNT_TAG),
		      .probe = v9p_probe);
