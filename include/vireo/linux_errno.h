/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIREO_LINUX_ERRNO_H
#define VIREO_LINUX_ERRNO_H

/*
 * Peers that report errors in Linux's numbering (a 9P2000.L server's
 * Rlerror, QEMU's semihosting SYS_ERRNO on a Linux host) need them
 * translated: this C library numbers many of them differently.
 */

/* This system's errno for Linux's number e; EIO for one it cannot name. */
int errno_from_linux(long e);

#endif
