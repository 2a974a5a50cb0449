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
	int count;
	struct wait_queue wq;
};

#define KSEM_INIT(name, n) { (n), WAIT_QUEUE_INIT((name).wq) }

void ksem_init(struct ksem *s, int count);
/* 0, -EINTR. */
int ksem_wait(struct ksem *s);
/* 0, -ETIMEDOUT, -EINTR; deadline on the monotonic clock. */
int ksem_timedwait(struct ksem *s, uint64_t deadline_ns);
/* For the POSIX calls: as ksem_timedwait(), but a deliverable signal
 * ends the wait with -EINTR and a pending cancellation with -ECANCELED
 * (wait_block_intr_locked()).  WAIT_FOREVER for no deadline. */
int ksem_wait_intr(struct ksem *s, uint64_t deadline_ns);
bool ksem_has_waiters(struct ksem *s);
/* 0 or -EAGAIN. */
int ksem_trywait(struct ksem *s);
/* 0 or -EOVERFLOW. */
int ksem_post(struct ksem *s);
int ksem_value(struct ksem *s);
