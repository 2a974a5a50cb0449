/* SPDX-License-Identifier: BSD-2-Clause */
/* timespec and timeval conversions, shared by the kernel's clock
 * services (kernel/clock_calls.c) and the C library (libc/time.c,
 * signal.c, pthread.c). */
#pragma once

#include <errno.h>
#include <stdint.h>
#include <sys/time.h>
#include <time.h>
#include <vireo/clock.h>

/* ts as ns: 0, or -EINVAL for tv_nsec outside [0, 1e9) or a negative
 * tv_sec.  Saturates at UINT64_MAX (centuries: "never"). */
static inline int timespec_to_ns(const struct timespec *ts, uint64_t *ns)
{
	if (ts->tv_nsec < 0 || ts->tv_nsec >= (long)NSEC_PER_SEC || ts->tv_sec < 0)
		return -EINVAL;
	if ((uint64_t)ts->tv_sec >= UINT64_MAX / NSEC_PER_SEC)
		*ns = UINT64_MAX;
	else
		*ns = (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
	return 0;
}

static inline struct timespec ns_to_timespec(uint64_t ns)
{
	return (struct timespec){ .tv_sec = (time_t)(ns / NSEC_PER_SEC),
				  .tv_nsec = (long)(ns % NSEC_PER_SEC) };
}

/* tv as ns: 0, or -EINVAL for tv_usec outside [0, 1e6), a negative
 * tv_sec or one whose nanoseconds do not fit. */
static inline int timeval_to_ns(const struct timeval *tv, uint64_t *ns)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000 ||
	    (uint64_t)tv->tv_sec >= UINT64_MAX / NSEC_PER_SEC)
		return -EINVAL;
	*ns = (uint64_t)tv->tv_sec * NSEC_PER_SEC + (uint64_t)tv->tv_usec * NSEC_PER_USEC;
	return 0;
}

static inline struct timeval ns_to_timeval(uint64_t ns)
{
	return (struct timeval){ .tv_sec = (time_t)(ns / NSEC_PER_SEC),
				 .tv_usec = (suseconds_t)(ns % NSEC_PER_SEC / NSEC_PER_USEC) };
}
