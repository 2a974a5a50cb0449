/* SPDX-License-Identifier: BSD-2-Clause */
/* Start-up of the system layer under picolibc (libc/). */
#pragma once

/* Boot, after the scheduler exists and before applications: creates the
 * locks of the standard streams. */
void libc_stdio_init(void);

/* The POSIX boundary: a -errno result becomes -1 with errno set (a
 * -ECANCELED one ends the thread if cancellation is pending); other
 * results pass through. */
long libc_result(long r);
