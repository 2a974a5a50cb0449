// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of the virtio-gpu driver (drivers/virtio/virtio_gpu.c, built
 * into this file to reach its set-up) over a fake control queue and a
 * fake device written here from the spec (Virtio 1.2, 5.7.6): it answers
 * GET_DISPLAY_INFO with the scanouts a test gives and every other command
 * with OK_NODATA, or with an error when a test asks.  Covers the set-up
 * sequence and its arguments, the choice of the first enabled scanout
 * among several, refusing a device with none or with an unusable size,
 * error responses failing the set-up or a flush with EIO (logged by
 * name), a flush's transfer offset and rectangle, and the display-change
 * event.  The fake wait_block_locked() plays the device answering.
 */
#include <stdarg.h>
#include "../../drivers/virtio/virtio_gpu.c"
#include "unit.h"

#define MAX_CMDS 16

/* ---- the kernel around the driver ---- */

bool fake_irqs_masked;

void fake_spin_deadlock(arch_spinlock_t *l)
{
	(void)l;
	fprintf(stderr, "spinlock taken twice: deadlock\n");
	abort();
}

static char last_log[256];

void klog(int level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
}

irqflags_t sched_lock_acquire(void) { return 0; }
void sched_lock_release(irqflags_t f) { (void)f; }
void wait_wake_all(struct wait_queue *wq) { (void)wq; }
void kmutex_init(struct kmutex *m, bool recursive) { (void)m; (void)recursive; }
int kmutex_lock(struct kmutex *m) { (void)m; return 0; }
int kmutex_unlock(struct kmutex *m) { (void)m; return 0; }

int work_queue(int queue, struct work *w, work_fn fn, void *arg, uint64_t delay_ns)
{
	(void)queue;
	(void)w;
	(void)fn;
	(void)arg;
	(void)delay_ns;
	return 0;
}

static int ready_err = 1;	/* 1: fb_ready() not called */

int fb_register(struct fb *fb)
{
	fb->state = FB_PENDING;
	return 0;
}

void fb_ready(struct fb *fb, int err)
{
	(void)fb;
	ready_err = err;
}

/* ---- the fake core and control queue ---- */

static uint32_t cfg_events, cfg_cleared, cfg_scanouts = 1;

void virtio_config_read(struct virtio_device *vdev, unsigned int off,
			void *buf, size_t len)
{
	uint32_t v = off == CFG_EVENTS_READ ? cfg_events : cfg_scanouts;

	(void)vdev;
	memcpy(buf, &v, len);
}

void virtio_config_write(struct virtio_device *vdev, unsigned int off,
			 const void *buf, size_t len)
{
	(void)vdev;
	EXPECT_EQ(off, CFG_EVENTS_CLEAR);
	memcpy(&cfg_cleared, buf, len);
}

void virtio_device_ready(struct virtio_device *vdev) { (void)vdev; }

struct virtqueue {
	struct virtio_device *vdev;
	virtqueue_callback_t cb;
	struct virtq_buf bufs[2];	/* the request in the ring */
	void *token, *used;
	uint32_t used_len;
};

static struct virtqueue queue;

struct virtqueue *virtio_find_vq(struct virtio_device *vdev, unsigned int idx,
				 unsigned int max_size, virtqueue_callback_t cb,
				 const char *name)
{
	(void)max_size;
	EXPECT_EQ(idx, 0);		/* the control queue; no cursor queue */
	EXPECT_STR(name, "controlq");
	queue = (struct virtqueue){ .vdev = vdev, .cb = cb };
	return &queue;
}

int virtqueue_add(struct virtqueue *vq, const struct virtq_buf *bufs,
		  unsigned int nr_out, unsigned int nr_in, void *token)
{
	EXPECT_EQ(nr_out, 1);
	EXPECT_EQ(nr_in, 1);
	EXPECT(vq->token == NULL);	/* one command at a time */
	memcpy(vq->bufs, bufs, sizeof(vq->bufs));
	vq->token = token;
	return 0;
}

bool virtqueue_kick(struct virtqueue *vq) { (void)vq; return true; }

void *virtqueue_get_buf(struct virtqueue *vq, uint32_t *len)
{
	void *t = vq->used;

	vq->used = NULL;
	*len = vq->used_len;
	return t;
}

struct virtio_device *virtqueue_device(const struct virtqueue *vq)
{
	return vq->vdev;
}

/* ---- the fake device (spec 5.7.6) ---- */

