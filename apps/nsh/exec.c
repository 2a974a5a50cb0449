// SPDX-License-Identifier: BSD-2-Clause
/*
 * The shell's executor: walks the tree nsh_parse() built, expanding each
 * command's words just before it runs.  Built-in commands run in the
 * shell; applications and every stage of a pipeline or background job
 * run as tasks.  Redirections are applied to the shell's own descriptors
 * around the command or the spawn (a spawned task copies the table), and
 * the saved originals are close-on-exec so no child inherits them.
 * Variables are environment variables, as in NSH.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vireo/task.h>
#include "nsh.h"

#define MAX_ARGS 64
#define ARG_BYTES 1024
#define MAX_STAGES 8

extern void console_set_foreground(pid_t pid) __attribute__((weak));

/* The shell that built-in tasks (pipeline stages, background jobs) use
 * for the few commands that look at shell state. */
static struct nsh *task_shell;

struct args {
	int argc;
	char *argv[MAX_ARGS + 1];
	char buf[ARG_BYTES];
};

static void set_foreground(pid_t pid)
{
	if (console_set_foreground)
		console_set_foreground(pid);
}

static const char *lookup(void *ctx, const char *name)
{
	struct nsh *sh = ctx;
	int i;

	if (name[1] == '\0') {
		switch (name[0]) {
		case '?': snprintf(sh->num, sizeof(sh->num), "%d", sh->status);
			return sh->num;
		case '$': snprintf(sh->num, sizeof(sh->num), "%d", (int)getpid());
			return sh->num;
		case '!': snprintf(sh->num, sizeof(sh->num), "%d", (int)sh->last_bg);
			return sh->num;
		case '#': snprintf(sh->num, sizeof(sh->num), "%d",
				   sh->argc > 0 ? sh->argc - 1 : 0);
			return sh->num;
		case '@': case '*':	/* "$@" alone is expand_into's */
			return NULL;
		}
		if (name[0] >= '0' && name[0] <= '9') {
			i = name[0] - '0';
			return i < sh->argc ? sh->argv[i] : NULL;
		}
	}
	return getenv(name);
}

/* Appends the fields of one raw word; "$@" alone gives all arguments. */
static int expand_into(struct nsh *sh, const char *raw, struct args *a,
		       size_t *used)
{
	int n;
	char *f;

	if (strcmp(raw, "$@") == 0 || strcmp(raw, "\"$@\"") == 0 ||
	    strcmp(raw, "$*") == 0) {
		for (int i = 1; i < sh->argc; i++) {
			size_t len = strlen(sh->argv[i]) + 1;

			if (a->argc == MAX_ARGS || *used + len > ARG_BYTES)
				return -1;
			a->argv[a->argc++] = memcpy(a->buf + *used, sh->argv[i], len);
			*used += len;
		}
		return 0;
	}
	n = nsh_expand_word(raw, lookup, sh, a->buf + *used, ARG_BYTES - *used);
	if (n < 0 || a->argc + n > MAX_ARGS) {
		nsh_error("nsh: %s: arguments too long\n", raw);
		return -1;
	}
	f = a->buf + *used;
	for (int i = 0; i < n; i++) {
		a->argv[a->argc++] = f;
		*used += strlen(f) + 1;
		f += strlen(f) + 1;
	}
	return 0;
}

static int expand_args(struct nsh *sh, char **raw, int count, struct args *a)
{
	size_t used = 0;

	a->argc = 0;
	for (int i = 0; i < count; i++)
		if (expand_into(sh, raw[i], a, &used) < 0)
			return -1;
	a->argv[a->argc] = NULL;
	return 0;
}

/* ---- redirection ---- */

struct saved_fds {
	int fd[3];		/* copies of 0..2, -1 when untouched */
};

static void save_init(struct saved_fds *s)
{
	s->fd[0] = s->fd[1] = s->fd[2] = -1;
}

/* Points fd at newfd's file, keeping a close-on-exec copy of the old. */
static int redirect_fd(struct saved_fds *s, int fd, int newfd)
{
	if (fd < 0 || fd > 2)
		return -EBADF;
	if (s->fd[fd] < 0 && (s->fd[fd] = fcntl(fd, F_DUPFD_CLOEXEC, 10)) < 0)
		return -errno;
	return dup2(newfd, fd) < 0 ? -errno : 0;
}

