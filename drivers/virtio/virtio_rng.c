// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio entropy device (Virtio 1.2, 5.4): one request queue; each request
 * is one device-writable buffer the device fills with random bytes.
 *
 * The driver keeps one pool buffer.  The first 32 bytes the device gives
 * reseed the /dev/random generator (devfs_random_mix(), which re-keys it),
 * which is logged; everything after is read through /dev/hwrng.  A read takes
 * bytes from the pool, blocks until the device refills it (interrupt
 * driven; O_NONBLOCK gives EAGAIN instead) and returns when the whole
 * request is served or a signal interrupts it.  As soon as the pool is
 * empty a refill is started, so the next read usually finds bytes ready.
 * Further rng devices become /dev/hwrng1, /dev/hwrng2, ... and reseed the
 * generator too; /dev/random works without any.
 *
 * Locking: rng->lock (IRQ-safe spinlock) protects the pool indices, busy
 * and every call on the queue; the queue callback takes it in interrupt
 * context.  The scheduler lock protects the wait queue; when both are
 * held the scheduler lock comes first, and the callback drops rng->lock
 * before taking it to wake readers (as drivers/serial/pl011.c does).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/devfs.h>
#include <vireo/klog.h>
#include <vireo/spinlock.h>
#include <vireo/thread.h>
#include <vireo/vfs.h>
#include <vireo/virtio.h>
#include <vireo/wait.h>

#define POOL_SIZE	256	/* bytes per request */
#define RESEED_BYTES	32	/* a ChaCha20 key's worth */

struct rng {
	struct virtio_device *vdev;
	struct virtqueue *vq;
	spinlock_t lock;		/* see the top of the file */
	uint8_t pool[POOL_SIZE];	/* the device's while busy */
	uint32_t head, tail;		/* unread bytes: pool[head..tail) */
	bool busy;			/* a request is in the ring */
	uint32_t seed_needed;		/* bytes still owed to /dev/random */
	struct wait_queue wq;		/* readers; scheduler lock */
	char name[16];			/* "hwrng", "hwrng1", ... */
};

/* Devices bound so far (boot probing is single-threaded). */
static unsigned int nr_rngs;

/* Hands the (empty) pool to the device unless it already has it. */
static void refill_locked(struct rng *r)
{
	struct virtq_buf buf = { r->pool, sizeof(r->pool) };

	if (r->busy || r->head != r->tail)
		return;
	r->head = r->tail = 0;
	if (virtqueue_add(r->vq, &buf, 0, 1, r) == 0) {
		r->busy = true;
		virtqueue_kick(r->vq);
	}
}

/* The first RESEED_BYTES the device gives seed /dev/random, however many
 * fills that takes; true when the seed is complete now. */
static bool reseed_locked(struct rng *r)
{
	uint32_t n = MIN(r->seed_needed, r->tail - r->head);

	if (n == 0)
		return false;
	devfs_random_mix(r->pool + r->head, n);
	memset(r->pool + r->head, 0, n);	/* never read again */
	r->head += n;
	r->seed_needed -= n;
	if (r->seed_needed)
		refill_locked(r);
	return r->seed_needed == 0;
}

static void rng_done(struct virtqueue *vq)
{
	struct rng *r = virtqueue_device(vq)->priv;
	bool reseeded;
	uint32_t len;
	irqflags_t f = spin_lock_irqsave(&r->lock);

	while (virtqueue_get_buf(vq, &len)) {
		r->busy = false;
		r->head = 0;
		r->tail = len;
	}
	reseeded = reseed_locked(r);
	spin_unlock_irqrestore(&r->lock, f);

	if (reseeded)
		pr_info("random: reseeded from %s (%u bytes)\n", r->vdev->name,
			RESEED_BYTES);
	/* Outside r->lock: the scheduler lock is always taken first.  A
	 * broken device wakes readers too: they fail with EIO. */
	f = sched_lock_acquire();
	wait_wake_all_locked(&r->wq, 0);
	poll_notify_locked();
	sched_lock_release(f);
}

/* Copies up to len pool bytes to buf and starts a refill once the pool is
 * empty; returns the bytes copied. */
static size_t take_bytes(struct rng *r, uint8_t *buf, size_t len)
{
	irqflags_t f = spin_lock_irqsave(&r->lock);
	size_t n = MIN(len, (size_t)(r->tail - r->head));

	memcpy(buf, r->pool + r->head, n);
	r->head += n;
	refill_locked(r);
	spin_unlock_irqrestore(&r->lock, f);
	return n;
}

/* Blocks until the pool has bytes or the device broke: 0, -EINTR.  The
 * condition is checked again under the scheduler lock, which the callback
 * needs to wake us, so a refill completing meanwhile is not missed. */
static int wait_for_bytes(struct rng *r)
{
	irqflags_t f = sched_lock_acquire();
	bool block;
	int err = 0;

	spin_lock(&r->lock);
	block = r->head == r->tail && !virtio_device_is_broken(r->vdev);
	spin_unlock(&r->lock);
	if (block)
		err = wait_block_intr_locked(&r->wq, WAIT_FOREVER);
	sched_lock_release(f);
	return err;
}

static ssize_t hwrng_read(struct file *f, void *buf, size_t len)
{
	struct rng *r = f->priv;
	size_t done = 0;
	int err = 0;

	while (done < len) {
		size_t n = take_bytes(r, (uint8_t *)buf + done, len - done);

		done += n;
		if (n || done == len)
			continue;
		if (virtio_device_is_broken(r->vdev))
			err = -EIO;
		else if (f->flags & O_NONBLOCK)
			err = -EAGAIN;
		else
			err = wait_for_bytes(r);
		if (err)
			break;
	}
	return done ? (ssize_t)done : err;
}

static int hwrng_poll(struct file *f, int events)
{
	struct rng *r = f->priv;
	irqflags_t fl = spin_lock_irqsave(&r->lock);
	int ready = r->head != r->tail ? VFS_POLLIN : 0;

	spin_unlock_irqrestore(&r->lock, fl);
	if (virtio_device_is_broken(r->vdev))
		ready |= VFS_POLLERR;
	return ready & (events | VFS_POLLERR);
}

static const struct file_ops hwrng_ops = {
	.read = hwrng_read,
	.poll = hwrng_poll,
};

static int rng_probe(struct virtio_device *vdev)
{
	struct rng *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	r->vdev = vdev;
	r->seed_needed = RESEED_BYTES;
	spin_init(&r->lock);
	wait_queue_init_kind(&r->wq, WAIT_IO);
	if (nr_rngs)
		snprintf(r->name, sizeof(r->name), "hwrng%u", nr_rngs);
	else
		strcpy(r->name, "hwrng");
	vdev->priv = r;
	r->vq = virtio_find_vq(vdev, 0, 0, rng_done, "requestq");
	err = r->vq ? devfs_register(r->name, &hwrng_ops, r) : -ENODEV;
	if (err) {
		vdev->priv = NULL;
		free(r);
		return err;
	}
	nr_rngs++;
	virtio_device_ready(vdev);
	/* The first fill reseeds /dev/random once interrupts are on. */
	irqflags_t f = spin_lock_irqsave(&r->lock);
	refill_locked(r);
	spin_unlock_irqrestore(&r->lock, f);
	pr_info("%s: /dev/%s\n", vdev->name, r->name);
	return 0;
}

VIRTIO_DRIVER_DECLARE(rng, .name = "virtio-rng", .device_id = VIRTIO_ID_RNG,
		      .probe = rng_probe);
