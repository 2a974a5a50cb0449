// SPDX-License-Identifier: BSD-2-Clause
/*
 * An EL0 test program that ends in a fault (docs/kernel-mode.md): the
 * kernel must end it alone with SIGSEGV and its report.  argv[1]:
 *   kread   read a kernel address (RAM at 0x40000000, EL1-only)
 *   null    jump to address 0
 *   stack   execute code on its stack (the stack is execute-never)
 *   text    write its own text (read+execute)
 *   deep    recurse past its stack into the guard page
 * Anything else exits 2.
 */
#include <stdbool.h>
#include "sys.h"

/* Each frame keeps a page of its own alive, so the recursion cannot be
 * turned into a loop. */
#pragma GCC diagnostic ignored "-Winfinite-recursion"	/* on purpose */
static __attribute__((noinline)) long deep(long n)
{
	volatile char page[4096];

	page[0] = (char)n;
	return deep(n + 1) + page[0];
}

static volatile long counter = 1;	/* a data segment, as programs have */

int main(int argc, char **argv)
{
	const char *m = argc >= 2 ? argv[1] : "";

	u_puts("crash: ");
	u_puts(m);
	u_puts("\n");
	counter++;
	if (u_streq(m, "kread"))
		return (int)*(volatile long *)0x40000000UL;
	if (u_streq(m, "null"))
		((void (*)(void))0)();
	if (u_streq(m, "stack")) {
		volatile unsigned int code[2] = { 0xd65f03c0, 0xd65f03c0 };	/* ret */

		((void (*)(void))(unsigned long)code)();
	}
	if (u_streq(m, "text"))
		*(volatile unsigned int *)(unsigned long)main = 0;
	if (u_streq(m, "deep"))
		return (int)deep(0);
	return 2;
}
