/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * poll() and ppoll(): picolibc has no <poll.h>.  The event bits are the
 * VFS's (include/vireo/vfs.h), which uses the traditional values.
 */
#pragma once

#include <signal.h>
#include <time.h>

#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM POLLIN
#define POLLWRNORM POLLOUT

typedef unsigned int nfds_t;

/* Vireo's limit on the entries of one poll() (EINVAL above it). */
#define VIREO_POLL_MAX 64

struct pollfd {
	int fd;
	short events;
	short revents;
};

#ifdef __cplusplus
extern "C" {
#endif
int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);
int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout,
	  const sigset_t *sigmask);
#ifdef __cplusplus
}
#endif
