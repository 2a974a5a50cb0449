// SPDX-License-Identifier: BSD-2-Clause
/*
 * POSIX clocks and timers at the errno boundary: clock_gettime/settime/
 * getres over the kernel's clock services (kernel/clock_calls.c, which
 * decodes the CPU-time clock ids handed out here), time(),
 * gettimeofday(), settimeofday(), and the timer_*() calls over
 * their system calls (kernel/posix_timer_calls.c).
 */
#include <errno.h>
#include <pthread.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <vireo/clock.h>
#include <vireo/libc.h>
#include <vireo/task.h>
#include <vireo/thread.h>
#include <generated/syscalls.h>
#include <vireo/timespec.h>
#include "pthread_priv.h"

int clock_gettime(clockid_t clock_id, struct timespec *tp)
{
	uint64_t ns;
	long r = sys_clock_read(clock_id, &ns);

	if (r)
		return libc_error((int)-r);
	if (!tp)
		return libc_error(EFAULT);
	*tp = ns_to_timespec(ns);
	return 0;
}

int clock_getres(clockid_t clock_id, struct timespec *res)
{
	uint64_t ns;
	long r = sys_clock_res(clock_id, &ns);

	if (r)
		return libc_error((int)-r);
	if (res)
		*res = ns_to_timespec(ns);
	return 0;
}

/* Sets CLOCK_REALTIME and the RTC (whole seconds): 0 or -1 with errno. */
static int set_realtime(uint64_t ns)
{
	long r = sys_clock_setrealtime(ns);

	return r ? libc_error((int)-r) : 0;
}

int clock_settime(clockid_t clock_id, const struct timespec *tp)
{
	uint64_t ns;

	if (!tp)
		return libc_error(EFAULT);
	/* MONOTONIC cannot be set (POSIX: EINVAL); nor can CPU-time clocks
	 * here, which POSIX leaves to the implementation. */
	if (clock_id != CLOCK_REALTIME || timespec_to_ns(tp, &ns))
		return libc_error(EINVAL);
	return set_realtime(ns);
}

/* Real time in ns (the clock cannot fail to read). */
static uint64_t realtime_ns(void)
{
	uint64_t ns = 0;

	sys_clock_read(CLOCK_REALTIME, &ns);
	return ns;
}

time_t time(time_t *t)
{
	time_t now = (time_t)(realtime_ns() / NSEC_PER_SEC);

	if (t)
		*t = now;
	return now;
}

int gettimeofday(struct timeval *tv, void *tz)
{
	if (tv)
		*tv = ns_to_timeval(realtime_ns());
	return 0;
}

int settimeofday(const struct timeval *tv, const struct timezone *tz)
{
	uint64_t ns;

	if (!tv)
		return 0;	/* only a time zone, which Vireo does not keep */
	if (timeval_to_ns(tv, &ns))
		return libc_error(EINVAL);
	return set_realtime(ns);
}

/* Both return an error number, not -1 (POSIX). */
int clock_getcpuclockid(pid_t pid, clockid_t *clock_id)
{
	uint64_t ns;

	if (pid == 0 || pid == (pid_t)sys_getpid()) {
		*clock_id = CLOCK_PROCESS_CPUTIME_ID;
		return 0;
	}
	/* The clock exists when it can be read. */
	if (pid < 0 || sys_clock_read(CPUCLOCK_PROCESS | (clockid_t)pid, &ns))
		return ESRCH;
	*clock_id = CPUCLOCK_PROCESS | (clockid_t)pid;
	return 0;
}

int pthread_getcpuclockid(pthread_t thread, clockid_t *clock_id)
{
	uint64_t ns;

	if (thread <= 0 ||
	    sys_clock_read(CPUCLOCK_THREAD | (clockid_t)thread, &ns))
		return ESRCH;
	*clock_id = CPUCLOCK_THREAD | (clockid_t)thread;
	return 0;
}

/* A SIGEV_THREAD timer's expirations, for its thread; deleted: ends. */
static long timer_thread_wait(const struct sigev_thread *st)
{
	long r = sys_timer_wait((timer_t)st->id);

	return r >= 0 ? 0 : r;
}

int timer_create(clockid_t clock_id, struct sigevent *__restrict evp,
		 timer_t *__restrict timerid)
{
	int err = (int)sys_timer_create(clock_id, evp, timerid);

	if (err)
		return libc_error(-err);
	if (evp && evp->sigev_notify == SIGEV_THREAD &&
	    (err = sigev_thread_start(evp, &(struct sigev_thread){
			.wait = timer_thread_wait, .id = (long)*timerid,
			.name = "timer" }))) {
		sys_timer_delete(*timerid);
		return libc_error(err);
	}
	return 0;
}

int timer_delete(timer_t timerid)
{
	int err = (int)sys_timer_delete(timerid);

	return err ? libc_error(-err) : 0;
}

int timer_settime(timer_t timerid, int flags,
		  const struct itimerspec *__restrict value,
		  struct itimerspec *__restrict ovalue)
{
	uint64_t v, iv, ov, oiv;
	int err;

	if (!value)
		return libc_error(EINVAL);
	if (timespec_to_ns(&value->it_value, &v) ||
	    timespec_to_ns(&value->it_interval, &iv))
		return libc_error(EINVAL);
	err = (int)sys_timer_settime(timerid, flags & TIMER_ABSTIME, v, iv, &ov, &oiv);
	if (err)
		return libc_error(-err);
	if (ovalue) {
		ovalue->it_value = ns_to_timespec(ov);
		ovalue->it_interval = ns_to_timespec(oiv);
	}
	return 0;
}

int timer_gettime(timer_t timerid, struct itimerspec *value)
{
	uint64_t v, iv;
	int err;

	if (!value)
		return libc_error(EFAULT);
	err = (int)sys_timer_gettime(timerid, &v, &iv);
	if (err)
		return libc_error(-err);
	value->it_value = ns_to_timespec(v);
	value->it_interval = ns_to_timespec(iv);
	return 0;
}

int timer_getoverrun(timer_t timerid)
{
	int ret = (int)sys_timer_getoverrun(timerid);

	return ret < 0 ? libc_error(-ret) : ret;
}

/* The process's CPU time in CLOCKS_PER_SEC (microsecond) units. */
clock_t clock(void)
{
	uint64_t ns = 0;

	sys_clock_read(CLOCK_PROCESS_CPUTIME_ID, &ns);
	return (clock_t)(ns / (NSEC_PER_SEC / CLOCKS_PER_SEC));
}

/* CPU times in clock ticks of sysconf(_SC_CLK_TCK); the return value is
 * the monotonic clock in ticks. */
clock_t times(struct tms *buf)
{
	return (clock_t)sys_times(buf);
}
