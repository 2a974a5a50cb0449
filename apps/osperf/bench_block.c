// SPDX-License-Identifier: BSD-2-Clause
/*
 * osperf: block-device throughput on /dev/vda (tools/bench.py attaches a
 * scratch disk; without one the figures are "not available").  Sequential
 * write then read of the same region in 1 MiB requests (the write timed
 * up to the end of its fsync), and 4 KiB reads at random aligned offsets
 * in that region from several threads at once, so that several requests
 * are in flight.  MB is 10^6 bytes.  The disk's contents are overwritten.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "osperf.h"

#define DISK "/dev/vda"
#define SEQ_REQ (1u << 20)
#define RAND_REQ 4096u
#define MAX_SEQ_MIB 32
#define READERS 4

static const char *const figures[] = {
	"blk_seq_write_1m", "blk_seq_read_1m", "blk_rand_read_4k_iops",
};

static void all_na(const char *why)
{
	for (size_t i = 0; i < sizeof(figures) / sizeof(figures[0]); i++)
		report_na(figures[i], "%s", why);
}

/* Writes (or reads) mib MiB from offset 0 in 1 MiB requests: the ticks
 * taken, or 0 on an error (reported as not available). */
static uint64_t sequential(int fd, char *buf, unsigned int mib, bool writing)
{
	uint64_t t0;

	if (lseek(fd, 0, SEEK_SET) != 0)
		return 0;
	t0 = counter_read();
	for (unsigned int i = 0; i < mib; i++) {
		ssize_t n = writing ? write(fd, buf, SEQ_REQ) : read(fd, buf, SEQ_REQ);

		if (n != SEQ_REQ)
			return 0;
	}
	if (writing && fsync(fd) != 0)
		return 0;
	return counter_read() - t0;
}

struct reader {
	unsigned int ops;
	uint64_t span;		/* bytes to pick offsets in */
	uint32_t seed;
	int err;
};

static void *random_reads(void *arg)
{
	struct reader *r = arg;
	char *buf = malloc(RAND_REQ);
	int fd = open(DISK, O_RDONLY);
	uint64_t slots = r->span / RAND_REQ;

	r->err = !buf || fd < 0 ? (errno ? errno : ENOMEM) : 0;
	for (unsigned int i = 0; i < r->ops && !r->err; i++) {
		r->seed = r->seed * 1664525u + 1013904223u;	/* LCG */
		off_t off = (off_t)(r->seed % slots) * RAND_REQ;

		if (lseek(fd, off, SEEK_SET) != off || read(fd, buf, RAND_REQ) != RAND_REQ)
			r->err = errno ? errno : EIO;
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

/* ops 4 KiB reads over span bytes by READERS threads: ticks, or 0. */
static uint64_t random_iops_ticks(uint64_t span, unsigned int ops)
{
	struct reader r[READERS];
	pthread_t t[READERS];
	int started = 0;
	uint64_t t0 = counter_read();

	for (int i = 0; i < READERS; i++) {
		r[i] = (struct reader){ .ops = ops / READERS, .span = span,
					.seed = 0x9e3779b9u * (uint32_t)(i + 1) };
		if (start_thread(&t[i], random_reads, &r[i], PRIO_EQUAL, -1))
			break;
		started++;
	}
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < started; i++)
		if (r[i].err)
			return 0;
	return started == READERS ? counter_read() - t0 : 0;
}

static void report_seq(const char *name, uint64_t bytes, uint64_t ticks)
{
	char key[48];

	snprintf(key, sizeof(key), "%s_mb_s", name);
	if (ticks)
		report_mb_s(key, bytes, ticks);
	else
		report_na(name, "%s", strerror(errno ? errno : EIO));
}

static void run_on(int fd, uint64_t size)
{
	unsigned int mib = osperf_iterations / 64;
	unsigned int ops = (osperf_iterations + READERS - 1) / READERS * READERS;
	char *buf = malloc(SEQ_REQ);
	uint64_t ticks;

	mib = mib < 1 ? 1 : mib > MAX_SEQ_MIB ? MAX_SEQ_MIB : mib;
	if (mib > size / SEQ_REQ)
		mib = (unsigned int)(size / SEQ_REQ);
	if (!buf || !mib) {
		all_na(buf ? DISK " smaller than 1 MiB" : "out of memory");
		free(buf);
		return;
	}
	for (unsigned int i = 0; i < SEQ_REQ; i++)
		buf[i] = (char)(i * 31 + 7);
	report_seq(figures[0], (uint64_t)mib * SEQ_REQ, sequential(fd, buf, mib, true));
	report_seq(figures[1], (uint64_t)mib * SEQ_REQ, sequential(fd, buf, mib, false));
	free(buf);
	ticks = random_iops_ticks((uint64_t)mib * SEQ_REQ, ops);
	if (ticks)
		report_value(figures[2], (uint64_t)ops * counter_freq() / ticks, "ops/s");
	else
		report_na(figures[2], "a reader failed");
}

void bench_block(void)
{
	uint64_t size = 0;
	int fd = open(DISK, O_RDWR);

	if (fd < 0) {
		all_na("no " DISK);
		return;
	}
	if (ioctl(fd, BLKGETSIZE64, &size) != 0)
		all_na("cannot size " DISK);
	else
		run_on(fd, size);
	close(fd);
}
