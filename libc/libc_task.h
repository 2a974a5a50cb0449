/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to libc: the state POSIX gives each process, kept per task
 * (the tasks of the flat build share one address space).  One block per
 * task, allocated at its first use and freed with the task
 * (libc_task_end()): its buffered stdin/stdout (stdio.c), its
 * thread-specific data keys (pthread_tsd.c) and getopt()'s state
 * (getopt.c).
 */
#pragma once

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>

struct task_stdio;

/* A pthread_key_t: its slot in the task's table. */
struct key_slot {
	bool used;
	void (*destructor)(void *);
	unsigned int generation;	/* bumped by delete, checked by get */
};

/* getopt()'s variables and its place inside argv[optind]. */
struct getopt_state {
	char *optarg;
	int optind, opterr, optopt;
	int at_ind, at;		/* next letter: argv[at_ind][at] */
};

struct libc_task {
	struct task_stdio *stdio;	/* at the first use of a stream */
	struct key_slot keys[PTHREAD_KEYS_MAX];	/* under pthread_tsd.c's lock */
	struct getopt_state getopt;
};

/* The calling task's block, allocated if needed; NULL: out of memory. */
struct libc_task *libc_task(void);
/* stdio.c: frees a task's streams (what they buffer is dropped). */
void libc_stdio_end(struct task_stdio *s);
