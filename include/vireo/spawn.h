/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The spawn system call's argument types (kernel/syscalls.tbl, kernel/
 * spawn.c), shared by the kernel and the C library: an ABI, so fields
 * are only ever appended.  Nothing in them points anywhere, so the
 * system-call wrapper copies them whole.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define SPAWN_PATH_MAX 256	/* bytes of an open action's path, NUL included */

/* One posix_spawn file action, applied in order to the child's copy of
 * the caller's descriptor table before the child runs. */
enum task_fd_op { TASK_FD_OPEN, TASK_FD_CLOSE, TASK_FD_DUP2 };
struct task_fd_action {
	enum task_fd_op op;
	int fd;			/* OPEN: target fd; CLOSE: fd; DUP2: new fd */
	int oldfd;		/* DUP2 */
	int oflag;		/* OPEN */
	mode_t mode;		/* OPEN */
	char path[SPAWN_PATH_MAX];	/* OPEN */
};

/* posix_spawnattr_t's settings as the kernel takes them. */
struct spawn_params {
	int prio;		/* 0: the program's, else the caller's */
	int policy;		/* 0: the caller's */
	bool set_sigmask;	/* the child's mask is sigmask, else the
				 * caller's */
	uint64_t sigmask;
	uint64_t sigdefault;	/* signals reset to SIG_DFL */
};
