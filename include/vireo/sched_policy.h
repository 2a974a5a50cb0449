/* SPDX-License-Identifier: BSD-2-Clause */
/* The scheduler's policies and priorities, as the kernel's thread calls
 * and system calls take them (<vireo/thread.h>; the EL0 C library's too). */
#pragma once

/* Real-time (SCHED_FIFO, SCHED_RR) priorities; SCHED_OTHER threads run
 * at SCHED_PRIO_OTHER, below all of them and above only the idle
 * threads, time-sliced among themselves. */
#define SCHED_PRIO_MIN 2
#define SCHED_PRIO_MAX 255
#define SCHED_PRIO_OTHER 1
#define SCHED_PRIO_IDLE 0
#define SCHED_PRIO_DEFAULT 100

enum sched_policy_kind {
	POLICY_FIFO = 1,	/* values of SCHED_FIFO/SCHED_RR in <sched.h> */
	POLICY_RR = 2,
	POLICY_OTHER = 3,	/* SCHED_OTHER (0 in <sched.h>; 0 here means
				 * "the caller's" in struct thread_attr) */
};
