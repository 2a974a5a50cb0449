// SPDX-License-Identifier: BSD-2-Clause
/*
 * Text and data commands: printf, wc, basename, dirname, dd, and time
 * (runs a command and prints how long it took).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "nsh.h"

/* printf FORMAT [ARG...]: %s %d %c %x %% and \n \t \\ escapes. */
static int cmd_printf(struct nsh *sh, int argc, char **argv)
{
	int a = 2;

	if (argc < 2)
		return nsh_usage("printf");
	for (const char *f = argv[1]; *f; f++) {
		const char *arg = a < argc ? argv[a] : "";

		if (*f == '\\' && f[1]) {
			f++;
			putchar(*f == 'n' ? '\n' : *f == 't' ? '\t' : *f);
		} else if (*f == '%' && f[1]) {
			f++;
			if (*f == '%') {
				putchar('%');
				continue;
			}
			a++;
			if (*f == 'd' || *f == 'i')
				printf("%ld", strtol(arg, NULL, 0));
			else if (*f == 'x')
				printf("%lx", strtoul(arg, NULL, 0));
			else if (*f == 'c')
				putchar(arg[0]);
			else
				fputs(arg, stdout);
		} else {
			putchar(*f);
		}
	}
	return 0;
}
NSH_COMMAND(printf, cmd_printf, "printf FORMAT [ARG...]",
	    "Write formatted text (%s %d %x %c, \\n \\t)");

static int wc_fd(int fd, const char *name)
{
	char buf[256];
	long lines = 0, words = 0, bytes = 0;
	bool inword = false;
	ssize_t n;

	while ((n = nsh_read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			bool blank = buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\t';

			lines += buf[i] == '\n';
			words += !blank && !inword;
			inword = !blank;
		}
		bytes += n;
	}
	if (n < 0)
		return nsh_fail("wc", name);
	printf("%ld %ld %ld%s%s\n", lines, words, bytes, *name ? " " : "", name);
	return 0;
}

static int cmd_wc(struct nsh *sh, int argc, char **argv)
{
	int status = 0;

	if (argc == 1)
		return wc_fd(0, "");
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);

		if (fd < 0) {
			status = nsh_fail("wc", argv[i]);
			continue;
		}
		status |= wc_fd(fd, argv[i]);
		close(fd);
	}
	return status;
}
NSH_COMMAND(wc, cmd_wc, "wc [FILE...]", "Count lines, words and bytes");

static int cmd_basename(struct nsh *sh, int argc, char **argv)
{
	char *p, *s;
	size_t n;

	if (argc < 2 || argc > 3)
		return nsh_usage("basename");
	p = argv[1];
	n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	s = strrchr(p, '/');
	s = s && s[1] ? s + 1 : p;
	n = strlen(s);
	if (argc == 3 && strlen(argv[2]) < n && !strcmp(s + n - strlen(argv[2]), argv[2]))
		s[n - strlen(argv[2])] = '\0';
	printf("%s\n", s);
	return 0;
}
NSH_COMMAND(basename, cmd_basename, "basename PATH [SUFFIX]",
	    "Print the last part of a path");

static int cmd_dirname(struct nsh *sh, int argc, char **argv)
{
	char *p, *s;

	if (argc != 2)
		return nsh_usage("dirname");
	p = argv[1];
	s = strrchr(p, '/');
	if (!s)
		p = ".";
	else if (s == p)
		p = "/";
	else
		*s = '\0';
	printf("%s\n", p);
	return 0;
}
NSH_COMMAND(dirname, cmd_dirname, "dirname PATH",
	    "Print a path without its last part");

/* ---- dd ---- */

#define DD_BS_MAX (1L << 20)	/* whole 1 MiB device requests */

struct dd_args {
	const char *in, *out;
	long bs, count, skip, seek;
};

