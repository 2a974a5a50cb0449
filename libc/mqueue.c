// SPDX-License-Identifier: BSD-2-Clause
/*
 * POSIX message queues over kernel/mqueue.c.  A mqd_t is a descriptor in
 * the task's own table (as on Linux): an open description holding a
 * queue reference, its access mode and O_NONBLOCK.  So each task has its
 * own, a racing mq_close() cannot free a queue in use (the call holds
 * its descriptor's file), and a task's queues are closed when it ends,
 * however it ends.  They are close-on-exec: a spawned task does not
 * inherit them (POSIX closes them at exec).  mq_send and mq_receive are
 * cancellation points and fail with EINTR when a signal handler runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdarg.h>
#include <vireo/file.h>
#include <vireo/mqueue.h>
#include <vireo/signal.h>
#include <vireo/thread.h>
#include <vireo/wait.h>
#include "pthread_priv.h"

static void mq_release(struct file *f)
{
	kmq_close(f->priv);
}

/* Neither read nor write: the mq_* calls only. */
static const struct file_ops mq_file_ops = {
	.release = mq_release,
};

static int fail(int err)
{
	errno = err;
	return -1;
}

/* The open queue behind mqd, borrowed until fd_put(), or NULL. */
static struct file *lookup(mqd_t mqd)
{
	struct file *f = fd_get(mqd);

	if (f && f->ops != &mq_file_ops) {
		fd_put(f);
		return NULL;
	}
	return f;
}

static int alloc_desc(struct kmq *q, int oflag)
{
	struct file *f = file_new(&mq_file_ops, q, oflag & (O_ACCMODE | O_NONBLOCK));
	int fd;

	if (!f) {
		kmq_close(q);
		return -ENOMEM;
	}
	fd = fd_install(f, 0);
	if (fd < 0) {
		file_put(f);	/* closes q */
		return fd;
	}
	fd_set_cloexec(fd, true);
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
	return fd < 0 ? fail(-fd) : fd;
}

int mq_close(mqd_t mqd)
{
	struct file *f = lookup(mqd);

	if (!f)
		return fail(EBADF);
	fd_put(f);
	return fd_close(mqd) ? fail(EBADF) : 0;
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

/* The first, non-blocking try r of a timed call (POSIX: abstime is not
 * checked when the call can proceed now): the call's result, or 1 to go
 * on waiting until *deadline. */
static long timed_first(long r, bool nonblock, const struct timespec *abstime,
			uint64_t *deadline)
{
	int e;

	if (r != -EAGAIN || nonblock)
		return r;
	e = pthread_deadline(CLOCK_REALTIME, abstime, deadline);
	return e ? -e : 1;
}

static long finish(long r)
{
	return r < 0 ? fail((int)-r) : r;
}

static int send_on(struct file *f, const char *msg, size_t len,
		   unsigned int prio, const struct timespec *abstime)
{
	uint64_t deadline = WAIT_FOREVER;
	bool nonblock = f->flags & O_NONBLOCK;
	long r;

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (abstime && (r = timed_first(kmq_send(f->priv, msg, len, prio, 0, true),
					nonblock, abstime, &deadline)) != 1)
		return r;
	do
		r = kmq_send(f->priv, msg, len, prio, deadline, nonblock);
	while (again(r));
	return r;
}

static int send(mqd_t mqd, const char *msg, size_t len, unsigned int prio,
		const struct timespec *abstime)
{
	struct file *f = lookup(mqd);
	int r;

	if (!f)
		return fail(EBADF);
	r = send_on(f, msg, len, prio, abstime);
	fd_put(f);
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

static ssize_t receive_on(struct file *f, char *buf, size_t len,
			  unsigned int *prio, const struct timespec *abstime)
{
	uint64_t deadline = WAIT_FOREVER;
	bool nonblock = f->flags & O_NONBLOCK;
	ssize_t n;

	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (abstime && (n = timed_first(kmq_receive(f->priv, buf, len, prio, 0, true),
					nonblock, abstime, &deadline)) != 1)
		return n;
	do
		n = kmq_receive(f->priv, buf, len, prio, deadline, nonblock);
	while (again(n));
	return n;
}

static ssize_t receive(mqd_t mqd, char *buf, size_t len, unsigned int *prio,
		       const struct timespec *abstime)
{
	struct file *f = lookup(mqd);
	ssize_t n;

	if (!f)
		return fail(EBADF);
	n = receive_on(f, buf, len, prio, abstime);
	fd_put(f);
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
	struct file *f = lookup(mqd);

	if (!f)
		return fail(EBADF);
	attr->mq_flags = f->flags & O_NONBLOCK;
	kmq_getattr(f->priv, &attr->mq_maxmsg, &attr->mq_msgsize,
		    &attr->mq_curmsgs);
	fd_put(f);
	return 0;
}

/* Only O_NONBLOCK can change (POSIX); as fcntl(F_SETFL), a plain store. */
int mq_setattr(mqd_t mqd, const struct mq_attr *attr, struct mq_attr *old)
{
	struct file *f;

	if (old && mq_getattr(mqd, old))
		return -1;
	f = lookup(mqd);
	if (!f)
		return fail(EBADF);
	f->flags = (f->flags & ~O_NONBLOCK) | (attr->mq_flags & O_NONBLOCK);
	fd_put(f);
	return 0;
}

int mq_notify(mqd_t mqd, const struct sigevent *ev)
{
	struct file *f = lookup(mqd);
	int r;

	if (!f)
		return fail(EBADF);
	r = kmq_notify(f->priv, ev);
	fd_put(f);
	return r ? fail(-r) : 0;
}
