// SPDX-License-Identifier: BSD-2-Clause
/*
 * The kernel functions libc's shared files call directly in the flat
 * build, done at EL0: through system calls, or by the process itself
 * where the answer is its own (its environment, its one heap).  Signal
 * handlers of an EL0 thread run on its way back from the kernel, so by
 * the time an interrupted call returns here they have run.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <vireo/clock.h>
#include <vireo/compiler.h>
#include <vireo/libc.h>
#include <vireo/signal.h>
#include <vireo/task.h>
#include <vireo/timespec.h>
#include <generated/syscalls.h>

extern char **__vireo_environ;		/* start.c */

char ***task_environ(void)
{
	return &__vireo_environ;
}

void **task_libc_slot(void)
{
	static void *slot;

	return &slot;
}

uint64_t clock_monotonic_ns(void)
{
	uint64_t ns = 0;

	sys_clock_read(CLOCK_MONOTONIC, &ns);
	return ns;
}

int clock_deadline_ns(clockid_t clock, const struct timespec *ts,
		      uint64_t *deadline_ns)
{
	uint64_t at, now_rt = 0, now;

	if ((clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC) ||
	    timespec_to_ns(ts, &at))
		return -EINVAL;
	now = clock_monotonic_ns();
	if (clock == CLOCK_MONOTONIC) {
		*deadline_ns = at;
		return 0;
	}
	sys_clock_read(CLOCK_REALTIME, &now_rt);
	*deadline_ns = at <= now_rt ? now : add_sat_u64(now, at - now_rt);
	return 0;
}

int clock_sleep_until(bool realtime, uint64_t deadline_ns)
{
	struct timespec ts = { (time_t)(deadline_ns / 1000000000),
			       (long)(deadline_ns % 1000000000) };

	return (int)sys_clock_nanosleep(realtime ? CLOCK_REALTIME
						 : CLOCK_MONOTONIC,
					TIMER_ABSTIME, &ts, NULL);
}

/* An interrupted call's handlers have run already (at the return to
 * EL0): EINTR stands, as after a handler without SA_RESTART (the kernel
 * restarted the call itself when every handler had SA_RESTART). */
enum signal_delivery signal_deliver(void)
{
	return SIGNAL_RAN_INTR;
}

bool signal_deliver_pending(void)
{
	return false;
}

uint32_t sched_online_mask(void)
{
	long n = sys_sysconf(_SC_NPROCESSORS_ONLN);

	return n >= 32 ? UINT32_MAX : (1u << n) - 1;
}

/* One heap at EL0: the process's (picolibc's malloc over sbrk). */
void *kcalloc(size_t n, size_t size)
{
	return calloc(n, size);
}

void *krealloc(void *p, size_t size)
{
	return realloc(p, size);
}

void *sbrk(ptrdiff_t incr)
{
	return libc_address_result(sys_sbrk(incr));
}