static struct {
	uint32_t enabled, w, h;
} scanouts[MAX_SCANOUTS];
static uint32_t fail_cmd;		/* answer this command with an error */
static union gpu_req cmds[MAX_CMDS];	/* every request, in order */
static unsigned int ncmds;

static void device_answer(void)
{
	const union gpu_req *req = queue.bufs[0].addr;
	union gpu_resp *resp = queue.bufs[1].addr;

	EXPECT(ncmds < MAX_CMDS);
	memcpy(&cmds[ncmds++ % MAX_CMDS], req, MIN(queue.bufs[0].len, sizeof(*req)));
	resp->hdr.type = RESP_OK_NODATA;
	if (req->hdr.type == CMD_GET_DISPLAY_INFO) {
		EXPECT_EQ(queue.bufs[1].len, sizeof(resp->info));
		resp->hdr.type = RESP_OK_DISPLAY_INFO;
		for (int i = 0; i < MAX_SCANOUTS; i++) {
			resp->info.pmodes[i].enabled = scanouts[i].enabled;
			resp->info.pmodes[i].r = (struct gpu_rect){ 0, 0, scanouts[i].w,
								    scanouts[i].h };
		}
	}
	if (req->hdr.type == fail_cmd)
		resp->hdr.type = RESP_ERR_UNSPEC + 5;	/* INVALID_PARAMETER */
	queue.used = queue.token;
	queue.token = NULL;
	queue.used_len = queue.bufs[1].len;
	queue.cb(&queue);			/* the interrupt */
}

int wait_block_locked(struct wait_queue *wq, uint64_t deadline_ns)
{
	(void)wq;
	(void)deadline_ns;
	EXPECT(queue.token != NULL);	/* never sleeps without a command out */
	device_answer();
	return 0;
}

/* ---- tests ---- */

static struct virtio_device vdev = { .name = "gpu0" };

/* A device with the scanouts set in scanouts[] and nr config scanouts:
 * probe and set up; returns the driver's state. */
static struct gpu *setup_device(uint32_t nr)
{
	struct gpu *g;

	cfg_scanouts = nr;
	ncmds = 0;
	ready_err = 1;
	last_log[0] = '\0';
	EXPECT_EQ(gpu_probe(&vdev), 0);
	g = vdev.priv;
	setup_work(g);
	return g;
}

static void release(struct gpu *g)
{
	free(g->fb.mem);
	free(g);
	memset(scanouts, 0, sizeof(scanouts));
	fail_cmd = 0;
}

TEST(one_scanout_set_up_in_order)
{
	scanouts[0].enabled = 1;
	scanouts[0].w = 640;
	scanouts[0].h = 480;
	struct gpu *g = setup_device(1);

	EXPECT_EQ(ready_err, 0);
	EXPECT_EQ(g->fb.width, 640);
	EXPECT_EQ(g->fb.height, 480);
	EXPECT_EQ(g->fb.stride, 640 * 4);
	EXPECT_EQ(g->fb.format, FB_FMT_XRGB8888);
	EXPECT_EQ(ncmds, 6);
	EXPECT_EQ(cmds[0].hdr.type, CMD_GET_DISPLAY_INFO);
	EXPECT_EQ(cmds[1].hdr.type, CMD_RESOURCE_CREATE_2D);
	EXPECT_EQ(cmds[1].create.format, FORMAT_B8G8R8X8_UNORM);
	EXPECT_EQ(cmds[1].create.width, 640);
	EXPECT_EQ(cmds[1].create.resource_id, RESOURCE_ID);
	EXPECT_EQ(cmds[2].hdr.type, CMD_RESOURCE_ATTACH_BACKING);
	EXPECT_EQ(cmds[2].attach.nr_entries, 1);
	EXPECT_EQ(cmds[2].attach.addr, (uintptr_t)g->fb.mem);
	EXPECT_EQ(cmds[2].attach.length, 640 * 480 * 4);
	EXPECT_EQ(cmds[3].hdr.type, CMD_SET_SCANOUT);
	EXPECT_EQ(cmds[3].scanout.scanout_id, 0);
	EXPECT_EQ(cmds[3].scanout.r.height, 480);
	EXPECT_EQ(cmds[4].hdr.type, CMD_TRANSFER_TO_HOST_2D);
	EXPECT_EQ(cmds[5].hdr.type, CMD_RESOURCE_FLUSH);
	EXPECT_EQ(cmds[5].flush.r.width, 640);
	release(g);
}

