// SPDX-License-Identifier: BSD-2-Clause
/*
 * The threads of an EL0 process: the kernel's thread calls of
 * <vireo/thread.h> done in the process, for libc/pthread.c.  The kernel
 * runs each thread (thread_create, kernel/kmode/uthread.c); the process
 * maps its stack (map_stack(): the guard its attributes ask for) with
 * the descriptor and TLS block at the top (user_thread.h), and frees it:
 *
 * - joinable: the joiner, after the kernel's thread_join;
 * - detached: the thread itself, as its last act, in registers only
 *   (unmap_and_exit): nothing touches the stack once it is gone.
 *
 * A thread's state word settles the race between pthread_detach and the
 * thread's end: whoever moves it away from JOINABLE decides who unmaps.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <vireo/mutex.h>
#include <vireo/signal.h>
#include <generated/syscall_nr.h>
#include <generated/syscalls.h>
#include "user_thread.h"

#define USER_THREAD_STACK (64 * 1024)	/* pthread's default stack */

void _init_tls(void *tls);

static struct kmutex threads_lock = KMUTEX_INIT(threads_lock, false);
static struct uthread *threads;		/* under threads_lock */
static void (*exit_hook)(void);

static struct uthread *find_locked(int tid)
{
	struct uthread *t;

	for (t = threads; t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

static void unlink_locked(struct uthread *t)
{
	struct uthread **p;

	for (p = &threads; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			return;
		}
}

void uthread_init_main(struct uthread *main, void *tls_block)
{
	extern char __arm64_tls_tcb_offset[];
	struct uthread **tcb =
		(void *)((char *)tls_block - (uintptr_t)__arm64_tls_tcb_offset);

	*main = (struct uthread){ .state = UTHREAD_JOINABLE,
				  .cancel_state = PTHREAD_CANCEL_ENABLE,
				  .cancel_type = PTHREAD_CANCEL_DEFERRED };
	_init_tls(tls_block);
	*tcb = main;
	__asm__ volatile("msr tpidr_el0, %0" :: "r"(tcb));
	main->tid = (int)sys_gettid();
	strcpy(main->name, "main");
	threads = main;
}

size_t uthread_tls_size(void)
{
	extern char __tls_size[], __arm64_tls_tcb_offset[];

	return (size_t)__arm64_tls_tcb_offset + (size_t)__tls_size;
}

size_t uthread_tls_align(void)
{
	extern char __arm64_tls_tcb_offset[];

	return (size_t)__arm64_tls_tcb_offset;	/* >= the TLS alignment */
}

static __noreturn void uthread_entry(struct uthread *t)
{
	__atomic_store_n(&t->tid, (int)sys_gettid(), __ATOMIC_RELAXED);
	thread_exit_value(t->start(t->arg));
}

/*
 * A new thread's stack mapping of len bytes (the stack and the block
 * above it) with guard bytes under it that fault: MAP_STACK for the
 * usual page, a plain mapping for none, else a PROT_NONE reservation
 * whose top gets memory (*res: what stays reserved, the guard).
 */
static void *map_stack(size_t len, size_t guard, void **res)
{
	void *base;
	int e;

	*res = NULL;
	if (guard == THREAD_GUARD_SIZE || guard == 0)
		return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
			    MAP_ANONYMOUS | (guard ? MAP_STACK : 0), -1, 0);
	if (guard > SIZE_MAX - len) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	base = mmap(NULL, guard + len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (base == MAP_FAILED)
		return base;
	if (mprotect((char *)base + guard, len, PROT_READ | PROT_WRITE)) {
		e = errno;
		munmap(base, guard + len);
		errno = e;
		return MAP_FAILED;
	}
	*res = base;
	return (char *)base + guard;
}

/* What map_stack() mapped for a thread that is gone or never ran. */
static void unmap_stack(void *map, size_t len, void *guard, size_t guard_len)
{
	if (guard)
		munmap(guard, guard_len);
	munmap(map, len);
}

int thread_spawn(const struct thread_attr *attr, void *(*start)(void *),
		 void *arg)
{
	struct thread_attr a = attr ? *attr : (struct thread_attr){ 0 };
	size_t tls = uthread_tls_size(), top = ALIGN_UP(sizeof(struct uthread) +
							tls + 64, 4096);
	uintptr_t end, tp, sp;
	struct uthread *t;
	void *map = NULL, *guard = NULL;
	size_t guard_len = a.guard_size == THREAD_GUARD_NONE ? 0 :
			   a.guard_size ? a.guard_size : THREAD_GUARD_SIZE;
	long tid;

	if (a.stack_addr) {
		/* The caller's stack: the block takes its top. */
		if (a.stack_size < top + 4096)
			return -EINVAL;
		end = (uintptr_t)a.stack_addr + a.stack_size;
	} else {
		if (!a.stack_size)
			a.stack_size = USER_THREAD_STACK;
		if (!align_up_checked(a.stack_size, 4096, &a.stack_size) ||
		    !align_up_checked(guard_len, 4096, &guard_len) ||
		    a.stack_size > SIZE_MAX - top)
			return -EINVAL;
		map = map_stack(a.stack_size + top, guard_len, &guard);
		if (map == MAP_FAILED)
			return -errno;
		end = (uintptr_t)map + a.stack_size + top;
		a.stack_addr = map;
		a.guard_size = guard_len;
	}
	/* From the top: TLS block, TCB (tp), the descriptor, the stack (a
	 * mapped one starts under the block, all stack_size of it as
	 * pthread_getattr_np() reports it). */
	tp = ALIGN_DOWN(end - tls, uthread_tls_align());
	t = (struct uthread *)ALIGN_DOWN(tp - sizeof(*t), 16);
	sp = map ? end - top : (uintptr_t)t;
	*t = (struct uthread){ .state = a.detached ? UTHREAD_DETACHED
						   : UTHREAD_JOINABLE,
			       .map = map,
			       .map_len = map ? a.stack_size + top : 0,
			       .guard = guard,
			       .start = start, .arg = arg, .attr = a,
			       .cancel_state = PTHREAD_CANCEL_ENABLE,
			       .cancel_type = PTHREAD_CANCEL_DEFERRED };
	strcpy(t->name, uthread_self()->name);
	_init_tls((void *)(tp + uthread_tls_align()));
	*(struct uthread **)tp = t;

	kmutex_lock(&threads_lock);
	tid = sys_thread_create((uintptr_t)uthread_entry, (uintptr_t)t, sp,
				tp);
	if (tid > 0) {
		t->tid = (int)tid;
		t->next = threads;
		threads = t;
		/* Created detached: the kernel frees the thread as it ends. */
		if (a.detached)
			sys_thread_detach((int)tid);
		if (a.policy || a.prio)
			sys_sched_set((int)tid, a.policy, a.prio);
		if (a.affinity)
			sys_affinity_set((int)tid, a.affinity);
	}
	kmutex_unlock(&threads_lock);
	if (tid < 0 && map)
		unmap_stack(map, t->map_len, guard, guard_len);
	return (int)tid;
}

/* The last two calls of a detached thread, with its stack gone between
 * them: registers only. */
static __noreturn void unmap_and_exit(void *map, size_t len)
{
	register long x0 __asm__("x0") = (long)map;
	register long x1 __asm__("x1") = (long)len;

	__asm__ volatile("mov x8, %2\n\tsvc #0\n\t"
			 "mov x0, #0\n\tmov x8, %3\n\tsvc #0\n\tbrk #0"
			 :: "r"(x0), "r"(x1), "i"(SYS_munmap),
			    "i"(SYS_thread_exit) : "x8", "memory");
	__builtin_unreachable();
}

__noreturn void thread_exit_value(void *value)
{
	struct uthread *t = uthread_self();
	int joinable = UTHREAD_JOINABLE;

	if (exit_hook)
		exit_hook();
	kmutex_release_held(t->robust);
	t->robust = NULL;
	if (__atomic_compare_exchange_n(&t->state, &joinable, UTHREAD_EXITING,
					false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE) || !t->map) {
		sys_thread_exit((uintptr_t)value);	/* the joiner unmaps */
		__builtin_unreachable();
	}
	kmutex_lock(&threads_lock);
	unlink_locked(t);
	kmutex_unlock(&threads_lock);
	if (t->guard)	/* not the stack we are on */
		munmap(t->guard, t->attr.guard_size);
	unmap_and_exit(t->map, t->map_len);
}

int thread_join(int tid, void **value)
{
	struct uthread *t;
	void *map = NULL, *guard = NULL;
	size_t len = 0, guard_len = 0;
	uintptr_t v = 0;
	int r;

	kmutex_lock(&threads_lock);
	t = find_locked(tid);
	r = !t ? -ESRCH : t == uthread_self() ? -EDEADLK :
	    __atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == UTHREAD_DETACHED ?
	    -EINVAL : 0;
	kmutex_unlock(&threads_lock);
	if (r)
		return r;
	/* EINTR: a handler ran on the way out; the join goes on. */
	while ((r = (int)sys_thread_join(tid, &v)) == -EINTR)
		;
	if (r)
		return r;
	kmutex_lock(&threads_lock);
	if ((t = find_locked(tid))) {
		map = t->map;
		len = t->map_len;
		guard = t->guard;
		guard_len = t->attr.guard_size;
		unlink_locked(t);
	}
	kmutex_unlock(&threads_lock);
	if (map)
		unmap_stack(map, len, guard, guard_len);
	if (value)
		*value = (void *)v;
	return 0;
}

int thread_detach(int tid)
{
	int joinable = UTHREAD_JOINABLE;
	struct uthread *t;
	int r = 0;

	kmutex_lock(&threads_lock);
	t = find_locked(tid);
	if (!t)
		r = -ESRCH;
	else if (__atomic_compare_exchange_n(&t->state, &joinable,
					     UTHREAD_DETACHED, false,
					     __ATOMIC_ACQ_REL,
					     __ATOMIC_ACQUIRE))
		r = (int)sys_thread_detach(tid);	/* it unmaps itself */
	else if (joinable == UTHREAD_DETACHED)
		r = -EINVAL;
	else
		r = 1;		/* ending as joinable: reap it here */
	kmutex_unlock(&threads_lock);
	return r == 1 ? thread_join(tid, NULL) : r;
}

bool thread_exists(int tid)
{
	bool r;

	kmutex_lock(&threads_lock);
	r = find_locked(tid) != NULL;
	kmutex_unlock(&threads_lock);
	return r;
}

int thread_self_tid(void)
{
	return uthread_self()->tid;
}

int thread_get_attr(int tid, struct thread_attr *attr)
{
	struct uthread *t;
	int kpolicy = 0, prio = 0, r;

	r = (int)sys_sched_get(tid, &kpolicy, &prio);
	if (r)
		return r;
	kmutex_lock(&threads_lock);
	t = find_locked(tid);
	if (t) {
		*attr = t->attr;
		attr->detached = __atomic_load_n(&t->state, __ATOMIC_RELAXED) ==
				 UTHREAD_DETACHED;
		attr->policy = kpolicy;
		attr->prio = prio;
	}
	kmutex_unlock(&threads_lock);
	return t ? 0 : -ESRCH;
}

/* Names live in the process: the kernel's ps shows the program's. */
int thread_set_name(int tid, const char *name)
{
	struct uthread *t;

	if (strlen(name) >= THREAD_NAME_MAX)
		return -ERANGE;
	kmutex_lock(&threads_lock);
	t = find_locked(tid);
	if (t)
		strcpy(t->name, name);
	kmutex_unlock(&threads_lock);
	return t ? 0 : -ESRCH;
}

int thread_get_name(int tid, char *buf, size_t len)
{
	struct uthread *t;
	int r = -ESRCH;

	kmutex_lock(&threads_lock);
	t = find_locked(tid);
	if (t)
		r = strlen(t->name) < len ? (strcpy(buf, t->name), 0) : -ERANGE;
	kmutex_unlock(&threads_lock);
	return r;
}

void thread_set_exit_hook(void (*hook)(void))
{
	exit_hook = hook;
}

void **thread_libc_data(void)
{
	return &uthread_self()->libc_data;
}

void thread_yield(void)
{
	sys_sched_yield();
}

/*
 * Deferred cancellation: a mark that cancellation points act on, and the
 * kernel's, which ends the target's wait at a cancellation point with
 * -ECANCELED (the wrapper then calls thread_testcancel()).  The kernel
 * holds the enabled state too, so that it never wakes a thread that has
 * cancellation disabled.
 *
 * Asynchronous cancellation: SIGCANCEL too, whose handler acts on the
 * mark wherever the thread is (running at EL0, or in a call the signal
 * interrupts).  A thread that turns asynchronous with the mark set, or
 * enables cancellation while asynchronous, acts on it there.
 */
int thread_cancel(int tid)
{
	struct uthread *t;
	bool async = false;
	int r;

	kmutex_lock(&threads_lock);
	t = find_locked(tid);
	if (t) {
		__atomic_store_n(&t->cancel_pending, true, __ATOMIC_RELEASE);
		async = __atomic_load_n(&t->cancel_type, __ATOMIC_ACQUIRE) ==
			PTHREAD_CANCEL_ASYNCHRONOUS;
	}
	kmutex_unlock(&threads_lock);
	if (!t)
		return -ESRCH;
	r = (int)sys_thread_cancel(tid);
	if (!r && async)
		r = (int)sys_tkill(tid, SIGCANCEL);
	return r;
}

static void on_sigcancel(int sig)
{
	if (uthread_self()->cancel_type == PTHREAD_CANCEL_ASYNCHRONOUS)
		thread_testcancel();
}

/* The process's SIGCANCEL handler, installed when a thread first turns
 * asynchronous (libc's sigaction() refuses the signal). */
static int install_sigcancel(void)
{
	extern void __sigrestorer(void);
	static bool installed;
	struct sigaction a = { .sa_handler = on_sigcancel,
			       .sa_restorer = __sigrestorer };
	int r = 0;

	if (!__atomic_load_n(&installed, __ATOMIC_ACQUIRE)) {
		r = (int)sys_sigaction(SIGCANCEL, &a, NULL);
		__atomic_store_n(&installed, !r, __ATOMIC_RELEASE);
	}
	return r;
}

int thread_set_cancel_state(int state, int *old)
{
	struct uthread *t = uthread_self();
	int r;

	if ((r = (int)sys_cancel_state(state, NULL)))
		return r;	/* -EINVAL: the same values as the kernel's */
	if (old)
		*old = t->cancel_state;
	t->cancel_state = state;
	if (t->cancel_type == PTHREAD_CANCEL_ASYNCHRONOUS)
		thread_testcancel();
	return 0;
}

int thread_set_cancel_type(int type, int *old)
{
	struct uthread *t = uthread_self();
	int r;

	if (type != PTHREAD_CANCEL_DEFERRED &&
	    type != PTHREAD_CANCEL_ASYNCHRONOUS)
		return -EINVAL;
	if (type == PTHREAD_CANCEL_ASYNCHRONOUS && (r = install_sigcancel()))
		return r;
	if (old)
		*old = t->cancel_type;
	__atomic_store_n(&t->cancel_type, type, __ATOMIC_RELEASE);
	if (type == PTHREAD_CANCEL_ASYNCHRONOUS)
		thread_testcancel();
	return 0;
}

void thread_testcancel(void)
{
	struct uthread *t = uthread_self();

	if (t->cancel_state == PTHREAD_CANCEL_ENABLE &&
	    __atomic_load_n(&t->cancel_pending, __ATOMIC_ACQUIRE)) {
		/* Cleanup handlers and destructors wait undisturbed. */
		t->cancel_state = PTHREAD_CANCEL_DISABLE;
		sys_cancel_state(PTHREAD_CANCEL_DISABLE, NULL);
		thread_exit_value(PTHREAD_CANCELED);
	}
}

void uthread_robust_push(struct kmutex *m)
{
	struct uthread *t = uthread_self();

	m->next_held = t->robust;
	t->robust = m;
}

void uthread_robust_remove(struct kmutex *m)
{
	struct kmutex **p;

	for (p = &uthread_self()->robust; *p; p = &(*p)->next_held)
		if (*p == m) {
			*p = m->next_held;
			return;
		}
}
