// SPDX-License-Identifier: BSD-2-Clause
/*
 * The shell's executor: walks the tree nsh_parse() built, expanding each
 * command's words just before it runs.  Built-in commands run in the
 * shell; applications and every stage of a pipeline or background job
 * run as tasks.  A built-in run in the shell gets its redirections on
 * the shell's own descriptors around the call (the saved originals are
 * close-on-exec so no child inherits them); a task opens its own, as
 * spawn file actions that run in the child, because an open may wait: a
 * FIFO's writer waits for a reader that may be the shell's next command.
 * Variables are environment variables, as in NSH.
 *
 * Ctrl-C: while the shell runs a typed line, its terminal's foreground
 * (tcsetpgrp) is the shell itself with SIGINT blocked, so a Ctrl-C typed
 * at any moment becomes a signal pending on the shell and is never read
 * as input.  A task gets the foreground as soon as it is spawned,
 * together with any interrupt pending on the shell; a built-in unblocks
 * SIGINT while it runs.  An interrupted command abandons the rest of the
 * line.
 *
 * Several shells run at once (one per terminal, and built-ins run as
 * tasks), all in one address space: the terminal state below is per
 * thread, and a built-in task gets a shell state of its own.
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
#define MAX_REDIRS 8

/* The shell's own descriptor of its terminal (a close-on-exec copy of
 * stdin, so redirections do not move it), -1 when stdin is no terminal
 * or this thread runs no interactive shell: it then never takes the
 * foreground. */
static _Thread_local int term_fd = -1;

/* Where the foreground goes back to between commands: the shell's pid
 * while it runs a typed line (nsh_console_claim), else 0. */
static _Thread_local pid_t console_home;

/* Set by the shell's SIGINT handler, which runs on the shell's thread
 * (its task's only one). */
static _Thread_local volatile sig_atomic_t intr_pending;

/* A command's redirections as file actions for a task. */
struct redir_plan {
	int n;
	struct task_fd_action act[MAX_REDIRS];
};

struct args {
	int argc;
	char *argv[MAX_ARGS + 1];
	char buf[ARG_BYTES];
};

static void set_foreground(pid_t pid)
{
	if (term_fd >= 0)
		tcsetpgrp(term_fd, pid);
}

static void on_sigint(int sig)
{
	(void)sig;
	intr_pending = 1;
}

static sigset_t sigint_set(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	return set;
}

void nsh_terminal_init(void)
{
	struct sigaction sa = { .sa_handler = on_sigint };

	/* No SA_RESTART: Ctrl-C must end a built-in's blocking call. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	if (tcgetpgrp(STDIN_FILENO) >= 0)
		term_fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 10);
}

/* Per thread: a job's thread has no SIGINT handler, nothing sets it. */
bool nsh_interrupted(void)
{
	return intr_pending;
}

/* On the shell's thread SIGINT stays blocked while an earlier one is
 * looked for, and sigtimedwait() takes a later one: no moment is left
 * where the handler could run unseen just before the sleep.  A job's
 * thread (no handler) sleeps plainly: SIGINT's default action ends it. */
int nsh_sleep(const struct timespec *ts)
{
	sigset_t set = sigint_set(), old;
	int r;

	if (term_fd < 0)
		return nanosleep(ts, NULL);
	sigprocmask(SIG_BLOCK, &set, &old);
	if (intr_pending)
		r = SIGINT;
	else
		r = sigtimedwait(&set, NULL, ts);
	if (r == SIGINT)
		intr_pending = 1;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r < 0 && errno == EAGAIN)
		return 0;	/* the whole time passed */
	errno = EINTR;
	return -1;
}

void nsh_console_claim(void)
{
	sigset_t set = sigint_set();

	sigprocmask(SIG_BLOCK, &set, NULL);
	intr_pending = 0;
	console_home = getpid();
	set_foreground(console_home);
}

void nsh_console_release(void)
{
	sigset_t set = sigint_set();

	if (!console_home)
		return;
	console_home = 0;
	set_foreground(0);
	sigprocmask(SIG_UNBLOCK, &set, NULL);	/* runs a late one: dropped */
	intr_pending = 0;
}

/* Runs the handler for a SIGINT pending on the shell; true if there was
 * one (or one came earlier and was not consumed yet). */
