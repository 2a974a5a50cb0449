/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The EL0 C library's <vireo/task.h>: what libc's files ask of their
 * task, answered by the process itself (libc/user/kernel_api.c): an
 * EL0 process has its own memory, so its environment and its libc block
 * are plain globals.
 */
#pragma once

char ***task_environ(void);
void **task_libc_slot(void);
