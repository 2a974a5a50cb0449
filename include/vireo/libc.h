/* SPDX-License-Identifier: BSD-2-Clause */
/* What the system layer under picolibc (libc/) offers the other POSIX
 * call layers (net/socket_api.c). */
#pragma once

/* The POSIX boundary: a -errno result becomes -1 with errno set (a
 * -ECANCELED one ends the thread if cancellation is pending); other
 * results pass through. */
long libc_result(long r);
