// SPDX-License-Identifier: BSD-2-Clause
/*
 * Pipes and FIFOs: a ring buffer with a read end and a write end.
 * Reading an empty pipe blocks until data or until no writer is left
 * (EOF); writing to a pipe without readers raises SIGPIPE and fails with
 * EPIPE; a write of at most PIPE_BUF bytes is atomic (waits until it fits
 * whole).  Opening a FIFO blocks until the other end is opened, unless
 * O_NONBLOCK (then a reader succeeds at once and a writer gets ENXIO).
 *
 * Locking: all pipe state is protected by the scheduler lock, because the
 * wait queues need it; copies under it are bounded by PIPE_SIZE.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/file.h>
#include <vireo/mm.h>
#include <vireo/signal.h>
#include <vireo/thread.h>
#include <vireo/vfs.h>
#include <vireo/wait.h>

#define PIPE_SIZE 4096
#ifndef PIPE_BUF
#define PIPE_BUF 512
#endif

struct pipe {
	struct wait_queue rq, wq;	/* readers, writers (and openers) */
	unsigned int readers, writers;
	unsigned int opens_r, opens_w;	/* FIFO open generations */
	size_t head, count;
	bool in_slot;			/* a FIFO vnode still points here */
	char buf[PIPE_SIZE];
};

static struct pipe *pipe_alloc(void)
{
	struct pipe *p = kcalloc(1, sizeof(*p));

	if (p) {
		wait_queue_init_kind(&p->rq, WAIT_IO);
		wait_queue_init_kind(&p->wq, WAIT_IO);
	}
	return p;
}

static bool is_writer(struct file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY;
}

static bool is_reader(struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY;
}

/* Interruptible wait on q; 0 to re-check, -EINTR, or -ECANCELED (kept:
 * as -EINTR the caller would restart the wait, which ends at once). */
static int pipe_wait_locked(struct wait_queue *q)
{
	int r = wait_block_intr_locked(q, WAIT_FOREVER);

	return r == -EINTR || r == -ECANCELED ? r : 0;
}

static void copy_out_locked(struct pipe *p, char *dst, size_t n)
{
	size_t first = PIPE_SIZE - p->head;

	if (first > n)
		first = n;
	memcpy(dst, p->buf + p->head, first);
	memcpy(dst + first, p->buf, n - first);
	p->head = (p->head + n) % PIPE_SIZE;
	p->count -= n;
}

static void copy_in_locked(struct pipe *p, const char *src, size_t n)
{
	size_t tail = (p->head + p->count) % PIPE_SIZE;
	size_t first = PIPE_SIZE - tail;

	if (first > n)
		first = n;
	memcpy(p->buf + tail, src, first);
	memcpy(p->buf, src + first, n - first);
	p->count += n;
}

static ssize_t pipe_read(struct file *f, void *buf, size_t len)
{
	struct pipe *p = f->priv;
	irqflags_t fl;
	ssize_t r = 0;

	if (len == 0)
		return 0;
	fl = sched_lock_acquire();
	while (p->count == 0) {
		if (p->writers == 0)
			goto out;	/* EOF */
		if (f->flags & O_NONBLOCK) {
			r = -EAGAIN;
			goto out;
		}
		r = pipe_wait_locked(&p->rq);
		if (r)
			goto out;
	}
	r = (ssize_t)(len < p->count ? len : p->count);
	copy_out_locked(p, buf, (size_t)r);
	wait_wake_all_locked(&p->wq, 0);
	poll_notify_locked();
out:
	sched_lock_release(fl);
	return r;
}

static void raise_sigpipe(void)
{
	siginfo_t si = { .si_signo = SIGPIPE, .si_code = SI_USER };

	signal_send_thread(thread_current(), &si);
}

static ssize_t pipe_write(struct file *f, const void *buf, size_t len)
{
	struct pipe *p = f->priv;
	const char *s = buf;
	size_t done = 0;
	irqflags_t fl = sched_lock_acquire();
	ssize_t r = 0;

	while (done < len) {
		size_t room = PIPE_SIZE - p->count, n = len - done;
		if (p->readers == 0) {
			r = -EPIPE;
			break;
		}
		/* Small writes go in whole or not at all. */
		if (room == 0 || (len <= PIPE_BUF && room < len)) {
			if (f->flags & O_NONBLOCK) {
				r = -EAGAIN;
				break;
			}
			r = pipe_wait_locked(&p->wq);
			if (r)
				break;
			continue;
		}
		if (n > room)
			n = room;
		copy_in_locked(p, s + done, n);
		done += n;
		wait_wake_all_locked(&p->rq, 0);
		poll_notify_locked();
	}
	sched_lock_release(fl);
	if (r == -EPIPE)
		raise_sigpipe();
	return done ? (ssize_t)done : r;
}

