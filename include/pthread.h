/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * POSIX threads (IEEE 1003.1-2017 <pthread.h>) as Vireo provides them.
 * A pthread_t is the kernel thread id.  The synchronisation objects are
 * opaque storage for the kernel objects of kernel/mutex.c and
 * kernel/cond.c; all-zero storage is a valid, default-initialised object,
 * which is what the static initialisers below produce.  Every structure
 * carries a tag so that <signal.h> can name pthread_attr_t (struct
 * __pthread_attr) without including this header.
 */
#pragma once

#include <sched.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef _VIREO_PTHREAD_TYPES
#define _VIREO_PTHREAD_TYPES
typedef int pthread_t;
typedef unsigned int pthread_key_t;

typedef struct __pthread_attr {
	size_t stacksize;
	void *stackaddr;
	int detachstate;
	int inheritsched;
	int schedpolicy;
	int scope;
	struct sched_param schedparam;
	int initialized;
	unsigned long cpuset;	/* affinity; 0: the creator's */
	size_t guardsize;
} pthread_attr_t;

typedef struct __pthread_once {
	int state;		/* 0 not run, 1 running, 2 done */
	int waiters;
} pthread_once_t;

typedef struct __pthread_mutexattr {
	unsigned char type, protocol, robust, pshared;
	int prioceiling;
	int initialized;
} pthread_mutexattr_t;

typedef struct __pthread_mutex {
	void *__opaque[8];	/* struct kmutex, <vireo/mutex.h> */
} pthread_mutex_t;

typedef struct __pthread_condattr {
	int clock;
	int pshared;
	int initialized;
} pthread_condattr_t;

typedef struct __pthread_cond {
	void *__opaque[4];	/* struct kcond, <vireo/mutex.h> */
} pthread_cond_t;

typedef struct __pthread_rwlockattr {
	int pshared;
	int initialized;
} pthread_rwlockattr_t;

typedef struct __pthread_rwlock {
	pthread_mutex_t lock;	/* guards the fields below */
	pthread_cond_t readers_cv;
	pthread_cond_t writers_cv;
	int readers;		/* read locks held */
	int writers_waiting;
	pthread_t writer;	/* 0: no writer */
} pthread_rwlock_t;

typedef struct __pthread_barrierattr {
	int pshared;
	int initialized;
} pthread_barrierattr_t;

typedef struct __pthread_barrier {
	pthread_mutex_t lock;
	pthread_cond_t cv;
	unsigned int count;	/* threads per cycle */
	unsigned int arrived;
	unsigned long cycle;
} pthread_barrier_t;

typedef struct __pthread_spinlock {
	volatile int lock;
	pthread_t owner;
} pthread_spinlock_t;
#endif

#define PTHREAD_CREATE_JOINABLE 0
#define PTHREAD_CREATE_DETACHED 1

#define PTHREAD_INHERIT_SCHED 0
#define PTHREAD_EXPLICIT_SCHED 1

#define PTHREAD_SCOPE_SYSTEM 0
#define PTHREAD_SCOPE_PROCESS 1

#define PTHREAD_PROCESS_PRIVATE 0
#define PTHREAD_PROCESS_SHARED 1

#define PTHREAD_CANCEL_ENABLE 0
#define PTHREAD_CANCEL_DISABLE 1
#define PTHREAD_CANCEL_DEFERRED 0
#define PTHREAD_CANCEL_ASYNCHRONOUS 1
#define PTHREAD_CANCELED ((void *)-1)

#define PTHREAD_MUTEX_NORMAL 0
#define PTHREAD_MUTEX_ERRORCHECK 1
#define PTHREAD_MUTEX_RECURSIVE 2
#define PTHREAD_MUTEX_DEFAULT PTHREAD_MUTEX_NORMAL

#define PTHREAD_PRIO_NONE 0
#define PTHREAD_PRIO_INHERIT 1
#define PTHREAD_PRIO_PROTECT 2

#define PTHREAD_MUTEX_STALLED 0
#define PTHREAD_MUTEX_ROBUST 1

#define PTHREAD_BARRIER_SERIAL_THREAD (-1)

#define PTHREAD_KEYS_MAX 64
#define PTHREAD_DESTRUCTOR_ITERATIONS 4
/* Room for a handler frame, printf and the VFS path walk under an open. */
#define PTHREAD_STACK_MIN 16384

#define PTHREAD_ONCE_INIT { 0, 0 }
#define PTHREAD_MUTEX_INITIALIZER { { 0 } }
#define PTHREAD_COND_INITIALIZER { { 0 } }
#define PTHREAD_RWLOCK_INITIALIZER \
	{ PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, \
	  PTHREAD_COND_INITIALIZER, 0, 0, 0 }

