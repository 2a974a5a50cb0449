// SPDX-License-Identifier: BSD-2-Clause
/*
 * osperf: FAT on /dev/vda (tools/bench.py's scratch disk) against the raw
 * device.  The raw disk is written and read sequentially over 64 MiB in
 * 1 MiB requests; then the disk is formatted (mkfatfs's defaults),
 * mounted, and a 64 MiB file is written (up to the end of its fsync) and
 * read the same way; last, 1,000 small files are created in a directory
 * (up to the end of a sync).  MB is 10^6 bytes.  The disk's contents are
 * overwritten.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <vireo/compiler.h>
#include <vireo/fat.h>
#include "osperf.h"

#define DISK "/dev/vda"
#define DIR "/fatbench"
#define MIB 64u
#define FILES 1000

static const char *const figures[] = {
	"vda_seq_write_64m", "vda_seq_read_64m", "fat_seq_write_64m",
	"fat_seq_read_64m", "fat_create_files_per_s",
};
#define NFIG (sizeof(figures) / sizeof(figures[0]))

static void na_from(size_t first, const char *why)
{
	for (size_t i = first; i < NFIG; i++)
		report_na(figures[i], "%s", why);
}

/* Write then read of path (opened with flags): two ticks counts. */
static void seq_pair(const char *path, int flags, char *buf, uint64_t t[2])
{
	int fd = open(path, flags, 0644);

	t[0] = t[1] = 0;
	if (fd < 0)
		return;
	t[0] = osperf_sequential(fd, buf, MIB, true);
	if (t[0])
		t[1] = osperf_sequential(fd, buf, MIB, false);
	close(fd);
}

/* FILES files of 100 bytes in DIR/many, then sync: ticks, or 0. */
static uint64_t create_files(const char *buf)
{
	char name[40];
	uint64_t t0;

	if (mkdir(DIR "/many", 0755))
		return 0;
	t0 = counter_read();
	for (int i = 0; i < FILES; i++) {
		snprintf(name, sizeof(name), DIR "/many/f%d", i);
		int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0 || write(fd, buf, 100) != 100) {
			if (fd >= 0)
				close(fd);
			return 0;
		}
		close(fd);
	}
	sync();
	return counter_read() - t0;
}

/* Reports the FAT figures and their share of the raw ones. */
static void report(const uint64_t raw[2], const uint64_t fat[2], uint64_t files)
{
	uint64_t bytes = (uint64_t)MIB << 20;

	for (int i = 0; i < 2; i++) {
		osperf_report_seq(figures[i], bytes, raw[i]);
		osperf_report_seq(figures[2 + i], bytes, fat[i]);
		if (raw[i] && fat[i])
			report_note("%s: %llu%% of raw", figures[2 + i],
				    (unsigned long long)(raw[i] * 100 / fat[i]));
	}
	if (files)
		report_value(figures[4], (uint64_t)FILES * counter_freq() / files,
			     "files/s");
	else
		report_na(figures[4], "%s", strerror(errno ? errno : EIO));
}

/* A fresh volume on DISK mounted on DIR: 0, or -1 with errno. */
static int mount_fresh(void)
{
	struct fat_format_opts o = { .volume_id = 1 };
	int r = fat_mkfs(DISK, &o, NULL);

	if (r) {
		errno = -r;
		return -1;
	}
	if (mkdir(DIR, 0755) && errno != EEXIST)
		return -1;
	return mount(DISK, DIR, "vfat", 0, NULL);
}

static void run_fat(char *buf)
{
	uint64_t raw[2], fat[2], files;

	seq_pair(DISK, O_RDWR, buf, raw);
	if (mount_fresh()) {
		na_from(0, strerror(errno));
		return;
	}
	seq_pair(DIR "/big", O_RDWR | O_CREAT | O_TRUNC, buf, fat);
	unlink(DIR "/big");
	files = create_files(buf);
	if (umount(DIR)) {
		na_from(0, strerror(errno));
		return;
	}
	rmdir(DIR);
	report(raw, fat, files);
}

void bench_fat(void)
{
	uint64_t size = 0;
	char *buf;
	int fd = open(DISK, O_RDONLY);

	if (!IS_ENABLED(CONFIG_FS_FAT)) {
		na_from(0, "no FAT in this image");
		return;
	}
	if (IS_ENABLED(VIREO_EL0)) {
		/* It formats with the kernel's fat_mkfs() (as nsh's
		 * mkfatfs, which is not built at EL0 either). */
		na_from(0, "formatting is the kernel's: not from a process");
		return;
	}
	if (fd < 0) {
		na_from(0, "no " DISK);
		return;
	}
	if (ioctl(fd, BLKGETSIZE64, &size) != 0 || size < ((MIB + 16) << 20)) {
		close(fd);
		na_from(0, DISK " smaller than 80 MiB");
		return;
	}
	close(fd);
	buf = malloc(1u << 20);
	if (!buf) {
		na_from(0, "out of memory");
		return;
	}
	for (unsigned int i = 0; i < (1u << 20); i++)
		buf[i] = (char)(i * 29 + 3);
	run_fat(buf);
	free(buf);
}
