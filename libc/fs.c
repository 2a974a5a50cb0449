// SPDX-License-Identifier: BSD-2-Clause
/*
 * The POSIX file-system calls: each calls its system call
 * (kernel/syscalls.tbl) and turns -errno into -1 and errno; select and
 * the vectored calls are built here on poll, read and write.
 * open/read/write/close/lseek/fstat/dup live in posix_io.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <sys/select.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include <unistd.h>
#include <generated/syscalls.h>
#include <vireo/libc.h>
#include <vireo/vfs.h>

int stat(const char *path, struct stat *st)
{
	return (int)libc_result(sys_stat(path, st, true));
}

int lstat(const char *path, struct stat *st)
{
	return (int)libc_result(sys_stat(path, st, false));
}

int mkdir(const char *path, mode_t mode)
{
	return (int)libc_result(sys_mkdir(path, mode));
}

int rmdir(const char *path)
{
	return (int)libc_result(sys_rmdir(path));
}

int unlink(const char *path)
{
	return (int)libc_result(sys_unlink(path));
}

int rename(const char *from, const char *to)
{
	return (int)libc_result(sys_rename(from, to));
}

int truncate(const char *path, off_t len)
{
	return (int)libc_result(sys_truncate(path, len));
}

int symlink(const char *target, const char *path)
{
	return (int)libc_result(sys_symlink(target, path));
}

ssize_t readlink(const char *path, char *buf, size_t len)
{
	if (!buf)
		return libc_result(-EFAULT);
	return libc_result(sys_readlink(path, buf, len));
}

int mkfifo(const char *path, mode_t mode)
{
	return (int)libc_result(sys_mkfifo(path, mode));
}

int access(const char *path, int mode)
{
	return (int)libc_result(sys_access(path, mode));
}

int chdir(const char *path)
{
	return (int)libc_result(sys_chdir(path));
}

char *getcwd(char *buf, size_t len)
{
	long r = sys_getcwd(buf, len);

	if (r) {
		errno = (int)-r;
		return NULL;
	}
	return buf;
}

int statfs(const char *path, struct statfs *st)
{
	return (int)libc_result(sys_statfs(path, st));
}

int mount(const char *source, const char *target, const char *type,
	  unsigned long flags, const void *data)
{
	return (int)libc_result(sys_mount(source, target, type, flags, data));
}

int umount(const char *target)
{
	return (int)libc_result(sys_umount(target));
}

int ftruncate(int fd, off_t len)
{
	return (int)libc_result(sys_ftruncate(fd, len));
}

int fsync(int fd)
{
	return (int)libc_result(sys_fsync(fd));
}

void sync(void)
{
	sys_sync();
}

int fstatfs(int fd, struct statfs *st)
{
	return (int)libc_result(sys_fstatfs(fd, st));
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	return libc_result(sys_pread(fd, buf, len, off));
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return libc_result(sys_pwrite(fd, buf, len, off));
}

static int check_iov(const struct iovec *iov, int cnt)
{
	size_t total = 0;
	int i;

	if (cnt <= 0 || cnt > IOV_MAX)
		return -EINVAL;
	if (!iov)
		return -EFAULT;
	for (i = 0; i < cnt; i++) {
		if (iov[i].iov_len > (size_t)INT32_MAX - total)
			return -EINVAL;
		total += iov[i].iov_len;
	}
	return 0;
}

static ssize_t write_buf(int fd, void *buf, size_t len)
{
	return write(fd, buf, len);
}

/* One call per buffer: a short transfer ends the sequence.  Not atomic
 * across buffers (a pipe may interleave another writer between them). */
static ssize_t transfer_iov(int fd, const struct iovec *iov, int cnt,
			    ssize_t (*io)(int fd, void *buf, size_t len))
{
	ssize_t done = 0, r;
	int i, c = check_iov(iov, cnt);

	if (c)
		return libc_result(c);
	for (i = 0; i < cnt; i++) {
		r = io(fd, iov[i].iov_base, iov[i].iov_len);
		if (r < 0)
			return done ? done : -1;
		done += r;
		if ((size_t)r < iov[i].iov_len)
			break;
	}
	return done;
}

ssize_t readv(int fd, const struct iovec *iov, int cnt)
{
	return transfer_iov(fd, iov, cnt, read);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	return transfer_iov(fd, iov, cnt, write_buf);
}

int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	return (int)libc_result(sys_fcntl(fd, cmd, arg));
}

int pipe2(int fds[2], int flags)
{
	return (int)libc_result(sys_pipe2(fds, flags));
}

