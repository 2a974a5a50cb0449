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
#include <sys/types.h>

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

/* Ticks per second of times() and sysconf(_SC_CLK_TCK). */
#define CLOCK_TIMES_HZ 100

/* CPU-time clock ids of other threads and processes (the id in the low
 * 32 bits), beside picolibc's fixed clock ids. */
#define CPUCLOCK_THREAD		(1UL << 32)	/* | tid */
#define CPUCLOCK_PROCESS	(2UL << 32)	/* | pid */
#define CPUCLOCK_TAG_MASK	(~0UL << 32)

/* System calls (kernel/clock_calls.c, kernel/syscalls.tbl): 0 or
 * -EINVAL (an unknown clock, or a time the clock or RTC cannot hold). */
long clock_read_call(clockid_t id, uint64_t *ns);
long clock_res_call(clockid_t id, uint64_t *ns);
long clock_set_realtime_call(uint64_t ns);
struct tms;
/* times(): the caller's and its children's CPU time in *buf (NULL: not
 * wanted), and the monotonic clock, in CLOCK_TIMES_HZ ticks. */
long times_call(struct tms *buf);
/* sysconf(name), or -EINVAL (kernel/sysconf.c). */
long sysconf_call(int name);
/* uname() (kernel/sysconf.c): the running kernel's identity.  0. */
struct utsname;
long uname_call(struct utsname *u);
struct timespec;
/* The monotonic deadline for the absolute time ts on clock (REALTIME,
 * converted with the offset at the time of the call, or MONOTONIC):
 * 0, or -EINVAL (another clock, tv_nsec out of range).  A time long
 * past is a deadline that has passed. */
int clock_deadline_ns(clockid_t clock, const struct timespec *ts,
		      uint64_t *deadline_ns);
/* clock_nanosleep() as a system call: 0, or -EINTR (a handler ran; the
 * time left of a relative sleep in *left when left is not NULL),
 * -EINVAL, -ENOTSUP (the process's CPU clock), -EFAULT (no rq).  A
 * cancellation point. */
long clock_nanosleep_call(clockid_t id, int flags, const struct timespec *rq,
			  struct timespec *left);

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
