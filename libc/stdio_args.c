// SPDX-License-Identifier: BSD-2-Clause
/*
 * printf and scanf on the calling task's streams (libc/stdio.c).  They
 * are the only variadic stdio front ends Vireo defines, and they are
 * built as application code, with floating point: va_start in a function
 * built with -mgeneral-regs-only (the kernel's flags) saves only the
 * general registers, so a double argument (printf("%f")) would be read
 * from the wrong place by picolibc's vfprintf.
 */
#include <stdarg.h>
#include <stdio.h>
#include <vireo/libc.h>

int printf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfprintf(libc_stream(1), fmt, ap);
	va_end(ap);
	return r;
}

int scanf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfscanf(libc_stream(0), fmt, ap);
	va_end(ap);
	return r;
}
