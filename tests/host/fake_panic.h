/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fake panic() for host tests.  The kernel's panic() never returns; this
 * one records the message and longjmps back to the EXPECT_PANIC that armed
 * it, so a test can assert that a CHECK() in the code under test fired.
 * A panic nobody expected prints the message and aborts the test binary.
 */
#pragma once

#include <setjmp.h>
#include "unit.h"

extern jmp_buf *fake_panic_jmp;
extern int fake_panic_calls;
extern char fake_panic_msg[256];

/* Runs stmt and expects it to panic (it is cut short when it does). */
#define EXPECT_PANIC(stmt)                                                   \
	do {                                                                 \
		jmp_buf _jb;                                                 \
		int _before = fake_panic_calls;                              \
		fake_panic_jmp = &_jb;                                       \
		if (setjmp(_jb) == 0) {                                      \
			stmt;                                                \
		}                                                            \
		fake_panic_jmp = NULL;                                       \
		if (fake_panic_calls == _before) {                           \
			fprintf(stderr, "%s:%d: EXPECT_PANIC failed: %s "    \
				"returned\n", __FILE__, __LINE__, #stmt);    \
			unit_failed_checks++;                                \
		}                                                            \
	} while (0)
