/* SPDX-License-Identifier: BSD-2-Clause */
/* What the kernel calls in the system layer under picolibc (libc/). */
#pragma once

/* The last thread of a task ends (kernel/task.c, task_finish()): frees
 * libc's state of the task (its task_libc_slot()): streams (what they
 * still buffer is dropped, as by _exit()), keys, getopt's place. */
void libc_task_end(void *block);

/* The POSIX boundary: a -errno result becomes -1 with errno set (a
 * -ECANCELED one ends the thread if cancellation is pending); other
 * results pass through. */
long libc_result(long r);
/* A failure the library finds itself: errno = err, and -1. */
int libc_error(int err);
/* The same for a call that returns an address (mmap, sbrk): -errno (the
 * last page of the address space) becomes (void *)-1, which is
 * MAP_FAILED, with errno set. */
void *libc_address_result(long r);