static bool take_interrupt(void)
{
	sigset_t set = sigint_set(), old;

	sigprocmask(SIG_UNBLOCK, &set, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (!intr_pending)
		return false;
	intr_pending = 0;
	return true;
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

static const int oflags[] = {
	[NSH_R_IN] = O_RDONLY,
	[NSH_R_OUT] = O_WRONLY | O_CREAT | O_TRUNC,
	[NSH_R_APPEND] = O_WRONLY | O_CREAT | O_APPEND,
};

/* Expands a redirection's word to exactly one path in a. */
static int redir_path(struct nsh *sh, struct nsh_redir *r, struct args *a)
{
	if (expand_args(sh, &r->word, 1, a) < 0)
		return -1;
	if (a->argc != 1) {
		nsh_error("nsh: %s: ambiguous redirect\n", r->word);
		return -1;
	}
	return 0;
}

/* The redirections of a command that runs as a task, as open actions
 * the task applies itself (failing one ends it with status 127). */
static int plan_redirs(struct nsh *sh, struct nsh_redir *r,
		       struct redir_plan *p)
{
	struct args a;

	for (p->n = 0; r; r = r->next) {
		struct task_fd_action *act = &p->act[p->n];

		if (redir_path(sh, r, &a) < 0)
			return -1;
		if (p->n == MAX_REDIRS) {
			nsh_error("nsh: %s: too many redirections\n", r->word);
			return -1;
		}
		if (strlen(a.argv[0]) >= sizeof(act->path)) {
			nsh_error("nsh: %s: %s\n", a.argv[0], strerror(ENAMETOOLONG));
			return -1;
		}
		*act = (struct task_fd_action){ .op = TASK_FD_OPEN, .fd = r->fd,
			.oflag = oflags[r->kind], .mode = 0666 };
		strcpy(act->path, a.argv[0]);
		p->n++;
	}
	return 0;
}

static int apply_redirs(struct nsh *sh, struct nsh_redir *r,
			struct saved_fds *s)
{
	struct args a;

	fflush(stdout);
	for (; r; r = r->next) {
		int fd, err;

		if (redir_path(sh, r, &a) < 0)
			return -1;
		/* A FIFO's open waits for the other end; a child's exit
		 * (SIGCHLD) must not fail it, Ctrl-C does. */
		while ((fd = open(a.argv[0], oflags[r->kind] | O_CLOEXEC,
				  0666)) < 0 && errno == EINTR && !nsh_interrupted())
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

/* A built-in as a task (pipeline stage, background job) gets a shell
 * state of its own, as a subshell does: its words were expanded by the
 * shell that started it, what it changes ($#, $1.., $?, loops) is its
 * own, and `exit` ends the task. */
int nsh_builtin_main(int argc, char **argv)
{
	const struct nsh_cmd *c = nsh_find_cmd(argv[0]);
	struct nsh *job;
	int r;

	if (!c)
		return NSH_STATUS_NOT_FOUND;
	if (!(job = calloc(1, sizeof(*job))))
		return nsh_fail(argv[0], "shell state");
	job->may_exit = true;
	r = c->handler(job, argc, argv);
	fflush(stdout);
	free(job);
	return r;
}

/* The signal mask a task starts with: the shell's, but SIGINT open
 * (the shell blocks it while it runs a typed line). */
static sigset_t task_sigmask(void)
{
	sigset_t mask;

	sigprocmask(SIG_BLOCK, NULL, &mask);
	sigdelset(&mask, SIGINT);
	return mask;
}

static int spawn_app(pid_t *pid, char **argv, const struct redir_plan *p)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t mask = task_sigmask();
	int err;

	if ((err = posix_spawn_file_actions_init(&fa)))
		return err;
	if ((err = posix_spawnattr_init(&attr))) {
		posix_spawn_file_actions_destroy(&fa);
		return err;
	}
	for (int i = 0; p && i < p->n && !err; i++)
		err = posix_spawn_file_actions_addopen(&fa, p->act[i].fd,
						       p->act[i].path,
						       p->act[i].oflag,
						       p->act[i].mode);
	if (!err)
		err = posix_spawnattr_setsigmask(&attr, &mask);
	if (!err)
		err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	if (!err)
		err = posix_spawnp(pid, argv[0], &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return err;
}

#ifdef VIREO_EL0
const char *nsh_program;

/* At EL0 a built-in as a task is this program again, told to run it
 * (nsh_main): a process of its own, as its redirections need. */
static int spawn_builtin(pid_t *pid, char **argv, const struct redir_plan *p)
{
	size_t n = 0;
	char **args;
	int err;

	while (argv[n])
		n++;
	if (!(args = malloc((n + 3) * sizeof(*args))))
		return ENOMEM;
	args[0] = (char *)nsh_program;
	args[1] = NSH_BUILTIN_ARG;
	memcpy(args + 2, argv, (n + 1) * sizeof(*args));
	err = spawn_app(pid, args, p);
	free(args);
	return err;
}
#else
static int spawn_builtin(pid_t *pid, char **argv, const struct redir_plan *p)
{
	struct task_spawn_attr attr = {
		.actions = p ? p->act : NULL,
		.nactions = p ? p->n : 0,
		.set_sigmask = true,
		.sigmask = task_sigmask(),
	};

	*pid = task_spawn(nsh_builtin_main, argv, NULL, &attr);
	return *pid < 0 ? (int)-*pid : 0;
}

#endif

/* Starts argv as a task with the shell's current descriptors and the
 * redirections of p (may be NULL); returns its pid or -1 with a
 * message. */
static pid_t start_task(char **argv, const struct redir_plan *p)
{
	pid_t pid;
	int err;

	fflush(stdout);
	if (nsh_find_cmd(argv[0]))
		err = spawn_builtin(&pid, argv, p);
	else
		err = spawn_app(&pid, argv, p);
	if (!err)
		return pid;
	if (err == ENOENT)
		nsh_error("nsh: %s: command not found\n", argv[0]);
	else
		nsh_error("nsh: %s: %s\n", argv[0], strerror(err));
	errno = err;
	return -1;
}

static int task_status(struct nsh *sh, const char *name, int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus)) {
		int sig = WTERMSIG(wstatus);

		if (sig != SIGINT) {
			nsh_error("nsh: %s: killed by signal %d\n", name, sig);
		} else {
			if (!sh->interrupted)	/* once for a whole pipeline */
				nsh_error("\n");
			sh->interrupted = true;
		}
		return 128 + sig;
	}
	return 1;
}

/* Waits for pid with the terminal's Ctrl-C going to it, including one
 * typed before it started (pending on the shell).  In a job (no
 * terminal of its own: term_fd < 0, console_home 0) neither happens. */
static int wait_task(struct nsh *sh, pid_t pid, const char *name)
{
	int wstatus = 0;
	pid_t r;

	set_foreground(pid);
	if (console_home && take_interrupt())
		kill(pid, SIGINT);
	while ((r = waitpid(pid, &wstatus, 0)) < 0 && errno == EINTR)
		;
	set_foreground(console_home);
	if (r != pid) {
		nsh_error("nsh: %s: waitpid: %s\n", name, strerror(errno));
		return 1;
	}
	return task_status(sh, name, wstatus);
}

/* ---- built-ins in the shell ---- */

/* Ctrl-C during a built-in (or while its redirections open) interrupts
 * its blocking call with EINTR; one typed before it started means it
 * does not run. */
static int run_builtin(struct nsh *sh, const struct nsh_cmd *c, struct args *a,
		       struct nsh_redir *redir, struct saved_fds *s)
{
	sigset_t set = sigint_set(), old;
	int status = 1;

	if (!console_home) {
		intr_pending = 0;
		set_foreground(getpid());
	}
	sigprocmask(SIG_UNBLOCK, &set, &old);
	if (!intr_pending && apply_redirs(sh, redir, s) == 0 && !intr_pending)
		status = c->handler(sh, a->argc, a->argv);
	fflush(stdout);
	sigprocmask(SIG_SETMASK, &old, NULL);
	set_foreground(console_home);
	if (intr_pending) {
		intr_pending = 0;
		nsh_error("\n");
		sh->interrupted = true;
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
	struct redir_plan *p = NULL;
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
	if (a->argc == 0) {		/* "> file" alone creates it */
		status = apply_redirs(sh, n->redir, &s) < 0 ? 1 : 0;
	} else if ((c = nsh_find_cmd(a->argv[0]))) {
		status = run_builtin(sh, c, a, n->redir, &s);
	} else if (!(p = malloc(sizeof(*p))) || plan_redirs(sh, n->redir, p) < 0) {
		status = 1;
	} else if ((pid = start_task(a->argv, p)) > 0) {
		status = wait_task(sh, pid, a->argv[0]);
	} else {
		status = errno == ENOENT ? NSH_STATUS_NOT_FOUND : 126;
	}
out:
	restore_fds(&s);
	free(p);
	free(a);
	return status;
}

/* ---- pipelines and background jobs ---- */

/* Starts one stage with in/out (or -1) as its stdin/stdout. */
static pid_t start_stage(struct nsh *sh, const struct nsh_node *n, int in,
			 int out)
{
	struct args *a = malloc(sizeof(*a));
	struct redir_plan *p = malloc(sizeof(*p));
	struct saved_fds s;
	pid_t pid = -1;

	save_init(&s);
	if (!a || !p) {
		nsh_fail("nsh", "pipeline");
	} else if (n->kind != NSH_N_CMD) {
		nsh_error("nsh: only simple commands can be in a pipeline or in the background\n");
	} else if (expand_args(sh, n->argv, n->argc, a) == 0 && a->argc > 0 &&
		   plan_redirs(sh, n->redir, p) == 0 &&
		   (in < 0 || redirect_fd(&s, 0, in) == 0) &&
		   (out < 0 || redirect_fd(&s, 1, out) == 0)) {
		pid = start_task(a->argv, p);
	}
	restore_fds(&s);
	free(p);
	free(a);
	return pid;
}

/* Waits for a pipeline's stages; the status is the last one's.  With
 * several, a Ctrl-C goes to all of them at once, as to a process group:
 * the shell stays the terminal's foreground, takes the SIGINT and passes
 * it on, so that no stage sees another end first (wc printing its count
 * when cat, before it, was interrupted). */
static int wait_stages(struct nsh *sh, const pid_t *pids, int n)
{
	sigset_t set = sigint_set(), old;
	bool relayed = false;
	int status = 1;

	if (n == 1 || !console_home)
		for (int i = 0; i < n; i++)
			status = wait_task(sh, pids[i], "pipeline");
	if (n == 1 || !console_home)
		return status;
	sigprocmask(SIG_UNBLOCK, &set, &old);	/* one typed already: now */
	for (int i = 0; i < n; i++) {
		int wstatus = 0;
		pid_t r;

		do {
			if (intr_pending && !relayed) {
				for (int j = i; j < n; j++)
					kill(pids[j], SIGINT);
				relayed = true;
			}
			r = waitpid(pids[i], &wstatus, 0);
		} while (r < 0 && errno == EINTR);
		status = r == pids[i] ? task_status(sh, "pipeline", wstatus) : 1;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	intr_pending = 0;
	return status;
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
	if (nst)
		status = wait_stages(sh, pids, nst);
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
	return sh->breaking > 0 || sh->exiting || sh->interrupted;
}

/* Runs a loop body; true when the loop must end (break or exit). */
static bool loop_body(struct nsh *sh, const struct nsh_node *body)
{
	sh->status = run_node(sh, body);
	if (sh->breaking > 0) {
		sh->breaking--;
		return true;
	}
	return sh->exiting || sh->interrupted;
}

static int run_loop(struct nsh *sh, const struct nsh_node *n)
{
	int status = 0;

	sh->loop_depth++;
	for (;;) {
		int cond = run_node(sh, n->a);

		if (sh->interrupted)
			status = cond;	/* Ctrl-C: its 130 */
		if (leaving(sh) || (cond == 0) != (n->kind == NSH_N_WHILE))
			break;
		if (loop_body(sh, n->b)) {
			if (sh->interrupted)
				status = sh->status;
			break;
		}
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
		if (loop_body(sh, n->b)) {
			if (sh->interrupted)
				status = sh->status;	/* Ctrl-C: its 130 */
			break;
		}
		status = sh->status;
	}
	sh->loop_depth--;
	free(a);
	return status;
}

static int run_node(struct nsh *sh, const struct nsh_node *n)
{
	int s = 0;

	if (nsh_too_deep("nsh")) {
		sh->interrupted = true;
		return NSH_STATUS_SYNTAX;
	}
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
	enum nsh_parse_result r;

	if (nsh_too_deep("nsh")) {
		sh->interrupted = true;	/* unwind every level */
		return sh->status = NSH_STATUS_SYNTAX;
	}
	r = nsh_parse(text, &ast);
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
		       (r = nsh_read(fd, buf + n, (size_t)(st.st_size - n))) > 0)
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
	if (sh->exiting)	/* exit N: N, wherever it ran */
		sh->status = sh->exit_status;
	sh->exiting = false;
	sh->breaking = 0;
	sh->argc = old_argc;
	sh->argv = old_argv;
	sh->loop_depth = old_depth;
	free(text);
	return sh->status;
}

int nsh_run_app(struct nsh *sh, char **argv)
{
	pid_t pid;
	int err;

	fflush(stdout);
	err = spawn_app(&pid, argv, NULL);
	if (err) {
		nsh_error("%s: %s\n", argv[0],
			  err == ENOENT ? "no such application" : strerror(err));
		return err == ENOENT ? NSH_STATUS_NOT_FOUND : 126;
	}
	return wait_task(sh, pid, argv[0]);
}
