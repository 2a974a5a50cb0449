/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Framebuffer devices /dev/fb0, /dev/fb1, ... (what applications see).
 * The pixel memory is read and written with read()/write()/lseek() (a
 * write shows the rows it touched) or, in the flat build, directly at the
 * address FBIOGET_PLANEINFO gives, followed by FBIO_UPDATE for the
 * rectangle that changed.  The ioctl arguments are pointers.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Pixel formats.  XRGB8888: 32-bit little-endian words 0x00RRGGBB, so
 * the bytes in memory are blue, green, red, unused. */
#define FB_FMT_XRGB8888		1

struct fb_videoinfo {
	uint32_t width;		/* pixels */
	uint32_t height;
	uint32_t format;	/* FB_FMT_* */
	uint32_t nplanes;	/* always 1 */
};

struct fb_planeinfo {
	void *mem;		/* the pixels (flat build: directly usable) */
	size_t size;		/* bytes: stride * height */
	uint32_t stride;	/* bytes per row */
	uint32_t bpp;		/* bits per pixel */
};

/* A rectangle in pixels. */
struct fb_area {
	uint32_t x, y, w, h;
};

#define FBIOGET_VIDEOINFO	0x4600	/* struct fb_videoinfo * */
#define FBIOGET_PLANEINFO	0x4601	/* struct fb_planeinfo * */
/* Shows the area (const struct fb_area *); EINVAL when it is empty or
 * not wholly on the screen, EIO when the device failed. */
#define FBIO_UPDATE		0x4602
