/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The shell's internal interface: its state and the command table.
 * A command is a struct nsh_cmd that NSH_COMMAND() places in the linker
 * section .shell_cmds.<name>; the linker script gathers those sections
 * sorted by name between __shell_cmds_start and __shell_cmds_end, so the
 * table needs no central list and `help` prints it in order.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <vireo/compiler.h>
#include "lineedit.h"
#include "parse.h"

#define NSH_STATUS_USAGE 2		/* wrong arguments */
#define NSH_STATUS_SYNTAX 2		/* the line did not parse */
#define NSH_STATUS_NOT_FOUND 127	/* as the POSIX shell */
#define NSH_STATUS_INTERRUPT 130	/* Ctrl-C: 128 + SIGINT */

#define NSH_INTR_CHAR 0x03	/* Ctrl-C */
#define NSH_PENDING_MAX 2048	/* a multi-line construct being typed */
/* Stack that the work below the deepest recursion point needs (a
 * built-in, printf, the VFS path walk under an open): a script that runs
 * itself, nested time, compound commands and ls -R each stop with a
 * message once less than this is left (nsh_too_deep()). */
#define NSH_STACK_RESERVE 6144

/*
 * One shell's state.  The console shell (pid 1) and each shell started
 * with `nsh [DEVICE]` have one; every built-in that runs as a task (a
 * pipeline stage, a background job) gets its own, so that jobs never
 * share $#, $1.., $? or loop state.  Ctrl-C and the terminal's
 * foreground are not here but per thread in exec.c: only a shell's own
 * thread (nsh_terminal_init()) handles them, a job's never does.
 */
struct nsh {
	struct lineedit le;
	int status;			/* of the last command: $? */
	pid_t last_bg;			/* $! */
	int argc;			/* $# and $1.. of the running script */
	char **argv;			/* argv[0] is $0; the caller's, valid
					 * while the script runs */
	int loop_depth;			/* loops being run, for break */
	int breaking;			/* loops `break` still has to leave */
	bool exiting;			/* `exit` ran: leave the script */
	int exit_status;		/* the script's status then */
	bool interrupted;		/* Ctrl-C ended a command: leave the
					 * line (and any script it runs) */
	bool interactive;		/* reading its terminal */
	bool may_exit;			/* `exit` and Ctrl-D end this shell:
					 * not the console's */
	bool quit;			/* ...and one did */
	char num[24];			/* $? $$ $# $! formatted */
	unsigned char in[128];		/* console bytes read, not yet fed */
	size_t in_pos, in_len;
	size_t pending_len;
	char pending[NSH_PENDING_MAX];
	char line[CONFIG_NSH_LINELEN + 1];
	char scratch[CONFIG_NSH_LINELEN + 1];
	char history[CONFIG_NSH_HISTORY_BYTES];
};

struct nsh_cmd {
	const char *name;
	/* Returns the exit status: 0 for success. */
	int (*handler)(struct nsh *sh, int argc, char **argv);
	const char *usage;		/* synopsis: "echo [-n] [STRING...]" */
	const char *help;		/* one line for `help` */
};

/*
 * Registers a command; cname must be a C identifier (it is also the name
 * typed).  The explicit alignment stops the compiler from padding the
 * object beyond sizeof(struct nsh_cmd), which would leave holes in the
 * table the linker builds.
 */
#define NSH_COMMAND(cname, fn, use, desc)                                  \
	static const struct nsh_cmd nsh_cmd_##cname __used                \
	__section(".shell_cmds." #cname) __aligned(8) = {                  \
		.name = #cname, .handler = fn, .usage = use, .help = desc, \
	}

/* A command whose typed name is not a C identifier ("[", "."). */
#define NSH_COMMAND_NAMED(cname, typed, fn, use, desc)                     \
	static const struct nsh_cmd nsh_cmd_##cname __used                \
	__section(".shell_cmds." #cname) __aligned(8) = {                  \
		.name = typed, .handler = fn, .usage = use, .help = desc,  \
	}

