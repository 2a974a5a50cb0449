/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lwIP's compiler and platform definitions for Vireo: picolibc supplies
 * the integer types and errno values, the kernel log the diagnostics, and
 * an lwIP assertion (a programming error inside the stack, never bad
 * input) stops the system with a panic report.
 */
#pragma once

#include <errno.h>
#include <limits.h>
#include <sys/types.h>
#include <stdlib.h>
#include <sys/time.h>
#include <vireo/klog.h>
#include <vireo/panic.h>

#define LWIP_ERRNO_STDINCLUDE 1
/* picolibc has ssize_t but no SSIZE_MAX, which lwIP takes as the sign
 * that ssize_t is missing. */
#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX
#endif
#define LWIP_TIMEVAL_PRIVATE 0
/* <arpa/inet.h> has htons and friends. */
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1
#define LWIP_RAND() vireo_net_random()
#define LWIP_PLATFORM_ASSERT(x) panic("lwIP: %s at %s:%d", (x), __FILE__, __LINE__)

/* lwIP debug output (LWIP_DEBUGF) goes to the kernel log. */
#define LWIP_PLATFORM_DIAG(x) do { net_diag x; } while (0)
void net_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Random numbers for ports, ISNs, DHCP and DNS IDs (net/sys_arch.c). */
unsigned int vireo_net_random(void);
