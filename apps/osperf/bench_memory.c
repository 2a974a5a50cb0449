// SPDX-License-Identifier: BSD-2-Clause
/*
 * osperf: memcpy bandwidth for a 4 KiB block (cache-resident: the
 * library routine's own speed) and a 1 MiB block (larger than the
 * emulated caches would hold on hardware: memory bandwidth).  MB is
 * 10^6 bytes; the figure comes from the median copy time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "osperf.h"

#define SMALL (4u << 10)
#define LARGE (1u << 20)
#define LARGE_COPIES 100	/* 1 MiB copies are slow under emulation */

struct copy {
	void *dst;
	const void *src;
	size_t len;
};

static void copy_once(void *arg)
{
	struct copy *c = arg;

	memcpy(c->dst, c->src, c->len);
	/* The copy is used as far as the compiler knows. */
	__asm__ volatile("" : : "r"(c->dst) : "memory");
}

static void copy_bandwidth(const char *name, size_t len, unsigned int count)
{
	struct copy c = { .len = len };
	struct samples s;
	char key[48];
	char *buf = malloc(2 * len);

	if (!buf) {
		report_na(name, "out of memory");
		return;
	}
	memset(buf, 0x5a, 2 * len);	/* touched once, before timing */
	c.src = buf;
	c.dst = buf + len;
	snprintf(key, sizeof(key), "%s_mb_s", name);
	if (!measure_samples(&s, count, copy_once, &c)) {
		report_na(name, "out of memory");
	} else {
		report_mb_s(key, (uint64_t)len * s.batch, samples_percentile(&s, 50));
		samples_free(&s);
	}
	free(buf);
}

void bench_memory(void)
{
	unsigned int large = osperf_iterations < LARGE_COPIES ? osperf_iterations
						     : LARGE_COPIES;

	copy_bandwidth("memcpy_4k", SMALL, osperf_iterations);
	copy_bandwidth("memcpy_1m", LARGE, large);
}
