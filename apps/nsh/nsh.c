// SPDX-License-Identifier: BSD-2-Clause
/*
 * The shell's main loop: banner, prompt, read console bytes, feed the line
 * editor, parse and run each finished line.  It is the first application
 * thread (app_init_main, started by kernel/init.c) and uses only POSIX
 * I/O: raw bytes from fd 0, all output through stdout/stderr (the console
 * tty turns "\n" into "\r\n").  Everything goes through stdio and is
 * flushed before the shell waits for input, so echo, prompt and command
 * output reach the console in order.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "nsh.h"

_Static_assert(sizeof(struct nsh_cmd) % 8 == 0,
	       "struct nsh_cmd must tile the .shell_cmds table");

static struct nsh the_shell;

const struct nsh_cmd *nsh_find_cmd(const char *name)
{
	nsh_for_each_cmd(c) {
		if (strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

void nsh_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
}

int nsh_usage(const char *name)
{
	const struct nsh_cmd *c = nsh_find_cmd(name);

	if (c)
		nsh_error("Usage: %s\n", c->usage);
	return NSH_STATUS_USAGE;
}

static int run_command(struct nsh *sh, int argc, char **argv)
{
	const struct nsh_cmd *c = nsh_find_cmd(argv[0]);

	if (!c) {
		nsh_error("nsh: %s: command not found\n", argv[0]);
		return NSH_STATUS_NOT_FOUND;
	}
	int status = c->handler(sh, argc, argv);
	fflush(stdout);
	return status;
}

int nsh_execute(struct nsh *sh, const char *line)
{
	struct nsh_script *s = &sh->script;

	/* Parse a copy: the editor's buffer is its history source. */
	strncpy(sh->cmdline, line, sizeof(sh->cmdline) - 1);
	sh->cmdline[sizeof(sh->cmdline) - 1] = '\0';
	if (nsh_parse(sh->cmdline, s) < 0) {
		nsh_error("nsh: %s\n", s->error);
		sh->status = NSH_STATUS_SYNTAX;
		return sh->status;
	}
	for (int i = 0; i < s->ncmds; i++)
		sh->status = run_command(sh, s->cmds[i].argc, s->cmds[i].argv);
	return sh->status;
}

static void echo_out(void *ctx, const char *buf, size_t len)
{
	fwrite(buf, 1, len, stdout);
}

static void prompt(void)
{
	fputs(CONFIG_NSH_PROMPT, stdout);
	fflush(stdout);
}

/* One byte of console input; prints a new prompt after each line. */
static void feed_byte(struct nsh *sh, unsigned char byte)
{
	switch (le_feed(&sh->le, byte)) {
	case LE_LINE:
		fflush(stdout);
		nsh_execute(sh, le_line(&sh->le));
		prompt();
		break;
	case LE_INTERRUPT:
		sh->status = NSH_STATUS_INTERRUPT;
		prompt();
		break;
	case LE_EOF:		/* the console has no end: ignore Ctrl-D */
	case LE_PENDING:
		break;
	}
}

static void nsh_init(struct nsh *sh)
{
	const struct le_storage st = {
		.line = sh->line,
		.scratch = sh->scratch,
		.max = CONFIG_NSH_LINELEN,
		.history = sh->history,
		.history_size = sizeof(sh->history),
	};

	le_init(&sh->le, &st, echo_out, sh);
	sh->status = 0;
}

static void nsh_console_loop(struct nsh *sh)
{
	unsigned char buf[64];

	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			nsh_error("nsh: console read failed: %s\n",
				  n < 0 ? strerror(errno) : "end of input");
			return;
		}
		for (ssize_t i = 0; i < n; i++)
			feed_byte(sh, buf[i]);
		fflush(stdout);
	}
}

void app_init_main(void *arg)
{
	struct nsh *sh = &the_shell;

	nsh_init(sh);
	printf("\nVireo %s %s, built %s\n", CONFIG_VERSION_STRING,
	       VIREO_BOARD_CONFIG, VIREO_BUILD_DATE);
	prompt();
	nsh_console_loop(sh);
}
