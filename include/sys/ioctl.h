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

/* Terminals: tcsetpgrp() and tcgetpgrp().  A pid names the task (tasks
 * are their own process groups); 0 sets none, so that Ctrl-C reaches the
 * reader as a byte. */
#define TTY_IOC_SET_FOREGROUND	0x5410	/* pid_t, by value */
#define TTY_IOC_GET_FOREGROUND	0x540f	/* pid_t * */

/* The frame buffer's requests are in <sys/fb.h>.  Each request's
 * argument shape for processes is listed in kernel/kmode/ioctl_args.c. */

/* 0 (or a request's result) or -1 with errno: ENOTTY when the file does
 * not know req, EBADF, EFAULT, EINVAL. */
int ioctl(int fd, unsigned long req, ...);

#ifdef __cplusplus
}
#endif
