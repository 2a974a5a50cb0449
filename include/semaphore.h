/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * POSIX semaphores (IEEE 1003.1-2017 <semaphore.h>).  A sem_t is the
 * storage of a kernel counting semaphore (struct ksem, kernel/sem.c);
 * sem_post() may be called from signal handlers and interrupt handlers.
 */
#pragma once

#include <fcntl.h>
#include <limits.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct __sem {
	void *__opaque[4];
} sem_t;

#define SEM_FAILED ((sem_t *)0)
#ifndef SEM_VALUE_MAX
#define SEM_VALUE_MAX INT_MAX
#endif

int sem_init(sem_t *sem, int pshared, unsigned int value);
int sem_destroy(sem_t *sem);
int sem_wait(sem_t *sem);
int sem_trywait(sem_t *sem);
int sem_timedwait(sem_t *sem, const struct timespec *abstime);
int sem_clockwait(sem_t *sem, clockid_t clock, const struct timespec *abstime);
int sem_post(sem_t *sem);
int sem_getvalue(sem_t *sem, int *value);

/* Named semaphores: names start with '/'; sem_open(name, oflag[, mode,
 * value]) with O_CREAT/O_EXCL. */
sem_t *sem_open(const char *name, int oflag, ...);
int sem_close(sem_t *sem);
int sem_unlink(const char *name);

#ifdef __cplusplus
}
#endif
