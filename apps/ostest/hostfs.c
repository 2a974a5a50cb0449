// SPDX-License-Identifier: BSD-2-Clause
/*
 * The hostfs area: POSIX file calls on a hostfs mount ($OSTEST_HOSTFS, by
 * default /host, where tests/qemu/test_hostfs.py mounts a host temporary
 * directory under -semihosting): pread and pwrite leave the offset alone,
 * lseek from the end, fstat and ftruncate through a descriptor, O_APPEND
 * with reads, two descriptors on one file, a file removed while open,
 * O_EXCL, rename, and the calls semihosting cannot offer.  It runs only
 * when named (`ostest hostfs`).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ostest.h"

/* dir/name of the mount in buf (64 bytes). */
static const char *host_file(char *buf, const char *name)
{
	const char *dir = getenv("OSTEST_HOSTFS");

	snprintf(buf, 64, "%s/%s", dir ? dir : "/host", name);
	return buf;
}

static off_t size_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? st.st_size : -1;
}

static void hostfs_offsets(void)
{
	char p[64], buf[16] = "";
	int fd = open(host_file(p, "ot_offsets"), O_RDWR | O_CREAT | O_TRUNC, 0644);

	OT_ASSERT_OK(fd);
	OT_EXPECT_EQ(write(fd, "0123456789", 10), 10);
	OT_EXPECT_EQ(pread(fd, buf, 3, 4), 3);
	OT_EXPECT(!memcmp(buf, "456", 3));
	OT_EXPECT_EQ(pwrite(fd, "AB", 2, 1), 2);
	OT_EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 10);	/* untouched by p* */
	OT_EXPECT_EQ(lseek(fd, -4, SEEK_END), 6);
	OT_EXPECT_EQ(read(fd, buf, sizeof(buf)), 4);
	OT_EXPECT(!memcmp(buf, "6789", 4));
	OT_EXPECT_EQ(pread(fd, buf, sizeof(buf), 0), 10);
	OT_EXPECT(!memcmp(buf, "0AB3456789", 10));
	OT_EXPECT_EQ(pread(fd, buf, 4, 10), 0);	/* at the end */
	OT_EXPECT_EQ(size_of(fd), 10);
	OT_EXPECT_OK(ftruncate(fd, 20));
	OT_EXPECT_EQ(size_of(fd), 20);
	OT_EXPECT_EQ(pread(fd, buf, 4, 12), 4);
	OT_EXPECT(!memcmp(buf, "\0\0\0\0", 4));
	OT_EXPECT_ERRNO(ftruncate(fd, 5), ENOTSUP);	/* shorter, not empty */
	OT_EXPECT_OK(ftruncate(fd, 0));
	OT_EXPECT_EQ(size_of(fd), 0);
	close(fd);
	fd = open(p, O_RDONLY);
	OT_ASSERT_OK(fd);
	OT_EXPECT_ERRNO(write(fd, "x", 1), EBADF);
	OT_EXPECT_ERRNO(ftruncate(fd, 0), EBADF);
	close(fd);
	OT_EXPECT_OK(unlink(p));
}

static void hostfs_append(void)
{
	char p[64], buf[16] = "";
	int fd = open(host_file(p, "ot_append"),
		      O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0644);

	OT_ASSERT_OK(fd);
	OT_EXPECT_EQ(write(fd, "abc", 3), 3);
	OT_EXPECT_EQ(lseek(fd, 0, SEEK_SET), 0);
	OT_EXPECT_EQ(read(fd, buf, 2), 2);
	OT_EXPECT_EQ(write(fd, "def", 3), 3);	/* at the end all the same */
	OT_EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 6);
	OT_EXPECT_EQ(pwrite(fd, "X", 1, 0), 1);	/* POSIX: at the offset */
	OT_EXPECT_EQ(pread(fd, buf, sizeof(buf), 0), 6);
	OT_EXPECT(!memcmp(buf, "Xbcdef", 6));
	close(fd);
	OT_EXPECT_OK(unlink(p));
}

static void hostfs_two_opens(void)
{
	char p[64], buf[8] = "";
	struct stat st;
	int a = open(host_file(p, "ot_two"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	int b = open(p, O_RDONLY);

	OT_ASSERT(a >= 0 && b >= 0);
	OT_EXPECT_EQ(write(a, "shared", 6), 6);
	OT_EXPECT_EQ(read(b, buf, sizeof(buf)), 6);	/* b's own offset */
	OT_EXPECT(!memcmp(buf, "shared", 6));
	OT_EXPECT_EQ(size_of(b), 6);
	/* Removed while open: both descriptors still reach the data. */
	OT_EXPECT_OK(unlink(p));
	OT_EXPECT_ERRNO(stat(p, &st), ENOENT);
	OT_EXPECT_EQ(pread(b, buf, 3, 3), 3);
	OT_EXPECT(!memcmp(buf, "red", 3));
	OT_EXPECT_EQ(size_of(a), 6);
	close(a);
	close(b);
}

static void hostfs_names(void)
{
	char p[64], q[64];
	struct stat st;
	int fd = open(host_file(p, "ot_name"), O_WRONLY | O_CREAT | O_EXCL, 0644);

	OT_ASSERT_OK(fd);
	close(fd);
	OT_EXPECT_ERRNO(open(p, O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	OT_EXPECT_OK(rename(p, p));
	OT_EXPECT_OK(stat(p, &st));
	OT_EXPECT(S_ISREG(st.st_mode));
	OT_EXPECT_OK(rename(p, host_file(q, "ot_name2")));
	OT_EXPECT_ERRNO(open(p, O_RDONLY), ENOENT);
	OT_EXPECT_OK(stat(q, &st));
	OT_EXPECT_OK(unlink(q));
	OT_EXPECT_ERRNO(unlink(q), ENOENT);
	/* What semihosting has no call for. */
	OT_EXPECT_ERRNO(mkdir(host_file(p, "ot_dir"), 0755), ENOTSUP);
	OT_EXPECT(opendir(host_file(p, ".")) == NULL && errno == ENOTSUP);
	OT_EXPECT_ERRNO(mkfifo(host_file(p, "ot_fifo"), 0644), ENOTSUP);
	OT_EXPECT_OK(stat(host_file(p, "."), &st));
	OT_EXPECT(S_ISDIR(st.st_mode));
}

OT_AREA(hostfs,
	OT_CASE(hostfs, offsets, 30),
	OT_CASE(hostfs, append, 30),
	OT_CASE(hostfs, two_opens, 30),
	OT_CASE(hostfs, names, 30));
