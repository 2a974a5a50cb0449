// SPDX-License-Identifier: BSD-2-Clause
/*
 * An EL0 test program (docs/kernel-mode.md): prints its arguments, one
 * a line, and $GREETING, then exits with status argv[1] when that is a
 * number.  `hello sleep MS` waits MS milliseconds first (poll with no
 * descriptors), so a test can look at /proc/<pid>/maps meanwhile.
 */
#include <stdbool.h>
#include "sys.h"

/* A word of .data and pages of .bss, used through volatile accesses so
 * the program has both segments (the loader's test needs them). */
static volatile char data_word[16] = "data";
static volatile char bss_buf[8192];

int main(int argc, char **argv, char **envp)
{
	long status = 0;

	if (argc >= 3 && u_streq(argv[1], "sleep"))
		svc3(SYS_poll, 0, 0, u_atol(argv[2]) * 1000000);
	for (int i = 0; i < argc; i++) {
		u_puts("argv: ");
		u_puts(argv[i]);
		u_puts("\n");
	}
	for (char **e = envp; *e; e++) {
		const char *k = "GREETING=", *s = *e;

		while (*k && *k == *s)
			k++, s++;
		if (!*k) {
			u_puts("env: ");
			u_puts(s);
			u_puts("\n");
		}
	}
	bss_buf[sizeof(bss_buf) - 1] = data_word[0];	/* both writable */
	if (argc >= 2 && argv[1][0] >= '0' && argv[1][0] <= '9')
		status = u_atol(argv[1]);
	return (int)status + (bss_buf[sizeof(bss_buf) - 1] != 'd');
}
