/* SPDX-License-Identifier: BSD-2-Clause */
/* The console terminal on the console UART (kernel/console.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Boot, after the drivers: registers /dev/console and /dev/<uart name>
 * (one tty, <vireo/tty.h>) and opens descriptors 0, 1 and 2 on it.
 * 0 or -errno. */
int console_init(void);

/* A second output of the console: fn(s, len, may_wake) gets every byte
 * the console and the kernel log print.  may_wake: the caller is a thread
 * holding no lock (the console's writes), so fn may wake a thread;
 * otherwise (the log: any context, any lock held, the scheduler lock
 * included) it may only copy.  Set once, by the framebuffer console. */
typedef void (*console_mirror_fn)(const char *s, size_t len, bool may_wake);
void console_set_mirror(console_mirror_fn fn);
/* Hands s to the mirror, if any.  Any context (see may_wake). */
void console_mirror(const char *s, size_t len, bool may_wake);
/* Bytes typed on another keyboard of the console: Ctrl-C signals the
 * foreground task as on the UART, the rest is queued for readers (what
 * does not fit is dropped).  Any context without driver locks held. */
void console_input(const char *s, size_t len);
