// SPDX-License-Identifier: BSD-2-Clause
/*
 * The POSIX file calls under picolibc: each resolves its descriptor,
 * calls the file's operation and turns a -errno result into -1 with errno
 * set.  A call a signal interrupted (-EINTR) runs the handlers and is
 * restarted when they all asked for SA_RESTART, else fails with EINTR.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vireo/compiler.h>
#include <vireo/file.h>
#include <vireo/libc.h>
#include <vireo/signal.h>
#include <vireo/thread.h>
#include <vireo/tty.h>
#include <vireo/vfs.h>

/* Blocking I/O is a cancellation point: a cancelled wait ends here. */
long libc_result(long r)
{
	if (r == -ECANCELED)
		thread_testcancel();
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	struct file *f;
	int r;

	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);	/* mode_t is promoted */
		va_end(ap);
	}
	r = vfs_open_mode(path, flags, mode, &f);
	if (r == 0) {
		r = fd_install(f, 0);
		if (r < 0)
			file_put(f);
		else if (flags & O_CLOEXEC)
			fd_set_cloexec(r, true);
	}
	return (int)libc_result(r);
}

int close(int fd)
{
	return (int)libc_result(fd_close(fd));
}

ssize_t read(int fd, void *buf, size_t len)
{
	struct file *f = fd_get(fd);
	ssize_t r;

	if (!f)
		return libc_result(-EBADF);
	if ((f->flags & O_ACCMODE) == O_WRONLY || !f->ops->read)
		r = -EBADF;
	else if (!buf && len)
		r = -EFAULT;
	else
		do {
			r = f->ops->read(f, buf, MIN(len, (size_t)PTRDIFF_MAX));
		} while (r == -EINTR && signal_deliver_pending());
	fd_put(f);
	return libc_result(r);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	struct file *f = fd_get(fd);
	ssize_t r;

	if (!f)
		return libc_result(-EBADF);
	if ((f->flags & O_ACCMODE) == O_RDONLY || !f->ops->write)
		r = -EBADF;
	else if (!buf && len)
		r = -EFAULT;
	else
		do {
			r = f->ops->write(f, buf, MIN(len, (size_t)PTRDIFF_MAX));
		} while (r == -EINTR && signal_deliver_pending());
	fd_put(f);
	return libc_result(r);
}

off_t lseek(int fd, off_t off, int whence)
{
	struct file *f = fd_get(fd);
	off_t r;

	if (!f)
		return libc_result(-EBADF);
	r = f->ops->lseek ? f->ops->lseek(f, off, whence) : -ESPIPE;
	fd_put(f);
	return libc_result(r);
}

int fstat(int fd, struct stat *st)
{
	struct file *f = fd_get(fd);
	int r = 0;

	if (!f)
		return (int)libc_result(-EBADF);
	if (!st) {
		r = -EFAULT;
	} else {
		*st = (struct stat){ .st_mode = S_IFCHR | 0666, .st_blksize = 512 };
		if (f->ops->stat)
			r = f->ops->stat(f, st);
	}
	fd_put(f);
	return (int)libc_result(r);
}

static int set_nonblock(struct file *f, const int *on)
{
	if (!on)
		return -EFAULT;
	if (*on)
		__atomic_fetch_or(&f->flags, O_NONBLOCK, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&f->flags, ~O_NONBLOCK, __ATOMIC_RELAXED);
	return 0;
}

int ioctl(int fd, unsigned long req, ...)
{
	struct file *f = fd_get(fd);
	unsigned long arg;
	va_list ap;
	int r;

	if (!f)
		return (int)libc_result(-EBADF);
	va_start(ap, req);
	arg = va_arg(ap, unsigned long);	/* every request has one */
	va_end(ap);
	if (req == FIONBIO)	/* every file's O_NONBLOCK */
		r = set_nonblock(f, (const int *)arg);
	else
		r = f->ops->ioctl ? f->ops->ioctl(f, req, arg) : -ENOTTY;
	fd_put(f);
	return (int)libc_result(r);
}

/* A terminal is what answers a terminal's request (not every character
 * device: /dev/null is none): 1, or 0 with EBADF or ENOTTY. */
int isatty(int fd)
{
	if (tcgetpgrp(fd) >= 0)
		return 1;
	if (errno != EBADF)
		errno = ENOTTY;
	return 0;
}

/* Tasks are their own process groups: pgrp is a pid (0: no foreground,
 * Ctrl-C is read as a byte). */
int tcsetpgrp(int fd, pid_t pgrp)
{
	return ioctl(fd, TTY_IOC_SET_FOREGROUND, (unsigned long)pgrp);
}

pid_t tcgetpgrp(int fd)
{
	pid_t pgrp;

	if (ioctl(fd, TTY_IOC_GET_FOREGROUND, &pgrp) < 0)
		return -1;
	return pgrp;
}

int dup(int fd)
{
	struct file *f = fd_get(fd);
	int r;

	if (!f)
		return (int)libc_result(-EBADF);
	file_get(f);		/* the new descriptor's */
	r = fd_install(f, 0);
	if (r < 0)
		file_put(f);
	fd_put(f);
	return (int)libc_result(r);
}

int dup2(int oldfd, int newfd)
{
	return (int)libc_result(fd_dup2(oldfd, newfd));
}
