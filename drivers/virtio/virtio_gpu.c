// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio GPU device, 2D (Virtio 1.2, 5.7): one framebuffer per device.
 * The control queue carries one command at a time, each a request the
 * device reads and a response it writes.  Set-up asks for the display
 * information, takes the first enabled scanout at the size the device
 * reports (QEMU's xres/yres), creates a host resource of that size in
 * B8G8R8X8 (FB_FMT_XRGB8888), attaches the framebuffer memory to it as its
 * one backing entry and sets it as the scanout.  A flush is then a
 * TRANSFER_TO_HOST_2D of the rectangle followed by a RESOURCE_FLUSH.
 *
 * Probing runs before interrupts are on, so it only registers /dev/fbN
 * (pending, <vireo/fb.h>) and leaves the set-up to a work item, which
 * waits for each response on the queue's interrupt.
 *
 * Locking: g->cmd_lock (kmutex) makes one command at a time: it covers
 * the request and response buffers and the done flag's reuse.  g->lock
 * (IRQ-safe spinlock) protects every call on the queue and done; the
 * queue callback takes it in interrupt context.  The scheduler lock
 * protects the wait queue; when both are held it comes first, and the
 * callback drops g->lock before waking (as virtio_rng.c does).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/mm.h>
#include <vireo/fb.h>
#include <vireo/klog.h>
#include <vireo/mutex.h>
#include <vireo/spinlock.h>
#include <vireo/thread.h>
#include <vireo/virtio.h>
#include <vireo/wait.h>
#include <vireo/workqueue.h>

/* Configuration space (5.7.4), le32 fields */
#define CFG_EVENTS_READ		0
#define CFG_EVENTS_CLEAR	4
#define CFG_NUM_SCANOUTS	8
#define VIRTIO_GPU_EVENT_DISPLAY	(1u << 0)

/* Command and response types (5.7.6.7) */
#define CMD_GET_DISPLAY_INFO		0x0100
#define CMD_RESOURCE_CREATE_2D		0x0101
#define CMD_SET_SCANOUT			0x0103
#define CMD_RESOURCE_FLUSH		0x0104
#define CMD_TRANSFER_TO_HOST_2D		0x0105
#define CMD_RESOURCE_ATTACH_BACKING	0x0106
#define RESP_OK_NODATA			0x1100
#define RESP_OK_DISPLAY_INFO		0x1101
#define RESP_ERR_UNSPEC			0x1200

#define FORMAT_B8G8R8X8_UNORM	2	/* bytes B, G, R, X: FB_FMT_XRGB8888 */
#define MAX_SCANOUTS		16
#define RESOURCE_ID		1	/* ours; 0 means none to the device */
#define BPP			4

struct gpu_hdr {
	uint32_t type;
	uint32_t flags;
	uint64_t fence_id;
	uint32_t ctx_id;
	uint8_t ring_idx;
	uint8_t padding[3];
};

struct gpu_rect {
	uint32_t x, y, width, height;
};

struct gpu_display_info {
	struct gpu_hdr hdr;
	struct {
		struct gpu_rect r;
		uint32_t enabled;
		uint32_t flags;
	} pmodes[MAX_SCANOUTS];
};

struct gpu_create_2d {
	struct gpu_hdr hdr;
	uint32_t resource_id, format, width, height;
};

struct gpu_attach_backing {
	struct gpu_hdr hdr;
	uint32_t resource_id, nr_entries;
	/* one struct virtio_gpu_mem_entry follows */
	uint64_t addr;
	uint32_t length, padding;
};

struct gpu_set_scanout {
	struct gpu_hdr hdr;
	struct gpu_rect r;
	uint32_t scanout_id, resource_id;
};

struct gpu_transfer_2d {
	struct gpu_hdr hdr;
	struct gpu_rect r;
	uint64_t offset;
	uint32_t resource_id, padding;
};

struct gpu_flush {
	struct gpu_hdr hdr;
	struct gpu_rect r;
	uint32_t resource_id, padding;
};

_Static_assert(sizeof(struct gpu_hdr) == 24, "virtio_gpu_ctrl_hdr");
_Static_assert(sizeof(struct gpu_display_info) == 24 + 16 * 24,
	       "virtio_gpu_resp_display_info");
_Static_assert(sizeof(struct gpu_attach_backing) == 48, "attach + 1 entry");

union gpu_req {
	struct gpu_hdr hdr;
	struct gpu_create_2d create;
	struct gpu_attach_backing attach;
	struct gpu_set_scanout scanout;
	struct gpu_transfer_2d transfer;
	struct gpu_flush flush;
};

union gpu_resp {
	struct gpu_hdr hdr;
	struct gpu_display_info info;
};

struct gpu {
	struct fb fb;
	struct virtio_device *vdev;
	struct virtqueue *vq;
	struct kmutex cmd_lock;		/* see the top of the file */
	spinlock_t lock;		/* the queue and done */
	bool done;			/* the response of the command is in */
	struct wait_queue wq;		/* the command's issuer */
	struct work setup;
	unsigned int scanout;
	union gpu_req req;		/* the device's while a command runs */
	union gpu_resp resp;
};

static void gpu_done(struct virtqueue *vq)
{
	struct gpu *g = virtqueue_device(vq)->priv;
	uint32_t len;
	irqflags_t f = spin_lock_irqsave(&g->lock);

	while (virtqueue_get_buf(vq, &len))
		g->done = true;
	spin_unlock_irqrestore(&g->lock, f);
	/* A broken device wakes the issuer too: it fails with EIO. */
	wait_wake_all(&g->wq);
}

/* Sleeps until the response is in or the device broke.  The flag is
 * read under the scheduler lock, which the callback needs to wake us. */
static void wait_response(struct gpu *g)
{
	irqflags_t f = sched_lock_acquire();

	for (;;) {
		spin_lock(&g->lock);
		bool done = g->done || virtio_device_is_broken(g->vdev);
		spin_unlock(&g->lock);
		if (done)
			break;
		wait_block_locked(&g->wq, WAIT_FOREVER);
	}
	sched_lock_release(f);
}

static const char *resp_name(uint32_t type)
{
	static const char *const errs[] = {
		"ERR_UNSPEC", "ERR_OUT_OF_MEMORY", "ERR_INVALID_SCANOUT_ID",
		"ERR_INVALID_RESOURCE_ID", "ERR_INVALID_CONTEXT_ID",
		"ERR_INVALID_PARAMETER",
	};

	if (type >= RESP_ERR_UNSPEC && type - RESP_ERR_UNSPEC < 6)
		return errs[type - RESP_ERR_UNSPEC];
	return "an unknown response";
}

/* Sends g->req (req_len bytes, header type set by the caller) and waits
 * for a response of resp_len bytes and type want: 0 or -EIO (logged).
 * Caller holds cmd_lock. */
static int command_locked(struct gpu *g, size_t req_len, size_t resp_len,
			  uint32_t want)
{
	struct virtq_buf bufs[2] = {
		{ &g->req, req_len }, { &g->resp, resp_len },
	};
	uint32_t cmd = g->req.hdr.type;
	int err;

	memset(&g->resp, 0, resp_len);
	irqflags_t f = spin_lock_irqsave(&g->lock);
	g->done = false;
	err = virtqueue_add(g->vq, bufs, 1, 1, g);
	if (!err)
		virtqueue_kick(g->vq);
	spin_unlock_irqrestore(&g->lock, f);
	if (err)
		return -EIO;
	wait_response(g);
	if (virtio_device_is_broken(g->vdev))
		return -EIO;
	if (g->resp.hdr.type != want) {
		pr_err("%s: command 0x%x: %s (0x%x)\n", g->vdev->name, cmd,
		       resp_name(g->resp.hdr.type), g->resp.hdr.type);
		return -EIO;
	}
	return 0;
}

/* Clears the request and sets its type. */
static void *new_req(struct gpu *g, uint32_t type)
{
	memset(&g->req, 0, sizeof(g->req));
	g->req.hdr.type = type;
	return &g->req;
}

static int gpu_flush(struct fb *fb, const struct fb_area *a)
{
	struct gpu *g = fb->priv;
	struct gpu_rect r = { a->x, a->y, a->w, a->h };
	int err;

	kmutex_lock(&g->cmd_lock);
	struct gpu_transfer_2d *t = new_req(g, CMD_TRANSFER_TO_HOST_2D);
	t->r = r;
	t->offset = (uint64_t)a->y * fb->stride + (uint64_t)a->x * BPP;
	t->resource_id = RESOURCE_ID;
	err = command_locked(g, sizeof(*t), sizeof(struct gpu_hdr), RESP_OK_NODATA);
	if (!err) {
		struct gpu_flush *fl = new_req(g, CMD_RESOURCE_FLUSH);
		fl->r = r;
		fl->resource_id = RESOURCE_ID;
		err = command_locked(g, sizeof(*fl), sizeof(struct gpu_hdr),
				     RESP_OK_NODATA);
	}
	kmutex_unlock(&g->cmd_lock);
	return err;
}

static const struct fb_ops gpu_fb_ops = {
	.flush = gpu_flush,
};

/* GET_DISPLAY_INFO: picks the first enabled scanout and takes its size.
 * Caller holds cmd_lock. */
static int pick_scanout_locked(struct gpu *g, uint32_t nr_scanouts)
{
	int err;
	bool found = false;

	new_req(g, CMD_GET_DISPLAY_INFO);
	err = command_locked(g, sizeof(struct gpu_hdr), sizeof(g->resp.info),
			     RESP_OK_DISPLAY_INFO);
	if (err)
		return err;
	for (uint32_t i = 0; i < MIN(nr_scanouts, (uint32_t)MAX_SCANOUTS); i++) {
		const struct gpu_rect *r = &g->resp.info.pmodes[i].r;

		if (!g->resp.info.pmodes[i].enabled)
			continue;
		if (found) {
			pr_info("%s: scanout %u (%ux%u) not used: one display per device\n",
				g->vdev->name, i, r->width, r->height);
			continue;
		}
		found = true;
		g->scanout = i;
		g->fb.width = r->width;
		g->fb.height = r->height;
	}
	if (!found) {
		pr_err("%s: no enabled scanout\n", g->vdev->name);
		return -ENODEV;
	}
	if (g->fb.width == 0 || g->fb.height == 0 ||
	    g->fb.width > 16384 || g->fb.height > 16384) {
		pr_err("%s: scanout %u has an unusable size %ux%u\n", g->vdev->name,
		       g->scanout, g->fb.width, g->fb.height);
		return -ENODEV;
	}
	return 0;
}

/* RESOURCE_CREATE_2D, ATTACH_BACKING, SET_SCANOUT.  Caller holds
 * cmd_lock; the geometry and memory are set. */
static int make_scanout_locked(struct gpu *g)
{
	struct fb *fb = &g->fb;
	struct gpu_rect full = { 0, 0, fb->width, fb->height };
	const size_t hdr = sizeof(struct gpu_hdr);
	int err;

	struct gpu_create_2d *c = new_req(g, CMD_RESOURCE_CREATE_2D);
	c->resource_id = RESOURCE_ID;
	c->format = FORMAT_B8G8R8X8_UNORM;
	c->width = fb->width;
	c->height = fb->height;
	err = command_locked(g, sizeof(*c), hdr, RESP_OK_NODATA);
	if (err)
		return err;
	struct gpu_attach_backing *a = new_req(g, CMD_RESOURCE_ATTACH_BACKING);
	a->resource_id = RESOURCE_ID;
	a->nr_entries = 1;	/* the heap gives physically contiguous memory */
	a->addr = (uintptr_t)fb->mem;
	a->length = fb->size;
	err = command_locked(g, sizeof(*a), hdr, RESP_OK_NODATA);
	if (err)
		return err;
	struct gpu_set_scanout *s = new_req(g, CMD_SET_SCANOUT);
	s->r = full;
	s->scanout_id = g->scanout;
	s->resource_id = RESOURCE_ID;
	return command_locked(g, sizeof(*s), hdr, RESP_OK_NODATA);
}

static int setup(struct gpu *g)
{
	struct fb *fb = &g->fb;
	uint32_t nr_scanouts;
	int err;

	virtio_config_read(g->vdev, CFG_NUM_SCANOUTS, &nr_scanouts, 4);
	kmutex_lock(&g->cmd_lock);
	err = pick_scanout_locked(g, nr_scanouts);
	if (!err) {
		fb->stride = fb->width * BPP;
		fb->size = (size_t)fb->stride * fb->height;
		fb->format = FB_FMT_XRGB8888;
		fb->mem = kcalloc(1, fb->size);
		err = fb->mem ? make_scanout_locked(g) : -ENOMEM;
	}
	kmutex_unlock(&g->cmd_lock);
	if (err)
		return err;
	pr_info("%s: /dev/fb%u %ux%u XRGB8888 on scanout %u of %u\n",
		g->vdev->name, fb->index, fb->width, fb->height, g->scanout,
		nr_scanouts);
	return gpu_flush(fb, &(struct fb_area){ 0, 0, fb->width, fb->height });
}

static void setup_work(void *arg)
{
	struct gpu *g = arg;
	int err = setup(g);

	if (err) {
		pr_err("%s: display set-up failed (%d)\n", g->vdev->name, err);
		/* The device may still own the memory: keep it. */
	}
	fb_ready(&g->fb, err);
}

/* A display was connected, removed or resized (QEMU: the window).  The
 * framebuffer keeps its size; the event is logged and acknowledged.
 * Interrupt context. */
static void gpu_config_changed(struct virtio_device *vdev)
{
	uint32_t events;

	virtio_config_read(vdev, CFG_EVENTS_READ, &events, 4);
	if (events & VIRTIO_GPU_EVENT_DISPLAY)
		pr_info("%s: display configuration changed (the framebuffer keeps its size)\n",
			vdev->name);
	virtio_config_write(vdev, CFG_EVENTS_CLEAR, &events, 4);
}

static int gpu_probe(struct virtio_device *vdev)
{
	struct gpu *g = kcalloc(1, sizeof(*g));
	int err;

	if (!g)
		return -ENOMEM;
	g->vdev = vdev;
	spin_init(&g->lock);
	kmutex_init(&g->cmd_lock, false);
	wait_queue_init_kind(&g->wq, WAIT_IO);
	g->fb.ops = &gpu_fb_ops;
	g->fb.priv = g;
	vdev->priv = g;
	g->vq = virtio_find_vq(vdev, 0, 0, gpu_done, "controlq");
	err = g->vq ? fb_register(&g->fb) : -ENODEV;
	if (err) {
		vdev->priv = NULL;
		free(g);
		return err;
	}
	virtio_device_ready(vdev);
	work_queue(HPWORK, &g->setup, setup_work, g, 0);
	return 0;
}

VIRTIO_DRIVER_DECLARE(gpu, .name = "virtio-gpu", .device_id = VIRTIO_ID_GPU,
		      .probe = gpu_probe, .config_changed = gpu_config_changed);
