/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * System calls of the EL0 test programs: svc #0 with the number in x8
 * (kernel/syscalls.tbl), arguments in x0..x5, the result (or -errno) in
 * x0.
 */
#pragma once
#include <time.h>
#include <generated/syscall_nr.h>

static inline long svc6(long nr, long a, long b, long c, long d, long e,
			long f)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2),
			 "r"(x3), "r"(x4), "r"(x5) : "memory");
	return x0;
}

static inline long svc3(long nr, long a, long b, long c)
{
	return svc6(nr, a, b, c, 0, 0, 0);
}

static inline long u_write(int fd, const void *buf, unsigned long n)
{
	return svc3(SYS_write, fd, (long)buf, (long)n);
}

static inline __attribute__((noreturn)) void u_exit(int status)
{
	svc3(SYS_exit, status, 0, 0);
	__builtin_unreachable();
}

/* CLOCK_MONOTONIC in nanoseconds. */
static inline long u_now_ns(void)
{
	unsigned long ns = 0;

	svc3(SYS_clock_read, CLOCK_MONOTONIC, (long)&ns, 0);
	return (long)ns;
}

static inline unsigned long u_strlen(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static inline void u_puts(const char *s)
{
	u_write(1, s, u_strlen(s));
}

static inline bool u_streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* A decimal number, 0 for anything else. */
static inline long u_atol(const char *s)
{
	long v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

/* A decimal number (negative with a '-') into buf, NUL-terminated. */
static inline char *u_ltoa(long v, char *buf)
{
	char tmp[24];
	int n = 0, i = 0;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;

	do
		tmp[n++] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		buf[i++] = '-';
	while (n)
		buf[i++] = tmp[--n];
	buf[i] = 0;
	return buf;
}

/* "what: N\n" */
static inline void u_putnum(const char *what, long v)
{
	char buf[24];

	u_puts(what);
	u_puts(": ");
	u_puts(u_ltoa(v, buf));
	u_puts("\n");
}

/* The checks of a test program: each failed one prints "FAIL what: got";
 * u_verdict() prints "<mode> ok" when none failed (status 0), else
 * returns 1. */
static int u_failures __attribute__((unused));

static inline void u_expect(bool ok, const char *what, long got)
{
	if (ok)
		return;
	u_failures++;
	u_puts("FAIL ");
	u_putnum(what, got);
}

static inline int u_verdict(const char *mode)
{
	if (u_failures)
		return 1;
	u_puts(mode);
	u_puts(" ok\n");
	return 0;
}
