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
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "nsh.h"

/*
 * The console's foreground task, which Ctrl-C typed while it runs
 * signals (kernel/console.c; 0: none, the shell reads the console).
 * Weak until the console provides it.
 */
extern void console_set_foreground(pid_t pid) __attribute__((weak));

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

static void set_foreground(pid_t pid)
{
	if (console_set_foreground)
		console_set_foreground(pid);
}

/* The shell status of a task's waitpid status: its exit status, or 128
 * plus the signal that killed it (as the POSIX shell). */
static int task_status(const char *name, int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus)) {
		int sig = WTERMSIG(wstatus);

		if (sig != SIGINT)
			nsh_error("nsh: %s: killed by signal %d\n", name, sig);
		return 128 + sig;
	}
	return 1;
}

/*
 * Runs the application argv[0] as a task (posix_spawnp finds built-in
 * applications by name) and waits for it with the console handed to it.
 * Returns its shell status, or -1 with errno when it could not start.
 */
static int run_application(char **argv)
{
	pid_t pid, r;
	int err, wstatus = 0;

	fflush(stdout);
	err = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (err) {
		errno = err;
		return -1;
	}
	set_foreground(pid);
	while ((r = waitpid(pid, &wstatus, 0)) < 0 && errno == EINTR)
		;
	set_foreground(0);
	if (r != pid) {
		nsh_error("nsh: %s: waitpid: %s\n", argv[0], strerror(errno));
		return 1;
	}
	return task_status(argv[0], wstatus);
}

/* Built-in commands run in the shell; anything else is an application. */
static int run_command(struct nsh *sh, int argc, char **argv)
{
	const struct nsh_cmd *c = nsh_find_cmd(argv[0]);
	int status;

	if (c) {
		status = c->handler(sh, argc, argv);
		fflush(stdout);
		return status;
	}
	status = run_application(argv);
	if (status >= 0)
		return status;
	if (errno == ENOENT) {
		nsh_error("nsh: %s: command not found\n", argv[0]);
		return NSH_STATUS_NOT_FOUND;
	}
	nsh_error("nsh: %s: %s\n", argv[0], strerror(errno));
	return 126;		/* found but could not run, as POSIX */
}

int nsh_execute(struct nsh *sh, const char *line)
{
	struct nsh_script *s = &sh->script;

	/* Parse an expanded copy: the editor's buffer is its history source. */
	if (nsh_expand(line, sh->cmdline, sizeof(sh->cmdline), sh->status) < 0) {
		nsh_error("nsh: line too long after expansion\n");
		sh->status = NSH_STATUS_SYNTAX;
		return sh->status;
	}
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
