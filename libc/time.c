// SPDX-License-Identifier: BSD-2-Clause
/*
 * POSIX clocks and timers at the errno boundary: clock_gettime/settime/
 * getres, the CPU-time clocks, time(), gettimeofday(), settimeofday(),
 * and the timer_*() calls over kernel/posix_timer.c.
 *
 * Clock ids: picolibc's fixed ids, plus the CPU-time clocks of other
 * threads and processes that pthread_getcpuclockid() and
 * clock_getcpuclockid() hand out, tagged in the upper 32 bits.
 */
#include <errno.h>
#include <pthread.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <vireo/clock.h>
#include <vireo/posix_timer.h>
#include <vireo/rtc.h>
#include <vireo/task.h>
#include <vireo/thread.h>
#include "time_priv.h"

#define CPUCLOCK_THREAD (1UL << 32)	/* | tid */
#define CPUCLOCK_PROCESS (2UL << 32)	/* | pid */
#define CPUCLOCK_TAG_MASK (~0UL << 32)

static int fail(int err)
{
	errno = err;
	return -1;
}

/* Reads clock_id: 0 or -EINVAL (unknown) / -ESRCH (ended thread/task,
 * reported as EINVAL as the clock no longer exists). */
static int clock_read_ns(clockid_t clock_id, uint64_t *ns)
{
	unsigned long tag = clock_id & CPUCLOCK_TAG_MASK;
	int id = (int)(clock_id & ~CPUCLOCK_TAG_MASK);

	if (clock_id == CLOCK_REALTIME)
		*ns = clock_realtime_ns();
	else if (clock_id == CLOCK_MONOTONIC)
		*ns = clock_monotonic_ns();
	else if (clock_id == CLOCK_THREAD_CPUTIME_ID)
		*ns = thread_cpu_ns(thread_current());
	else if (clock_id == CLOCK_PROCESS_CPUTIME_ID)
		*ns = task_cpu_ns(task_current());
	else if (tag == CPUCLOCK_THREAD)
		return thread_cpu_ns_by_tid(id, ns) ? -EINVAL : 0;
	else if (tag == CPUCLOCK_PROCESS)
		return task_cpu_ns_by_pid(id, ns) ? -EINVAL : 0;
	else
		return -EINVAL;
	return 0;
}

int clock_gettime(clockid_t clock_id, struct timespec *tp)
{
	uint64_t ns;
	int err = clock_read_ns(clock_id, &ns);

	if (err)
		return fail(-err);
	if (!tp)
		return fail(EFAULT);
	*tp = ns_to_timespec(ns);
	return 0;
}

int clock_getres(clockid_t clock_id, struct timespec *res)
{
	uint64_t ns;

	if (clock_read_ns(clock_id, &ns))
		return fail(EINVAL);
	if (res)
		*res = ns_to_timespec(clock_resolution_ns());
	return 0;
}

/*
 * Sets CLOCK_REALTIME to ns (0 or -1 with errno) and writes the RTC
 * (whole seconds).  A time the clock cannot hold (its nanoseconds past
 * INT64_MAX, year 2262) or the RTC cannot (PL031: past 2106) is EINVAL
 * and changes neither: a system without an RTC takes any time the
 * clock holds.
 */
static int set_realtime(uint64_t ns)
{
	if (ns > (uint64_t)INT64_MAX)
		return fail(EINVAL);
	if (rtc_set_time(ns / NSEC_PER_SEC) == -EINVAL)
		return fail(EINVAL);
	clock_set_realtime_ns(ns);
	return 0;
}

int clock_settime(clockid_t clock_id, const struct timespec *tp)
{
	uint64_t ns;

	if (!tp)
		return fail(EFAULT);
	/* MONOTONIC cannot be set (POSIX: EINVAL); nor can CPU-time clocks
	 * here, which POSIX leaves to the implementation. */
	if (clock_id != CLOCK_REALTIME || timespec_to_ns(tp, &ns))
		return fail(EINVAL);
	return set_realtime(ns);
}

