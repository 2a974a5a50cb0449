// SPDX-License-Identifier: BSD-2-Clause
/*
 * POSIX semaphores over kernel semaphores (kernel/sem.c).  sem_wait and
 * its timed forms are cancellation points and fail with EINTR when a
 * signal handler runs (POSIX gives no restart for them).
 *
 * Named semaphores live on one list guarded by names_lock.  Each open
 * counts a reference and returns the same address for the same name;
 * sem_unlink() takes the name off at once (a new sem_open with O_CREAT
 * makes a new semaphore) and the memory goes with the last sem_close().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <semaphore.h>
#include <vireo/libc.h>
#include <vireo/list.h>
#include <vireo/mm.h>
#include <vireo/mutex.h>
#include <vireo/sem.h>
#include <vireo/signal.h>
#include <vireo/thread.h>
#include "pthread_priv.h"

_Static_assert(sizeof(sem_t) >= sizeof(struct ksem), "sem_t too small");

#define SEM_NAME_MAX 64

static struct ksem *ks(sem_t *s)
{
	return (struct ksem *)s;
}

int sem_init(sem_t *sem, int pshared, unsigned int value)
{
	if (value > SEM_VALUE_MAX)
		return libc_error(EINVAL);
	ksem_init(ks(sem), (int)value);
	return 0;
}

int sem_destroy(sem_t *sem)
{
	if (ksem_has_waiters(ks(sem)))
		return libc_error(EBUSY);
	return 0;
}

static int wait_until(sem_t *sem, uint64_t deadline)
{
	int r;

	/* POSIX: a handler ends the wait with EINTR whatever SA_RESTART
	 * says; a wake-up no handler took (an ignored signal, one another
	 * thread took) is no interruption. */
	for (;;) {
		r = ksem_wait_intr(ks(sem), deadline);
		if (r == -ECANCELED)
			thread_testcancel();	/* returns if now disabled */
		else if (r != -EINTR || signal_deliver() != SIGNAL_NONE_RAN)
			break;
	}
	return r ? libc_error(-r) : 0;
}

int sem_wait(sem_t *sem)
{
	if (ksem_trywait(ks(sem)) == 0)
		return 0;	/* a unit: no lock, no wait */
	return wait_until(sem, WAIT_FOREVER);
}

int sem_trywait(sem_t *sem)
{
	int r = ksem_trywait(ks(sem));

	return r ? libc_error(-r) : 0;
}

/* POSIX: abstime is not checked when the semaphore can be taken now. */
int sem_clockwait(sem_t *sem, clockid_t clock, const struct timespec *abstime)
{
	uint64_t deadline;
	int r;

	if (ksem_trywait(ks(sem)) == 0)
		return 0;
	r = pthread_deadline(clock, abstime, &deadline);
	if (r)
		return libc_error(r);
	return wait_until(sem, deadline);
}

int sem_timedwait(sem_t *sem, const struct timespec *abstime)
{
	return sem_clockwait(sem, CLOCK_REALTIME, abstime);
}

int sem_post(sem_t *sem)
{
	int r = ksem_post(ks(sem));

	return r ? libc_error(-r) : 0;
}

/* With threads waiting the count is 0, which POSIX allows. */
int sem_getvalue(sem_t *sem, int *value)
{
	*value = ksem_value(ks(sem));
	return 0;
}

struct named_sem {
	sem_t sem;			/* first: sem_close() gets its address */
	struct list_node node;		/* on named_sems */
	unsigned int refs;		/* opens not yet closed */
	bool unlinked;
	char name[SEM_NAME_MAX];
};

static struct kmutex names_lock = KMUTEX_INIT(names_lock, false);
static struct list_node named_sems = LIST_INIT(named_sems);

static struct named_sem *find_locked(const char *name)
{
	struct list_node *n;

	list_for_each(n, &named_sems) {
		struct named_sem *ns = list_entry(n, struct named_sem, node);
		if (!ns->unlinked && strcmp(ns->name, name) == 0)
			return ns;
	}
	return NULL;
}

static int check_name(const char *name)
{
	if (name[0] != '/' || name[1] == '\0' || strchr(name + 1, '/'))
		return EINVAL;
	return strlen(name) >= SEM_NAME_MAX ? ENAMETOOLONG : 0;
}

static struct named_sem *create_locked(const char *name, unsigned int value,
				       int *err)
{
	struct named_sem *ns;

	if (value > SEM_VALUE_MAX) {
		*err = EINVAL;
		return NULL;
	}
	ns = kcalloc(1, sizeof(*ns));
	if (!ns) {
		*err = ENOSPC;
		return NULL;
	}
	ksem_init(ks(&ns->sem), (int)value);
	strcpy(ns->name, name);
	list_add_tail(&named_sems, &ns->node);
	return ns;
}

sem_t *sem_open(const char *name, int oflag, ...)
{
	unsigned int value = 0;
	struct named_sem *ns;
	int err = check_name(name);

	if (err) {
		errno = err;
		return SEM_FAILED;
	}
	if (oflag & O_CREAT) {
		va_list ap;
		va_start(ap, oflag);
		(void)va_arg(ap, int);		/* mode: no permissions here */
		value = va_arg(ap, unsigned int);
		va_end(ap);
	}
	kmutex_lock(&names_lock);
	ns = find_locked(name);
	if (ns && (oflag & O_CREAT) && (oflag & O_EXCL))
		err = EEXIST;
	else if (!ns && !(oflag & O_CREAT))
		err = ENOENT;
	else if (!ns)
		ns = create_locked(name, value, &err);
	if (!err)
		ns->refs++;
	kmutex_unlock(&names_lock);
	if (err) {
		errno = err;
		return SEM_FAILED;
	}
	return &ns->sem;
}

static void put_locked(struct named_sem *ns)
{
	if (--ns->refs == 0 && ns->unlinked) {
		list_del(&ns->node);
		free(ns);
	}
}

int sem_close(sem_t *sem)
{
	struct list_node *n;
	bool found = false;

	kmutex_lock(&names_lock);
	list_for_each(n, &named_sems) {
		struct named_sem *ns = list_entry(n, struct named_sem, node);
		if (&ns->sem == sem && ns->refs > 0) {
			put_locked(ns);
			found = true;
			break;
		}
	}
	kmutex_unlock(&names_lock);
	return found ? 0 : libc_error(EINVAL);
}

int sem_unlink(const char *name)
{
	struct named_sem *ns;
	int err = check_name(name);

	if (err)
		return libc_error(err);
	kmutex_lock(&names_lock);
	ns = find_locked(name);
	if (ns) {
		ns->unlinked = true;
		ns->refs++;	/* put_locked() frees it if nobody has it open */
		put_locked(ns);
	}
	kmutex_unlock(&names_lock);
	return ns ? 0 : libc_error(ENOENT);
}
