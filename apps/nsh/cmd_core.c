// SPDX-License-Identifier: BSD-2-Clause
/*
 * Shell built-ins that only talk to the shell itself: help and echo.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <vireo/app.h>
#include "nsh.h"

static int cmd_help(struct nsh *sh, int argc, char **argv)
{
	if (argc > 2)
		return nsh_usage("help");
	if (argc == 2) {
		const struct nsh_cmd *c = nsh_find_cmd(argv[1]);

		if (!c) {
			nsh_error("help: %s: no such command\n", argv[1]);
			return 1;
		}
		printf("Usage: %s\n  %s\n", c->usage, c->help);
		return 0;
	}
	printf("Commands (help CMD shows how to use one):\n");
	nsh_for_each_cmd(c)
		printf("  %-10s %s\n", c->name, c->help);
	printf("Applications (run as tasks):\n ");
	app_for_each(a)
		printf(" %s", a->name);
	printf("\n");
	return 0;
}
NSH_COMMAND(help, cmd_help, "help [CMD]",
	    "List the commands, or show how to use CMD");

/* echo [-n] ARGS: -n (first argument only) drops the newline. */
static int cmd_echo(struct nsh *sh, int argc, char **argv)
{
	int i = 1;
	bool newline = true;

	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		newline = false;
		i++;
	}
	for (; i < argc; i++)
		printf(i + 1 < argc ? "%s " : "%s", argv[i]);
	if (newline)
		putchar('\n');
	return 0;
}
NSH_COMMAND(echo, cmd_echo, "echo [-n] [STRING...]",
	    "Write the arguments separated by spaces (-n: no newline)");