static bool dd_operand(struct dd_args *d, const char *a)
{
	static const struct { const char *key; size_t off; } nums[] = {
		{ "bs=", offsetof(struct dd_args, bs) },
		{ "count=", offsetof(struct dd_args, count) },
		{ "skip=", offsetof(struct dd_args, skip) },
		{ "seek=", offsetof(struct dd_args, seek) },
	};

	if (!strncmp(a, "if=", 3))
		return (d->in = a + 3), true;
	if (!strncmp(a, "of=", 3))
		return (d->out = a + 3), true;
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		size_t k = strlen(nums[i].key);

		if (!strncmp(a, nums[i].key, k))
			return nsh_parse_size("dd", a + k,
					      (long *)((char *)d + nums[i].off));
	}
	return false;
}

static int dd_copy(struct dd_args *d, int in, int out, char *buf)
{
	long blocks = 0;
	ssize_t n, w;

	if (d->skip && lseek(in, d->skip * d->bs, SEEK_SET) < 0)
		return nsh_fail("dd", d->in);
	if (d->seek && lseek(out, d->seek * d->bs, SEEK_SET) < 0)
		return nsh_fail("dd", d->out);
	while (d->count < 0 || blocks < d->count) {
		if ((n = nsh_read(in, buf, (size_t)d->bs)) <= 0) {
			if (n < 0)
				return nsh_fail("dd", d->in);
			break;
		}
		if ((w = write(out, buf, (size_t)n)) != n) {
			if (w >= 0)
				errno = ENOSPC;
			nsh_fail("dd", d->out);
			nsh_error("%ld blocks copied\n", blocks);
			return 1;
		}
		blocks++;
	}
	/* The count goes to stderr, as dd's statistics do: stdout may be
	 * the data (dd if=... | hexdump). */
	nsh_error("%ld blocks copied\n", blocks);
	return 0;
}

static int cmd_dd(struct nsh *sh, int argc, char **argv)
{
	struct dd_args d = { .in = NULL, .out = NULL, .bs = 512, .count = -1 };
	int in = 0, out = 1, r;
	char *buf;

	for (int i = 1; i < argc; i++)
		if (!dd_operand(&d, argv[i]))
			return nsh_usage("dd");
	if (d.bs <= 0 || d.bs > DD_BS_MAX || d.skip < 0 || d.seek < 0)
		return nsh_usage("dd");
	fflush(stdout);
	if (d.in && (in = open(d.in, O_RDONLY)) < 0)
		return nsh_fail("dd", d.in);
	if (d.out && (out = open(d.out, O_WRONLY | O_CREAT | (d.seek ? 0 : O_TRUNC), 0666)) < 0) {
		r = nsh_fail("dd", d.out);
		goto out_in;
	}
	if (!(buf = malloc((size_t)d.bs))) {
		r = nsh_fail("dd", "buffer");
		goto out_out;
	}
	if (!d.in) d.in = "stdin";
	if (!d.out) d.out = "stdout";
	r = dd_copy(&d, in, out, buf);
	free(buf);
out_out:
	if (out != 1)
		close(out);
out_in:
	if (in != 0)
		close(in);
	return r;
}
NSH_COMMAND(dd, cmd_dd, "dd [if=FILE] [of=FILE] [bs=BYTES] [count=N] [skip=N] [seek=N]",
	    "Copy blocks between files (numbers take K, M, G; bs up to 1M)");

/* ---- time ---- */

static int cmd_time(struct nsh *sh, int argc, char **argv)
{
	const size_t size = CONFIG_NSH_LINELEN + 1;
	struct timespec a, b;
	char *line;		/* on the heap: time may nest */
	int status;
	long ms;

	if (argc < 2)
		return nsh_usage("time");
	if (!(line = calloc(1, size)))
		return nsh_fail("time", argv[1]);
	for (int i = 1; i < argc; i++) {
		strncat(line, "'", size - strlen(line) - 1);
		strncat(line, argv[i], size - strlen(line) - 1);
		strncat(line, "' ", size - strlen(line) - 1);
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	status = nsh_execute(sh, line);
	clock_gettime(CLOCK_MONOTONIC, &b);
	free(line);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	printf("%ld.%03ld sec\n", ms / 1000, ms % 1000);
	return status;
}
NSH_COMMAND(time, cmd_time, "time COMMAND [ARG...]",
	    "Run a command and print the time it took");
