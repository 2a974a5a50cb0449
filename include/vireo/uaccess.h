/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The user-access path: the only way the kernel reads or writes memory an
 * EL0 process named (docs/kernel-mode.md, section 2).  A user address is
 * a uaddr_t, never a C pointer, so it cannot be dereferenced by mistake.
 * Each call checks the range against the calling process's mappings and
 * copies with unprivileged loads/stores whose faults resume at a fix-up:
 * a bad address gives -EFAULT, never a kernel fault.  Thread context of
 * a process thread; may fault, so no spinlock may be held.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	uintptr_t va;
} uaddr_t;

/* Whether [a, a + n) lies, without wrapping, inside memory the calling
 * process has mapped (a check before a call whose results are copied
 * out later, so that a bad buffer fails before any side effect). */
bool user_range_ok(uaddr_t a, size_t n);
/* n bytes from user address src to dst: 0 or -EFAULT (dst then holds
 * an unspecified part of the bytes). */
int copy_from_user(void *dst, uaddr_t src, size_t n);
/* copy_from_user() without the region check, which sleeps: for a caller
 * under a spinlock.  The window check and the unprivileged loads remain,
 * so an address that is not mapped is -EFAULT, never a kernel fault. */
int copy_from_user_locked(void *dst, uaddr_t src, size_t n);
/* n bytes from src to user address dst: 0 or -EFAULT. */
int copy_to_user(uaddr_t dst, const void *src, size_t n);
/* The string at src into dst (size > 0 bytes), NUL included: its length,
 * size when no NUL came within size bytes (dst is then not terminated),
 * or -EFAULT. */
long strncpy_from_user(char *dst, uaddr_t src, size_t size);