/* Tab: completes the word before the cursor (complete.c). */
void nsh_complete(struct lineedit *le);

extern const struct nsh_cmd __shell_cmds_start[], __shell_cmds_end[];

#define nsh_for_each_cmd(c) \
	for (const struct nsh_cmd *c = __shell_cmds_start; c < __shell_cmds_end; c++)

const struct nsh_cmd *nsh_find_cmd(const char *name);

/* Prints "Usage: ..." of the command to stderr; returns NSH_STATUS_USAGE. */
int nsh_usage(const char *name);

/* Prints a message on stderr, after whatever stdout still holds. */
void nsh_error(const char *fmt, ...) __printf_like(1, 2);

/* Parses and runs a text (a line or a whole script); returns (and
 * records) the last status.  A syntax error is status 2. */
int nsh_execute(struct nsh *sh, const char *text);

/* Runs the script in path with args ($0 = path) in this shell (exec.c);
 * returns its status, or 127 with a message when it cannot be read. */
int nsh_run_script(struct nsh *sh, const char *path, int argc, char **argv);

/* Runs built-in argv[0] in a shell state of its own, as a task's main
 * (exec.c). */
int nsh_builtin_main(int argc, char **argv);
#ifdef VIREO_EL0
/* At EL0 the shell runs a built-in as a task by starting its own program
 * (nsh_program, its argv[0]) as "nsh NSH_BUILTIN_ARG NAME ARGS...". */
#define NSH_BUILTIN_ARG "--builtin"
extern const char *nsh_program;
#endif

/* Runs application argv[0] as a task that gets its terminal's Ctrl-C,
 * and waits for it; returns its status (exec.c). */
int nsh_run_app(struct nsh *sh, char **argv);

/* Whether Ctrl-C interrupted the built-in that the calling shell runs
 * on its own thread: every loop of a built-in that may run long checks
 * it (reading /dev/zero never blocks, so no EINTR ends it).  A built-in
 * running as a task is ended by SIGINT itself: always false there. */
bool nsh_interrupted(void);
/* nanosleep() for built-ins: 0, or -1 with EINTR when Ctrl-C came before
 * or during it (a SIGINT handled just before the sleep began is not
 * missed). */
struct timespec;
int nsh_sleep(const struct timespec *ts);

/* Whether the calling thread's stack is too short to go one level
 * deeper (NSH_STACK_RESERVE); prints "cmd: nested too deeply" then.
 * Every recursion of the shell and its built-ins checks it first. */
bool nsh_too_deep(const char *cmd);

/* read() for built-ins: fails with EINTR once nsh_interrupted(), so a
 * loop over an endless device ends at Ctrl-C.  Built-ins read only
 * through it (tests/host checks). */
ssize_t nsh_read(int fd, void *buf, size_t len);

/* SIGINT handling of the shell (exec.c): nsh_terminal_init() once, on
 * the shell's thread with stdin on its terminal; nsh_console_claim()
 * when a typed line is complete, before its echo ends, so that from then
 * on Ctrl-C is a signal pending on the shell (handed to the command the
 * line starts) and never an input byte; nsh_console_release() when the
 * line is done. */
void nsh_terminal_init(void);
void nsh_console_claim(void);
void nsh_console_release(void);

/* Prints "cmd: arg: strerror(errno)" (nothing for the EINTR of a
 * Ctrl-C, which the shell reports); returns 1. */
int nsh_fail(const char *cmd, const char *arg);

/* Writes the file at path to stdout; 0, or 1 after a message naming cmd. */
int nsh_print_file(const char *cmd, const char *path);

/* Parses an integer argument; false (and a message) when it is not one. */
bool nsh_parse_long(const char *cmd, const char *s, long *out);
/* The same within [min, max]: a value the caller's type cannot hold is
 * an error, not silently truncated. */
bool nsh_parse_range(const char *cmd, const char *s, long min, long max,
		     long *out);
/* As nsh_parse_long, with an optional K (or k), M or G suffix (x1024^n). */
bool nsh_parse_size(const char *cmd, const char *s, long *out);
