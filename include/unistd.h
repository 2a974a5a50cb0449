/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <unistd.h> on top of picolibc's: the POSIX options Vireo implements
 * (IEEE 1003.1-2017 2.1.6, "Options"; sysconf() in libc/sysconf.c
 * reports the same values), the one-user identity calls, and `environ`.
 *
 * Every task of the flat build shares one address space, so a single
 * `char **environ` variable cannot be each task's: here it names the
 * calling task's vector through task_environ().  A program that declares
 * `extern char **environ;` itself, after this header, redeclares that
 * function compatibly (the same trick as glibc's errno), and a program
 * that uses the symbol without the header fails to link instead of
 * reading another task's environment.
 */
#ifndef _VIREO_UNISTD_H
#define _VIREO_UNISTD_H
#pragma once

#include_next <unistd.h>

/* Host unit tests (tests/host) keep the host C library's environ and
 * options. */
#ifndef VIREO_HOST_TEST
#ifdef __cplusplus
extern "C" {
#endif

/* The calling task's environment vector (kernel/task.c). */
char ***task_environ(void);
#undef environ
#define environ (*task_environ())

/* getopt()'s variables, the calling task's (libc/getopt.c), named as
 * environ is; for applications only: kernel code keeps the plain names
 * (lwIP's statistics count an opterr), as does libc itself. */
#if !defined(VIREO_KERNEL_SOURCE) && !defined(VIREO_LIBC_SOURCE)
char **libc_optarg(void);
int *libc_optind(void);
int *libc_opterr(void);
int *libc_optopt(void);
#define optarg (*libc_optarg())
#define optind (*libc_optind())
#define opterr (*libc_opterr())
#define optopt (*libc_optopt())
#endif

#define _POSIX_BARRIERS			200809L
#define _POSIX_CLOCK_SELECTION		200809L
#define _POSIX_CPUTIME			200809L
#define _POSIX_MESSAGE_PASSING		200809L
#define _POSIX_MONOTONIC_CLOCK		200809L
#define _POSIX_PRIORITY_SCHEDULING	200809L
#define _POSIX_READER_WRITER_LOCKS	200809L
#define _POSIX_REALTIME_SIGNALS		200809L
#define _POSIX_SEMAPHORES		200809L
#define _POSIX_SPAWN			200809L
#define _POSIX_SPIN_LOCKS		200809L
#define _POSIX_THREAD_ATTR_STACKADDR	200809L
#define _POSIX_THREAD_ATTR_STACKSIZE	200809L
#define _POSIX_THREAD_CPUTIME		200809L
#define _POSIX_THREAD_PRIO_INHERIT	200809L
#define _POSIX_THREAD_PRIO_PROTECT	200809L
#define _POSIX_THREAD_PRIORITY_SCHEDULING 200809L
#define _POSIX_THREADS			200809L
#define _POSIX_TIMEOUTS			200809L
#define _POSIX_TIMERS			200809L

/* One user: every id is 0 (root), and no call can change it. */
uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);
int setuid(uid_t uid);
int seteuid(uid_t uid);
int setgid(gid_t gid);
int setegid(gid_t gid);

long pathconf(const char *path, int name);
long fpathconf(int fd, int name);

#ifdef __cplusplus
}
#endif
#endif /* VIREO_HOST_TEST */

#endif /* _VIREO_UNISTD_H */