static int pipe_poll(struct file *f, int events)
{
	struct pipe *p = f->priv;
	irqflags_t fl = sched_lock_acquire();
	int rev = 0;

	if (is_reader(f)) {
		if (p->count)
			rev |= VFS_POLLIN;
		if (p->writers == 0)
			rev |= VFS_POLLHUP;
	}
	if (is_writer(f)) {
		if (p->readers == 0)
			rev |= VFS_POLLERR;
		else if (PIPE_SIZE - p->count >= PIPE_BUF)
			rev |= VFS_POLLOUT;
	}
	sched_lock_release(fl);
	return rev & (events | VFS_POLLHUP | VFS_POLLERR);
}

static int pipe_stat(struct file *f, struct stat *st)
{
	struct pipe *p = f->priv;

	if (f->vn) {
		vfs_lock();
		st->st_mode = f->vn->mode;
		st->st_ino = (ino_t)f->vn->ino;
		vfs_unlock();
	} else {
		st->st_mode = S_IFIFO | 0600;
	}
	st->st_size = (off_t)p->count;
	st->st_blksize = PIPE_BUF;
	return 0;
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;
	irqflags_t fl = sched_lock_acquire();
	bool last;

	if (is_reader(f))
		p->readers--;
	if (is_writer(f))
		p->writers--;
	wait_wake_all_locked(&p->rq, 0);
	wait_wake_all_locked(&p->wq, 0);
	poll_notify_locked();
	last = p->readers == 0 && p->writers == 0 && !p->in_slot;
	if (p->readers == 0 && p->writers == 0)
		p->count = p->head = 0;	/* a FIFO forgets its data */
	sched_lock_release(fl);
	if (last)
		free(p);
}

static const struct file_ops pipe_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.stat = pipe_stat,
	.release = pipe_release,
};

int pipe_create(struct file **rd, struct file **wr, int flags)
{
	struct pipe *p = pipe_alloc();

	if (!p)
		return -ENOMEM;
	p->readers = p->writers = 1;
	*rd = vfs_file_new(&pipe_fops, NULL, p, O_RDONLY | flags);
	if (!*rd) {
		free(p);
		return -ENOMEM;
	}
	*wr = vfs_file_new(&pipe_fops, NULL, p, O_WRONLY | flags);
	if (!*wr) {
		p->writers = 0;
		file_put(*rd);	/* frees p: no reader or writer left */
		return -ENOMEM;
	}
	return 0;
}

/* Registers f's end and waits for the other end per POSIX FIFO rules. */
static int fifo_rendezvous(struct pipe *p, int flags)
{
	int acc = flags & O_ACCMODE;
	irqflags_t fl = sched_lock_acquire();
	int r = 0;

	if (acc == O_WRONLY && (flags & O_NONBLOCK) && p->readers == 0) {
		sched_lock_release(fl);
		return -ENXIO;
	}
	if (acc != O_WRONLY) {
		p->readers++;
		p->opens_r++;
	}
	if (acc != O_RDONLY) {
		p->writers++;
		p->opens_w++;
	}
	wait_wake_all_locked(&p->rq, 0);
	wait_wake_all_locked(&p->wq, 0);
	poll_notify_locked();
	if (!(flags & O_NONBLOCK) && acc != O_RDWR) {
		unsigned int gen = acc == O_RDONLY ? p->opens_w : p->opens_r;
		while (!r && (acc == O_RDONLY ? p->opens_w : p->opens_r) == gen
		       && (acc == O_RDONLY ? p->writers : p->readers) == 0)
			r = pipe_wait_locked(acc == O_RDONLY ? &p->rq : &p->wq);
		if (r) {
			if (acc == O_RDONLY)
				p->readers--;
			else
				p->writers--;
		}
	}
	sched_lock_release(fl);
	return r;
}

int fifo_open(void **slot, struct vnode *vn, int flags, struct file **out)
{
	struct pipe *p;
	int r;

	vfs_lock();
	p = *slot;
	if (!p) {
		p = pipe_alloc();
		if (p) {
			p->in_slot = true;
			*slot = p;
		}
	}
	vfs_unlock();
	if (!p)
		return -ENOMEM;
	r = fifo_rendezvous(p, flags);
	if (r)
		return r;
	vnode_get(vn);
	*out = vfs_file_new(&pipe_fops, vn, p, flags);
	if (!*out) {
		struct file tmp = { .flags = flags, .priv = p };
		pipe_release(&tmp);
		vnode_put(vn);
		return -ENOMEM;
	}
	return 0;
}

void fifo_release_slot(void **slot)
{
	struct pipe *p = *slot;
	irqflags_t fl;
	bool idle;

	if (!p)
		return;
	fl = sched_lock_acquire();
	p->in_slot = false;
	idle = p->readers == 0 && p->writers == 0;
	sched_lock_release(fl);
	if (idle)
		free(p);
	*slot = NULL;
}
