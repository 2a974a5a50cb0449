/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * POSIX process scheduling (IEEE 1003.1-2017 <sched.h>).  picolibc's
 * <sched.h> supplies SCHED_FIFO/SCHED_RR and struct sched_param but
 * declares the calls only when _POSIX_PRIORITY_SCHEDULING is defined,
 * which it is not for this target; Vireo implements them in
 * libc/sched.c.  Priorities run from 1 to 255 (larger is more urgent).
 */
#ifndef _VIREO_SCHED_H
#define _VIREO_SCHED_H
#pragma once

#include_next <sched.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef _POSIX_PRIORITY_SCHEDULING
int sched_get_priority_max(int policy);
int sched_get_priority_min(int policy);
int sched_getparam(pid_t pid, struct sched_param *param);
int sched_getscheduler(pid_t pid);
int sched_rr_get_interval(pid_t pid, struct timespec *interval);
int sched_setparam(pid_t pid, const struct sched_param *param);
int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param);
#endif
#if !defined(_POSIX_THREADS) && !defined(_POSIX_PRIORITY_SCHEDULING)
int sched_yield(void);
#endif

#ifdef __cplusplus
}
#endif

#endif /* _VIREO_SCHED_H */
