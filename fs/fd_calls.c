// SPDX-License-Identifier: BSD-2-Clause
/*
 * The descriptor system calls (kernel/syscalls.tbl): each resolves the
 * calling task's descriptor, checks the access mode and calls the file's
 * operation.  They take kernel pointers (the generated wrappers copy user
 * buffers in and out) and return a value or -errno; libc turns that into
 * errno.  A blocking call a signal interrupted (-EINTR) runs the handlers
 * (signal_deliver_pending) and restarts when they all asked for
 * SA_RESTART, else fails with EINTR.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <vireo/compiler.h>
#include <vireo/file.h>
#include <vireo/signal.h>
#include <vireo/vfs.h>

int fd_open(const char *path, int flags, mode_t mode)
{
	struct file *f;
	int r = vfs_open_mode(path, flags, mode, &f);

	if (r)
		return r;
	r = fd_install(f, 0);
	if (r < 0)
		file_put(f);
	else if (flags & O_CLOEXEC)
		fd_set_cloexec(r, true);
	return r;
}

/* A read or write that a signal interrupted runs the handlers, then
 * restarts or fails EINTR. */
static ssize_t transfer(int fd, void *buf, size_t len, int denied_mode,
			bool is_write)
{
	struct file *f = fd_get(fd);
	ssize_t r;

	if (!f)
		return -EBADF;
	len = MIN(len, (size_t)PTRDIFF_MAX);
	if ((f->flags & O_ACCMODE) == denied_mode ||
	    !(is_write ? (void *)f->ops->write : (void *)f->ops->read))
		r = -EBADF;
	else if (!buf && len)
		r = -EFAULT;
	else
		do {
			r = is_write ? f->ops->write(f, buf, len) :
				       f->ops->read(f, buf, len);
		} while (r == -EINTR && signal_deliver_pending());
	fd_put(f);
	return r;
}

ssize_t fd_read(int fd, void *buf, size_t len)
{
	return transfer(fd, buf, len, O_WRONLY, false);
}

ssize_t fd_write(int fd, const void *buf, size_t len)
{
	return transfer(fd, (void *)buf, len, O_RDONLY, true);
}

/* Calls expr on fd's file f (-EBADF when there is none). */
#define WITH_FILE(fd, f, expr)                                             \
	({                                                                 \
		struct file *f = fd_get(fd);                               \
		long _r = -EBADF;                                          \
		if (f) {                                                   \
			_r = (expr);                                       \
			fd_put(f);                                         \
		}                                                          \
		_r;                                                        \
	})

off_t fd_lseek(int fd, off_t off, int whence)
{
	return WITH_FILE(fd, f, f->ops->lseek ? f->ops->lseek(f, off, whence) :
			 -ESPIPE);
}

static int file_stat(struct file *f, struct stat *st)
{
	if (!st)
		return -EFAULT;
	*st = (struct stat){ .st_mode = S_IFCHR | 0666, .st_blksize = 512 };
	return f->ops->stat ? f->ops->stat(f, st) : 0;
}

int fd_fstat(int fd, struct stat *st)
{
	return (int)WITH_FILE(fd, f, file_stat(f, st));
}

ssize_t fd_pread(int fd, void *buf, size_t len, off_t off)
{
	return WITH_FILE(fd, f, (f->flags & O_ACCMODE) == O_WRONLY ? -EBADF :
			 vfs_file_pread(f, buf, len, off));
}

ssize_t fd_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return WITH_FILE(fd, f, (f->flags & O_ACCMODE) == O_RDONLY ? -EBADF :
			 vfs_file_pwrite(f, buf, len, off));
}

int fd_ftruncate(int fd, off_t len)
{
	return (int)WITH_FILE(fd, f, vfs_file_truncate(f, len));
}

int fd_fsync(int fd)
{
	return (int)WITH_FILE(fd, f, vfs_file_fsync(f));
}

