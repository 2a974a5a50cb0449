// SPDX-License-Identifier: BSD-2-Clause
/*
 * Thread attribute objects (pthread_attr_*): plain records that
 * pthread_create() turns into a struct thread_attr for the kernel.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <vireo/thread.h>
#include "pthread_priv.h"

int pthread_attr_init(pthread_attr_t *a)
{
	memset(a, 0, sizeof(*a));
	a->stacksize = CONFIG_DEFAULT_STACKSIZE;
	a->detachstate = PTHREAD_CREATE_JOINABLE;
	a->inheritsched = PTHREAD_INHERIT_SCHED;
	a->schedpolicy = SCHED_FIFO;
	a->schedparam.sched_priority = SCHED_PRIO_DEFAULT;
	a->scope = PTHREAD_SCOPE_SYSTEM;
	a->guardsize = THREAD_GUARD_SIZE;
	a->initialized = 1;
	return 0;
}

int pthread_attr_destroy(pthread_attr_t *a)
{
	if (!a->initialized)
		return EINVAL;
	a->initialized = 0;
	return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *a, size_t size)
{
	if (size < PTHREAD_STACK_MIN)
		return EINVAL;
	a->stacksize = size;
	return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *a, size_t *size)
{
	*size = a->stacksize;
	return 0;
}

int pthread_attr_setstack(pthread_attr_t *a, void *addr, size_t size)
{
	/* Any alignment: thread creation aligns the stack within it. */
	if (size < PTHREAD_STACK_MIN || !addr)
		return EINVAL;
	a->stackaddr = addr;
	a->stacksize = size;
	return 0;
}

int pthread_attr_getstack(const pthread_attr_t *a, void **addr, size_t *size)
{
	*addr = a->stackaddr;
	*size = a->stacksize;
	return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *a, int state)
{
	if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED)
		return EINVAL;
	a->detachstate = state;
	return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *a, int *state)
{
	*state = a->detachstate;
	return 0;
}

int pthread_attr_setinheritsched(pthread_attr_t *a, int inherit)
{
	if (inherit != PTHREAD_INHERIT_SCHED && inherit != PTHREAD_EXPLICIT_SCHED)
		return EINVAL;
	a->inheritsched = inherit;
	return 0;
}

int pthread_attr_getinheritsched(const pthread_attr_t *a, int *inherit)
{
	*inherit = a->inheritsched;
	return 0;
}

int pthread_attr_setschedpolicy(pthread_attr_t *a, int policy)
{
	int kpolicy;

	/* EINVAL: not a policy at all (ENOTSUP would say a valid policy
	 * that is not supported). */
	if (sched_policy_to_kernel(policy, &kpolicy))
		return EINVAL;
	a->schedpolicy = policy;
	return 0;
}

int pthread_attr_getschedpolicy(const pthread_attr_t *a, int *policy)
{
	*policy = a->schedpolicy;
	return 0;
}

int pthread_attr_setschedparam(pthread_attr_t *a, const struct sched_param *p)
{
	if (!sched_prio_valid(a->schedpolicy, p->sched_priority))
		return EINVAL;
	a->schedparam = *p;
	return 0;
}

int pthread_attr_getschedparam(const pthread_attr_t *a, struct sched_param *p)
{
	*p = a->schedparam;
	return 0;
}

/* Every thread competes system-wide: there is one scheduler. */
int pthread_attr_setscope(pthread_attr_t *a, int scope)
{
	if (scope == PTHREAD_SCOPE_PROCESS)
		return ENOTSUP;
	if (scope != PTHREAD_SCOPE_SYSTEM)
		return EINVAL;
	a->scope = scope;
	return 0;
}

int pthread_attr_getscope(const pthread_attr_t *a, int *scope)
{
	*scope = a->scope;
	return 0;
}

/* The guard below the stack pthread_create() allocates: rounded up to
 * whole pages there, reported here as set (POSIX); 0 for none. */
int pthread_attr_setguardsize(pthread_attr_t *a, size_t size)
{
	if (!a->initialized)
		return EINVAL;
	a->guardsize = size;
	return 0;
}

int pthread_attr_getguardsize(const pthread_attr_t *a, size_t *size)
{
	if (!a->initialized)
		return EINVAL;
	*size = a->guardsize;
	return 0;
}

int pthread_getattr_np(pthread_t thread, pthread_attr_t *a)
{
	struct thread_attr ta;
	int r = thread_get_attr(thread, &ta);

	if (r)
		return -r;
	pthread_attr_init(a);
	a->stackaddr = ta.stack_addr;
	a->stacksize = ta.stack_size;
	a->guardsize = ta.guard_size;
	a->detachstate = ta.detached ? PTHREAD_CREATE_DETACHED
				     : PTHREAD_CREATE_JOINABLE;
	sched_from_kernel(ta.policy, ta.prio, &a->schedpolicy,
			  &a->schedparam.sched_priority);
	a->inheritsched = PTHREAD_EXPLICIT_SCHED;
	return 0;
}
