// SPDX-License-Identifier: BSD-2-Clause
/*
 * rpsock_client [-q] [-s SIZE] [-n COUNT] stream|dgram block|nonblock
 * NAME CPU: connects to the AF_RPMSG echo service NAME on CPU, sends
 * COUNT numbered messages of SIZE bytes (default 1000 of 4096: 4,096,000
 * bytes) one at a time and checks that every byte of each comes back.
 * Each message starts with "processPID, msgN, name:NAME" and goes on
 * with a pattern of its number and offset, so a lost, duplicated or
 * misplaced byte is caught.  -q prints no line per message but the time
 * taken, the rate and the mean round trip.  Exit status 0 when all came
 * back right.
 */
#include <errno.h>
#include <netpacket/rpmsg.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <vireo/app.h>
#include "rpsock.h"

#define HEAD_LEN 64

struct opts {
	bool quiet;
	size_t size, count;
	struct rpsock_mode mode;
	const char *name, *cpu;
};

static uint8_t pattern(size_t msg, size_t i)
{
	return (uint8_t)(msg * 7 + i * 131 + (i >> 8));
}

static void fill(char *buf, const struct opts *o, size_t msg)
{
	for (size_t i = 0; i < o->size; i++)
		buf[i] = (char)pattern(msg, i);
	snprintf(buf, MIN(o->size, (size_t)HEAD_LEN), "process%04d, msg%04zu, name:%s",
		 (int)getpid(), msg, o->name);
}

/* Options by hand: getopt's state is shared by every task of the image. */
static int parse(int argc, char **argv, struct opts *o)
{
	int i = 1;

	*o = (struct opts){ .size = 4096, .count = 1000 };
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-q"))
			o->quiet = true;
		else if (!strcmp(argv[i], "-s") && i + 1 < argc)
			o->size = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			o->count = strtoul(argv[++i], NULL, 0);
		else
			return -1;
	}
	if (argc - i != 4 || !o->size || o->size > 65536 || !o->count ||
	    rpsock_parse_mode(argv[i], argv[i + 1], &o->mode))
		return -1;
	o->name = argv[i + 2];
	o->cpu = argv[i + 3];
	return strlen(o->name) < RPMSG_SOCKET_NAME_SIZE &&
	       strlen(o->cpu) < RPMSG_SOCKET_CPU_SIZE ? 0 : -1;
}

static int do_connect(int fd, const struct opts *o)
{
	struct sockaddr_rpmsg a = { .rp_family = AF_RPMSG };
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int err = 0;

	strcpy(a.rp_cpu, o->cpu);
	strcpy(a.rp_name, o->name);
	if (!connect(fd, (struct sockaddr *)&a, sizeof(a)))
		return 0;
	if (errno != EINPROGRESS)
		return -1;
	if (poll(&p, 1, -1) < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
		return -1;
	errno = err;
	return err ? -1 : 0;
}

/* The first byte where got differs from message msg, or -1. */
static long mismatch(const char *want, const char *got, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (want[i] != got[i])
			return (long)i;
	return -1;
}

/* One message out and back: 0, or -1 with the reason printed. */
static int round_trip(int fd, const struct opts *o, size_t msg, char *out,
		      char *in)
{
	ssize_t n;
	long bad;

	fill(out, o, msg);
	if (rpsock_io(fd, &o->mode, out, o->size, true, true) != (ssize_t)o->size) {
		printf("client: send failed: %s\n", strerror(errno));
		return -1;
	}
	if (!o->quiet)
		printf("client send data, cnt %zu, total len %zu, BUFHEAD %s\n", msg,
		       o->size, out);
	n = rpsock_io(fd, &o->mode, in, o->size, false, true);
	if (n != (ssize_t)o->size) {
		printf("client: recv returned %zd of %zu: %s\n", n, o->size,
		       n < 0 ? strerror(errno) : "short");
		return -1;
	}
	if ((bad = mismatch(out, in, o->size)) >= 0) {
		printf("client: message %zu differs at byte %ld\n", msg, bad);
		return -1;
	}
	if (!o->quiet)
		printf("client recv data %s\n", in);
	return 0;
}

static void report(const struct opts *o, size_t total, struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	unsigned long long us = (unsigned long long)(t1.tv_sec - t0->tv_sec) * 1000000 +
				(unsigned long long)((t1.tv_nsec - t0->tv_nsec) / 1000);
	if (!us)
		us = 1;
	/* Every byte crosses twice: out and back. */
	printf("client: %zu bytes echoed in %llu us: %llu KB/s each way, "
	       "%llu us per round trip\n", total, us,
	       (unsigned long long)total * 1000000 / us / 1024, us / o->count);
}

static int run(int fd, const struct opts *o)
{
	char *out = malloc(o->size), *in = malloc(o->size);
	size_t msg, total = 0;
	struct timespec t0;
	int r = 0;

	if (!out || !in) {
		printf("client: out of memory\n");
		r = -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (msg = 0; !r && msg < o->count; msg++) {
		r = round_trip(fd, o, msg, out, in);
		total += r ? 0 : o->size;
	}
	if (!r) {
		if (o->quiet)
			report(o, total, &t0);
		printf("client recv done, total %zu, endflags, send total %zu\n",
		       total, total);
	}
	free(out);
	free(in);
	return r;
}

static int rpsock_client_main(int argc, char **argv)
{
	struct opts o;
	int fd, r;

	if (parse(argc, argv, &o)) {
		fprintf(stderr, "usage: rpsock_client [-q] [-s SIZE] [-n COUNT] "
			"stream|dgram block|nonblock NAME CPU\n");
		return 2;
	}
	printf("client: create socket %s nonblock %d\n", rpsock_type_name(o.mode.type),
	       o.mode.nonblock);
	fd = socket(AF_RPMSG, o.mode.type | (o.mode.nonblock ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0) {
		printf("client: socket failure: %s\n", strerror(errno));
		return 1;
	}
	printf("client: Connecting to %s,%s...\n", o.cpu, o.name);
	if (do_connect(fd, &o)) {
		printf("client: connect failure: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	printf("client: Connected\n");
	r = run(fd, &o);
	printf("client: Terminating\n");
	close(fd);
	return r ? 1 : 0;
}

APP_REGISTER(rpsock_client, rpsock_client_main, 0, 0);
