// SPDX-License-Identifier: BSD-2-Clause
/*
 * POSIX threads over the kernel's thread calls: creation from attributes,
 * join/detach/exit, once, scheduling, names, cancellation and cleanup
 * handlers.  Per-thread libc state hangs off struct thread's libc_data
 * and is unwound by the exit hook installed here, which runs in the
 * exiting thread (pthread_exit, return from the start routine,
 * cancellation): cleanup handlers, then TSD destructors, then robust
 * mutexes are passed on.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/clock.h>
#include <vireo/mutex.h>
#include <vireo/signal.h>
#include <vireo/thread.h>
#include <generated/syscalls.h>
#include "pthread_priv.h"
#include <vireo/timespec.h>

static void exit_hook(void)
{
	void **slot = thread_libc_data();
	struct pthread_data *pd = *slot;
	struct __pthread_cleanup *c;

	if (pd) {
		while ((c = pd->cleanup)) {
			pd->cleanup = c->next;
			c->routine(c->arg);
		}
		pthread_tsd_run_destructors(pd);
		*slot = NULL;
		free(pd);
	}
	/* Then thread_die() gives up the mutexes it still owns. */
}

void pthread_exit_hook_install(void)
{
	static bool installed;

	/* Idempotent, so a racing second install is harmless. */
	if (!READ_ONCE(installed)) {
		thread_set_exit_hook(exit_hook);
		WRITE_ONCE(installed, true);
	}
}

void pthread_deliver_unlocked(struct kmutex *m)
{
	kmutex_unlock(m);
	signal_deliver();
	kmutex_lock(m);
}

struct pthread_data *pthread_data_get(void)
{
	void **slot = thread_libc_data();

	pthread_exit_hook_install();
	if (!*slot)
		*slot = calloc(1, sizeof(struct pthread_data));
	return *slot;
}

int pthread_deadline(clockid_t clock, const struct timespec *ts,
		     uint64_t *deadline_ns)
{
	return -clock_deadline_ns(clock, ts, deadline_ns);
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
		   void *(*start)(void *), void *arg)
{
	struct thread_attr ta = { 0 };
	int r;

	if (attr) {
		if (!attr->initialized)
			return EINVAL;
		ta.stack_size = attr->stacksize;
		ta.stack_addr = attr->stackaddr;
		ta.guard_size = thread_guard_of(attr->guardsize);
		ta.detached = attr->detachstate == PTHREAD_CREATE_DETACHED;
		ta.affinity = (uint32_t)attr->cpuset;
		if (attr->inheritsched == PTHREAD_EXPLICIT_SCHED) {
			r = sched_policy_to_kernel(attr->schedpolicy, &ta.policy);
			if (r)
				return r;
			ta.prio = attr->schedparam.sched_priority;
		}
	}
	pthread_exit_hook_install();
	r = thread_spawn(&ta, start, arg);
	if (r == -ENOMEM)
		return EAGAIN;	/* POSIX: lack of resources */
	if (r < 0)
		return -r;
	*thread = r;
	return 0;
}

int pthread_join(pthread_t thread, void **value)
{
	int r;

	if (!thread_exists(thread))
		return ESRCH;	/* POSIX: no such thread (not EINVAL) */
	while ((r = thread_join(thread, value)) == -ECANCELED)
		thread_testcancel();	/* returns only if cancellation got disabled */
	return -r;
}

int pthread_detach(pthread_t thread)
{
	if (!thread_exists(thread))
		return ESRCH;
	return -thread_detach(thread);
}

void pthread_exit(void *value)
{
	thread_exit_value(value);
}

pthread_t pthread_self(void)
{
	return thread_self_tid();
}

int pthread_equal(pthread_t a, pthread_t b)
{
	return a == b;
}

int pthread_yield(void)
{
	sys_sched_yield();
	return 0;
}

/* pthread_once: state and waiters are guarded by once_lock; a cancelled
 * initialiser resets the state so that another caller runs it. */
static struct kmutex once_lock = KMUTEX_INIT(once_lock, false);
static struct kcond once_done;

