// SPDX-License-Identifier: BSD-2-Clause
/*
 * Open files and the per-task descriptor tables.  Each table's lock
 * (IRQ-safe, held for a few loads and stores) protects its slots and
 * their FD_CLOEXEC flags; a file's own state is its driver's business.
 * Taking a reference under the table lock before the lock is dropped is
 * what lets close() race with read() safely: the last file_put()
 * releases the file, whoever does it.  The fd_* calls act on the calling
 * task's table (task 0's for kernel threads and the boot context).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>
#include <stdlib.h>
#include <vireo/file.h>
#include <vireo/mm.h>
#include <vireo/signal.h>
#include <vireo/spinlock.h>
#include <vireo/task.h>
#include <vireo/thread.h>
#include <vireo/vfs.h>


struct fd_table {
	spinlock_t lock;
	struct file *files[FD_MAX];
	uint64_t cloexec;	/* bit fd: FD_CLOEXEC */
};

_Static_assert(FD_MAX <= 64, "cloexec is one 64-bit word");

off_t file_seek_in_size(struct file *f, off_t off, int whence, off_t size)
{
	off_t base;

	if (whence == SEEK_SET)
		base = 0;
	else if (whence == SEEK_CUR)
		base = f->pos;
	else if (whence == SEEK_END)
		base = size;
	else
		return -EINVAL;
	if (base < 0 || (off < 0 && base + off < 0))
		return -EINVAL;
	if (off > 0 && off > INT64_MAX - base)
		return -EOVERFLOW;	/* past off_t: position unchanged */
	f->pos = base + off;
	return f->pos;
}

struct file *file_new(const struct file_ops *ops, void *priv, int flags)
{
	struct file *f = kcalloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->ops = ops;
	f->priv = priv;
	f->flags = flags;
	f->refs = 1;
	return f;
}

void file_get(struct file *f)
{
	__atomic_fetch_add(&f->refs, 1, __ATOMIC_RELAXED);
}

