/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel counting semaphores.  ksem_post() may be called from any
 * context, including interrupt handlers; the waits from threads only.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vireo/wait.h>

struct ksem {
	int count;		/* units, or -1: waited on (kernel/sem.c);
				 * changed only atomically */
	struct wait_queue wq;
};

#define KSEM_INIT(name, n) { (n), WAIT_QUEUE_INIT_KIND((name).wq, WAIT_SEM) }

void ksem_init(struct ksem *s, int count);
/* Waits for a unit until deadline_ns (monotonic; WAIT_FOREVER for none):
 * 0 or -ETIMEDOUT; a deliverable signal ends the wait with -EINTR, a
 * pending cancellation with -ECANCELED (wait_block_intr_locked()). */
int ksem_wait_intr(struct ksem *s, uint64_t deadline_ns);
/* Waits for a unit, uninterruptibly: for kernel waits that must see the
 * event happen (a device transfer into the caller's buffer). */
void ksem_wait(struct ksem *s);
bool ksem_has_waiters(struct ksem *s);
/* 0 or -EAGAIN. */
int ksem_trywait(struct ksem *s);
/* 0 or -EOVERFLOW. */
int ksem_post(struct ksem *s);
/* The same with the scheduler lock held (ktimer callbacks). */
int ksem_post_locked(struct ksem *s);
int ksem_value(struct ksem *s);
