/* SPDX-License-Identifier: BSD-2-Clause */
/* The console terminal on the console UART (kernel/console.c). */
#pragma once

#include <sys/types.h>

/* Boot, after the drivers: registers /dev/console and /dev/<uart name>
 * and opens descriptors 0, 1 and 2 on it.  0 or -errno. */
int console_init(void);
/* The task that gets SIGINT when Ctrl-C is typed on the console; 0 gives
 * the byte to whoever reads the console (the shell's line editor).  The
 * shell sets it around waiting for a foreground command.  Any context. */
void console_set_foreground(pid_t pid);
