// SPDX-License-Identifier: BSD-2-Clause
/*
 * POSIX message queues over kernel/mqueue.c.  A mqd_t indexes a table of
 * open descriptions (queue, access mode, O_NONBLOCK), guarded by
 * mqd_lock; the queue itself does its own locking.  mq_send and
 * mq_receive are cancellation points and fail with EINTR when a signal
 * handler runs.
 */
#include <errno.h>
#include <mqueue.h>
#include <stdarg.h>
#include <vireo/mqueue.h>
#include <vireo/mutex.h>
#include <vireo/signal.h>
#include <vireo/thread.h>
#include "pthread_priv.h"

struct mq_desc {
	struct kmq *q;		/* NULL: free */
	int oflag;		/* access mode and O_NONBLOCK */
};

static struct kmutex mqd_lock = KMUTEX_INIT(mqd_lock, false);
static struct mq_desc mqds[MQ_OPEN_MAX];

static int fail(int err)
{
	errno = err;
	return -1;
}

/* The description of an open mqd (a copy: a racing close is the
 * application's bug, and the queue reference keeps q valid meanwhile). */
static int lookup(mqd_t mqd, struct mq_desc *out)
{
	int r = EBADF;

	if (mqd < 0 || mqd >= MQ_OPEN_MAX)
		return EBADF;
	kmutex_lock(&mqd_lock);
	if (mqds[mqd].q) {
		*out = mqds[mqd];
		r = 0;
	}
	kmutex_unlock(&mqd_lock);
	return r;
}

static int alloc_desc(struct kmq *q, int oflag)
{
	int fd = -1;

	kmutex_lock(&mqd_lock);
	for (int i = 0; i < MQ_OPEN_MAX; i++) {
		if (!mqds[i].q) {
			mqds[i].q = q;
			mqds[i].oflag = oflag & (O_ACCMODE | O_NONBLOCK);
			fd = i;
			break;
		}
	}
	kmutex_unlock(&mqd_lock);
	return fd;
}

mqd_t mq_open(const char *name, int oflag, ...)
{
	const struct mq_attr *attr = NULL;
	long maxmsg = 0, msgsize = 0;
	struct kmq *q;
	int r, fd;

	if (oflag & O_CREAT) {
		va_list ap;
		va_start(ap, oflag);
		(void)va_arg(ap, int);		/* mode: no permissions here */
		attr = va_arg(ap, const struct mq_attr *);
		va_end(ap);
	}
	if (attr) {
		if (attr->mq_maxmsg <= 0 || attr->mq_msgsize <= 0)
			return fail(EINVAL);
		maxmsg = attr->mq_maxmsg;
		msgsize = attr->mq_msgsize;
	}
	r = kmq_open(name, oflag & O_CREAT, oflag & O_EXCL, maxmsg, msgsize, &q);
	if (r)
		return fail(-r);
	fd = alloc_desc(q, oflag);
	if (fd < 0) {
		kmq_close(q);
		return fail(EMFILE);
	}
	return fd;
}

int mq_close(mqd_t mqd)
{
	struct kmq *q = NULL;

	if (mqd < 0 || mqd >= MQ_OPEN_MAX)
		return fail(EBADF);
	kmutex_lock(&mqd_lock);
	q = mqds[mqd].q;
	mqds[mqd].q = NULL;
	kmutex_unlock(&mqd_lock);
	if (!q)
		return fail(EBADF);
	kmq_close(q);
	return 0;
}

int mq_unlink(const char *name)
{
	int r = kmq_unlink(name);

	return r ? fail(-r) : 0;
}

/*
 * Whether a call that returned r is to be made again: after a signal
 * whose handlers all had SA_RESTART (or that no handler took: not an
 * interruption), and after a cancellation that got disabled meanwhile.
 */
static bool again(long r)
{
	if (r == -ECANCELED) {
		thread_testcancel();	/* returns only if now disabled */
		return true;
	}
	return r == -EINTR && signal_deliver_pending();
}

