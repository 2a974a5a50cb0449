// SPDX-License-Identifier: BSD-2-Clause
/*
 * telnetd: serves telnet on port 23 (or -p PORT).  Each client gets its
 * own shell, an `nsh` task, on a telnet terminal made from its connection
 * (telnet_tty_open(), net/telnet.c: the protocol, echo, Ctrl-C and
 * hang-up live there).  The daemon keeps nothing of a session but the
 * count of its children still running: a shell ends on its own (`exit`,
 * or SIGHUP when its client leaves), and its terminal and connection
 * with it.  The daemon ignores SIGHUP: a client that leaves while its
 * shell is being started hangs up a terminal telnetd still holds.  Beyond CONFIG_TELNETD_MAX_SESSIONS a client is told so and
 * disconnected.
 *
 *   telnetd [-p PORT]
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vireo/app.h>
#include <vireo/net.h>

#define TELNET_PORT 23
#define BACKLOG 8

extern char **environ;

static int listen_on(int port)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons((uint16_t)port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int one = 1;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return -1;
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(s, BACKLOG) < 0) {
		int e = errno;

		close(s);
		errno = e;
		return -1;
	}
	return s;
}

/* Starts a shell with tty as its stdin, stdout and stderr and signals
 * unblocked (SIGHUP must end it); its pid, or -1 with errno. */
static pid_t spawn_shell(int tty)
{
	static char *const argv[] = { "nsh", NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none;
	pid_t pid = -1;
	int err;

	sigemptyset(&none);
	if ((err = posix_spawn_file_actions_init(&fa)))
		goto out;
	if ((err = posix_spawnattr_init(&attr)))
		goto err_attr;
	for (int fd = 0; fd <= STDERR_FILENO && !err; fd++)
		err = posix_spawn_file_actions_adddup2(&fa, tty, fd);
	if (!err && tty > STDERR_FILENO)
		err = posix_spawn_file_actions_addclose(&fa, tty);
	if (!err)
		err = posix_spawnattr_setsigmask(&attr, &none);
	if (!err)
		err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	if (!err)
		err = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
err_attr:
	posix_spawn_file_actions_destroy(&fa);
out:
	errno = err;
	return err ? -1 : pid;
}

/* Gives the connection c its shell; true when one started. */
static bool start_session(int c)
{
	int tty = telnet_tty_open(c, 0);
	pid_t pid;

	close(c);
	if (tty < 0) {
		fprintf(stderr, "telnetd: terminal: %s\n", strerror(-tty));
		return false;
	}
	pid = spawn_shell(tty);
	if (pid < 0)
		fprintf(stderr, "telnetd: nsh: %s\n", strerror(errno));
	close(tty);	/* the shell holds the terminal now */
	return pid > 0;
}

/* A shell ended: its SIGCHLD interrupts accept() (no SA_RESTART), so the
 * loop collects it at once instead of at the next connection. */
static void on_child(int sig)
{
	(void)sig;
}

/* Collects ended shells; how many. */
static int reap(void)
{
	int n = 0, st;

	while (waitpid(-1, &st, WNOHANG) > 0)
		n++;
	return n;
}

static void refuse(int c)
{
	char msg[80];
	int n = snprintf(msg, sizeof(msg),
			 "telnetd: too many sessions (%d), try again later\r\n",
			 CONFIG_TELNETD_MAX_SESSIONS);

	send(c, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(c);
}

static int telnetd_main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_child };
	long port = TELNET_PORT;
	int s, sessions = 0;

	if (argc == 3 && strcmp(argv[1], "-p") == 0) {
		char *end;

		port = strtol(argv[2], &end, 10);
		if (*end || port < 1 || port > 65535) {
			fprintf(stderr, "telnetd: %s: not a port\n", argv[2]);
			return 2;
		}
	} else if (argc != 1) {
		fprintf(stderr, "Usage: telnetd [-p PORT]\n");
		return 2;
	}
	s = listen_on((int)port);
	if (s < 0) {
		fprintf(stderr, "telnetd: port %ld: %s\n", port, strerror(errno));
		return 1;
	}
	printf("telnetd: listening on port %ld\n", port);
	fflush(stdout);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGHUP, &sa, NULL);
	for (;;) {
		int c = accept(s, NULL, NULL);
		int err = errno;

		sessions -= reap();
		if (c < 0) {
			if (err == EINTR || err == ECONNABORTED)
				continue;
			fprintf(stderr, "telnetd: accept: %s\n", strerror(err));
			close(s);
			return 1;
		}
		if (sessions >= CONFIG_TELNETD_MAX_SESSIONS)
			refuse(c);
		else if (start_session(c))
			sessions++;
	}
}
APP_REGISTER(telnetd, telnetd_main, 0, 0);
