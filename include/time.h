/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * POSIX clocks, timers and sleeps (IEEE 1003.1-2017 <time.h>) on top of
 * picolibc's <time.h>, which keeps the calendar functions but declares
 * the POSIX parts only for targets that define _POSIX_TIMERS and
 * friends (this one does not).  Vireo implements them in libc/time.c and
 * libc/sleep.c; the clock ids keep picolibc's numbering.
 */
#ifndef _VIREO_TIME_H
#define _VIREO_TIME_H
#pragma once

#include_next <time.h>
#include <sys/signal.h>		/* struct sigevent */
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* XSI: clock() counts microseconds (picolibc's aarch64 value is 100). */
#undef CLOCKS_PER_SEC
#define CLOCKS_PER_SEC ((clock_t)1000000)

#ifndef CLOCK_PROCESS_CPUTIME_ID
#define CLOCK_PROCESS_CPUTIME_ID ((clockid_t)2)
#endif
#ifndef CLOCK_THREAD_CPUTIME_ID
#define CLOCK_THREAD_CPUTIME_ID ((clockid_t)3)
#endif
#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC ((clockid_t)4)
#endif

int clock_getres(clockid_t clock_id, struct timespec *res);
int clock_gettime(clockid_t clock_id, struct timespec *tp);
int clock_settime(clockid_t clock_id, const struct timespec *tp);
int nanosleep(const struct timespec *rqtp, struct timespec *rmtp);
int timer_create(clockid_t clock_id, struct sigevent *__restrict evp,
		 timer_t *__restrict timerid);
int timer_delete(timer_t timerid);
int timer_getoverrun(timer_t timerid);
int timer_gettime(timer_t timerid, struct itimerspec *value);
int timer_settime(timer_t timerid, int flags,
		  const struct itimerspec *__restrict value,
		  struct itimerspec *__restrict ovalue);
int clock_nanosleep(clockid_t clock_id, int flags, const struct timespec *rqtp,
		    struct timespec *rmtp);
int clock_getcpuclockid(pid_t pid, clockid_t *clock_id);

#ifdef __cplusplus
}
#endif

#endif /* _VIREO_TIME_H */