/* Threads */
int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
		   void *(*start)(void *), void *arg);
int pthread_join(pthread_t thread, void **value);
int pthread_detach(pthread_t thread);
__attribute__((noreturn)) void pthread_exit(void *value);
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);
int pthread_once(pthread_once_t *once, void (*init)(void));
int pthread_setschedparam(pthread_t thread, int policy,
			  const struct sched_param *param);
int pthread_getschedparam(pthread_t thread, int *policy,
			  struct sched_param *param);
int pthread_setschedprio(pthread_t thread, int prio);
/* The CPU-time clock of a thread, for clock_gettime() (libc/time.c). */
int pthread_getcpuclockid(pthread_t thread, clockid_t *clock_id);
int pthread_setname_np(pthread_t thread, const char *name);
int pthread_getname_np(pthread_t thread, char *name, size_t len);
/* The attributes thread runs with: its stack (address and size), guard,
 * detach state and scheduling.  Destroy attr afterwards. */
int pthread_getattr_np(pthread_t thread, pthread_attr_t *attr);
/* Kept but never run: Vireo has no fork() (libc/process.c). */
int pthread_atfork(void (*prepare)(void), void (*parent)(void),
		   void (*child)(void));
int pthread_attr_setguardsize(pthread_attr_t *attr, size_t guardsize);
int pthread_attr_getguardsize(const pthread_attr_t *attr, size_t *guardsize);
int pthread_yield(void);

/* Cancellation */
int pthread_cancel(pthread_t thread);
int pthread_setcancelstate(int state, int *oldstate);
int pthread_setcanceltype(int type, int *oldtype);
void pthread_testcancel(void);

/*
 * Cleanup handlers: a push opens a block that the matching pop closes
 * (POSIX requires them to pair lexically).  The record lives in that
 * block on the stack and is linked into the thread's cleanup stack, which
 * pthread_exit and cancellation unwind.
 */
struct __pthread_cleanup {
	void (*routine)(void *);
	void *arg;
	struct __pthread_cleanup *next;
};
void __pthread_cleanup_push(struct __pthread_cleanup *c,
			    void (*routine)(void *), void *arg);
void __pthread_cleanup_pop(struct __pthread_cleanup *c, int execute);

#define pthread_cleanup_push(routine, arg) \
	do { \
		struct __pthread_cleanup __cleanup; \
		__pthread_cleanup_push(&__cleanup, (routine), (arg));
#define pthread_cleanup_pop(execute) \
		__pthread_cleanup_pop(&__cleanup, (execute)); \
	} while (0)

/* Thread attributes */
int pthread_attr_init(pthread_attr_t *attr);
/* CPU affinity (GNU extensions). */
int pthread_attr_setaffinity_np(pthread_attr_t *attr, size_t size,
				const cpu_set_t *set);
int pthread_attr_getaffinity_np(const pthread_attr_t *attr, size_t size,
				cpu_set_t *set);
int pthread_setaffinity_np(pthread_t thread, size_t size, const cpu_set_t *set);
int pthread_getaffinity_np(pthread_t thread, size_t size, cpu_set_t *set);
int pthread_attr_destroy(pthread_attr_t *attr);
int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size);
int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size);
int pthread_attr_setstack(pthread_attr_t *attr, void *addr, size_t size);
int pthread_attr_getstack(const pthread_attr_t *attr, void **addr,
			  size_t *size);
int pthread_attr_setdetachstate(pthread_attr_t *attr, int state);
int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state);
int pthread_attr_setinheritsched(pthread_attr_t *attr, int inherit);
int pthread_attr_getinheritsched(const pthread_attr_t *attr, int *inherit);
int pthread_attr_setschedpolicy(pthread_attr_t *attr, int policy);
int pthread_attr_getschedpolicy(const pthread_attr_t *attr, int *policy);
int pthread_attr_setschedparam(pthread_attr_t *attr,
			       const struct sched_param *param);
int pthread_attr_getschedparam(const pthread_attr_t *attr,
			       struct sched_param *param);
int pthread_attr_setscope(pthread_attr_t *attr, int scope);
int pthread_attr_getscope(const pthread_attr_t *attr, int *scope);

/* Thread-specific data */
int pthread_key_create(pthread_key_t *key, void (*destructor)(void *));
int pthread_key_delete(pthread_key_t key);
void *pthread_getspecific(pthread_key_t key);
int pthread_setspecific(pthread_key_t key, const void *value);

/* Mutexes */
int pthread_mutexattr_init(pthread_mutexattr_t *attr);
int pthread_mutexattr_destroy(pthread_mutexattr_t *attr);
int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type);
int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type);
int pthread_mutexattr_setprotocol(pthread_mutexattr_t *attr, int protocol);
int pthread_mutexattr_getprotocol(const pthread_mutexattr_t *attr,
				  int *protocol);
