/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel log: lines with a monotonic timestamp, kept in a ring
 * buffer (dmesg) and copied to the console.  Any context; from interrupt
 * context the console copy never blocks (it is dropped if the transmit
 * buffer is full, the ring keeps it).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <vireo/compiler.h>

enum klog_level { KLOG_ERR = 3, KLOG_WARN = 4, KLOG_INFO = 6, KLOG_DEBUG = 7 };

void klog(int level, const char *fmt, ...) __printf_like(2, 3);
#define pr_err(...) klog(KLOG_ERR, __VA_ARGS__)
#define pr_warn(...) klog(KLOG_WARN, __VA_ARGS__)
#define pr_info(...) klog(KLOG_INFO, __VA_ARGS__)
#define pr_debug(...) klog(KLOG_DEBUG, __VA_ARGS__)

/* Copies the log from offset `skip` into buf; returns bytes copied. */
size_t klog_read(size_t skip, char *buf, size_t len);
size_t klog_size(void);
/* Copies the log from absolute position *pos (bytes logged since boot)
 * into buf and advances *pos; a position already overwritten reads from
 * the oldest byte kept.  Returns bytes copied (0: nothing new).  Any
 * context.  For readers that follow the log (remote syslog). */
size_t klog_read_at(uint64_t *pos, char *buf, size_t len);