int fd_readdir(int fd, struct dirent *e)
{
	struct vfs_dirent d;
	int r = (int)WITH_FILE(fd, f, vfs_file_readdir(f, &d));

	if (r <= 0)
		return r;
	e->d_ino = (ino_t)d.ino;
	e->d_type = d.type;
	strcpy(e->d_name, d.name);
	return 1;
}

int fd_fstatfs(int fd, struct statfs *st)
{
	if (!st)
		return -EFAULT;
	return (int)WITH_FILE(fd, f, vfs_file_fstatfs(f, st));
}

/* The new descriptor gets its own reference (the table's). */
static int dup_at(struct file *f, int min)
{
	int r;

	file_get(f);
	r = fd_install(f, min);
	if (r < 0)
		file_put(f);
	return r;
}

int fd_dup(int fd)
{
	return (int)WITH_FILE(fd, f, dup_at(f, 0));
}

#define SETFL_MASK (O_APPEND | O_NONBLOCK)

static long fcntl_file(struct file *f, int cmd, long arg)
{
	long r;

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg < 0 || arg > INT32_MAX)
			return -EINVAL;
		r = dup_at(f, (int)arg);
		if (r >= 0 && cmd == F_DUPFD_CLOEXEC)
			fd_set_cloexec((int)r, true);
		return r;
	case F_GETFL:
		return f->flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC);
	case F_SETFL:
		f->flags = (f->flags & ~SETFL_MASK) | ((int)arg & SETFL_MASK);
		return 0;
	default:
		return -EINVAL;
	}
}

long fd_fcntl(int fd, int cmd, long arg)
{
	if (cmd == F_GETFD)
		return fd_get_cloexec(fd);
	if (cmd == F_SETFD)
		return fd_set_cloexec(fd, arg & FD_CLOEXEC);
	return WITH_FILE(fd, f, fcntl_file(f, cmd, arg));
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

static int ioctl_file(struct file *f, unsigned long req, unsigned long arg)
{
	if (req == FIONBIO)	/* every file's O_NONBLOCK */
		return set_nonblock(f, (const int *)arg);
	return f->ops->ioctl ? f->ops->ioctl(f, req, arg) : -ENOTTY;
}

int fd_ioctl(int fd, unsigned long req, unsigned long arg)
{
	return (int)WITH_FILE(fd, f, ioctl_file(f, req, arg));
}

int fd_pipe2(int *fds, int flags)
{
	struct file *rd, *wr;
	int r, a, b;

	if (!fds)
		return -EFAULT;
	if (flags & ~(O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	r = pipe_create(&rd, &wr, flags & O_NONBLOCK);
	if (r)
		return r;
	a = fd_install(rd, 0);
	if (a < 0) {
		file_put(rd);
		file_put(wr);
		return a;
	}
	b = fd_install(wr, 0);
	if (b < 0) {
		fd_close(a);
		file_put(wr);
		return b;
	}
	if (flags & O_CLOEXEC) {
		fd_set_cloexec(a, true);
		fd_set_cloexec(b, true);
	}
	fds[0] = a;
	fds[1] = b;
	return 0;
}

int fd_poll(struct pollfd *fds, unsigned int n, int64_t timeout_ns)
{
	struct vfs_pollfd p[VIREO_POLL_MAX];
	nfds_t i;
	int r, bad = 0;

	if (n > VIREO_POLL_MAX)
		return -EINVAL;
	if (n && !fds)
		return -EFAULT;
	for (i = 0; i < n; i++) {
		p[i].f = fds[i].fd >= 0 ? fd_get(fds[i].fd) : NULL;
		p[i].events = fds[i].events;
		fds[i].revents = 0;
		if (fds[i].fd >= 0 && !p[i].f) {
			fds[i].revents = POLLNVAL;
			bad++;
		}
	}
	r = vfs_poll(p, (int)n, bad ? 0 : timeout_ns);
	for (i = 0; i < n; i++) {
		if (p[i].f) {
			fds[i].revents = (short)p[i].revents;
			fd_put(p[i].f);
		}
	}
	if (r == -EINTR) {
		signal_deliver();	/* poll is never restarted */
		return -EINTR;
	}
	return r < 0 ? r : r + bad;
}
