// SPDX-License-Identifier: BSD-2-Clause
/*
 * The text console on the first framebuffer: the console's output and the
 * kernel log also appear on the screen (fbcon_text.c draws them), and a
 * keyboard's keys reach the console (drivers/virtio/virtio_input.c calls
 * console_input()).  The serial path never waits for drawing: the
 * console's mirror (<vireo/console.h>) only copies bytes into a ring, and
 * a work item (LPWORK, below the applications) draws them and flushes
 * the changed rows, one flush per batch.
 *
 * The console's own writes queue the work item.  The kernel log's may
 * come with any lock held (the scheduler lock included), so they only
 * copy: their lines are drawn with the next console output (the shell's
 * prompt or echo), and the log up to the attachment is replayed from
 * dmesg.
 *
 * An application that draws (FBIOGET_PLANEINFO, FBIO_UPDATE, write() on
 * the console's /dev/fbN: fbcon_yield()) gets the screen: text is kept in
 * the ring but not drawn until a key on the keyboard (fbcon_resume())
 * gives the screen back to the console, redrawn.
 *
 * Locking: con.lock (IRQ-safe spinlock) protects the ring and the
 * suspended/redraw flags; it is innermost (the mirror runs under the
 * log's lock).  con.draw_lock (kmutex) is held while the text screen and
 * the pixels are drawn and flushed, so fbcon_yield() returns only once
 * no text is being drawn.
 */
#include <stdlib.h>
#include <vireo/mm.h>
#include <vireo/console.h>
#include <vireo/fb.h>
#include <vireo/klog.h>
#include <vireo/mutex.h>
#include <vireo/ringbuf.h>
#include <vireo/spinlock.h>
#include <vireo/workqueue.h>
#include "fbcon_priv.h"

#define RING_SIZE	8192	/* a screenful of text and then some */
#define CHUNK		256

static struct {
	struct fb *fb;			/* set once at attach */
	spinlock_t lock;		/* see the top of the file */
	struct ringbuf ring;
	bool suspended;			/* an application owns the screen */
	bool redraw;			/* draw every cell on the next run */
	struct kmutex draw_lock;
	struct fbtext text;		/* draw_lock */
	struct work work;
} con = { .lock = SPINLOCK_INIT };

/* Draws what the ring holds, then flushes the changed rows. */
static void draw_work(void *arg)
{
	char chunk[CHUNK];
	uint32_t y, h;

	kmutex_lock(&con.draw_lock);
	for (;;) {
		irqflags_t f = spin_lock_irqsave(&con.lock);
		bool redraw = con.redraw && !con.suspended;
		size_t n = con.suspended ? 0 : ringbuf_get(&con.ring, chunk, sizeof(chunk));

		con.redraw &= !redraw;
		spin_unlock_irqrestore(&con.lock, f);
		if (redraw)
			fbtext_redraw(&con.text);
		if (n == 0)
			break;
		fbtext_write(&con.text, chunk, n);
	}
	if (fbtext_take_dirty(&con.text, &y, &h))
		fb_flush(con.fb, &(struct fb_area){ 0, y, con.fb->width, h });
	kmutex_unlock(&con.draw_lock);
}

/* The console mirror: copies (the oldest text goes when the ring is full)
 * and, for the console's own writes, queues the drawing. */
static void mirror(const char *s, size_t len, bool may_wake)
{
	irqflags_t f = spin_lock_irqsave(&con.lock);

	ringbuf_put_overwrite(&con.ring, s, len);
	spin_unlock_irqrestore(&con.lock, f);
	if (may_wake)
		work_queue(LPWORK, &con.work, draw_work, NULL, 0);
}

void fbcon_yield(struct fb *fb)
{
	if (fb != con.fb)
		return;
	kmutex_lock(&con.draw_lock);
	irqflags_t f = spin_lock_irqsave(&con.lock);
	con.suspended = true;
	spin_unlock_irqrestore(&con.lock, f);
	kmutex_unlock(&con.draw_lock);
}

void fbcon_resume(void)
{
	irqflags_t f = spin_lock_irqsave(&con.lock);
	bool was = con.suspended;

	con.suspended = false;
	con.redraw |= was;
	spin_unlock_irqrestore(&con.lock, f);
	if (was)
		work_queue(LPWORK, &con.work, draw_work, NULL, 0);
}

/* The kernel log so far goes first, so the screen starts with the boot
 * messages.  A line logged between this copy and console_set_mirror()
 * is on the serial console and in dmesg only. */
static void replay_log(void)
{
	char chunk[CHUNK];
	size_t skip = 0, n;

	while ((n = klog_read(skip, chunk, sizeof(chunk))) > 0) {
		mirror(chunk, n, false);
		skip += n;
	}
}

void fbcon_attach(struct fb *fb)
{
	unsigned int cols = fbtext_cols(fb->width), rows = fbtext_rows(fb->height);
	char *grid = cols && rows ? kmalloc((size_t)cols * rows) : NULL;
	/* The ring's bytes only when there is a screen (not in bss). */
	uint8_t *ring = grid ? kmalloc(RING_SIZE) : NULL;

	if (!ring) {
		pr_err("fbcon: no text console on /dev/fb%u (%ux%u)\n", fb->index,
		       fb->width, fb->height);
		free(grid);
		return;
	}
	kmutex_init(&con.draw_lock, false);
	ringbuf_init(&con.ring, ring, RING_SIZE);
	fbtext_init(&con.text, fb->mem, fb->width, fb->height, fb->stride, grid);
	con.fb = fb;
	pr_info("fbcon: %ux%u text console on /dev/fb%u\n", cols, rows, fb->index);
	replay_log();
	console_set_mirror(mirror);
	work_queue(LPWORK, &con.work, draw_work, NULL, 0);
}
