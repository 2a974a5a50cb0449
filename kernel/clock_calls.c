// SPDX-License-Identifier: BSD-2-Clause
/*
 * The clock services of kernel/syscalls.tbl: read a clock, its
 * resolution, set real time (in nanoseconds; the C library converts to
 * and from timespec and timeval, libc/time.c), times() and
 * clock_nanosleep().
 *
 * Clock ids: picolibc's fixed ones, plus the CPU-time clocks of other
 * threads and processes that pthread_getcpuclockid() and
 * clock_getcpuclockid() hand out, tagged in the upper 32 bits
 * (<vireo/clock.h>).
 */
#include <errno.h>
#include <stdint.h>
#include <sys/times.h>
#include <time.h>
#include <vireo/clock.h>
#include <vireo/rtc.h>
#include <vireo/signal.h>
#include <vireo/task.h>
#include <vireo/thread.h>
#include <vireo/timespec.h>

long clock_read_call(clockid_t id, uint64_t *ns)
{
	unsigned long tag = (unsigned long)id & CPUCLOCK_TAG_MASK;
	int n = (int)((unsigned long)id & ~CPUCLOCK_TAG_MASK);

	if (id == CLOCK_REALTIME)
		*ns = clock_realtime_ns();
	else if (id == CLOCK_MONOTONIC)
		*ns = clock_monotonic_ns();
	else if (id == CLOCK_THREAD_CPUTIME_ID)
		*ns = thread_cpu_ns(thread_current());
	else if (id == CLOCK_PROCESS_CPUTIME_ID)
		*ns = task_cpu_ns(task_current());
	else if (tag == CPUCLOCK_THREAD)	/* an ended thread: no clock */
		return thread_cpu_ns_by_tid(n, ns) ? -EINVAL : 0;
	else if (tag == CPUCLOCK_PROCESS)
		return task_cpu_ns_by_pid(n, ns) ? -EINVAL : 0;
	else
		return -EINVAL;
	return 0;
}

long clock_res_call(clockid_t id, uint64_t *ns)
{
	uint64_t now;

	if (clock_read_call(id, &now))
		return -EINVAL;
	*ns = clock_resolution_ns();
	return 0;
}

/*
 * Vireo does not split user from system time (the flat build has no
 * user/kernel boundary): all of it is tms_utime.
 */
long times_call(struct tms *buf)
{
	const uint64_t tick = NSEC_PER_SEC / CLOCK_TIMES_HZ;

	if (buf) {
		buf->tms_utime = (clock_t)(task_cpu_ns(task_current()) / tick);
		buf->tms_stime = 0;
		buf->tms_cutime = (clock_t)(task_children_cpu_ns() / tick);
		buf->tms_cstime = 0;
	}
	return (long)(clock_monotonic_ns() / tick);
}

/*
 * A time the clock cannot hold (its nanoseconds past INT64_MAX, year
 * 2262) or the RTC cannot (PL031: past 2106) is EINVAL and changes
 * neither; a system without an RTC takes any time the clock holds.
 */
long clock_set_realtime_call(uint64_t ns)
{
	if (ns > (uint64_t)INT64_MAX)
		return -EINVAL;
	if (rtc_set_time(ns / NSEC_PER_SEC) == -EINVAL)
		return -EINVAL;
	clock_set_realtime_ns(ns);
	return 0;
}

int clock_deadline_ns(clockid_t clock, const struct timespec *ts,
		      uint64_t *deadline_ns)
{
	struct timespec t = *ts;
	uint64_t abs, now, rt;

	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return -EINVAL;
	if (t.tv_sec < 0)
		t.tv_sec = 0;	/* long past: times out at once */
	if (timespec_to_ns(&t, &abs))
		return -EINVAL;
	now = clock_monotonic_ns();
	if (clock == CLOCK_MONOTONIC) {
		*deadline_ns = abs;
		return 0;
	}
	/* Real time from the same counter reading as now: a second reading
	 * (clock_realtime_ns()) taken after a preemption would move the
	 * deadline early by the time between the two. */
	rt = now + (uint64_t)clock_realtime_offset_ns();
	*deadline_ns = abs > rt ? add_sat_u64(now, abs - rt) : now;
	/* Past deadlines still go through the wait: it times out at once. */
	return 0;
}

/* Sleeps until deadline_ns; 0, -EINTR or (EL0) -ECANCELED. */
static long sleep_until(bool realtime, uint64_t deadline_ns)
{
	for (;;) {
		int r = clock_sleep_until(realtime, deadline_ns);

		/* A handler ends the sleep (POSIX: whatever SA_RESTART
		 * says; at EL0 the handler runs on the way out); a
		 * wake-up that ran none does not. */
		if (r == -EINTR && signal_deliver() != SIGNAL_NONE_RAN)
			return -EINTR;
		if (r == -EINTR)
			continue;
		if (r != -ECANCELED)
			return 0;
		if ((r = thread_testcancel_call()))	/* 0: disabled since */
			return r;
	}
}

long clock_nanosleep_call(clockid_t id, int flags, const struct timespec *rq,
			  struct timespec *left)
{
	uint64_t ns, deadline, now;
	long r;

	if (id == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;	/* the thread's own CPU clock cannot advance */
	if (id != CLOCK_REALTIME && id != CLOCK_MONOTONIC)
		return id == CLOCK_PROCESS_CPUTIME_ID ? -ENOTSUP : -EINVAL;
	if (!rq)
		return -EFAULT;
	if ((r = thread_testcancel_call()))
		return r;
	if (timespec_to_ns(rq, &ns)) {
		/* An absolute time before the Epoch has passed already. */
		if ((flags & TIMER_ABSTIME) && rq->tv_sec < 0 &&
		    rq->tv_nsec >= 0 && rq->tv_nsec < (long)NSEC_PER_SEC)
			return 0;
		return -EINVAL;
	}
	if (flags & TIMER_ABSTIME)
		return sleep_until(id == CLOCK_REALTIME, ns);
	deadline = add_sat_u64(clock_monotonic_ns(), ns);
	r = sleep_until(false, deadline);
	if (r == -EINTR && left) {
		now = clock_monotonic_ns();
		*left = ns_to_timespec(deadline > now ? deadline - now : 0);
	}
	return r;
}
