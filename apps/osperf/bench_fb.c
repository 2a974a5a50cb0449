// SPDX-License-Identifier: BSD-2-Clause
/*
 * osperf: framebuffer flushes (tools/bench.py attaches a 640x480 and a
 * 1920x1080 virtio-gpu; without them the figures are "not available").
 * For each size, the first /dev/fbN of that size flushes its whole screen
 * (FBIO_UPDATE: with virtio-gpu a transfer to the host and a flush, each
 * a round trip to the device) osperf_iterations / 10 times, at least 10;
 * the figure is full-screen flushes per second.  The text console, if it
 * is on one of them, stands aside as soon as osperf takes the screen.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/fb.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "osperf.h"

#define MAX_FBS		8
#define MIN_FLUSHES	10

static const struct { uint32_t w, h; } sizes[] = { { 640, 480 }, { 1920, 1080 } };

/* Opens the first /dev/fbN of w x h: the descriptor, or -1. */
static int open_fb(uint32_t w, uint32_t h)
{
	for (int i = 0; i < MAX_FBS; i++) {
		char path[16];
		struct fb_videoinfo vi;
		int fd;

		snprintf(path, sizeof(path), "/dev/fb%d", i);
		fd = open(path, O_RDWR);
		if (fd < 0)
			return -1;	/* the devices are numbered densely */
		if (ioctl(fd, FBIOGET_VIDEOINFO, (unsigned long)&vi) == 0 &&
		    vi.width == w && vi.height == h)
			return fd;
		close(fd);
	}
	return -1;
}

/* n full-screen flushes on fd: the ticks taken, or 0 on an error. */
static uint64_t flushes(int fd, uint32_t w, uint32_t h, unsigned int n)
{
	struct fb_area all = { 0, 0, w, h };
	struct fb_planeinfo pi;
	uint64_t t0;

	if (ioctl(fd, FBIOGET_PLANEINFO, (unsigned long)&pi))
		return 0;
	t0 = counter_read();
	for (unsigned int i = 0; i < n; i++)
		if (ioctl(fd, FBIO_UPDATE, (unsigned long)&all))
			return 0;
	return counter_read() - t0;
}

void bench_fb(void)
{
	unsigned int n = osperf_iterations / 10;

	n = n < MIN_FLUSHES ? MIN_FLUSHES : n;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char name[40];
		uint32_t w = sizes[i].w, h = sizes[i].h;
		int fd = open_fb(w, h);
		uint64_t ticks;

		snprintf(name, sizeof(name), "fb_flush_%ux%u_per_s", w, h);
		if (fd < 0) {
			report_na(name, "no %ux%u framebuffer", w, h);
			continue;
		}
		ticks = flushes(fd, w, h, n);
		close(fd);
		if (ticks)
			report_value(name, (uint64_t)n * counter_freq() / ticks, "flushes/s");
		else
			report_na(name, "%s", strerror(errno ? errno : EIO));
	}
}
