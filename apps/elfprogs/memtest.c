// SPDX-License-Identifier: BSD-2-Clause
/*
 * An EL0 test program for sbrk, mmap and munmap (docs/kernel-mode.md,
 * "Memory").  argv[1]:
 *   sbrk   the heap grows, reads zero, is usable, shrinks, grows back zeroed
 *   mmap   anonymous regions: zeroed, usable, read-only, bad arguments
 *          refused, huge sizes ENOMEM, whole-region munmap only;
 *          PROT_NONE reservations and mprotect()
 *   maps   a heap and two anonymous regions, then waits (poll) until
 *          killed, so that /proc/<pid>/maps can be read
 *   touch  writes to a region after munmap: SIGSEGV
 * Prints "<mode> ok" when all checks passed; "FAIL ..." and status 1
 * otherwise.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include "sys.h"

#define PAGE 4096L

static long u_sbrk(long incr)
{
	return svc3(SYS_sbrk, incr, 0, 0);
}

static long u_mmap(unsigned long len, int prot, int flags)
{
	return svc6(SYS_mmap, 0, (long)len, prot, flags, -1, 0);
}

static long u_munmap(long addr, unsigned long len)
{
	return svc3(SYS_munmap, addr, (long)len, 0);
}

/* Whether n bytes at p are all zero. */
static bool zeroed(const volatile char *p, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void fill(volatile char *p, unsigned long n, char c)
{
	for (unsigned long i = 0; i < n; i++)
		p[i] = c;
}

static void sbrk_checks(void)
{
	long base = u_sbrk(0), n = 3 * (long)PAGE + 100;
	volatile char *p = (volatile char *)base;

	u_expect(base > 0 && (base & (PAGE - 1)) == 0, "the break at a page", base);
	u_expect(u_sbrk(n) == base, "sbrk returns the old break", 0);
	u_expect(u_sbrk(0) == base + n, "the new break", u_sbrk(0) - base);
	u_expect(zeroed(p, n), "new heap reads zero", 0);
	fill(p, n, 'h');
	u_expect(p[n - 1] == 'h', "heap usable", 0);
	u_expect(u_sbrk(-(2 * PAGE)) == base + n, "shrink", 0);
	u_expect(u_sbrk(2 * PAGE) == base + n - 2 * PAGE, "grow back", 0);
	u_expect(zeroed(p + n - 2 * PAGE, 2 * PAGE), "grown back zeroed", 0);
	u_expect(p[0] == 'h', "the rest kept", p[0]);
	u_expect(u_sbrk(-(n + 1)) == -EINVAL, "below the heap's start", 0);
	u_expect(u_sbrk(1L << 40) == -ENOMEM, "1 TiB: ENOMEM", 0);
	u_expect(u_sbrk(512L << 20) == -ENOMEM, "512 MiB: ENOMEM", 0);
	u_expect(u_sbrk(0) == base + n, "the break unchanged", 0);
}

static long u_mprotect(long addr, unsigned long len, int prot)
{
	return svc3(SYS_mprotect, addr, (long)len, prot);
}

/* A reservation of four pages whose middle two get memory: a guard
 * under and over them, as a thread stack's guard of any size. */
static void mprotect_checks(void)
{
	const int anon = MAP_PRIVATE | MAP_ANONYMOUS;
	long res = u_mmap(4 * PAGE, PROT_NONE, anon);
	volatile char *mid = (volatile char *)(res + PAGE);

	u_expect(res > 0, "mmap PROT_NONE reserves", res);
	if (res <= 0)
		return;
	u_expect(u_mprotect(res + PAGE, 2 * PAGE, PROT_READ | PROT_WRITE) == 0,
		 "mprotect gives a reservation memory", 0);
	u_expect(zeroed(mid, 2 * PAGE), "it reads zero", 0);
	fill(mid, 2 * PAGE, 'p');
	u_expect(mid[2 * PAGE - 1] == 'p', "and is usable", 0);
	u_expect(u_mprotect(res, PAGE, PROT_NONE) == 0, "PROT_NONE on reserved", 0);
	u_expect(u_mprotect(res + PAGE, PAGE, PROT_READ) == -ENOTSUP,
		 "part of an accessible region: ENOTSUP", 0);
	u_expect(u_mprotect(res + PAGE, 2 * PAGE, PROT_NONE) == -ENOTSUP,
		 "an accessible region to PROT_NONE: ENOTSUP", 0);
	u_expect(u_mprotect(res + PAGE, 2 * PAGE, PROT_READ) == 0 &&
		 mid[0] == 'p', "read-only, the contents kept", 0);
	u_expect(u_mprotect(res + PAGE, 2 * PAGE, PROT_READ | PROT_EXEC) ==
		 -ENOTSUP, "PROT_EXEC: ENOTSUP", 0);
	u_expect(u_mprotect(res + 1, PAGE, PROT_READ) == -EINVAL,
		 "unaligned: EINVAL", 0);
	u_expect(u_mprotect(res + PAGE, 3 * PAGE, PROT_READ) == -ENOMEM,
		 "across regions: ENOMEM", 0);
	u_expect(u_mprotect(0x7000000000L, PAGE, PROT_READ) == -ENOMEM,
		 "nothing mapped: ENOMEM", 0);
	u_expect(u_mprotect(res, ~0UL, PROT_READ) == -ENOMEM, "~0 bytes: ENOMEM", 0);
	u_expect(u_munmap(res, PAGE) == 0 && u_munmap(res + PAGE, 2 * PAGE) == 0 &&
		 u_munmap(res + 3 * PAGE, PAGE) == 0, "munmap of the three", 0);
}

static void mmap_checks(void)
{
	const int anon = MAP_PRIVATE | MAP_ANONYMOUS;
	long a = u_mmap(3 * PAGE, PROT_READ | PROT_WRITE, anon);
	long r = u_mmap(PAGE, PROT_READ, anon);
	volatile char *p = (volatile char *)a;

	u_expect(a > 0 && (a & (PAGE - 1)) == 0, "mmap read-write", a);
	u_expect(r > 0 && r != a, "mmap read-only", r);
	if (a <= 0 || r <= 0)
		return;
	u_expect(zeroed(p, 3 * PAGE), "anonymous memory reads zero", 0);
	fill(p, 3 * PAGE, 'm');
	u_expect(p[3 * PAGE - 1] == 'm', "usable", 0);
	u_expect(zeroed((volatile char *)r, PAGE), "read-only reads zero", 0);
	u_expect(u_mmap(PAGE, PROT_READ | PROT_EXEC, anon) == -ENOTSUP,
	       "PROT_EXEC: ENOTSUP", 0);
	u_expect(u_mmap(PAGE, PROT_NONE, anon | MAP_STACK) == -EINVAL,
		 "a PROT_NONE stack", 0);
	u_expect(u_mmap(PAGE, PROT_READ, MAP_SHARED | MAP_ANONYMOUS) == -EINVAL,
	       "MAP_SHARED", 0);
	u_expect(u_mmap(PAGE, PROT_READ, MAP_PRIVATE) == -EINVAL, "a file", 0);
	u_expect(u_mmap(0, PROT_READ, anon) == -EINVAL, "0 bytes", 0);
	u_expect(u_mmap(1UL << 40, PROT_READ, anon) == -ENOMEM, "1 TiB: ENOMEM", 0);
	u_expect(u_mmap(512UL << 20, PROT_READ, anon) == -ENOMEM,
	       "512 MiB: ENOMEM", 0);
	u_expect(u_mmap(~0UL, PROT_READ, anon) == -ENOMEM, "~0: ENOMEM", 0);
	u_expect(u_munmap(a, PAGE) == -EINVAL, "part of a region: EINVAL", 0);
	u_expect(u_munmap(a + PAGE, 2 * PAGE) == -EINVAL, "its tail: EINVAL", 0);
	u_expect(u_munmap(0x80000010000L, PAGE) == -EINVAL, "the text: EINVAL", 0);
	u_expect(u_munmap(a, 3 * PAGE) == 0, "munmap", 0);
	u_expect(u_munmap(a, 3 * PAGE) == -EINVAL, "munmap again: EINVAL", 0);
	u_expect(u_munmap(r, 1) == 0, "munmap of a page by 1 byte", 0);
	/* The space freed is found again. */
	u_expect(u_mmap(2 * PAGE, PROT_READ | PROT_WRITE, anon) == a, "reused", 0);
	mprotect_checks();
}

int main(int argc, char **argv)
{
	const char *m = argc >= 2 ? argv[1] : "";

	if (u_streq(m, "sbrk")) {
		sbrk_checks();
	} else if (u_streq(m, "mmap")) {
		mmap_checks();
	} else if (u_streq(m, "maps")) {
		u_sbrk(5 * PAGE);
		u_mmap(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
		u_mmap(PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS);
		u_puts("mapped\n");
		for (;;)
			svc3(SYS_poll, 0, 0, -1);
	} else if (u_streq(m, "touch")) {
		long a = u_mmap(PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS);

		*(volatile char *)a = 1;
		u_expect(u_munmap(a, PAGE) == 0, "munmap", 0);
		u_puts("touching after munmap\n");
		*(volatile char *)a = 2;
		u_puts("FAIL still here\n");
		return 1;
	} else {
		return 2;
	}
	return u_verdict(m);
}
