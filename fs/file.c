// SPDX-License-Identifier: BSD-2-Clause
/*
 * Open files and the descriptor table.  fd_lock (IRQ-safe, held for a few
 * loads and stores) protects the table slots; a file's own state is its
 * driver's business.  Taking a reference under fd_lock before the lock is
 * dropped is what lets close() race with read() safely: the last
 * file_put() releases the file, whoever does it.
 */
#include <errno.h>
#include <stdlib.h>
#include <vireo/file.h>
#include <vireo/spinlock.h>

#define FD_MAX 64

static struct file *fd_table[FD_MAX];
static spinlock_t fd_lock = SPINLOCK_INIT;

struct file *file_new(const struct file_ops *ops, void *priv, int flags)
{
	struct file *f = calloc(1, sizeof(*f));

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
	free(f);
}

int fd_install(struct file *f, int min)
{
	irqflags_t fl = spin_lock_irqsave(&fd_lock);
	int fd;

	for (fd = min < 0 ? 0 : min; fd < FD_MAX; fd++) {
		if (!fd_table[fd]) {
			fd_table[fd] = f;
			break;
		}
	}
	spin_unlock_irqrestore(&fd_lock, fl);
	return fd < FD_MAX ? fd : -EMFILE;
}

struct file *fd_get(int fd)
{
	struct file *f = NULL;
	irqflags_t fl;

	if (fd < 0 || fd >= FD_MAX)
		return NULL;
	fl = spin_lock_irqsave(&fd_lock);
	f = fd_table[fd];
	if (f)
		file_get(f);
	spin_unlock_irqrestore(&fd_lock, fl);
	return f;
}

int fd_close(int fd)
{
	struct file *f = NULL;
	irqflags_t fl;

	if (fd < 0 || fd >= FD_MAX)
		return -EBADF;
	fl = spin_lock_irqsave(&fd_lock);
	f = fd_table[fd];
	fd_table[fd] = NULL;
	spin_unlock_irqrestore(&fd_lock, fl);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

int fd_dup2(int oldfd, int newfd)
{
	struct file *f, *old;
	irqflags_t fl;

	if (newfd < 0 || newfd >= FD_MAX)
		return -EBADF;
	f = fd_get(oldfd);
	if (!f)
		return -EBADF;
	if (oldfd == newfd) {
		file_put(f);
		return newfd;
	}
	fl = spin_lock_irqsave(&fd_lock);
	old = fd_table[newfd];
	fd_table[newfd] = f;	/* the table keeps fd_get's reference */
	spin_unlock_irqrestore(&fd_lock, fl);
	if (old)
		file_put(old);
	return newfd;
}
