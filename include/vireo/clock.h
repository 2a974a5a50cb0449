/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel time.  Monotonic time counts from boot and comes from the
 * architecture counter; real time is monotonic time plus an offset set
 * from the RTC at boot or by clock_settime.  The readers work in any
 * context; clock_sleep_until() needs thread context.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL

void clock_init(void);
uint64_t clock_monotonic_ns(void);
uint64_t clock_realtime_ns(void);
/* realtime - monotonic, in ns. */
int64_t clock_realtime_offset_ns(void);
/* Sets CLOCK_REALTIME (not the RTC: see <vireo/rtc.h>) and re-arms the
 * timers that wait for an absolute real time.  Takes the scheduler lock;
 * thread or interrupt context. */
void clock_set_realtime_ns(uint64_t ns);
/* Counter ticks of the architecture counter for a monotonic time. */
uint64_t clock_ns_to_ticks(uint64_t ns);
uint64_t clock_ticks_to_ns(uint64_t ticks);
/* Resolution of the monotonic clock in ns (rounded up). */
uint64_t clock_resolution_ns(void);

/*
 * Blocks the calling thread until deadline_ns on the monotonic clock, or
 * on the real-time clock when realtime is true (then setting the clock
 * while asleep moves the wake-up, as POSIX wants of absolute
 * CLOCK_REALTIME sleeps).  Interruptible: returns 0 at the deadline,
 * -EINTR when a signal became deliverable, -ECANCELED for a pending
 * enabled cancellation (see wait_block_intr_locked()).  Thread context,
 * scheduler lock not held.
 */
int clock_sleep_until(bool realtime, uint64_t deadline_ns);