static void once_cancelled(void *arg)
{
	pthread_once_t *once = arg;

	kmutex_lock(&once_lock);
	once->state = 0;
	kcond_broadcast(&once_done);
	kmutex_unlock(&once_lock);
}

int pthread_once(pthread_once_t *once, void (*init)(void))
{
	if (READ_ONCE(once->state) == 2)
		return 0;
	kmutex_lock(&once_lock);
	/* Not a cancellation point, but a kill must end the wait: a killed
	 * initialiser dies without its cleanup handler, so the state stays
	 * 1 and an uninterruptible waiter would keep its task alive for
	 * good (Ctrl-C during ostest's thread.once hung the shell). */
	while (once->state == 1) {
		if (kcond_wait(&once_done, &once_lock, WAIT_FOREVER,
			       WAIT_SIGNALS) == -EINTR)
			pthread_deliver_unlocked(&once_lock);
	}
	if (once->state == 0) {
		once->state = 1;
		kmutex_unlock(&once_lock);
		pthread_cleanup_push(once_cancelled, once);
		init();
		pthread_cleanup_pop(0);
		kmutex_lock(&once_lock);
		once->state = 2;
		kcond_broadcast(&once_done);
	}
	kmutex_unlock(&once_lock);
	return 0;
}

int pthread_setschedparam(pthread_t thread, int policy,
			  const struct sched_param *param)
{
	int kpolicy, r = sched_policy_to_kernel(policy, &kpolicy);

	if (r)
		return r;
	if (!sched_prio_valid(policy, param->sched_priority))
		return EINVAL;
	if (thread <= 0)	/* the kernel's 0 is the caller: no thread here */
		return ESRCH;
	return -(int)sys_sched_set(thread, kpolicy, param->sched_priority);
}

int pthread_getschedparam(pthread_t thread, int *policy,
			  struct sched_param *param)
{
	int kpolicy, prio, r;

	if (thread <= 0)
		return ESRCH;
	r = (int)sys_sched_get(thread, &kpolicy, &prio);
	if (r)
		return -r;
	memset(param, 0, sizeof(*param));
	sched_from_kernel(kpolicy, prio, policy, &param->sched_priority);
	return 0;
}

int pthread_setschedprio(pthread_t thread, int prio)
{
	int kpolicy, policy, old, r;

	if (thread <= 0)
		return ESRCH;
	r = (int)sys_sched_get(thread, &kpolicy, &old);
	if (r)
		return -r;
	sched_from_kernel(kpolicy, old, &policy, &old);
	if (!sched_prio_valid(policy, prio))
		return EINVAL;
	return -(int)sys_sched_set(thread, kpolicy, prio);
}

int pthread_setname_np(pthread_t thread, const char *name)
{
	if (strlen(name) >= THREAD_NAME_MAX)
		return ERANGE;
	return -thread_set_name(thread, name);
}

int pthread_getname_np(pthread_t thread, char *name, size_t len)
{
	return -thread_get_name(thread, name, len);
}

int pthread_cancel(pthread_t thread)
{
	return -thread_cancel(thread);
}

int pthread_setcancelstate(int state, int *old)
{
	return -thread_set_cancel_state(state, old);
}

int pthread_setcanceltype(int type, int *old)
{
	return -thread_set_cancel_type(type, old);
}

void pthread_testcancel(void)
{
	thread_testcancel();
}

void __pthread_cleanup_push(struct __pthread_cleanup *c,
			    void (*routine)(void *), void *arg)
{
	struct pthread_data *pd = pthread_data_get();

	c->routine = routine;
	c->arg = arg;
	c->next = NULL;
	if (pd) {	/* without memory the handler cannot be registered */
		c->next = pd->cleanup;
		pd->cleanup = c;
	}
}

void __pthread_cleanup_pop(struct __pthread_cleanup *c, int execute)
{
	struct pthread_data *pd = *thread_libc_data();

	if (pd && pd->cleanup == c)
		pd->cleanup = c->next;
	if (execute)
		c->routine(c->arg);
}
