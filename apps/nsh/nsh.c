// SPDX-License-Identifier: BSD-2-Clause
/*
 * The shell's main loop: banner, prompt, read terminal bytes, feed the
 * line editor, parse and run each finished line.  The console shell is
 * the first application thread (app_init_main, started by kernel/init.c);
 * the application `nsh [DEVICE]` starts another shell, on DEVICE (a
 * second terminal such as /dev/ttyV0) or on the caller's terminal.  Both
 * use only POSIX I/O: raw bytes from fd 0, all output through
 * stdout/stderr (a tty turns "\n" into "\r\n").  Everything goes through
 * stdio and is flushed before the shell waits for input, so echo, prompt
 * and command output reach the terminal in order.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vireo/app.h>
#include "nsh.h"

_Static_assert(sizeof(struct nsh_cmd) % 8 == 0,
	       "struct nsh_cmd must tile the .shell_cmds table");

#define NSH_RCS "/etc/init.d/rcS"

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

int nsh_fail(const char *cmd, const char *arg)
{
	if (errno == EINTR && nsh_interrupted())
		return 1;	/* the shell reports the interrupt */
	nsh_error("%s: %s: %s\n", cmd, arg, strerror(errno));
	return 1;
}

bool nsh_too_deep(const char *cmd)
{
	pthread_attr_t a;
	void *lo = NULL;
	size_t size;
	char here;

	if (pthread_getattr_np(pthread_self(), &a) != 0)
		return false;
	pthread_attr_getstack(&a, &lo, &size);
	pthread_attr_destroy(&a);
	if ((uintptr_t)&here - (uintptr_t)lo >= NSH_STACK_RESERVE)
		return false;
	nsh_error("%s: nested too deeply\n", cmd);
	return true;
}

ssize_t nsh_read(int fd, void *buf, size_t len)
{
	if (nsh_interrupted()) {
		errno = EINTR;
		return -1;
	}
	return read(fd, buf, len);
}

bool nsh_parse_range(const char *cmd, const char *s, long min, long max,
		     long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 0);
	if (*s == '\0' || *end != '\0' || errno) {
		nsh_error("%s: %s: not a number\n", cmd, s);
		return false;
	}
	if (*out < min || *out > max) {
		nsh_error("%s: %s: out of range (%ld to %ld)\n", cmd, s, min, max);
		return false;
	}
	return true;
}

bool nsh_parse_long(const char *cmd, const char *s, long *out)
{
	return nsh_parse_range(cmd, s, LONG_MIN, LONG_MAX, out);
}

bool nsh_parse_size(const char *cmd, const char *s, long *out)
{
	static const char units[] = "KMG";
	const char *u;
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (*end && !end[1] && (u = strchr(units, *end == 'k' ? 'K' : *end))) {
		int shift = 10 * (int)(u - units + 1);

		if (v > LONG_MAX >> shift || v < LONG_MIN >> shift)
			errno = ERANGE;
		else
			v *= 1L << shift;
		end++;
	}
	if (*s == '\0' || *end != '\0' || errno) {
		nsh_error("%s: %s: not a number\n", cmd, s);
		return false;
	}
	*out = v;
	return true;
}

static void echo_out(void *ctx, const char *buf, size_t len)
{
	fwrite(buf, 1, len, stdout);
}

/* Collects finished background tasks so they do not stay zombies. */
static void reap_background(void)
{
	int st;

	while (waitpid(-1, &st, WNOHANG) > 0)
		;
}

static void prompt(void)
{
	fputs(CONFIG_NSH_PROMPT, stdout);
	fflush(stdout);
}

static void prompt_more(void)
{
	fputs("> ", stdout);
	fflush(stdout);
}

/*
 * A Ctrl-C typed after the line but read before the shell took the
 * console (still in the shell's input buffer or the console's) is the
 * command's too: it becomes SIGINT pending on the shell, which hands it
 * on.  As a terminal's interrupt key does, it discards the input typed
 * before it.
 */
static void typeahead_intr(struct nsh *sh)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	unsigned char *c;
	ssize_t n;

	sh->in_len -= sh->in_pos;
	memmove(sh->in, sh->in + sh->in_pos, sh->in_len);
	sh->in_pos = 0;
	if (sh->interactive && sh->in_len < sizeof(sh->in) &&
	    poll(&pfd, 1, 0) > 0 &&
	    (n = read(STDIN_FILENO, sh->in + sh->in_len,
		      sizeof(sh->in) - sh->in_len)) > 0)
		sh->in_len += (size_t)n;
	c = memchr(sh->in, NSH_INTR_CHAR, sh->in_len);
	if (c) {
		sh->in_pos = (size_t)(c - sh->in) + 1;
		raise(SIGINT);
	}
}

/* Adds a typed line to the pending text; runs it once it parses (or
 * fails to), else asks for the next line with "> ". */
