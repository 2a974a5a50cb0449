/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The shell's internal interface: its state and the command table.
 * A command is a struct nsh_cmd that NSH_COMMAND() places in the linker
 * section .shell_cmds.<name>; the linker script gathers those sections
 * sorted by name between __shell_cmds_start and __shell_cmds_end, so the
 * table needs no central list and `help` prints it in order.
 */
#pragma once

#include <vireo/compiler.h>
#include "lineedit.h"
#include "parse.h"

#define NSH_STATUS_USAGE 2		/* wrong arguments */
#define NSH_STATUS_SYNTAX 2		/* the line did not parse */
#define NSH_STATUS_NOT_FOUND 127	/* as the POSIX shell */
#define NSH_STATUS_INTERRUPT 130	/* Ctrl-C: 128 + SIGINT */

struct nsh {
	struct lineedit le;
	int status;			/* of the last command: $? */
	struct nsh_script script;
	char cmdline[CONFIG_NSH_LINELEN + 1];	/* parsed copy of the line */
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

extern const struct nsh_cmd __shell_cmds_start[], __shell_cmds_end[];

#define nsh_for_each_cmd(c) \
	for (const struct nsh_cmd *c = __shell_cmds_start; c < __shell_cmds_end; c++)

const struct nsh_cmd *nsh_find_cmd(const char *name);

/* Prints "Usage: ..." of the command to stderr; returns NSH_STATUS_USAGE. */
int nsh_usage(const char *name);

/* Prints a message on stderr, after whatever stdout still holds. */
void nsh_error(const char *fmt, ...) __printf_like(1, 2);

/* Parses and runs one line; returns (and records) the last status. */
int nsh_execute(struct nsh *sh, const char *line);