TEST(first_enabled_scanout_of_several)
{
	scanouts[1] = (typeof(scanouts[1])){ 1, 800, 600 };
	scanouts[2] = (typeof(scanouts[2])){ 1, 1024, 768 };
	struct gpu *g = setup_device(3);

	EXPECT_EQ(ready_err, 0);
	EXPECT_EQ(g->scanout, 1);
	EXPECT_EQ(g->fb.width, 800);
	EXPECT_EQ(cmds[3].scanout.scanout_id, 1);
	release(g);
}

TEST(no_enabled_scanout_is_refused)
{
	scanouts[0] = (typeof(scanouts[0])){ 0, 640, 480 };
	struct gpu *g = setup_device(1);

	EXPECT_EQ(ready_err, -ENODEV);
	EXPECT(strstr(last_log, "display set-up failed") != NULL);
	EXPECT_EQ(ncmds, 1);
	release(g);
}

TEST(unusable_size_is_refused)
{
	scanouts[0] = (typeof(scanouts[0])){ 1, 0, 480 };
	struct gpu *g = setup_device(1);

	EXPECT_EQ(ready_err, -ENODEV);
	EXPECT_EQ(g->fb.mem, NULL);
	release(g);
}

TEST(error_response_fails_setup_with_its_name)
{
	scanouts[0] = (typeof(scanouts[0])){ 1, 64, 32 };
	fail_cmd = CMD_RESOURCE_ATTACH_BACKING;
	cfg_scanouts = 1;
	ncmds = 0;
	EXPECT_EQ(gpu_probe(&vdev), 0);
	struct gpu *g = vdev.priv;

	kmutex_lock(&g->cmd_lock);
	EXPECT_EQ(pick_scanout_locked(g, 1), 0);
	g->fb.stride = 64 * 4;
	g->fb.size = 64 * 4 * 32;
	g->fb.mem = calloc(1, g->fb.size);
	EXPECT_EQ(make_scanout_locked(g), -EIO);
	EXPECT(strstr(last_log, "command 0x106: ERR_INVALID_PARAMETER") != NULL);
	EXPECT_EQ(ncmds, 3);		/* no SET_SCANOUT after the failure */
	release(g);
}

TEST(flush_transfers_the_rectangle_and_fails_on_error)
{
	scanouts[0] = (typeof(scanouts[0])){ 1, 100, 50 };
	struct gpu *g = setup_device(1);

	ncmds = 0;
	EXPECT_EQ(gpu_flush(&g->fb, &(struct fb_area){ 10, 20, 30, 5 }), 0);
	EXPECT_EQ(ncmds, 2);
	EXPECT_EQ(cmds[0].transfer.offset, 20 * 400 + 10 * 4);
	EXPECT_EQ(cmds[0].transfer.r.x, 10);
	EXPECT_EQ(cmds[0].transfer.r.height, 5);
	EXPECT_EQ(cmds[1].flush.r.width, 30);
	fail_cmd = CMD_RESOURCE_FLUSH;
	EXPECT_EQ(gpu_flush(&g->fb, &(struct fb_area){ 0, 0, 1, 1 }), -EIO);
	fail_cmd = CMD_TRANSFER_TO_HOST_2D;
	ncmds = 0;
	EXPECT_EQ(gpu_flush(&g->fb, &(struct fb_area){ 0, 0, 1, 1 }), -EIO);
	EXPECT_EQ(ncmds, 1);		/* no flush of what was not transferred */
	release(g);
}

TEST(display_change_is_logged_and_acknowledged)
{
	cfg_events = VIRTIO_GPU_EVENT_DISPLAY;
	gpu_config_changed(&vdev);
	EXPECT(strstr(last_log, "display configuration changed") != NULL);
	EXPECT_EQ(cfg_cleared, VIRTIO_GPU_EVENT_DISPLAY);
}

UNIT_MAIN(UNIT_CASE(one_scanout_set_up_in_order),
	  UNIT_CASE(first_enabled_scanout_of_several),
	  UNIT_CASE(no_enabled_scanout_is_refused),
	  UNIT_CASE(unusable_size_is_refused),
	  UNIT_CASE(error_response_fails_setup_with_its_name),
	  UNIT_CASE(flush_transfers_the_rectangle_and_fails_on_error),
	  UNIT_CASE(display_change_is_logged_and_acknowledged))
