// SPDX-License-Identifier: BSD-2-Clause
/*
 * Framebuffer devices (<vireo/fb.h>, <sys/fb.h>): /dev/fbN for each
 * registered framebuffer.  The file is the pixel memory: read() and
 * write() copy bytes at the file position (a write then flushes the rows
 * it touched), lseek() moves within it.  The ioctls give the geometry,
 * the memory's address (the flat build shares one address space) and
 * flush a rectangle.
 *
 * Locking: fb->state and fb->ready_wq are under the scheduler lock; the
 * geometry and memory are written once by the driver before fb_ready()
 * (whose wake-up, under that lock, publishes them) and only read after.
 * Pixel writes are not locked: concurrent writers to one region get one
 * or the other's bytes, as on any framebuffer.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <vireo/compiler.h>
#include <vireo/devfs.h>
#include <vireo/fb.h>
#include <vireo/file.h>
#include <vireo/thread.h>

static unsigned int nr_fbs;	/* registered so far; probing is serial */
static bool console_taken;	/* the first ready fb got the text console */

int fb_wait_ready(struct fb *fb)
{
	irqflags_t f = sched_lock_acquire();

	while (fb->state == FB_PENDING)
		wait_block_locked(&fb->ready_wq, WAIT_FOREVER);
	int state = fb->state;
	sched_lock_release(f);
	return state == FB_READY ? 0 : -ENODEV;
}

void fb_ready(struct fb *fb, int err)
{
	irqflags_t f = sched_lock_acquire();

	fb->state = err ? FB_FAILED : FB_READY;
	wait_wake_all_locked(&fb->ready_wq, 0);
	sched_lock_release(f);
	if (!err && !console_taken && IS_ENABLED(CONFIG_FBCON)) {
		console_taken = true;
		fbcon_attach(fb);
	}
}

int fb_flush(struct fb *fb, const struct fb_area *a)
{
	if (a->w == 0 || a->h == 0 || a->x >= fb->width || a->y >= fb->height ||
	    a->w > fb->width - a->x || a->h > fb->height - a->y)
		return -EINVAL;
	return fb->ops->flush(fb, a);
}

/* An application is about to draw: the text console stands aside. */
static void app_draws(struct fb *fb)
{
	if (IS_ENABLED(CONFIG_FBCON))
		fbcon_yield(fb);
}

/* The bytes of a read or write of len at the file position, clipped to
 * the memory, once the fb is ready: the count, or -errno. */
static ssize_t span(struct file *f, size_t len)
{
	struct fb *fb = f->priv;
	int err = fb_wait_ready(fb);

	if (err)
		return err;
	if (f->pos < 0 || (uint64_t)f->pos >= fb->size)
		return 0;
	return MIN(len, fb->size - (size_t)f->pos);
}

static ssize_t fb_read(struct file *f, void *buf, size_t len)
{
	struct fb *fb = f->priv;
	ssize_t n = span(f, len);

	if (n <= 0)
		return n;
	memcpy(buf, fb->mem + f->pos, n);
	f->pos += n;
	return n;
}

/* Writes show the whole rows they touched. */
static ssize_t fb_write(struct file *f, const void *buf, size_t len)
{
	struct fb *fb = f->priv;
	ssize_t n = span(f, len);
	int err;

	if (n <= 0)
		return n == 0 && len ? -ENOSPC : n;
	app_draws(fb);
	memcpy(fb->mem + f->pos, buf, n);
	uint32_t first = f->pos / fb->stride;
	uint32_t last = (f->pos + n - 1) / fb->stride;
	err = fb_flush(fb, &(struct fb_area){ 0, first, fb->width,
					      last - first + 1 });
	if (err)
		return err;
	f->pos += n;
	return n;
}

static off_t fb_lseek(struct file *f, off_t off, int whence)
{
	struct fb *fb = f->priv;
	int err = fb_wait_ready(fb);

	return err ? err : file_seek_in_size(f, off, whence, fb->size);
}

static int fb_ioctl(struct file *f, unsigned long req, unsigned long arg)
{
	struct fb *fb = f->priv;
	int err = fb_wait_ready(fb);

	if (err)
		return err;
	if (!arg)
		return -EFAULT;
	switch (req) {
	case FBIOGET_VIDEOINFO:
		*(struct fb_videoinfo *)arg = (struct fb_videoinfo){
			fb->width, fb->height, fb->format, 1 };
		return 0;
	case FBIOGET_PLANEINFO:
		app_draws(fb);
		*(struct fb_planeinfo *)arg = (struct fb_planeinfo){
			fb->mem, fb->size, fb->stride, 32 };
		return 0;
	case FBIO_UPDATE:
		app_draws(fb);
		return fb_flush(fb, (const struct fb_area *)arg);
	}
	return -ENOTTY;
}

static const struct file_ops fb_file_ops = {
	.read = fb_read,
	.write = fb_write,
	.lseek = fb_lseek,
	.ioctl = fb_ioctl,
};

int fb_register(struct fb *fb)
{
	char name[12];
	int err;

	fb->state = FB_PENDING;
	wait_queue_init_kind(&fb->ready_wq, WAIT_IO);
	fb->index = nr_fbs;
	snprintf(name, sizeof(name), "fb%u", nr_fbs);
	err = devfs_register(name, &fb_file_ops, fb);
	if (!err)
		nr_fbs++;
	return err;
}
