/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the system tells programs about itself (ps, free, dmesg) and the
 * call that switches it off, the same in both builds: the C library
 * (libc/sysinfo.c) goes through the system calls of kernel/syscalls.tbl,
 * direct calls in the flat build and svc at EL0.  The types are shared
 * with the kernel, which fills them.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define THREAD_NAME_MAX 24	/* a thread's name, with its NUL */

enum thread_state {
	THREAD_READY,
	THREAD_RUNNING,
	THREAD_BLOCKED,
	THREAD_ZOMBIE,
};

/* A consistent copy of one thread's public state, for ps and procfs. */
struct thread_info {
	int tid;
	int prio;
	int policy;
	int state;
	int cpu;
	size_t stack_size;
	size_t stack_used;
	uint64_t cpu_ns;
	char name[THREAD_NAME_MAX];
	int pid;		/* task the thread belongs to */
};

/* The kernel heap (mm/malloc.c), in bytes. */
struct mm_stats {
	size_t total;
	size_t used;
	size_t free;
	size_t largest_free;
	size_t nr_used;
};

enum { SYSTEM_POWEROFF, SYSTEM_RESTART };

/* "READY", "RUN", "WAIT", "ZOMBIE" or "?". */
const char *thread_state_name(int state);
/* Copies up to max threads' states into out (NULL when max is 0) and
 * returns how many threads there are, or -1 with errno. */
int sysinfo_threads(struct thread_info *out, int max);
/* The kernel heap's figures: 0, or -1 with errno. */
int sysinfo_memory(struct mm_stats *st);
/* The kernel log's size in bytes, and len bytes of it from offset skip
 * (the number copied; 0 at the end), or -1 with errno. */
ssize_t sysinfo_log_size(void);
ssize_t sysinfo_log_read(size_t skip, char *buf, size_t len);
/* Writes cached data to the disks and powers off or restarts (how: a
 * SYSTEM_* value); returns -1 with errno (EINVAL) only for a bad how. */
int system_power(int how);

/* The kernel's side of those calls (kernel/sysinfo.c): -errno on error. */
long thread_snapshot_call(struct thread_info *out, int max);
long mm_stats_call(struct mm_stats *st);
long klog_size_call(void);
long klog_read_call(size_t skip, char *buf, size_t len);
long system_power_call(int how);