static void restore_fds(struct saved_fds *s)
{
	fflush(stdout);
	for (int fd = 0; fd < 3; fd++) {
		if (s->fd[fd] >= 0) {
			dup2(s->fd[fd], fd);
			close(s->fd[fd]);
			s->fd[fd] = -1;
		}
	}
}

static int apply_redirs(struct nsh *sh, struct nsh_redir *r,
			struct saved_fds *s)
{
	static const int oflags[] = {
		[NSH_R_IN] = O_RDONLY,
		[NSH_R_OUT] = O_WRONLY | O_CREAT | O_TRUNC,
		[NSH_R_APPEND] = O_WRONLY | O_CREAT | O_APPEND,
	};
	struct args a;

	fflush(stdout);
	for (; r; r = r->next) {
		int fd, err;

		if (expand_args(sh, &r->word, 1, &a) < 0)
			return -1;
		if (a.argc != 1) {
			nsh_error("nsh: %s: ambiguous redirect\n", r->word);
			return -1;
		}
		/* A FIFO's open waits for the other end; a child's exit
		 * (SIGCHLD) must not fail it. */
		while ((fd = open(a.argv[0], oflags[r->kind] | O_CLOEXEC,
				  0666)) < 0 && errno == EINTR)
			;
		if (fd < 0)
			return nsh_fail("nsh", a.argv[0]), -1;
		err = redirect_fd(s, r->fd, fd);
		close(fd);
		if (err) {
			errno = -err;
			return nsh_fail("nsh", "redirect"), -1;
		}
	}
	return 0;
}

/* ---- tasks ---- */

static int builtin_task_main(int argc, char **argv)
{
	const struct nsh_cmd *c = nsh_find_cmd(argv[0]);
	int r = c ? c->handler(task_shell, argc, argv) : NSH_STATUS_NOT_FOUND;

	fflush(stdout);
	return r;
}

/* Starts argv as a task with the shell's current descriptors; returns
 * its pid or -1 with a message. */
static pid_t start_task(char **argv)
{
	pid_t pid;
	int err;

	fflush(stdout);
	if (nsh_find_cmd(argv[0])) {
		pid = task_spawn(builtin_task_main, argv, NULL, NULL);
		err = pid < 0 ? -pid : 0;
	} else {
		err = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	}
	if (!err)
		return pid;
	errno = err;
	if (err == ENOENT)
		nsh_error("nsh: %s: command not found\n", argv[0]);
	else
		nsh_error("nsh: %s: %s\n", argv[0], strerror(err));
	errno = err;
	return -1;
}

static int task_status(const char *name, int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus)) {
		int sig = WTERMSIG(wstatus);

		if (sig != SIGINT)
			nsh_error("nsh: %s: killed by signal %d\n", name, sig);
		else
			nsh_error("\n");
		return 128 + sig;
	}
	return 1;
}

/* Waits for pid with the console's Ctrl-C going to it. */
static int wait_task(pid_t pid, const char *name)
{
	int wstatus = 0;
	pid_t r;

	set_foreground(pid);
	while ((r = waitpid(pid, &wstatus, 0)) < 0 && errno == EINTR)
		;
	set_foreground(0);
	if (r != pid) {
		nsh_error("nsh: %s: waitpid: %s\n", name, strerror(errno));
		return 1;
	}
	return task_status(name, wstatus);
}

/* ---- built-ins in the shell ---- */

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Ctrl-C during a built-in interrupts its blocking call with EINTR. */
static int run_builtin(struct nsh *sh, const struct nsh_cmd *c, struct args *a)
{
	struct sigaction sa = { .sa_handler = on_sigint }, old;
	int status;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	interrupted = 0;
	set_foreground(getpid());
	status = c->handler(sh, a->argc, a->argv);
	set_foreground(0);
	fflush(stdout);
	sigaction(SIGINT, &old, NULL);
	if (interrupted) {
		nsh_error("\n");
		status = NSH_STATUS_INTERRUPT;
	}
	return status;
}

/* NAME=value words alone set variables. */
static bool is_assignment(const char *w)
{
	const char *eq = strchr(w, '=');

	return eq && nsh_valid_name(w, (size_t)(eq - w));
}

