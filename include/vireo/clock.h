/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel time.  Monotonic time counts from boot and comes from the
 * architecture counter; real time is monotonic time plus an offset set
 * from the RTC at boot or by clock_settime.  Any context.
 */
#pragma once

#include <stdint.h>

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL

void clock_init(void);
uint64_t clock_monotonic_ns(void);
uint64_t clock_realtime_ns(void);
void clock_set_realtime_ns(uint64_t ns);
/* Counter ticks of the architecture counter for a monotonic time. */
uint64_t clock_ns_to_ticks(uint64_t ns);
uint64_t clock_ticks_to_ns(uint64_t ticks);
/* Resolution of the monotonic clock in ns (rounded up). */
uint64_t clock_resolution_ns(void);
