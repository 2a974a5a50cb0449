// SPDX-License-Identifier: BSD-2-Clause
/*
 * The POSIX timer services of kernel/syscalls.tbl, over
 * kernel/posix_timer.c: times in nanoseconds (libc converts), the old
 * setting to the pointers given.
 */
#include <errno.h>
#include <signal.h>
#include <vireo/posix_timer.h>

long posix_timer_settime_call(timer_t id, int flags, uint64_t value_ns,
			      uint64_t interval_ns, uint64_t *old_value,
			      uint64_t *old_interval)
{
	if (flags & ~TIMER_ABSTIME)
		return -EINVAL;
	return posix_timer_settime(id, flags & TIMER_ABSTIME, value_ns,
				   interval_ns, old_value, old_interval);
}
