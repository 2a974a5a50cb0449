// SPDX-License-Identifier: BSD-2-Clause
/*
 * The thread of a SIGEV_THREAD notification (timer_create, mq_notify),
 * in both builds: the kernel only counts what happened and never calls
 * the function (in a process it is an EL0 address).  A detached thread
 * of the caller, made with the event's attributes, waits in the kernel
 * (the notifier's wait call) and runs the function for each event.
 * Signals for the process go to its other threads.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include "pthread_priv.h"

static void *sigev_thread_main(void *arg)
{
	struct sigev_thread st = *(struct sigev_thread *)arg;
	sigset_t all;
	long r;

	free(arg);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, NULL);
	pthread_setname_np(pthread_self(), st.name);
	do {
		while ((r = st.wait(&st)) == -EINTR)
			;		/* a kill ends it on the way out */
		if (r == 0)
			st.fn(st.value);
	} while (r == 0 && !st.once);
	return NULL;
}

int sigev_thread_start(const struct sigevent *ev, const struct sigev_thread *st)
{
	struct sigev_thread *copy = malloc(sizeof(*copy));
	pthread_attr_t attr;
	pthread_t t;
	int r;

	if (!copy)
		return EAGAIN;
	*copy = *st;
	copy->fn = ev->sigev_notify_function;
	copy->value = ev->sigev_value;
	if (ev->sigev_notify_attributes)
		attr = *(const pthread_attr_t *)ev->sigev_notify_attributes;
	else
		pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&t, &attr, sigev_thread_main, copy);
	if (r)
		free(copy);
	return r == EINVAL ? EINVAL : r ? EAGAIN : 0;
}
