// SPDX-License-Identifier: BSD-2-Clause
/*
 * The host tests' panic(): see fake_panic.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <vireo/panic.h>
#include "fake_panic.h"

jmp_buf *fake_panic_jmp;
int fake_panic_calls;
char fake_panic_msg[256];

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fake_panic_msg, sizeof(fake_panic_msg), fmt, ap);
	va_end(ap);
	fake_panic_calls++;
	if (fake_panic_jmp)
		longjmp(*fake_panic_jmp, 1);
	fprintf(stderr, "unexpected panic: %s\n", fake_panic_msg);
	abort();
}
