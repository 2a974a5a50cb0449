/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The EL0 C library's <vireo/sem.h>: the kernel's counting semaphore
 * calls over a futex (libc/user/sync.c), for libc/semaphore.c.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vireo/wait.h>

struct ksem {
	int count;		/* units: the futex */
	unsigned int waiters;
};

void ksem_init(struct ksem *s, int count);
int ksem_wait_intr(struct ksem *s, uint64_t deadline_ns);
bool ksem_has_waiters(struct ksem *s);
int ksem_trywait(struct ksem *s);
int ksem_post(struct ksem *s);
int ksem_value(struct ksem *s);
