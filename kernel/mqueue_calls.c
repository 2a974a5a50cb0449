// SPDX-License-Identifier: BSD-2-Clause
/*
 * The message-queue services of kernel/syscalls.tbl over kernel/mqueue.c.
 * A mqd_t is a descriptor in the task's own table (as on Linux): an open
 * description holding a queue reference, its access mode and O_NONBLOCK.
 * So each task has its own, a racing mq_close() (a plain close()) cannot
 * free a queue in use (the call holds its descriptor's file), and a
 * task's queues are closed when it ends, however it ends.  They are
 * close-on-exec: a spawned task does not inherit them (POSIX closes them
 * at exec).  Send and receive are cancellation points and fail with
 * EINTR when a signal handler runs, unless every handler had SA_RESTART.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <vireo/clock.h>
#include <vireo/file.h>
#include <vireo/mqueue.h>
#include <vireo/signal.h>
#include <vireo/task.h>
#include <vireo/thread.h>
#include <vireo/wait.h>

static void mq_release(struct file *f)
{
	kmq_close(f->priv);
}

/* Neither read nor write: the mq_* calls only. */
static const struct file_ops mq_file_ops = {
	.release = mq_release,
};

/* The open queue behind mqd, borrowed until fd_put(), or NULL. */
static struct file *lookup(int mqd)
{
	struct file *f = fd_get(mqd);

	if (f && f->ops != &mq_file_ops) {
		fd_put(f);
		return NULL;
	}
	return f;
}

long mq_open_call(const char *name, int oflag, const struct mq_attr *attr)
{
	long maxmsg = 0, msgsize = 0;
	struct file *f;
	struct kmq *q;
	int r, fd;

	if (attr && (oflag & O_CREAT)) {
		if (attr->mq_maxmsg <= 0 || attr->mq_msgsize <= 0)
			return -EINVAL;
		maxmsg = attr->mq_maxmsg;
		msgsize = attr->mq_msgsize;
	}
	r = kmq_open(name, oflag & O_CREAT, oflag & O_EXCL, maxmsg, msgsize, &q);
	if (r)
		return r;
	f = file_new(&mq_file_ops, q, oflag & (O_ACCMODE | O_NONBLOCK));
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

long mq_unlink_call(const char *name)
{
	return kmq_unlink(name);
}

/*
 * Whether a call that returned r is to be made again: after a signal
 * whose handlers all had SA_RESTART (or that no handler took: not an
 * interruption), and after a cancellation that got disabled meanwhile.
 */
static bool again(long r)
{
	if (r == -ECANCELED)	/* again only if disabled since */
		return !thread_testcancel_call();
	return r == -EINTR && signal_deliver_pending();
}

/* The first, non-blocking try r of a timed call (POSIX: abstime is not
 * checked when the call can proceed now): the call's result, or 1 to go
 * on waiting until *deadline. */
static long timed_first(long r, bool nonblock, const struct timespec *abstime,
			uint64_t *deadline)
{
	if (r != -EAGAIN || nonblock)
		return r;
	r = clock_deadline_ns(CLOCK_REALTIME, abstime, deadline);
	return r ? r : 1;
}

/* One try of a send (buf, len, *prio in) or a receive (buf, len out,
 * *prio out) on q. */
static long move(struct kmq *q, bool send, char *buf, size_t len,
		 unsigned int *prio, uint64_t deadline, bool nonblock)
{
	if (send)
		return kmq_send(q, buf, len, *prio, deadline, nonblock);
	return kmq_receive(q, buf, len, prio, deadline, nonblock);
}

/* A send or a receive on mqd, waiting as its O_NONBLOCK and abstime
 * say. */
static long transfer(int mqd, bool send, char *buf, size_t len,
		     unsigned int *prio, const struct timespec *abstime)
{
	struct file *f = lookup(mqd);
	uint64_t deadline = WAIT_FOREVER;
	bool nonblock;
	long r;

	if (!f)
		return -EBADF;
	nonblock = f->flags & O_NONBLOCK;
	if ((f->flags & O_ACCMODE) == (send ? O_RDONLY : O_WRONLY)) {
		r = -EBADF;
	} else if (!abstime ||
		   (r = timed_first(move(f->priv, send, buf, len, prio, 0, true),
				    nonblock, abstime, &deadline)) == 1) {
		do
			r = move(f->priv, send, buf, len, prio, deadline, nonblock);
		while (again(r));
	}
	fd_put(f);
	return r;
}

long mq_send_call(int mqd, const char *msg, size_t len, unsigned int prio,
		  const struct timespec *abstime)
{
	return transfer(mqd, true, (char *)msg, len, &prio, abstime);
}

long mq_receive_call(int mqd, char *buf, size_t len, unsigned int *prio,
		     const struct timespec *abstime)
{
	return transfer(mqd, false, buf, len, prio, abstime);
}

/* Only O_NONBLOCK can change (POSIX); as fcntl(F_SETFL), a plain store. */
long mq_getsetattr_call(int mqd, const struct mq_attr *attr,
			struct mq_attr *old)
{
	struct file *f = lookup(mqd);

	if (!f)
		return -EBADF;
	if (old) {
		old->mq_flags = f->flags & O_NONBLOCK;
		kmq_getattr(f->priv, &old->mq_maxmsg, &old->mq_msgsize,
			    &old->mq_curmsgs);
	}
	if (attr)
		f->flags = (f->flags & ~O_NONBLOCK) | (attr->mq_flags & O_NONBLOCK);
	fd_put(f);
	return 0;
}

long mq_notify_call(int mqd, const struct sigevent *ev)
{
	struct file *f = lookup(mqd);
	long r;

	if (!f)
		return -EBADF;
	r = kmq_notify(f->priv, ev);
	fd_put(f);
	return r;
}

/* The queue, not the descriptor, is held while it waits: closing the
 * descriptor must still end the registration, and the wait with it. */
long mq_notify_wait_call(int mqd, unsigned int seq)
{
	struct file *f = lookup(mqd);
	struct kmq *q;
	long r;

	if (!f)
		return -EBADF;
	q = f->priv;
	kmq_hold(q);
	fd_put(f);
	r = kmq_notify_wait(q, seq);
	kmq_put(q);
	return r;
}