static void line_done(struct nsh *sh, const char *line)
{
	size_t len = strlen(line);
	struct nsh_ast ast;
	enum nsh_parse_result r;

	if (sh->pending_len + len + 2 > sizeof(sh->pending)) {
		nsh_error("nsh: command too long\n");
		sh->pending_len = 0;
		sh->status = NSH_STATUS_SYNTAX;
		nsh_console_release();
		prompt();
		return;
	}
	memcpy(sh->pending + sh->pending_len, line, len);
	sh->pending_len += len;
	sh->pending[sh->pending_len++] = '\n';
	sh->pending[sh->pending_len] = '\0';
	r = nsh_parse(sh->pending, &ast);
	nsh_ast_free(&ast);
	if (r == NSH_PARSE_INCOMPLETE) {
		nsh_console_release();
		prompt_more();
		return;
	}
	sh->pending_len = 0;
	typeahead_intr(sh);
	nsh_execute(sh, sh->pending);
	sh->quit = sh->exiting;		/* only a may_exit shell sets it */
	sh->exiting = false;
	sh->breaking = 0;
	sh->interrupted = false;
	reap_background();
	nsh_console_release();	/* before the prompt: Ctrl-C typed at it
				 * is the line editor's */
	prompt();
}

/* One byte of console input; prints a new prompt after each line. */
static void feed_byte(struct nsh *sh, unsigned char byte)
{
	if (byte == '\t') {
		nsh_complete(&sh->le);
		return;
	}
	/* The shell takes Ctrl-C before the line's echo can reach the
	 * terminal: whatever is typed once the newline shows is the
	 * command's. */
	if (byte == '\r' || byte == '\n')
		nsh_console_claim();
	switch (le_feed(&sh->le, byte)) {
	case LE_LINE:
		fflush(stdout);
		line_done(sh, le_line(&sh->le));
		break;
	case LE_INTERRUPT:
		sh->status = NSH_STATUS_INTERRUPT;
		sh->pending_len = 0;
		prompt();
		break;
	case LE_EOF:		/* the console has no end: ignore Ctrl-D */
		sh->quit = sh->may_exit;
		sh->exit_status = sh->status;
		break;
	case LE_PENDING:
		break;
	}
	nsh_console_release();
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
	nsh_terminal_init();
	printf("\nVireo %s %s, built %s\n", CONFIG_VERSION_STRING,
	       VIREO_BOARD_CONFIG, VIREO_BUILD_DATE);
}

/* Reads and runs typed lines until the shell is told to quit. */
static void nsh_interact(struct nsh *sh)
{
	sh->interrupted = false;
	sh->interactive = true;
	prompt();
	while (!sh->quit) {
		ssize_t n = read(STDIN_FILENO, sh->in, sizeof(sh->in));

		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			nsh_error("nsh: terminal read failed: %s\n",
				  n < 0 ? strerror(errno) : "end of input");
			return;
		}
		sh->in_pos = 0;
		sh->in_len = (size_t)n;
		/* typeahead_intr() may move and extend the buffer. */
		while (sh->in_pos < sh->in_len && !sh->quit)
			feed_byte(sh, sh->in[sh->in_pos++]);
		fflush(stdout);
	}
}

/* The console shell: runs the start-up script, then never ends. */
void app_init_main(void *arg)
{
	struct nsh *sh = &the_shell;

	nsh_init(sh);
	if (access(NSH_RCS, R_OK) == 0)
		nsh_run_script(sh, NSH_RCS, 1, (char *[]){ NSH_RCS, NULL });
	nsh_interact(sh);
}

/* Makes the terminal at path the task's stdin, stdout and stderr. */
static int open_terminal(const char *path)
{
	int fd = open(path, O_RDWR);

	if (fd < 0)
		return -1;
	for (int i = 0; i <= STDERR_FILENO; i++)
		if (fd != i && dup2(fd, i) < 0)
			return -1;
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

/* nsh [DEVICE]: a shell on DEVICE, or on the caller's terminal.  It ends
 * with `exit` or Ctrl-D on an empty line; its status is exit's. */
static int nsh_main(int argc, char **argv)
{
	struct nsh *sh;
	int status;

#ifdef VIREO_EL0
	nsh_program = argv[0];
	if (argc >= 3 && !strcmp(argv[1], NSH_BUILTIN_ARG))
		return nsh_builtin_main(argc - 2, argv + 2);
	/* The first process (knsh): the console shell, as in the flat build. */
	if (getpid() == 1) {
		app_init_main(NULL);
		return 1;
	}
#endif
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "Usage: nsh [DEVICE]\n");
		return NSH_STATUS_USAGE;
	}
	if (argc == 2 && open_terminal(argv[1]) < 0)
		return nsh_fail("nsh", argv[1]);
	sh = calloc(1, sizeof(*sh));
	if (!sh)
		return nsh_fail("nsh", "shell state");
	sh->may_exit = true;
	nsh_init(sh);
	nsh_interact(sh);
	fflush(stdout);
	status = sh->exit_status;
	free(sh);
	return status;
}
APP_REGISTER(nsh, nsh_main, 0, 0);
