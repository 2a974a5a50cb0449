/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Framebuffers (drivers/video/fb.c): a display driver (virtio-gpu)
 * registers a struct fb, which becomes /dev/fbN (<sys/fb.h> for the
 * ioctls).  The pixel memory is ordinary RAM the driver allocated; the
 * driver's flush() makes a rectangle of it visible.
 *
 * A driver registers at probe, before interrupts are on, when it cannot
 * yet ask the device for its resolution: the fb is "pending" and every
 * file operation waits until the driver calls fb_ready() from thread
 * context (with the geometry filled in) or fails it.  The first fb that
 * becomes ready also carries the text console (drivers/video/fbcon.c).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/fb.h>
#include <vireo/wait.h>

struct fb;

struct fb_ops {
	/* Makes area (checked: non-empty, on the screen) visible.  Thread
	 * context, may block; callers are serialised by the driver.  0 or
	 * -errno (-EIO: the device failed). */
	int (*flush)(struct fb *fb, const struct fb_area *area);
};

enum fb_state { FB_PENDING, FB_READY, FB_FAILED };

struct fb {
	const struct fb_ops *ops;
	void *priv;			/* the driver's */
	/* Set by the driver before fb_ready(), constant afterwards. */
	uint32_t width, height, stride, format;
	uint8_t *mem;
	size_t size;
	/* fb.c's: */
	int state;			/* enum fb_state; scheduler lock */
	struct wait_queue ready_wq;	/* waiters for the state; scheduler lock */
	unsigned int index;		/* N of /dev/fbN */
};

/* Probe: makes fb /dev/fbN (N in registration order), pending.  The
 * driver sets ops and priv first.  0 or -errno.  Thread context. */
int fb_register(struct fb *fb);
/* The driver has the geometry (err 0) or gave up (err < 0, logged by the
 * driver): wakes the waiters.  Thread context. */
void fb_ready(struct fb *fb, int err);
/* Waits until fb is no longer pending: 0, or -ENODEV when it failed. */
int fb_wait_ready(struct fb *fb);
/* Checks area (-EINVAL when empty or not wholly on the screen) and
 * flushes it.  Thread context. */
int fb_flush(struct fb *fb, const struct fb_area *area);

/* The text console (drivers/video/fbcon.c, CONFIG_FBCON).  fb_ready()
 * hands it the first framebuffer.  Thread context. */
void fbcon_attach(struct fb *fb);
/* An application draws on fb: if the console is on it, it stops drawing
 * (returns once it has) and keeps the text for later.  Thread context. */
void fbcon_yield(struct fb *fb);
/* A key was pressed: the console takes its screen back and redraws it.
 * Any context without driver locks held. */
void fbcon_resume(void);
