// SPDX-License-Identifier: BSD-2-Clause
/*
 * picolibc's retargetable locks (<sys/lock.h>) as Vireo kernel mutexes.
 * picolibc takes them around stdio streams and its own global state;
 * every one may be taken recursively by its owner, which is what the
 * recursive flavour needs and is harmless for the plain one.  Thread
 * context only: stdio is not for interrupt handlers.
 */
#include <stdlib.h>
#include <sys/lock.h>
#include <vireo/mutex.h>
#include <vireo/panic.h>
#include <vireo/thread.h>

struct __lock {
	struct kmutex m;
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
void __retarget_lock_acquire(_LOCK_T lock)
{
	if (lock)
		kmutex_lock(&lock->m);
}

void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
	__retarget_lock_acquire(lock);
}

int __retarget_lock_try_acquire(_LOCK_T lock)
{
	return lock ? kmutex_trylock(&lock->m) == 0 : 1;
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
	return __retarget_lock_try_acquire(lock);
}

void __retarget_lock_release(_LOCK_T lock)
{
	if (lock)
		kmutex_unlock(&lock->m);
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
	__retarget_lock_release(lock);
}
