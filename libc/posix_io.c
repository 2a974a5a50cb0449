// SPDX-License-Identifier: BSD-2-Clause
/*
 * The POSIX file calls under picolibc: each calls its system call
 * (kernel/syscalls.tbl; fs/fd_calls.c does the work) and turns a -errno
 * result into -1 with errno set.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <generated/syscalls.h>
#include <vireo/libc.h>
#include <vireo/thread.h>
#include <vireo/tty.h>

/* Blocking I/O is a cancellation point: a cancelled wait ends here. */
int libc_error(int err)
{
	errno = err;
	return -1;
}

long libc_result(long r)
{
	if (r == -ECANCELED)
		thread_testcancel();
	return r < 0 ? libc_error((int)-r) : r;
}

void *libc_address_result(long r)
{
	if (r < 0 && r > -4096) {
		libc_error((int)-r);
		return (void *)-1;
	}
	return (void *)r;
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);	/* mode_t is promoted */
		va_end(ap);
	}
	return (int)libc_result(sys_open(path, flags, mode));
}

int close(int fd)
{
	return (int)libc_result(sys_close(fd));
}

ssize_t read(int fd, void *buf, size_t len)
{
	return libc_result(sys_read(fd, buf, len));
}

ssize_t write(int fd, const void *buf, size_t len)
{
	return libc_result(sys_write(fd, buf, len));
}

off_t lseek(int fd, off_t off, int whence)
{
	return libc_result(sys_lseek(fd, off, whence));
}

int fstat(int fd, struct stat *st)
{
	return (int)libc_result(sys_fstat(fd, st));
}

int ioctl(int fd, unsigned long req, ...)
{
	unsigned long arg;
	va_list ap;

	va_start(ap, req);
	arg = va_arg(ap, unsigned long);	/* every request has one */
	va_end(ap);
	return (int)libc_result(sys_ioctl(fd, req, arg));
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
	return (int)libc_result(sys_dup(fd));
}

int dup2(int oldfd, int newfd)
{
	return (int)libc_result(sys_dup2(oldfd, newfd));
}
