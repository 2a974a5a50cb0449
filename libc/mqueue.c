// SPDX-License-Identifier: BSD-2-Clause
/*
 * POSIX message queues: the kernel's mq_* services (kernel/
 * mqueue_calls.c, where descriptors, waiting and signals are handled)
 * at the errno boundary.  A mqd_t is a file descriptor: mq_close() is
 * close().
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdarg.h>
#include <unistd.h>
#include <vireo/libc.h>
#include <generated/syscalls.h>
#include "pthread_priv.h"

mqd_t mq_open(const char *name, int oflag, ...)
{
	const struct mq_attr *attr = NULL;

	if (oflag & O_CREAT) {
		va_list ap;
		va_start(ap, oflag);
		(void)va_arg(ap, int);		/* mode: no permissions here */
		attr = va_arg(ap, const struct mq_attr *);
		va_end(ap);
	}
	return (mqd_t)libc_result(sys_mq_open(name, oflag, attr));
}

int mq_close(mqd_t mqd)
{
	struct mq_attr a;

	/* Only a queue's descriptor: EBADF for any other, as POSIX says. */
	if (sys_mq_getsetattr(mqd, NULL, &a) < 0) {
		errno = EBADF;
		return -1;
	}
	return close(mqd);
}

int mq_unlink(const char *name)
{
	return (int)libc_result(sys_mq_unlink(name));
}

int mq_send(mqd_t mqd, const char *msg, size_t len, unsigned int prio)
{
	return (int)libc_result(sys_mq_send(mqd, msg, len, prio, NULL));
}

int mq_timedsend(mqd_t mqd, const char *msg, size_t len, unsigned int prio,
		 const struct timespec *abstime)
{
	return (int)libc_result(sys_mq_send(mqd, msg, len, prio, abstime));
}

ssize_t mq_receive(mqd_t mqd, char *buf, size_t len, unsigned int *prio)
{
	return libc_result(sys_mq_receive(mqd, buf, len, prio, NULL));
}

ssize_t mq_timedreceive(mqd_t mqd, char *buf, size_t len, unsigned int *prio,
			const struct timespec *abstime)
{
	return libc_result(sys_mq_receive(mqd, buf, len, prio, abstime));
}

int mq_getattr(mqd_t mqd, struct mq_attr *attr)
{
	return (int)libc_result(sys_mq_getsetattr(mqd, NULL, attr));
}

int mq_setattr(mqd_t mqd, const struct mq_attr *attr, struct mq_attr *old)
{
	return (int)libc_result(sys_mq_getsetattr(mqd, attr, old));
}

/* The registration's one event, for its thread; gone without: ends. */
static long mq_thread_wait(const struct sigev_thread *st)
{
	return sys_mq_notify_wait((int)st->id, st->seq);
}

int mq_notify(mqd_t mqd, const struct sigevent *ev)
{
	long r = sys_mq_notify(mqd, ev);
	int err;

	if (r > 0) {	/* SIGEV_THREAD: registration number r */
		err = sigev_thread_start(ev, &(struct sigev_thread){
			.wait = mq_thread_wait, .id = mqd,
			.seq = (unsigned int)r, .once = true,
			.name = "mq_notify" });
		if (!err)
			return 0;
		sys_mq_notify(mqd, NULL);
		r = -err;
	}
	return (int)libc_result(r);
}