static int assign(struct args *a)
{
	for (int i = 0; i < a->argc; i++) {
		char *eq = strchr(a->argv[i], '=');

		*eq = '\0';
		if (setenv(a->argv[i], eq + 1, 1) != 0)
			return nsh_fail("nsh", a->argv[i]);
	}
	return 0;
}

static int run_simple(struct nsh *sh, const struct nsh_node *n)
{
	struct args *a = malloc(sizeof(*a));
	struct saved_fds s;
	const struct nsh_cmd *c;
	int status = 1;
	pid_t pid;

	if (!a)
		return nsh_fail("nsh", "command");
	save_init(&s);
	if (expand_args(sh, n->argv, n->argc, a) < 0)
		goto out;
	if (a->argc > 0 && is_assignment(n->argv[0])) {
		bool all = true;

		for (int i = 0; i < a->argc; i++)
			all = all && is_assignment(a->argv[i]);
		if (all) {
			status = assign(a);
			goto out;
		}
	}
	if (apply_redirs(sh, n->redir, &s) < 0)
		goto out;
	if (a->argc == 0) {
		status = 0;
	} else if ((c = nsh_find_cmd(a->argv[0]))) {
		status = run_builtin(sh, c, a);
	} else if ((pid = start_task(a->argv)) > 0) {
		status = wait_task(pid, a->argv[0]);
	} else {
		status = errno == ENOENT ? NSH_STATUS_NOT_FOUND : 126;
	}
out:
	restore_fds(&s);
	free(a);
	return status;
}

/* ---- pipelines and background jobs ---- */

/* Starts one stage with in/out (or -1) as its stdin/stdout. */
static pid_t start_stage(struct nsh *sh, const struct nsh_node *n, int in,
			 int out)
{
	struct args *a = malloc(sizeof(*a));
	struct saved_fds s;
	pid_t pid = -1;

	if (!a)
		return nsh_fail("nsh", "pipeline"), -1;
	save_init(&s);
	if (n->kind != NSH_N_CMD) {
		nsh_error("nsh: only simple commands can be in a pipeline or in the background\n");
	} else if (expand_args(sh, n->argv, n->argc, a) == 0 && a->argc > 0 &&
		   (in < 0 || redirect_fd(&s, 0, in) == 0) &&
		   (out < 0 || redirect_fd(&s, 1, out) == 0) &&
		   apply_redirs(sh, n->redir, &s) == 0) {
		task_shell = sh;
		pid = start_task(a->argv);
	}
	restore_fds(&s);
	free(a);
	return pid;
}

