/* SPDX-License-Identifier: BSD-2-Clause */
/* The console terminal on the console UART (kernel/console.c). */
#pragma once

/* Boot, after the drivers: registers /dev/console and /dev/<uart name>
 * (one tty, <vireo/tty.h>) and opens descriptors 0, 1 and 2 on it.
 * 0 or -errno. */
int console_init(void);
