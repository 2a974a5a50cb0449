/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ioctl() and the requests Vireo's devices answer.  picolibc has no
 * <sys/ioctl.h>.  The block-device requests have Linux's numbers and
 * argument types, so programs written for <linux/fs.h> build unchanged.
 */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

/* Block devices (/dev/vda ...) */
#define BLKROGET	0x125e		/* int *: 1 when read-only */
#define BLKGETSIZE	0x1260		/* unsigned long *: 512-byte sectors */
#define BLKFLSBUF	0x1261		/* writes back the device's buffers */
#define BLKSSZGET	0x1268		/* int *: logical block size */
#define BLKDISCARD	0x1277		/* uint64_t[2]: byte offset, length */
#define BLKZEROOUT	0x127f		/* uint64_t[2]: byte offset, length */
#define BLKGETSIZE64	0x80081272	/* uint64_t *: size in bytes */

/* Every file; values are Linux's. */
#define FIONREAD	0x541B		/* int *: bytes ready to read */
#define FIONBIO		0x5421		/* int *: non-zero sets O_NONBLOCK */

/* 0 (or a request's result) or -1 with errno: ENOTTY when the file does
 * not know req, EBADF, EFAULT, EINVAL. */
int ioctl(int fd, unsigned long req, ...);

#ifdef __cplusplus
}
#endif