/* A pipe no spawned task inherits except through dup2 onto 0 or 1. */
static int pipe_cloexec(int fds[2])
{
	if (pipe(fds) < 0)
		return -1;
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

static int run_pipeline(struct nsh *sh, const struct nsh_node *n)
{
	pid_t pids[MAX_STAGES];
	int nst = 0, in = -1, status = 1, fds[2];
	bool failed = false;

	for (; n && !failed; n = n->kind == NSH_N_PIPE ? n->b : NULL) {
		const struct nsh_node *cmd = n->kind == NSH_N_PIPE ? n->a : n;
		bool last = n->kind != NSH_N_PIPE;

		if (nst == MAX_STAGES || (!last && pipe_cloexec(fds) < 0)) {
			nsh_error("nsh: pipeline: %s\n", nst == MAX_STAGES ?
				  "too many stages" : strerror(errno));
			break;
		}
		pids[nst] = start_stage(sh, cmd, in, last ? -1 : fds[1]);
		failed = pids[nst] < 0;
		nst += !failed;
		if (in >= 0)
			close(in);
		if (!last) {
			close(fds[1]);
			in = fds[0];
		}
	}
	if (in >= 0 && failed)
		close(in);
	for (int i = 0; i < nst; i++)
		status = wait_task(pids[i], "pipeline");
	return failed ? 1 : status;
}

static int run_background(struct nsh *sh, const struct nsh_node *n)
{
	pid_t pid = start_stage(sh, n, -1, -1);

	if (pid < 0)
		return 1;
	sh->last_bg = pid;
	printf("[%d]\n", (int)pid);
	return 0;
}

/* ---- compound commands ---- */

static int run_node(struct nsh *sh, const struct nsh_node *n);

static bool leaving(struct nsh *sh)
{
	return sh->breaking > 0 || sh->exiting;
}

/* Runs a loop body; true when the loop must end (break or exit). */
static bool loop_body(struct nsh *sh, const struct nsh_node *body)
{
	sh->status = run_node(sh, body);
	if (sh->breaking > 0) {
		sh->breaking--;
		return true;
	}
	return sh->exiting;
}

static int run_loop(struct nsh *sh, const struct nsh_node *n)
{
	int status = 0;

	sh->loop_depth++;
	for (;;) {
		int cond = run_node(sh, n->a);

		if (leaving(sh) || (cond == 0) != (n->kind == NSH_N_WHILE))
			break;
		if (loop_body(sh, n->b))
			break;
		status = sh->status;
	}
	sh->loop_depth--;
	return status;
}

static int run_for(struct nsh *sh, const struct nsh_node *n)
{
	struct args *a = malloc(sizeof(*a));
	int status = 0;

	if (!a)
		return nsh_fail("nsh", "for");
	if (n->argv ? expand_args(sh, n->argv, n->argc, a) < 0
		    : expand_args(sh, (char *[]){ "$@" }, 1, a) < 0) {
		free(a);
		return 1;
	}
	sh->loop_depth++;
	for (int i = 0; i < a->argc; i++) {
		setenv(n->name, a->argv[i], 1);
		if (loop_body(sh, n->b))
			break;
		status = sh->status;
	}
	sh->loop_depth--;
	free(a);
	return status;
}

static int run_node(struct nsh *sh, const struct nsh_node *n)
{
	int s = 0;

	switch (n ? n->kind : NSH_N_SEQ) {
	case NSH_N_SEQ:
		for (; n && !leaving(sh); n = n->b)
			s = sh->status = run_node(sh, n->a);
		return n ? sh->status : s;
	case NSH_N_CMD:
		return run_simple(sh, n);
	case NSH_N_PIPE:
		return run_pipeline(sh, n);
	case NSH_N_BG:
		return run_background(sh, n->a);
	case NSH_N_AND:
	case NSH_N_OR:
		s = sh->status = run_node(sh, n->a);
		if (!leaving(sh) && (s == 0) == (n->kind == NSH_N_AND))
			s = run_node(sh, n->b);
		return s;
	case NSH_N_IF:
		s = run_node(sh, n->a);
		if (leaving(sh))
			return s;
		if (s == 0)
			return run_node(sh, n->b);
		return n->c ? run_node(sh, n->c) : 0;
	case NSH_N_WHILE:
	case NSH_N_UNTIL:
		return run_loop(sh, n);
	case NSH_N_FOR:
		return run_for(sh, n);
	}
	return 1;
}

int nsh_execute(struct nsh *sh, const char *text)
{
	struct nsh_ast ast;
	enum nsh_parse_result r = nsh_parse(text, &ast);

	if (r != NSH_PARSE_OK) {
		nsh_error("nsh: %s\n", ast.error);
		sh->status = NSH_STATUS_SYNTAX;
	} else if (ast.root) {
		sh->status = run_node(sh, ast.root);
	}
	nsh_ast_free(&ast);
	return sh->status;
}

/* Reads a whole file into a NUL-terminated heap buffer. */
static char *read_file(const char *path)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n = 0, r;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		errno = EISDIR;
	else if ((buf = malloc((size_t)st.st_size + 1)))
		while (n < st.st_size &&
		       (r = read(fd, buf + n, (size_t)(st.st_size - n))) > 0)
			n += r;
	close(fd);
	if (buf)
		buf[n] = '\0';
	return buf;
}

int nsh_run_script(struct nsh *sh, const char *path, int argc, char **argv)
{
	char *text = read_file(path);
	int old_argc = sh->argc, old_depth = sh->loop_depth;
	char **old_argv = sh->argv;

	if (!text) {
		nsh_error("sh: %s: %s\n", path, strerror(errno));
		return NSH_STATUS_NOT_FOUND;
	}
	sh->argc = argc;
	sh->argv = argv;
	sh->loop_depth = 0;
	nsh_execute(sh, text);
	sh->exiting = false;
	sh->breaking = 0;
	sh->argc = old_argc;
	sh->argv = old_argv;
	sh->loop_depth = old_depth;
	free(text);
	return sh->status;
}
