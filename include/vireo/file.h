/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Open files and file descriptors.  A struct file is an open instance of
 * a device or file with its operations; descriptors are small integers
 * naming files in a descriptor table.  Reference counts keep a file alive
 * while a call uses it, so a concurrent close() cannot free it underneath.
 *
 * Every task has its own descriptor table (<vireo/task.h>); the fd_*
 * calls use the calling thread's task's table, the fd_*_in variants an
 * explicit one (posix_spawn file actions on a child's table).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Descriptors per task: 0 .. FD_MAX - 1 (sysconf(_SC_OPEN_MAX)). */
#define FD_MAX 64

struct file;
struct stat;
struct fd_table;
struct vnode;

struct file_ops {
	/* Thread context.  Return a count or -errno (-EAGAIN when
	 * O_NONBLOCK and nothing can be done, -EINTR). */
	ssize_t (*read)(struct file *f, void *buf, size_t len);
	ssize_t (*write)(struct file *f, const void *buf, size_t len);
	/* Optional: -ESPIPE when absent. */
	off_t (*lseek)(struct file *f, off_t off, int whence);
	/* Optional: -ENOTTY when absent. */
	int (*ioctl)(struct file *f, unsigned long req, unsigned long arg);
	/* Optional: fills what the file knows beyond the defaults.  For a
	 * device file also called by stat() on its path, with a struct
	 * file that is not open (only ops and priv set). */
	int (*stat)(struct file *f, struct stat *st);
	/* Optional (nothing to write back when absent): fsync(). */
	int (*fsync)(struct file *f);
	/* Optional: the ready POLLIN/POLLOUT/... bits among events (plus
	 * POLLERR/POLLHUP); absent means always ready.  Readiness changes
	 * are announced with poll_notify() (<vireo/vfs.h>). */
	int (*poll)(struct file *f, int events);
	/* Optional: last reference dropped. */
	void (*release)(struct file *f);
};

struct file {
	const struct file_ops *ops;
	void *priv;		/* the operations' own state */
	struct vnode *vn;	/* what the VFS opened; NULL for pipes and
				 * devices registered outside it */
	int flags;		/* O_* flags given to open */
	off_t pos;
	int refs;		/* atomic */
};

/* A new file with one reference, or NULL (out of memory). */
struct file *file_new(const struct file_ops *ops, void *priv, int flags);
void file_get(struct file *f);
void file_put(struct file *f);

/* Installs f at the lowest free descriptor >= min; the table takes over
 * the caller's reference.  Returns the descriptor or -EMFILE. */
int fd_install(struct file *f, int min);
/* Installs a new file at the lowest free descriptor, with FD_CLOEXEC when
 * flags has O_CLOEXEC; the table takes the reference, which is dropped on
 * failure.  The descriptor or -EMFILE. */
int fd_install_new(struct file *f, int flags);
/* The file behind fd with a new reference, or NULL.  The caller gives it
 * back with fd_put() in the same thread: meanwhile the thread is not
 * killed (kernel/signal.c), so the reference cannot be lost. */
struct file *fd_get(int fd);
void fd_put(struct file *f);
/* 0 or -EBADF. */
int fd_close(int fd);
/* Makes newfd refer to the file of oldfd (dup2 semantics). */
int fd_dup2(int oldfd, int newfd);

/* Lowest free descriptor >= min of table t (see fd_install). */
int fd_install_in(struct fd_table *t, struct file *f, int min);
int fd_close_in(struct fd_table *t, int fd);
/* fd_get() on table t (also fd_put() when done). */
struct file *fd_get_in(struct fd_table *t, int fd);
int fd_dup2_in(struct fd_table *t, int oldfd, int newfd);
/* FD_CLOEXEC of fd in the caller's table: 0/-EBADF; get returns 0/1. */
int fd_set_cloexec(int fd, bool on);
int fd_get_cloexec(int fd);

/* lseek() of a file of size bytes: moves f->pos to off from SEEK_SET,
 * SEEK_CUR or SEEK_END (the size); the new position, or -EINVAL (other
 * whence, a negative or overflowing result).  The caller serialises
 * calls on f (as for every f->pos update). */
off_t file_seek_in_size(struct file *f, off_t off, int whence, off_t size);

/* An empty table, or NULL (out of memory). */
struct fd_table *fd_table_new(void);
/* A copy of src without its FD_CLOEXEC descriptors, or NULL. */
struct fd_table *fd_table_clone(struct fd_table *src);
/* Closes every descriptor of t and frees it (task exit). */
void fd_table_free(struct fd_table *t);

/*
 * The descriptor system calls (fs/fd_calls.c; listed in
 * kernel/syscalls.tbl): open/read/write/... on the calling task's table,
 * with kernel pointers.  Each returns its POSIX result or -errno; the
 * blocking ones run signal handlers and restart or fail -EINTR.  Thread
 * context.
 */
struct pollfd;
struct statfs;
int fd_open(const char *path, int flags, mode_t mode);
ssize_t fd_read(int fd, void *buf, size_t len);
ssize_t fd_write(int fd, const void *buf, size_t len);
off_t fd_lseek(int fd, off_t off, int whence);
int fd_fstat(int fd, struct stat *st);
ssize_t fd_pread(int fd, void *buf, size_t len, off_t off);
ssize_t fd_pwrite(int fd, const void *buf, size_t len, off_t off);
int fd_dup(int fd);
long fd_fcntl(int fd, int cmd, long arg);
int fd_ioctl(int fd, unsigned long req, unsigned long arg);
int fd_pipe2(int *fds, int flags);
int fd_ftruncate(int fd, off_t len);
int fd_fsync(int fd);
int fd_fstatfs(int fd, struct statfs *st);
struct dirent;
/* The next entry of directory fd: 1 and *e, 0 at the end, or -errno. */
int fd_readdir(int fd, struct dirent *e);
/* poll(): n <= 64 entries; timeout_ns < 0 waits forever. */
int fd_poll(struct pollfd *fds, unsigned int n, int64_t timeout_ns);
