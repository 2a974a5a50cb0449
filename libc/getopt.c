// SPDX-License-Identifier: BSD-2-Clause
/*
 * getopt() (POSIX.1-2017) with the calling task's state: <unistd.h>
 * names optarg, optind, opterr and optopt through the accessors below,
 * as it does environ, so that two tasks parsing their arguments at once
 * do not move each other's place.  Setting optind to 1 (or 0) starts
 * over.  picolibc's getopt, whose state is one global, stays out of the
 * image (the linker script checks).
 */
#include <stdio.h>
#include <string.h>
#include "libc_task.h"

/* The state of a task whose block could not be allocated. */
static struct getopt_state fallback = { .optind = 1, .opterr = 1 };

static struct getopt_state *state(void)
{
	struct libc_task *t = libc_task();

	return t ? &t->getopt : &fallback;
}

char **libc_optarg(void)
{
	return &state()->optarg;
}

int *libc_optind(void)
{
	return &state()->optind;
}

int *libc_opterr(void)
{
	return &state()->opterr;
}

int *libc_optopt(void)
{
	return &state()->optopt;
}

/* An error for option letter c: ':' for a missing argument when opts
 * starts with ':', else '?' and, with opterr, a message. */
static int error(struct getopt_state *s, const char *prog, const char *opts,
		 int c, bool missing)
{
	s->optopt = c;
	if (opts[0] == ':')
		return missing ? ':' : '?';
	if (s->opterr)
		fprintf(stderr, missing ? "%s: option requires an argument -- %c\n"
					: "%s: illegal option -- %c\n", prog, c);
	return '?';
}

int getopt(int argc, char *const argv[], const char *opts)
{
	struct getopt_state *s = state();
	const char *arg, *spec;
	int c, at;

	if (s->optind < 1)
		s->optind = 1;
	if (s->at_ind != s->optind || s->at < 1) {	/* a new element */
		s->at_ind = s->optind;
		s->at = 1;
	}
	if (s->optind >= argc || !argv[s->optind])
		return -1;
	arg = argv[s->optind];
	if (s->at == 1 && (arg[0] != '-' || arg[1] == '\0'))
		return -1;	/* an operand, or "-" */
	if (s->at == 1 && strcmp(arg, "--") == 0) {
		s->optind++;
		return -1;
	}
	c = (unsigned char)arg[s->at];
	at = ++s->at;
	spec = c == ':' ? NULL : strchr(opts, c);
	if (arg[at] == '\0' || (spec && spec[1] == ':')) {
		s->optind++;	/* this element is done */
		s->at = 0;
	}
	if (!spec)
		return error(s, argv[0], opts, c, false);
	if (spec[1] != ':')
		return c;
	if (arg[at] != '\0') {			/* "-ovalue" */
		s->optarg = (char *)&arg[at];
	} else if (s->optind < argc) {		/* "-o value" */
		s->optarg = argv[s->optind++];
	} else {
		return error(s, argv[0], opts, c, true);
	}
	return c;
}
