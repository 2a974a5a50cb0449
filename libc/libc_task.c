// SPDX-License-Identifier: BSD-2-Clause
/*
 * The per-task block of libc state (libc_task.h): found through the
 * task's slot (task_libc_slot()), created by the first thread of the
 * task that needs it, freed by the kernel when the task ends.
 */
#include <stdlib.h>
#include <vireo/libc.h>
#include <vireo/task.h>
#include "libc_task.h"

struct libc_task *libc_task(void)
{
	void **slot = task_libc_slot();
	struct libc_task *b = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	void *none = NULL;

	if (b)
		return b;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	/* getopt()'s initial state: optind 1, errors printed. */
	b->getopt = (struct getopt_state){ .optind = 1, .opterr = 1 };
	if (!__atomic_compare_exchange_n(slot, &none, b, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		free(b);	/* another thread of the task won */
		b = none;
	}
	return b;
}

void libc_task_end(void *block)
{
	struct libc_task *b = block;

	if (!b)
		return;
	libc_stdio_end(b->stdio);
	free(b);
}
