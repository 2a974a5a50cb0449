// SPDX-License-Identifier: BSD-2-Clause
/*
 * Looking at bytes: hexdump and xd (16 bytes a line: offset, hex, ASCII;
 * xd reads memory, hexdump files) and cmp (first difference of two files).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "nsh.h"

#define LINE_BYTES 16

/* One line: "0000001f: 68 65 ... |he..|". */
static void dump_line(uintptr_t offset, const uint8_t *b, size_t n)
{
	printf("%08lx:", (unsigned long)offset);
	for (size_t i = 0; i < LINE_BYTES; i++) {
		if (i < n)
			printf(" %02x", b[i]);
		else
			printf("   ");
	}
	printf("  |");
	for (size_t i = 0; i < n; i++)
		putchar(isprint(b[i]) ? b[i] : '.');
	printf("|\n");
}

/* Reads until len bytes or end of file; returns the count or -1. */
static ssize_t read_full(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = nsh_read(fd, buf + got, len - got);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += r;
	}
	return got;
}

static int hexdump_fd(int fd, const char *name)
{
	uint8_t b[LINE_BYTES];
	uintptr_t off = 0;
	ssize_t n;

	while ((n = read_full(fd, b, sizeof(b))) > 0) {
		dump_line(off, b, n);
		off += n;
	}
	return n < 0 ? nsh_fail("hexdump", name) : 0;
}

static int cmd_hexdump(struct nsh *sh, int argc, char **argv)
{
	int status = 0;

	if (argc == 1)
		return hexdump_fd(0, "stdin");
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			status = nsh_fail("hexdump", argv[i]);
			continue;
		}
		status |= hexdump_fd(fd, argv[i]);
		close(fd);
	}
	return status;
}
NSH_COMMAND(hexdump, cmd_hexdump, "hexdump [FILE...]",
	    "Show files (or stdin) as hex and ASCII");

/* Memory dump.  The flat build shares one address space, so any mapped
 * address can be read; an unmapped one faults like any bad pointer. */
static int cmd_xd(struct nsh *sh, int argc, char **argv)
{
	long addr, len;

	if (argc != 3)
		return nsh_usage("xd");
	if (!nsh_parse_long("xd", argv[1], &addr) ||
	    !nsh_parse_long("xd", argv[2], &len))
		return NSH_STATUS_USAGE;
	if (len < 0 || len > 1 << 20) {
		nsh_error("xd: length must be 0 to 1048576\n");
		return 1;
	}
	for (long off = 0; off < len; off += LINE_BYTES) {
		size_t n = len - off < LINE_BYTES ? len - off : LINE_BYTES;
		dump_line((uintptr_t)addr + off, (const uint8_t *)addr + off, n);
	}
	return 0;
}
NSH_COMMAND(xd, cmd_xd, "xd ADDRESS LENGTH", "Show memory as hex and ASCII");

static int cmd_cmp(struct nsh *sh, int argc, char **argv)
{
	uint8_t a[256], b[256];
	int fa, fb, status = 1;
	long offset = 0;

	if (argc != 3)
		return nsh_usage("cmp");
	fa = open(argv[1], O_RDONLY);
	if (fa < 0)
		return nsh_fail("cmp", argv[1]) + 1;	/* 2: trouble */
	fb = open(argv[2], O_RDONLY);
	if (fb < 0) {
		close(fa);
		return nsh_fail("cmp", argv[2]) + 1;
	}
	for (;;) {
		ssize_t na = read_full(fa, a, sizeof(a));
		ssize_t nb = read_full(fb, b, sizeof(b));
		if (na < 0 || nb < 0) {
			status = nsh_fail("cmp", na < 0 ? argv[1] : argv[2]) + 1;
			break;
		}
		ssize_t n = na < nb ? na : nb, i = 0;
		while (i < n && a[i] == b[i])
			i++;
		if (i < n) {
			printf("%s %s differ: byte %ld\n", argv[1], argv[2],
			       offset + i + 1);
			break;
		}
		if (na != nb) {
			printf("cmp: EOF on %s after byte %ld\n",
			       na < nb ? argv[1] : argv[2], offset + n);
			break;
		}
		if (na == 0) {
			status = 0;	/* identical */
			break;
		}
		offset += n;
	}
	close(fa);
	close(fb);
	return status;
}
NSH_COMMAND(cmp, cmd_cmp, "cmp FILE1 FILE2",
	    "Compare two files; status 0 same, 1 different, 2 trouble");
