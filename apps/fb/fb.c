// SPDX-License-Identifier: BSD-2-Clause
/*
 * fb: the test picture on a framebuffer (/dev/fb0 or DEVICE).  It draws,
 * directly into the pixel memory (the flat build's FBIOGET_PLANEINFO
 * address), a picture whose every pixel follows from the resolution, so
 * a test can recompute it (tests/qemu/test_fb.py does):
 *
 *   - the top three quarters of the right half: a grid, GRID_COLOR lines
 *     on black where x or y is a multiple of GRID;
 *   - the top three quarters of the left half: NR_RECTS nested filled
 *     rectangles, rectangle k inset by k * (W/20, 3H/40) from the region,
 *     in rect_colors[k];
 *   - the bottom quarter: a gradient, red rising with x, green with y,
 *     blue falling with x;
 *
 * then flushes the whole screen and prints what it drew.  `fb -u X Y W H`
 * flushes one rectangle instead (the driver refuses one that is empty or
 * leaves the screen).  The text console keeps out of the picture until a
 * key is pressed on the display's keyboard.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fb.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <vireo/app.h>

#define GRID		32
#define GRID_COLOR	0x808080u
#define NR_RECTS	5

static const uint32_t rect_colors[NR_RECTS] = {
	0xff0000, 0x00ff00, 0x0000ff, 0xffff00, 0xff00ff,
};
static const char *const rect_names[NR_RECTS] = {
	"red", "green", "blue", "yellow", "magenta",
};

struct screen {
	uint8_t *mem;
	uint32_t w, h, stride;
};

static void put(const struct screen *s, uint32_t x, uint32_t y, uint32_t c)
{
	((uint32_t *)(s->mem + (size_t)y * s->stride))[x] = c;
}

static void fill(const struct screen *s, uint32_t x0, uint32_t y0, uint32_t x1,
		 uint32_t y1, uint32_t c)
{
	for (uint32_t y = y0; y < y1; y++)
		for (uint32_t x = x0; x < x1; x++)
			put(s, x, y, c);
}

static void draw_grid(const struct screen *s, uint32_t x0, uint32_t x1,
		      uint32_t y1)
{
	for (uint32_t y = 0; y < y1; y++)
		for (uint32_t x = x0; x < x1; x++)
			put(s, x, y, x % GRID == 0 || y % GRID == 0 ? GRID_COLOR : 0);
}

static void draw_gradient(const struct screen *s, uint32_t y0)
{
	uint32_t rows = s->h - y0;

	for (uint32_t y = y0; y < s->h; y++)
		for (uint32_t x = 0; x < s->w; x++) {
			uint32_t r = x * 255 / (s->w - 1);
			uint32_t g = rows > 1 ? (y - y0) * 255 / (rows - 1) : 0;

			put(s, x, y, r << 16 | g << 8 | (255 - r));
		}
}

static void draw(const struct screen *s)
{
	uint32_t half = s->w / 2, top = s->h * 3 / 4;
	uint32_t dx = s->w / 20, dy = s->h * 3 / 40;

	for (uint32_t k = 0; k < NR_RECTS; k++)
		fill(s, k * dx, k * dy, half - k * dx, top - k * dy, rect_colors[k]);
	draw_grid(s, half, s->w, top);
	draw_gradient(s, top);
	printf("fb: drew %d nested rectangles (", NR_RECTS);
	for (int k = 0; k < NR_RECTS; k++)
		printf("%s%s", k ? ", " : "", rect_names[k]);
	printf(") in 0..%u x 0..%u, a %u-pixel grid in %u..%u x 0..%u, "
	       "a gradient in rows %u..%u\n", half - 1, top - 1, GRID, half,
	       s->w - 1, top - 1, top, s->h - 1);
}

static int update(int fd, const char *dev, const struct fb_area *a)
{
	if (ioctl(fd, FBIO_UPDATE, (unsigned long)a) == 0)
		return 0;
	fprintf(stderr, "fb: %s: update %u,%u %ux%u: %s\n", dev, a->x, a->y,
		a->w, a->h, strerror(errno));
	return 1;
}

/* Parses "-u X Y W H" into *a: false on a malformed number. */
static bool parse_area(char **argv, struct fb_area *a)
{
	uint32_t *v[4] = { &a->x, &a->y, &a->w, &a->h };

	for (int i = 0; i < 4; i++) {
		char *end;
		unsigned long n = strtoul(argv[i], &end, 0);

		if (*end || end == argv[i] || n > UINT32_MAX)
			return false;
		*v[i] = n;
	}
	return true;
}

static int usage(void)
{
	fprintf(stderr, "usage: fb [DEVICE]            draw the test picture\n"
			"       fb -u X Y W H [DEVICE]  flush one rectangle\n");
	return 2;
}

static int fb_main(int argc, char **argv)
{
	struct fb_area area;
	bool flush_only = argc > 1 && strcmp(argv[1], "-u") == 0;
	int args = flush_only ? 6 : 1;
	const char *dev = argc > args ? argv[args] : "/dev/fb0";
	struct fb_videoinfo vi;
	struct fb_planeinfo pi;

	if (argc > args + 1 || (flush_only && (argc < 6 || !parse_area(argv + 2, &area))))
		return usage();
	int fd = open(dev, O_RDWR);
	if (fd < 0 || ioctl(fd, FBIOGET_VIDEOINFO, (unsigned long)&vi) ||
	    ioctl(fd, FBIOGET_PLANEINFO, (unsigned long)&pi)) {
		fprintf(stderr, "fb: no display: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	if (vi.format != FB_FMT_XRGB8888 || pi.bpp != 32) {
		fprintf(stderr, "fb: %s: unknown pixel format %u\n", dev, vi.format);
		return 1;
	}
	printf("fb: %s %ux%u XRGB8888, stride %u bytes, %zu bytes\n", dev,
	       vi.width, vi.height, pi.stride, pi.size);
	if (!flush_only) {
		draw(&(struct screen){ pi.mem, vi.width, vi.height, pi.stride });
		area = (struct fb_area){ 0, 0, vi.width, vi.height };
	}
	int r = update(fd, dev, &area);
	close(fd);
	return r;
}

APP_REGISTER(fb, fb_main, 0, 0);
