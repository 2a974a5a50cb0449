// SPDX-License-Identifier: BSD-2-Clause
/*
 * Sleeping: clock_nanosleep(), nanosleep(), usleep() and sleep().  All
 * are cancellation points and end early with EINTR when a signal is
 * delivered (after its handler ran); none is restarted by SA_RESTART,
 * as POSIX leaves sleeps out of it and applications expect.
 */
#include <errno.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>
#include <vireo/clock.h>
#include <vireo/signal.h>
#include <vireo/thread.h>
#include "time_priv.h"

/* Sleeps until deadline_ns; returns 0 or EINTR (an error number). */
static int sleep_until(bool realtime, uint64_t deadline_ns)
{
	for (;;) {
		int ret = clock_sleep_until(realtime, deadline_ns);
		/* A handler ends the sleep (POSIX: whatever SA_RESTART
		 * says); a wake-up that ran none does not. */
		if (ret == -EINTR && signal_deliver() != SIGNAL_NONE_RAN)
			return EINTR;
		if (ret == -EINTR)
			continue;
		if (ret != -ECANCELED)
			return 0;
		thread_testcancel();	/* returns only if disabled since */
	}
}

int clock_nanosleep(clockid_t clock_id, int flags, const struct timespec *rqtp,
		    struct timespec *rmtp)
{
	uint64_t ns, deadline;
	int err;

	if (clock_id == CLOCK_THREAD_CPUTIME_ID)
		return EINVAL;	/* the thread's own CPU clock cannot advance */
	if (clock_id != CLOCK_REALTIME && clock_id != CLOCK_MONOTONIC)
		return clock_id == CLOCK_PROCESS_CPUTIME_ID ? ENOTSUP : EINVAL;
	if (!rqtp)
		return EFAULT;
	thread_testcancel();
	if (timespec_to_ns(rqtp, &ns)) {
		/* An absolute time before the Epoch has passed already. */
		if ((flags & TIMER_ABSTIME) && rqtp->tv_sec < 0 &&
		    rqtp->tv_nsec >= 0 && rqtp->tv_nsec < (long)NSEC_PER_SEC)
			return 0;
		return EINVAL;
	}
	if (flags & TIMER_ABSTIME)
		return sleep_until(clock_id == CLOCK_REALTIME, ns);

	deadline = add_sat_u64(clock_monotonic_ns(), ns);
	err = sleep_until(false, deadline);
	if (err == EINTR && rmtp) {
		uint64_t now = clock_monotonic_ns();
		*rmtp = ns_to_timespec(deadline > now ? deadline - now : 0);
	}
	return err;
}

int nanosleep(const struct timespec *rqtp, struct timespec *rmtp)
{
	int err = clock_nanosleep(CLOCK_MONOTONIC, 0, rqtp, rmtp);

	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int usleep(useconds_t usec)
{
	struct timespec ts = { .tv_sec = usec / 1000000,
			       .tv_nsec = (long)(usec % 1000000) * 1000 };

	return nanosleep(&ts, NULL);
}

unsigned sleep(unsigned int seconds)
{
	struct timespec ts = { .tv_sec = seconds }, rem;

	if (nanosleep(&ts, &rem) == 0)
		return 0;
	/* Interrupted: the unslept time, rounded up to whole seconds. */
	return (unsigned)rem.tv_sec + (rem.tv_nsec > 0);
}
