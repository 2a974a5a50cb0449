/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fatal errors.  panic() prints a report with a backtrace on the polled
 * console and stops every CPU.  assert() checks programming errors in
 * debug builds; CHECK() is always on, for states where continuing would be
 * unsafe.  Never use either on external input.
 */
#pragma once

#include <vireo/compiler.h>

__noreturn void panic(const char *fmt, ...) __printf_like(1, 2);

#define CHECK(cond) \
	do { if (unlikely(!(cond))) \
		panic("check failed: %s at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)

#ifdef NDEBUG
#define kassert(cond) ((void)0)
#else
#define kassert(cond) CHECK(cond)
#endif
