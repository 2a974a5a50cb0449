// SPDX-License-Identifier: BSD-2-Clause
/*
 * Sleeping: clock_nanosleep() (the kernel's, kernel/clock_calls.c),
 * nanosleep(), usleep() and sleep().  All are cancellation points and
 * end early with EINTR when a signal is delivered (after its handler
 * ran); none is restarted by SA_RESTART, as POSIX leaves sleeps out of
 * it and applications expect.
 */
#include <errno.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>
#include <vireo/thread.h>
#include <generated/syscalls.h>

int clock_nanosleep(clockid_t clock_id, int flags, const struct timespec *rqtp,
		    struct timespec *rmtp)
{
	long r = sys_clock_nanosleep(clock_id, flags, rqtp, rmtp);

	/* At EL0 the kernel leaves a cancelled sleeper to its library. */
	if (r == -ECANCELED)
		thread_testcancel();
	return (int)-r;
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