static long finish(long r)
{
	return r < 0 ? fail((int)-r) : r;
}

static int send(mqd_t mqd, const char *msg, size_t len, unsigned int prio,
		const struct timespec *abstime)
{
	struct mq_desc d;
	uint64_t deadline = WAIT_FOREVER;
	int r = lookup(mqd, &d);

	if (r || (d.oflag & O_ACCMODE) == O_RDONLY)
		return fail(EBADF);
	if (abstime) {
		/* POSIX: abstime is not checked when there is room now. */
		r = kmq_send(d.q, msg, len, prio, 0, true);
		if (r != -EAGAIN || (d.oflag & O_NONBLOCK))
			return finish(r);
		r = pthread_deadline(CLOCK_REALTIME, abstime, &deadline);
		if (r)
			return fail(r);
	}
	do
		r = kmq_send(d.q, msg, len, prio, deadline, d.oflag & O_NONBLOCK);
	while (again(r));
	return finish(r);
}

int mq_send(mqd_t mqd, const char *msg, size_t len, unsigned int prio)
{
	return send(mqd, msg, len, prio, NULL);
}

int mq_timedsend(mqd_t mqd, const char *msg, size_t len, unsigned int prio,
		 const struct timespec *abstime)
{
	return send(mqd, msg, len, prio, abstime);
}

static ssize_t receive(mqd_t mqd, char *buf, size_t len, unsigned int *prio,
		       const struct timespec *abstime)
{
	struct mq_desc d;
	uint64_t deadline = WAIT_FOREVER;
	ssize_t n;
	int r = lookup(mqd, &d);

	if (r || (d.oflag & O_ACCMODE) == O_WRONLY)
		return fail(EBADF);
	if (abstime) {
		n = kmq_receive(d.q, buf, len, prio, 0, true);
		if (n != -EAGAIN || (d.oflag & O_NONBLOCK))
			return finish(n);
		r = pthread_deadline(CLOCK_REALTIME, abstime, &deadline);
		if (r)
			return fail(r);
	}
	do
		n = kmq_receive(d.q, buf, len, prio, deadline, d.oflag & O_NONBLOCK);
	while (again(n));
	return finish(n);
}

ssize_t mq_receive(mqd_t mqd, char *buf, size_t len, unsigned int *prio)
{
	return receive(mqd, buf, len, prio, NULL);
}

ssize_t mq_timedreceive(mqd_t mqd, char *buf, size_t len, unsigned int *prio,
			const struct timespec *abstime)
{
	return receive(mqd, buf, len, prio, abstime);
}

int mq_getattr(mqd_t mqd, struct mq_attr *attr)
{
	struct mq_desc d;

	if (lookup(mqd, &d))
		return fail(EBADF);
	attr->mq_flags = d.oflag & O_NONBLOCK;
	kmq_getattr(d.q, &attr->mq_maxmsg, &attr->mq_msgsize,
		    &attr->mq_curmsgs);
	return 0;
}

/* Only O_NONBLOCK can change (POSIX). */
int mq_setattr(mqd_t mqd, const struct mq_attr *attr, struct mq_attr *old)
{
	if (old && mq_getattr(mqd, old))
		return -1;
	kmutex_lock(&mqd_lock);
	if (mqd < 0 || mqd >= MQ_OPEN_MAX || !mqds[mqd].q) {
		kmutex_unlock(&mqd_lock);
		return fail(EBADF);
	}
	mqds[mqd].oflag = (mqds[mqd].oflag & ~O_NONBLOCK) |
			  (attr->mq_flags & O_NONBLOCK);
	kmutex_unlock(&mqd_lock);
	return 0;
}

int mq_notify(mqd_t mqd, const struct sigevent *ev)
{
	struct mq_desc d;
	int r;

	if (lookup(mqd, &d))
		return fail(EBADF);
	r = kmq_notify(d.q, ev);
	return r ? fail(-r) : 0;
}
