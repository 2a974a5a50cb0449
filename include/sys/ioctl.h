/* SPDX-License-Identifier: BSD-2-Clause */
/* ioctl() and the generic requests files answer; values are Linux's. */
#pragma once

#define FIONREAD	0x541B	/* int *: bytes ready to read */
#define FIONBIO		0x5421	/* int *: non-zero sets O_NONBLOCK */

#ifdef __cplusplus
extern "C" {
#endif
int ioctl(int fd, unsigned long req, ...);
#ifdef __cplusplus
}
#endif
