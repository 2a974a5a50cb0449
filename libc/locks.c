// SPDX-License-Identifier: BSD-2-Clause
/*
 * picolibc's retargetable locks (<sys/lock.h>) as Vireo kernel mutexes.
 * picolibc takes them around stdio streams and its own global state;
 * every one may be taken recursively by its owner, which is what the
 * recursive flavour needs and is harmless for the plain one.  Thread
 * context only: stdio is not for interrupt handlers.
 *
 * A buffered stream takes its lock for every character it stores, and
 * libc/stdio.c holds it across a whole printf: the owner's re-entry is
 * therefore counted here (depth) without the kernel mutex's slow path.
 * Only the owner can find itself as the mutex's owner, so that unlocked
 * read is safe (and an internal mutex is never left by a dying thread:
 * threads die outside them).
 */
#include <stdlib.h>
#include <sys/lock.h>
#include <vireo/mutex.h>

struct __lock {
	struct kmutex m;
	unsigned int depth;	/* the owner's acquisitions */
};

/* The statically allocated locks picolibc refers to by name. */
struct __lock __lock___libc_recursive_mutex = {
	KMUTEX_INIT(__lock___libc_recursive_mutex.m, true)
};

void __retarget_lock_init(_LOCK_T *lock)
{
	struct __lock *l = malloc(sizeof(*l));

	if (l)
		kmutex_init(&l->m, true);
	*lock = l;
}

void __retarget_lock_init_recursive(_LOCK_T *lock)
{
	__retarget_lock_init(lock);
}

void __retarget_lock_close(_LOCK_T lock)
{
	free(lock);
}

void __retarget_lock_close_recursive(_LOCK_T lock)
{
	free(lock);
}

/* A NULL lock is one whose creation failed for lack of memory: the
 * stream then works unlocked rather than not at all. */
/* Whether the caller already holds lock: then it is taken once more. */
static bool reenter(_LOCK_T lock)
{
	if (!kmutex_held(&lock->m))
		return false;
	lock->depth++;
	return true;
}

void __retarget_lock_acquire(_LOCK_T lock)
{
	if (lock && !reenter(lock)) {
		kmutex_lock(&lock->m);
		lock->depth = 1;
	}
}

void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
	__retarget_lock_acquire(lock);
}

int __retarget_lock_try_acquire(_LOCK_T lock)
{
	if (!lock || reenter(lock))
		return 1;
	if (kmutex_trylock(&lock->m))
		return 0;
	lock->depth = 1;
	return 1;
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
	return __retarget_lock_try_acquire(lock);
}

void __retarget_lock_release(_LOCK_T lock)
{
	if (lock && --lock->depth == 0)
		kmutex_unlock(&lock->m);
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
	__retarget_lock_release(lock);
}