int pthread_mutexattr_setprioceiling(pthread_mutexattr_t *attr, int ceiling);
int pthread_mutexattr_getprioceiling(const pthread_mutexattr_t *attr,
				     int *ceiling);
int pthread_mutexattr_setrobust(pthread_mutexattr_t *attr, int robust);
int pthread_mutexattr_getrobust(const pthread_mutexattr_t *attr, int *robust);
int pthread_mutexattr_setpshared(pthread_mutexattr_t *attr, int pshared);
int pthread_mutexattr_getpshared(const pthread_mutexattr_t *attr,
				 int *pshared);

int pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr);
int pthread_mutex_destroy(pthread_mutex_t *mutex);
int pthread_mutex_lock(pthread_mutex_t *mutex);
int pthread_mutex_trylock(pthread_mutex_t *mutex);
int pthread_mutex_timedlock(pthread_mutex_t *mutex,
			    const struct timespec *abstime);
int pthread_mutex_clocklock(pthread_mutex_t *mutex, clockid_t clock,
			    const struct timespec *abstime);
int pthread_mutex_unlock(pthread_mutex_t *mutex);
int pthread_mutex_consistent(pthread_mutex_t *mutex);
int pthread_mutex_getprioceiling(const pthread_mutex_t *mutex, int *ceiling);
int pthread_mutex_setprioceiling(pthread_mutex_t *mutex, int ceiling,
				 int *old);

/* Condition variables */
int pthread_condattr_init(pthread_condattr_t *attr);
int pthread_condattr_destroy(pthread_condattr_t *attr);
int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clock);
int pthread_condattr_getclock(const pthread_condattr_t *attr,
			      clockid_t *clock);
int pthread_condattr_setpshared(pthread_condattr_t *attr, int pshared);
int pthread_condattr_getpshared(const pthread_condattr_t *attr, int *pshared);

int pthread_cond_init(pthread_cond_t *cond, const pthread_condattr_t *attr);
int pthread_cond_destroy(pthread_cond_t *cond);
int pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex);
int pthread_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex,
			   const struct timespec *abstime);
int pthread_cond_clockwait(pthread_cond_t *cond, pthread_mutex_t *mutex,
			   clockid_t clock, const struct timespec *abstime);
int pthread_cond_signal(pthread_cond_t *cond);
int pthread_cond_broadcast(pthread_cond_t *cond);

/* Reader-writer locks */
int pthread_rwlockattr_init(pthread_rwlockattr_t *attr);
int pthread_rwlockattr_destroy(pthread_rwlockattr_t *attr);
int pthread_rwlockattr_setpshared(pthread_rwlockattr_t *attr, int pshared);
int pthread_rwlockattr_getpshared(const pthread_rwlockattr_t *attr,
				  int *pshared);
int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr);
int pthread_rwlock_destroy(pthread_rwlock_t *rw);
int pthread_rwlock_rdlock(pthread_rwlock_t *rw);
int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw);
int pthread_rwlock_timedrdlock(pthread_rwlock_t *rw,
			       const struct timespec *abstime);
int pthread_rwlock_clockrdlock(pthread_rwlock_t *rw, clockid_t clock,
			       const struct timespec *abstime);
int pthread_rwlock_wrlock(pthread_rwlock_t *rw);
int pthread_rwlock_trywrlock(pthread_rwlock_t *rw);
int pthread_rwlock_timedwrlock(pthread_rwlock_t *rw,
			       const struct timespec *abstime);
int pthread_rwlock_clockwrlock(pthread_rwlock_t *rw, clockid_t clock,
			       const struct timespec *abstime);
int pthread_rwlock_unlock(pthread_rwlock_t *rw);

/* Barriers */
int pthread_barrierattr_init(pthread_barrierattr_t *attr);
int pthread_barrierattr_destroy(pthread_barrierattr_t *attr);
int pthread_barrierattr_setpshared(pthread_barrierattr_t *attr, int pshared);
int pthread_barrierattr_getpshared(const pthread_barrierattr_t *attr,
				   int *pshared);
int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr,
			 unsigned int count);
int pthread_barrier_destroy(pthread_barrier_t *b);
int pthread_barrier_wait(pthread_barrier_t *b);

/* Spin locks */
int pthread_spin_init(pthread_spinlock_t *s, int pshared);
int pthread_spin_destroy(pthread_spinlock_t *s);
int pthread_spin_lock(pthread_spinlock_t *s);
int pthread_spin_trylock(pthread_spinlock_t *s);
int pthread_spin_unlock(pthread_spinlock_t *s);

#ifdef __cplusplus
}
#endif
