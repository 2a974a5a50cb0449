// SPDX-License-Identifier: BSD-2-Clause
/*
 * Shell-state built-ins: variables (set, unset, export, env), control
 * (true, false, exit, break), scripts (sh, source, .), exec and the
 * test / [ expression evaluator (string, integer and file tests).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "nsh.h"

static int cmd_env(struct nsh *sh, int argc, char **argv)
{
	if (argc != 1)
		return nsh_usage("env");
	for (char **e = environ; e && *e; e++)
		printf("%s\n", *e);
	return 0;
}
NSH_COMMAND(env, cmd_env, "env", "List the environment variables");

/* set NAME VALUE | set NAME=VALUE | set (lists) */
static int set_var(const char *cmd, int argc, char **argv)
{
	char *eq;

	if (argc == 1)
		return cmd_env(NULL, 1, argv);
	if (argc == 2 && (eq = strchr(argv[1], '='))) {
		*eq = '\0';
		argv[2] = eq + 1;
		argc = 3;
	}
	if (argc != 3 || !nsh_valid_name(argv[1], strlen(argv[1])))
		return nsh_usage(cmd);
	if (setenv(argv[1], argv[2], 1) != 0)
		return nsh_fail(cmd, argv[1]);
	return 0;
}

static int cmd_set(struct nsh *sh, int argc, char **argv)
{
	return set_var("set", argc, argv);
}
NSH_COMMAND(set, cmd_set, "set [NAME VALUE | NAME=VALUE]",
	    "Set a variable, or list them all");

static int cmd_export(struct nsh *sh, int argc, char **argv)
{
	if (argc == 2 && !strchr(argv[1], '=')) {
		const char *v = getenv(argv[1]);

		return setenv(argv[1], v ? v : "", 1) ? nsh_fail("export", argv[1]) : 0;
	}
	return set_var("export", argc, argv);
}
NSH_COMMAND(export, cmd_export, "export NAME [VALUE] | export NAME=VALUE",
	    "Set a variable that applications inherit");

static int cmd_unset(struct nsh *sh, int argc, char **argv)
{
	if (argc < 2)
		return nsh_usage("unset");
	for (int i = 1; i < argc; i++)
		if (unsetenv(argv[i]) != 0)
			return nsh_fail("unset", argv[i]);
	return 0;
}
NSH_COMMAND(unset, cmd_unset, "unset NAME...", "Remove variables");

static int cmd_true(struct nsh *sh, int argc, char **argv)
{
	return 0;
}
NSH_COMMAND(true, cmd_true, "true", "Do nothing, successfully");

static int cmd_false(struct nsh *sh, int argc, char **argv)
{
	return 1;
}
NSH_COMMAND(false, cmd_false, "false", "Do nothing, unsuccessfully");

static int cmd_exit(struct nsh *sh, int argc, char **argv)
{
	long v = sh->status;

	if (argc > 2 || (argc == 2 && !nsh_parse_long("exit", argv[1], &v)))
		return nsh_usage("exit");
	if (!sh->argv && !sh->may_exit) {
		nsh_error("exit: the console shell keeps running (poweroff stops the machine)\n");
		return (int)v;
	}
	sh->exiting = true;
	sh->exit_status = (int)(v & 0xff);
	return sh->exit_status;
}
NSH_COMMAND(exit, cmd_exit, "exit [STATUS]",
	    "Leave the script being run, or a shell started with nsh");

static int cmd_break(struct nsh *sh, int argc, char **argv)
{
	long n = 1;

	if (argc > 2 || (argc == 2 && (!nsh_parse_long("break", argv[1], &n) || n < 1)))
		return nsh_usage("break");
	if (sh->loop_depth == 0) {
		nsh_error("break: only meaningful in a loop\n");
		return 1;
	}
	sh->breaking = n > sh->loop_depth ? sh->loop_depth : (int)n;
	return 0;
}
NSH_COMMAND(break, cmd_break, "break [N]", "Leave the innermost N loops");

static int cmd_sh(struct nsh *sh, int argc, char **argv)
{
	if (argc < 2)
		return nsh_usage(argv[0]);
	return nsh_run_script(sh, argv[1], argc - 1, argv + 1);
}
NSH_COMMAND(sh, cmd_sh, "sh FILE [ARG...]", "Run a script with arguments");
NSH_COMMAND(source, cmd_sh, "source FILE [ARG...]",
	    "Run a script in this shell");
NSH_COMMAND_NAMED(source_dot, ".", cmd_sh, ". FILE [ARG...]",
		  "Run a script in this shell (as source)");

