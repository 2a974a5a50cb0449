/* SPDX-License-Identifier: BSD-2-Clause */
/* Scatter/gather I/O (readv, writev): picolibc has no <sys/uio.h>. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#ifndef IOV_MAX
#define IOV_MAX 1024
#endif

struct iovec {
	void *iov_base;
	size_t iov_len;
};

#ifdef __cplusplus
extern "C" {
#endif
ssize_t readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t writev(int fd, const struct iovec *iov, int iovcnt);
#ifdef __cplusplus
}
#endif