time_t time(time_t *t)
{
	time_t now = (time_t)(clock_realtime_ns() / NSEC_PER_SEC);

	if (t)
		*t = now;
	return now;
}

int gettimeofday(struct timeval *tv, void *tz)
{
	if (tv)
		*tv = ns_to_timeval(clock_realtime_ns());
	return 0;
}

int settimeofday(const struct timeval *tv, const struct timezone *tz)
{
	uint64_t ns;

	if (!tv)
		return 0;	/* only a time zone, which Vireo does not keep */
	if (timeval_to_ns(tv, &ns))
		return fail(EINVAL);
	return set_realtime(ns);
}

/* Both return an error number, not -1 (POSIX). */
int clock_getcpuclockid(pid_t pid, clockid_t *clock_id)
{
	uint64_t ns;

	if (pid == 0 || pid == task_pid(task_current())) {
		*clock_id = CLOCK_PROCESS_CPUTIME_ID;
		return 0;
	}
	if (pid < 0 || task_cpu_ns_by_pid(pid, &ns))
		return ESRCH;
	*clock_id = CPUCLOCK_PROCESS | (clockid_t)pid;
	return 0;
}

int pthread_getcpuclockid(pthread_t thread, clockid_t *clock_id)
{
	if (thread <= 0 || !thread_exists(thread))
		return ESRCH;
	*clock_id = CPUCLOCK_THREAD | (clockid_t)thread;
	return 0;
}

int timer_create(clockid_t clock_id, struct sigevent *__restrict evp,
		 timer_t *__restrict timerid)
{
	int err = posix_timer_create(clock_id, evp, timerid);

	return err ? fail(-err) : 0;
}

int timer_delete(timer_t timerid)
{
	int err = posix_timer_delete(timerid);

	return err ? fail(-err) : 0;
}

int timer_settime(timer_t timerid, int flags,
		  const struct itimerspec *__restrict value,
		  struct itimerspec *__restrict ovalue)
{
	uint64_t v, iv, ov, oiv;
	int err;

	if (!value)
		return fail(EINVAL);
	if (timespec_to_ns(&value->it_value, &v) ||
	    timespec_to_ns(&value->it_interval, &iv))
		return fail(EINVAL);
	err = posix_timer_settime(timerid, flags & TIMER_ABSTIME, v, iv, &ov, &oiv);
	if (err)
		return fail(-err);
	if (ovalue) {
		ovalue->it_value = ns_to_timespec(ov);
		ovalue->it_interval = ns_to_timespec(oiv);
	}
	return 0;
}

int timer_gettime(timer_t timerid, struct itimerspec *value)
{
	uint64_t v, iv;
	int err = posix_timer_gettime(timerid, &v, &iv);

	if (err)
		return fail(-err);
	if (!value)
		return fail(EFAULT);
	value->it_value = ns_to_timespec(v);
	value->it_interval = ns_to_timespec(iv);
	return 0;
}

int timer_getoverrun(timer_t timerid)
{
	int ret = posix_timer_getoverrun(timerid);

	return ret < 0 ? fail(-ret) : ret;
}

/* The process's CPU time in CLOCKS_PER_SEC (microsecond) units. */
clock_t clock(void)
{
	return (clock_t)(task_cpu_ns(task_current()) / (NSEC_PER_SEC / CLOCKS_PER_SEC));
}

/*
 * times(): CPU times in clock ticks of sysconf(_SC_CLK_TCK) = TIMES_HZ.
 * Vireo does not split user from system time (a flat build has no
 * user/kernel boundary): all of it is tms_utime.  The return value is
 * the monotonic clock in ticks.
 */
clock_t times(struct tms *buf)
{
	const uint64_t tick = NSEC_PER_SEC / TIMES_HZ;

	if (buf) {
		buf->tms_utime = (clock_t)(task_cpu_ns(task_current()) / tick);
		buf->tms_stime = 0;
		buf->tms_cutime = (clock_t)(task_children_cpu_ns() / tick);
		buf->tms_cstime = 0;
	}
	return (clock_t)(clock_monotonic_ns() / tick);
}