int pipe(int fds[2])
{
	return pipe2(fds, 0);
}

/* ---- poll and select ---- */

int poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	return (int)libc_result(sys_poll(fds, n, timeout_ms < 0 ? -1 :
				(int64_t)timeout_ms * 1000000));
}

/* The timeout of ppoll/pselect in ns, -1 for none; -EINVAL when bad. */
static int64_t timespec_timeout(const struct timespec *ts)
{
	if (!ts)
		return -1;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000)
		return -EINVAL;
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
	  const sigset_t *mask)
{
	int64_t t = timespec_timeout(ts);
	sigset_t old;
	int r;

	if (t == -EINVAL)
		return (int)libc_result(-EINVAL);
	if (mask)
		sigprocmask(SIG_SETMASK, mask, &old);
	r = sys_poll(fds, n, t);
	if (mask)
		sigprocmask(SIG_SETMASK, &old, NULL);
	return (int)libc_result(r);
}

static int64_t tv_ns(const struct timeval *tv)
{
	if (!tv)
		return -1;
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return -2;
	return (int64_t)tv->tv_sec * 1000000000 + tv->tv_usec * 1000;
}

static int do_select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
		     int64_t timeout_ns)
{
	struct pollfd p[VIREO_POLL_MAX];
	int i, n = 0, r, count = 0;

	if (nfds < 0 || nfds > FD_SETSIZE || timeout_ns < -1)
		return -EINVAL;
	for (i = 0; i < nfds; i++) {
		short ev = (rd && FD_ISSET(i, rd) ? POLLIN : 0) |
			   (wr && FD_ISSET(i, wr) ? POLLOUT : 0) |
			   (ex && FD_ISSET(i, ex) ? POLLPRI : 0);
		if (!ev)
			continue;
		if (n == VIREO_POLL_MAX)
			return -EINVAL;
		p[n].fd = i;
		p[n++].events = ev;
	}
	r = sys_poll(p, (nfds_t)n, timeout_ns);
	if (r < 0)
		return r;
	for (i = 0; i < n; i++)
		if (p[i].revents & POLLNVAL)
			return -EBADF;
	if (rd)
		FD_ZERO(rd);
	if (wr)
		FD_ZERO(wr);
	if (ex)
		FD_ZERO(ex);
	for (i = 0; i < n; i++) {
		short re = p[i].revents;
		if (rd && (p[i].events & POLLIN) && (re & (POLLIN | POLLHUP | POLLERR))) {
			FD_SET(p[i].fd, rd);
			count++;
		}
		if (wr && (p[i].events & POLLOUT) && (re & (POLLOUT | POLLERR))) {
			FD_SET(p[i].fd, wr);
			count++;
		}
		if (ex && (p[i].events & POLLPRI) && (re & POLLPRI)) {
			FD_SET(p[i].fd, ex);
			count++;
		}
	}
	return count;
}

int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
	return (int)libc_result(do_select(nfds, rd, wr, ex, tv_ns(tv)));
}

int pselect(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
	    const struct timespec *ts, const sigset_t *mask)
{
	int64_t t = timespec_timeout(ts);
	sigset_t old;
	int r;

	if (t == -EINVAL)
		return (int)libc_result(-EINVAL);
	if (mask)
		sigprocmask(SIG_SETMASK, mask, &old);
	r = do_select(nfds, rd, wr, ex, t);
	if (mask)
		sigprocmask(SIG_SETMASK, &old, NULL);
	return (int)libc_result(r);
}

/* The limits pathconf()/fpathconf() report: the VFS's, the same on every
 * file system.  -1 with EINVAL for a name Vireo gives no value. */
static long path_limit(int name)
{
	switch (name) {
	case _PC_NAME_MAX:
		return VFS_NAME_MAX;
	case _PC_PATH_MAX:
		return VFS_PATH_MAX;
	case _PC_SYMLINK_MAX:
		return VFS_PATH_MAX - 1;
	case _PC_PIPE_BUF:
		return PIPE_BUF;
	case _PC_NO_TRUNC:		/* a long name is ENAMETOOLONG */
	case _PC_2_SYMLINKS:
		return 1;
	case _PC_FILESIZEBITS:
		return 64;
	default:
		errno = EINVAL;
		return -1;
	}
}

long pathconf(const char *path, int name)
{
	struct stat st;

	return stat(path, &st) ? -1 : path_limit(name);
}

long fpathconf(int fd, int name)
{
	struct stat st;

	return fstat(fd, &st) ? -1 : path_limit(name);
}