/* exec APP [ARG...]: runs the application as any command line would
 * (Ctrl-C goes to it, the shell waits for it); the console shell stays. */
static int cmd_exec(struct nsh *sh, int argc, char **argv)
{
	if (argc < 2)
		return nsh_usage("exec");
	return nsh_run_app(sh, argv + 1);
}
NSH_COMMAND(exec, cmd_exec, "exec APP [ARG...]",
	    "Run an application (the console shell waits for it)");

/* ---- test / [ ---- */

struct texpr {
	int argc, pos;
	char **argv;
	bool error;
};

static const char *next_arg(struct texpr *t)
{
	if (t->pos >= t->argc) {
		t->error = true;
		return "";
	}
	return t->argv[t->pos++];
}

static bool file_test(char op, const char *path)
{
	struct stat st;

	if (op == 'h' || op == 'L')
		return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
	if (stat(path, &st) != 0)
		return false;
	switch (op) {
	case 'e': return true;
	case 'f': return S_ISREG(st.st_mode);
	case 'd': return S_ISDIR(st.st_mode);
	case 'p': return S_ISFIFO(st.st_mode);
	case 'c': return S_ISCHR(st.st_mode);
	case 'b': return S_ISBLK(st.st_mode);
	case 's': return st.st_size > 0;
	case 'r': return access(path, R_OK) == 0;
	case 'w': return access(path, W_OK) == 0;
	case 'x': return access(path, X_OK) == 0;
	}
	return false;
}

static bool int_test(struct texpr *t, const char *a, const char *op, const char *b)
{
	long x, y;

	if (!nsh_parse_long("test", a, &x) || !nsh_parse_long("test", b, &y)) {
		t->error = true;
		return false;
	}
	if (!strcmp(op, "-eq")) return x == y;
	if (!strcmp(op, "-ne")) return x != y;
	if (!strcmp(op, "-lt")) return x < y;
	if (!strcmp(op, "-le")) return x <= y;
	if (!strcmp(op, "-gt")) return x > y;
	if (!strcmp(op, "-ge")) return x >= y;
	t->error = true;
	return false;
}

static bool is_binary_op(const char *s)
{
	static const char *const ops[] = { "=", "!=", "-eq", "-ne", "-lt",
					   "-le", "-gt", "-ge" };

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(s, ops[i]))
			return true;
	return false;
}

static bool primary(struct texpr *t)
{
	const char *a = next_arg(t);

	if (!strcmp(a, "!"))
		return !primary(t);
	if (t->pos + 1 < t->argc + 1 && t->pos < t->argc &&
	    is_binary_op(t->argv[t->pos])) {
		const char *op = next_arg(t), *b = next_arg(t);

		if (!strcmp(op, "="))
			return !strcmp(a, b);
		if (!strcmp(op, "!="))
			return strcmp(a, b) != 0;
		return int_test(t, a, op, b);
	}
	if (a[0] == '-' && a[1] && !a[2] && t->pos < t->argc) {
		const char *arg = next_arg(t);

		if (a[1] == 'n')
			return arg[0] != '\0';
		if (a[1] == 'z')
			return arg[0] == '\0';
		if (strchr("efdpcbsrwxhL", a[1]))
			return file_test(a[1], arg);
		t->error = true;
		return false;
	}
	return a[0] != '\0';
}

/* expr := primary (('-a' | '-o') primary)*, left to right. */
static bool expression(struct texpr *t)
{
	bool v = primary(t);

	while (!t->error && t->pos < t->argc) {
		const char *op = next_arg(t);

		if (!strcmp(op, "-a"))
			v = primary(t) && v;
		else if (!strcmp(op, "-o"))
			v = primary(t) || v;
		else
			t->error = true;
	}
	return v;
}

static int cmd_test(struct nsh *sh, int argc, char **argv)
{
	struct texpr t = { .argc = argc, .pos = 1, .argv = argv };
	bool v;

	if (!strcmp(argv[0], "[")) {
		if (strcmp(argv[argc - 1], "]") != 0) {
			nsh_error("[: missing ]\n");
			return 2;
		}
		t.argc--;
	}
	if (t.argc == 1)
		return 1;
	v = expression(&t);
	if (t.error) {
		nsh_error("%s: bad expression\n", argv[0]);
		return 2;
	}
	return v ? 0 : 1;
}
NSH_COMMAND(test, cmd_test, "test EXPR",
	    "Evaluate string (= != -n -z), integer (-eq -lt..) and file (-e -f -d..) tests");
NSH_COMMAND_NAMED(test_bracket, "[", cmd_test, "[ EXPR ]", "Same as test");
