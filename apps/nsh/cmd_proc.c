// SPDX-License-Identifier: BSD-2-Clause
/*
 * Task and time commands: kill (signals by name or number, -l lists
 * them), sleep (seconds, fractions allowed) and usleep (microseconds).
 * They run in the shell, through POSIX calls only.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "nsh.h"

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "ILL", SIGILL }, { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },
	{ "BUS", SIGBUS }, { "FPE", SIGFPE }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
};
#define NSIGNAMES (sizeof(signals) / sizeof(signals[0]))

/* "9", "KILL", "SIGKILL", "kill", "RTMIN+2": the number, or -1. */
static int signal_number(const char *s)
{
	char *end;
	long n;

	if (*s >= '0' && *s <= '9') {
		n = strtol(s, &end, 10);
		return *end == '\0' && n >= 0 && n < SIGRTMAX + 1 ? (int)n : -1;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < NSIGNAMES; i++) {
		if (strcasecmp(s, signals[i].name) == 0)
			return signals[i].sig;
	}
	if (strncasecmp(s, "RTMIN", 5) == 0) {
		n = s[5] == '+' ? strtol(s + 6, &end, 10) : 0;
		if (s[5] == '\0' || (s[5] == '+' && *end == '\0'))
			return SIGRTMIN + n <= SIGRTMAX ? SIGRTMIN + (int)n : -1;
	}
	return -1;
}

static void list_signals(void)
{
	for (size_t i = 0; i < NSIGNAMES; i++)
		printf("%2d) SIG%-6s%s", signals[i].sig, signals[i].name,
		       i % 5 == 4 ? "\n" : " ");
	if (NSIGNAMES % 5)
		putchar('\n');
	printf("%2d) SIGRTMIN .. %2d) SIGRTMIN+%d\n", SIGRTMIN, SIGRTMAX,
	       SIGRTMAX - SIGRTMIN);
}

/* kill [-SIG | -s SIG | -n NUM] PID...  and  kill -l */
static int cmd_kill(struct nsh *sh, int argc, char **argv)
{
	int sig = SIGTERM, i = 1, status = 0;

	if (argc == 2 && strcmp(argv[1], "-l") == 0) {
		list_signals();
		return 0;
	}
	if (i < argc && (strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "-n") == 0)) {
		if (i + 1 >= argc)
			return nsh_usage("kill");
		sig = signal_number(argv[i + 1]);
		i += 2;
	} else if (i < argc && argv[i][0] == '-' && argv[i][1] != '\0' &&
		   strcmp(argv[i], "--") != 0) {
		sig = signal_number(argv[i] + 1);
		i++;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (sig < 0) {
		nsh_error("kill: unknown signal; kill -l lists them\n");
		return NSH_STATUS_USAGE;
	}
	if (i >= argc)
		return nsh_usage("kill");
	for (; i < argc; i++) {
		char *end;
		long pid;

		errno = 0;
		pid = strtol(argv[i], &end, 10);
		if (*end != '\0' || end == argv[i] || errno ||
		    pid != (pid_t)pid) {	/* 4294967297 is not pid 1 */
			nsh_error("kill: %s: not a process id\n", argv[i]);
			status = 1;
		} else if (kill((pid_t)pid, sig) != 0) {
			nsh_error("kill: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		}
	}
	return status;
}
NSH_COMMAND(kill, cmd_kill, "kill [-SIG | -s SIG | -n NUM] PID... | kill -l",
	    "Send a signal (default TERM) to tasks; -l lists the signals");

/* Sleeps ns nanoseconds; an interrupting signal (Ctrl-C) ends it early. */
static int sleep_ns(int64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000LL),
		.tv_nsec = (long)(ns % 1000000000LL),
	};

	if (nsh_sleep(&ts) != 0)
		return errno == EINTR ? NSH_STATUS_INTERRUPT : 1;
	return 0;
}

/* "1", "0.5", "2.25": nanoseconds, or -1.  Digits only: no locale, no
 * floating point needed. */
static int64_t parse_seconds(const char *s)
{
	int64_t ns = 0, unit = 1000000000LL;
	bool digits = false;

	for (; *s >= '0' && *s <= '9'; s++, digits = true) {
		if (ns > 1000000LL * 1000000000LL)
			return -1;		/* over 11 days: surely a typo */
		ns = ns * 10 + (*s - '0') * unit;
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, digits = true) {
			unit /= 10;
			ns += (*s - '0') * unit;
		}
	}
	return *s == '\0' && digits ? ns : -1;
}

static int cmd_sleep(struct nsh *sh, int argc, char **argv)
{
	int64_t ns;

	if (argc != 2 || (ns = parse_seconds(argv[1])) < 0)
		return nsh_usage("sleep");
	return sleep_ns(ns);
}
NSH_COMMAND(sleep, cmd_sleep, "sleep SECONDS",
	    "Wait SECONDS (fractions allowed: sleep 0.5)");

static int cmd_usleep(struct nsh *sh, int argc, char **argv)
{
	char *end;
	long long us;

	if (argc != 2)
		return nsh_usage("usleep");
	errno = 0;
	us = strtoll(argv[1], &end, 10);
	if (*end != '\0' || end == argv[1] || us < 0 || errno ||
	    us > INT64_MAX / 1000)
		return nsh_usage("usleep");
	return sleep_ns(us * 1000);
}
NSH_COMMAND(usleep, cmd_usleep, "usleep USEC", "Wait USEC microseconds");
