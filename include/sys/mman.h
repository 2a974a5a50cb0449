/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Memory mappings (IEEE 1003.1-2017 <sys/mman.h>), for EL0 programs:
 * only private anonymous memory, backed at once, and PROT_NONE
 * reservations that mprotect() gives memory to (docs/kernel-mode.md,
 * "Memory").  Numbers follow Linux.  The flat build has no address
 * spaces: there the calls fail with ENOSYS.
 */
#ifndef _SYS_MMAN_H
#define _SYS_MMAN_H
#pragma once

#include <sys/types.h>

#define PROT_NONE	0x0
#define PROT_READ	0x1
#define PROT_WRITE	0x2
#define PROT_EXEC	0x4

#define MAP_SHARED	0x01
#define MAP_PRIVATE	0x02
#define MAP_FIXED	0x10
#define MAP_ANONYMOUS	0x20
#define MAP_ANON	MAP_ANONYMOUS
#define MAP_STACK	0x20000	/* a thread's stack: an unmapped guard
				 * page below it that nothing may map */

#define MAP_FAILED	((void *)-1)

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);

#endif /* _SYS_MMAN_H */
