// SPDX-License-Identifier: BSD-2-Clause
/*
 * Terminal files (see <vireo/tty.h>): the file operations every tty
 * device shares, on top of its driver's tty_ops.  Output translation
 * writes the runs of bytes between newlines whole, so the driver sees
 * few, large writes.  The foreground pid is a hint replaced whole and
 * read from interrupt handlers, so plain once-accesses suffice.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <vireo/compiler.h>
#include <vireo/devfs.h>
#include <vireo/file.h>
#include <vireo/mm.h>
#include <vireo/signal.h>
#include <vireo/task.h>
#include <vireo/thread.h>
#include <vireo/tty.h>

#define TTY_INTR_CHAR 0x03	/* Ctrl-C, the terminal's VINTR */

bool tty_rx_is_intr(const struct tty *t, unsigned char c)
{
	return !READ_ONCE(t->raw) && c == TTY_INTR_CHAR &&
	       READ_ONCE(t->foreground) > 0;
}

static void send_kernel_signal(pid_t pid, int sig)
{
	siginfo_t info = { .si_signo = sig, .si_code = SI_KERNEL };

	if (pid > 0)
		signal_send_pid(pid, &info);
}

void tty_rx_intr(struct tty *t)
{
	send_kernel_signal(READ_ONCE(t->foreground), SIGINT);
}

static const struct file_ops tty_file_ops;

/* Whether task pid has a descriptor of t. */
static bool holds(pid_t pid, const struct tty *t)
{
	for (int fd = 0; fd < FD_MAX; fd++) {
		struct file *f = task_fd_get(pid, fd);
		bool hit = f && f->ops == &tty_file_ops && f->priv == t;

		if (f)
			fd_put(f);
		if (hit)
			return true;
	}
	return false;
}

/* Whether entry i of a thread snapshot is the first of its task (the
 * main thread may have ended before the others). */
static bool first_of_task(const struct thread_info *ti, int i)
{
	for (int j = 0; j < i; j++)
		if (ti[j].pid == ti[i].pid)
			return false;
	return true;
}

/* The tasks are read from a snapshot of the threads, retried larger
 * while it falls short. */
void tty_hangup(struct tty *t)
{
	struct thread_info *ti = NULL;
	int max = 64, n;

	for (;;) {
		free(ti);
		ti = kcalloc((size_t)max, sizeof(*ti));
		if (!ti)
			return;
		n = thread_snapshot(ti, max);
		if (n <= max)
			break;
		max = n + 16;
	}
	for (int i = 0; i < n; i++)
		if (ti[i].pid > 0 && first_of_task(ti, i) && holds(ti[i].pid, t))
			send_kernel_signal(ti[i].pid, SIGHUP);
	free(ti);
}

static ssize_t tty_read(struct file *f, void *buf, size_t len)
{
	struct tty *t = f->priv;

	if (len == 0)
		return 0;
	return t->ops->read(t, buf, len, f->flags & O_NONBLOCK);
}

/* "\n" -> "\r\n": the count of the caller's bytes written. */
static ssize_t write_onlcr(struct tty *t, const char *p, size_t len,
			   bool nonblock)
{
	static const char crlf[2] = { '\r', '\n' };
	size_t done = 0;

	while (done < len) {
		size_t run = 0;
		ssize_t r;
		while (done + run < len && p[done + run] != '\n')
			run++;
		if (run) {
			r = t->ops->write(t, p + done, run, nonblock);
			if (r <= 0)
				return done ? (ssize_t)done : r;
			done += r;
			if ((size_t)r < run)
				break;
			continue;
		}
		/* Both bytes or neither, so no newline loses its CR. */
		r = t->ops->write(t, crlf, 2, nonblock);
		if (r < 2)
			return done ? (ssize_t)done : (r < 0 ? r : -EAGAIN);
		done++;
	}
	return done;
}

/* The driver may take a write in pieces (a run between newlines, what
 * fits in its ring); the write lock keeps other writers out between
 * them.  A writer that waits for room keeps the others waiting: the
 * transmitter drains by itself, and a terminal that hangs up fails its
 * writes (-EIO), which lets them in.  A non-blocking writer waits for
 * the lock too: another writer is no reason to write nothing (-EAGAIN
 * would have stdio drop the line), and the wait is for that write. */
static ssize_t tty_write(struct file *f, const void *buf, size_t len)
{
	struct tty *t = f->priv;
	bool nonblock = f->flags & O_NONBLOCK;
	ssize_t r;

	kmutex_lock(&t->write_lock);
	if (READ_ONCE(t->raw))
		r = t->ops->write(t, buf, len, nonblock);
	else
		r = write_onlcr(t, buf, len, nonblock);
	kmutex_unlock(&t->write_lock);
	return r;
}

static int tty_poll(struct file *f, int events)
{
	struct tty *t = f->priv;

	return t->ops->poll(t, events);
}

static int tty_ioctl(struct file *f, unsigned long req, unsigned long arg)
{
	struct tty *t = f->priv;

	switch (req) {
	case TTY_IOC_SET_FOREGROUND:
		if ((pid_t)arg < 0)
			return -EINVAL;
		WRITE_ONCE(t->foreground, (pid_t)arg);
		return 0;
	case TTY_IOC_GET_FOREGROUND:
		*(pid_t *)arg = READ_ONCE(t->foreground);
		return 0;
	}
	return -ENOTTY;
}

static void tty_release(struct file *f)
{
	struct tty *t = f->priv;

	if (t->ops->release)
		t->ops->release(t);
}

static const struct file_ops tty_file_ops = {
	.read = tty_read,
	.write = tty_write,
	.poll = tty_poll,
	.ioctl = tty_ioctl,
	.release = tty_release,
};

void tty_init(struct tty *t, const struct tty_ops *ops, void *priv)
{
	*t = (struct tty){ .ops = ops, .priv = priv };
	kmutex_init(&t->write_lock, false);
}

int tty_register(struct tty *t, const char *name)
{
	return devfs_register(name, &tty_file_ops, t);
}

int tty_open_fd(struct tty *t, int flags)
{
	struct file *f = file_new(&tty_file_ops, t,
				  O_RDWR | (flags & O_NONBLOCK));

	if (f)
		return fd_install_new(f, flags);	/* a failure closes f */
	if (t->ops->release)
		t->ops->release(t);
	return -ENOMEM;
}