void file_put(struct file *f)
{
	/* Release: every use of f happens before the free by the last user. */
	if (__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (f->ops->release)
		f->ops->release(f);
	if (f->vn)
		vfs_file_drop_vnode(f);
	free(f);
}

static struct fd_table *current_table(void)
{
	return task_fd_table(task_current());
}

struct fd_table *fd_table_new(void)
{
	struct fd_table *t = kcalloc(1, sizeof(*t));

	if (t)
		spin_init(&t->lock);
	return t;
}

struct fd_table *fd_table_clone(struct fd_table *src)
{
	struct fd_table *t = fd_table_new();
	irqflags_t fl;

	if (!t)
		return NULL;
	fl = spin_lock_irqsave(&src->lock);
	for (int fd = 0; fd < FD_MAX; fd++) {
		struct file *f = src->files[fd];
		if (f && !(src->cloexec & (1ULL << fd))) {
			file_get(f);
			t->files[fd] = f;
		}
	}
	spin_unlock_irqrestore(&src->lock, fl);
	return t;
}

void fd_table_free(struct fd_table *t)
{
	for (int fd = 0; fd < FD_MAX; fd++)
		fd_close_in(t, fd);
	free(t);
}

int fd_install_in(struct fd_table *t, struct file *f, int min)
{
	irqflags_t fl = spin_lock_irqsave(&t->lock);
	int fd;

	for (fd = min < 0 ? 0 : min; fd < FD_MAX; fd++) {
		if (!t->files[fd]) {
			t->files[fd] = f;
			t->cloexec &= ~(1ULL << fd);
			break;
		}
	}
	spin_unlock_irqrestore(&t->lock, fl);
	return fd < FD_MAX ? fd : -EMFILE;
}

int fd_install(struct file *f, int min)
{
	return fd_install_in(current_table(), f, min);
}

int fd_install_new(struct file *f, int flags)
{
	int fd = fd_install(f, 0);

	if (fd < 0)
		file_put(f);
	else if (flags & O_CLOEXEC)
		fd_set_cloexec(fd, true);
	return fd;
}

/* The file behind fd with a new reference, not borrowed: the caller
 * hands the reference on (fd_dup2_in) within this call. */
static struct file *fd_ref_in(struct fd_table *t, int fd)
{
	struct file *f;
	irqflags_t fl;

	if (fd < 0 || fd >= FD_MAX)
		return NULL;
	fl = spin_lock_irqsave(&t->lock);
	f = t->files[fd];
	if (f)
		file_get(f);
	spin_unlock_irqrestore(&t->lock, fl);
	return f;
}

struct file *fd_get_in(struct fd_table *t, int fd)
{
	struct file *f = fd_ref_in(t, fd);

	if (f)
		thread_current()->files_borrowed++;
	return f;
}

void fd_put(struct file *f)
{
	file_put(f);
	signal_hold_drop(&thread_current()->files_borrowed);
}

struct file *fd_get(int fd)
{
	return fd_get_in(current_table(), fd);
}

/* The last step of taking f out of a table: its reference, counted in
 * objs_in_hand under the table's lock, goes. */
static void put_in_hand(struct file *f)
{
	file_put(f);
	signal_hold_drop(&thread_current()->objs_in_hand);
}

int fd_close_in(struct fd_table *t, int fd)
{
	struct file *f;
	irqflags_t fl;

	if (fd < 0 || fd >= FD_MAX)
		return -EBADF;
	fl = spin_lock_irqsave(&t->lock);
	f = t->files[fd];
	t->files[fd] = NULL;
	t->cloexec &= ~(1ULL << fd);
	if (f)	/* out of the table: a kill before file_put() would lose it */
		thread_current()->objs_in_hand++;
	spin_unlock_irqrestore(&t->lock, fl);
	if (!f)
		return -EBADF;
	put_in_hand(f);
	return 0;
}

int fd_close(int fd)
{
	return fd_close_in(current_table(), fd);
}

int fd_dup2_in(struct fd_table *t, int oldfd, int newfd)
{
	struct file *f, *old;
	irqflags_t fl;

	if (newfd < 0 || newfd >= FD_MAX)
		return -EBADF;
	f = fd_ref_in(t, oldfd);
	if (!f)
		return -EBADF;
	if (oldfd == newfd) {
		file_put(f);
		return newfd;
	}
	fl = spin_lock_irqsave(&t->lock);
	old = t->files[newfd];
	t->files[newfd] = f;	/* the table keeps ref_in's reference */
	t->cloexec &= ~(1ULL << newfd);	/* dup2 clears FD_CLOEXEC */
	if (old)	/* as in fd_close_in() */
		thread_current()->objs_in_hand++;
	spin_unlock_irqrestore(&t->lock, fl);
	if (old)
		put_in_hand(old);
	return newfd;
}

int fd_dup2(int oldfd, int newfd)
{
	return fd_dup2_in(current_table(), oldfd, newfd);
}

int fd_set_cloexec(int fd, bool on)
{
	struct fd_table *t = current_table();
	irqflags_t fl;
	int r = 0;

	if (fd < 0 || fd >= FD_MAX)
		return -EBADF;
	fl = spin_lock_irqsave(&t->lock);
	if (!t->files[fd])
		r = -EBADF;
	else if (on)
		t->cloexec |= 1ULL << fd;
	else
		t->cloexec &= ~(1ULL << fd);
	spin_unlock_irqrestore(&t->lock, fl);
	return r;
}

int fd_get_cloexec(int fd)
{
	struct fd_table *t = current_table();
	irqflags_t fl;
	int r;

	if (fd < 0 || fd >= FD_MAX)
		return -EBADF;
	fl = spin_lock_irqsave(&t->lock);
	r = !t->files[fd] ? -EBADF : !!(t->cloexec & (1ULL << fd));
	spin_unlock_irqrestore(&t->lock, fl);
	return r;
}
