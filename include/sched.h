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

int sched_get_priority_max(int policy);
int sched_get_priority_min(int policy);
int sched_getparam(pid_t pid, struct sched_param *param);
int sched_getscheduler(pid_t pid);
int sched_rr_get_interval(pid_t pid, struct timespec *interval);
int sched_setparam(pid_t pid, const struct sched_param *param);
int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param);
int sched_yield(void);

/*
 * CPU affinity (the GNU interface): a set of logical CPU numbers, as
 * /proc/cpuinfo lists them.  Vireo runs on up to 32 CPUs; the set has
 * room for 64.
 */
#define CPU_SETSIZE 64
typedef struct {
	unsigned long __bits[CPU_SETSIZE / (8 * sizeof(unsigned long))];
} cpu_set_t;

#define __CPU_WORD(cpu)	((cpu) / (8 * (int)sizeof(unsigned long)))
#define __CPU_BIT(cpu)	(1UL << ((cpu) % (8 * (int)sizeof(unsigned long))))
#define CPU_ZERO(set)	__builtin_memset((set), 0, sizeof(cpu_set_t))
#define CPU_SET(cpu, set) \
	((void)((unsigned)(cpu) < CPU_SETSIZE ? \
		((set)->__bits[__CPU_WORD(cpu)] |= __CPU_BIT(cpu)) : 0))
#define CPU_CLR(cpu, set) \
	((void)((unsigned)(cpu) < CPU_SETSIZE ? \
		((set)->__bits[__CPU_WORD(cpu)] &= ~__CPU_BIT(cpu)) : 0))
#define CPU_ISSET(cpu, set) \
	((unsigned)(cpu) < CPU_SETSIZE && \
	 ((set)->__bits[__CPU_WORD(cpu)] & __CPU_BIT(cpu)) != 0)
#define CPU_COUNT(set)	__builtin_popcountl((set)->__bits[0])
#define CPU_EQUAL(a, b)	((a)->__bits[0] == (b)->__bits[0])

/* pid 0 is the caller; in the flat build a pid names a thread. */
int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *set);
int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set);
/* The CPU the caller runs on (it may move right after). */
int sched_getcpu(void);

#ifdef __cplusplus
}
#endif

#endif /* _VIREO_SCHED_H */
