// SPDX-License-Identifier: BSD-2-Clause
/*
 * nettest: checks a TCP path end to end with data whose every byte is
 * known.
 *
 *   nettest echo PORT [COUNT]      serve COUNT clients (default: for ever),
 *                                  one at a time, echoing what they send
 *   nettest send HOST PORT BYTES   send BYTES of a pattern to an echo
 *                                  server and check every byte that comes
 *                                  back; prints the rate
 *
 * HOST is a name or an address (getaddrinfo).  The pattern depends on the
 * byte's position, so a lost, duplicated or reordered piece is caught.
 * Exit status 0 when everything checked, 1 otherwise.
 */
#include <errno.h>
#include <stdbool.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <vireo/app.h>

#define CHUNK 4096

static uint8_t pattern(size_t i)
{
	return (uint8_t)((i * 131) ^ (i >> 8));
}

static int usage(void)
{
	fprintf(stderr, "usage: nettest echo PORT [COUNT]\n"
			"       nettest send HOST PORT BYTES\n");
	return 2;
}

/* Echoes one client until it closes through buf (CHUNK bytes); returns
 * bytes echoed or -1. */
static long echo_client(int fd, char *buf)
{
	long total = 0;
	ssize_t n;

	while ((n = read(fd, buf, CHUNK)) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));
			if (w < 0)
				return -1;
			off += w;
		}
		total += n;
	}
	return n < 0 ? -1 : total;
}

static int echo_server(const char *port_s, long count, char *buf)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int lfd, one = 1;
	char *end;
	long port = strtol(port_s, &end, 10);

	if (*end || port <= 0 || port > 65535)
		return usage();
	a.sin_port = htons((uint16_t)port);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 4)) {
		fprintf(stderr, "nettest: port %ld: %s\n", port, strerror(errno));
		return 1;
	}
	printf("nettest: echoing on port %ld\n", port);
	fflush(stdout);
	for (long i = 0; count <= 0 || i < count; i++) {
		int fd = accept(lfd, NULL, NULL);
		long n;

		if (fd < 0) {
			fprintf(stderr, "nettest: accept: %s\n", strerror(errno));
			close(lfd);
			return 1;
		}
		n = echo_client(fd, buf);
		close(fd);
		printf("nettest: client %ld: %ld bytes echoed\n", i + 1, n);
		fflush(stdout);
	}
	close(lfd);
	return 0;
}

static int connect_to(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	int fd, r = getaddrinfo(host, port, &hints, &res);

	if (r) {
		fprintf(stderr, "nettest: %s: %s\n", host, gai_strerror(r));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen)) {
		fprintf(stderr, "nettest: connect %s port %s: %s\n", host, port,
			strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* Receives what is there into buf (CHUNK bytes) and checks it from
 * position *got on. */
static int take_echo(int fd, uint8_t *buf, size_t *got, bool block)
{
	ssize_t n = recv(fd, buf, CHUNK, block ? 0 : MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN ? 0 : -1;
	if (n == 0)
		return -1;	/* closed early */
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] != pattern(*got + (size_t)i)) {
			fprintf(stderr, "nettest: byte %zu is %u, want %u\n",
				*got + (size_t)i, buf[i], pattern(*got + (size_t)i));
			return -1;
		}
	*got += (size_t)n;
	return 0;
}

/* buf: 2 * CHUNK bytes, what goes out and what comes back. */
static int send_check(const char *host, const char *port, const char *bytes_s,
		      uint8_t *buf)
{
	size_t total = strtoul(bytes_s, NULL, 10), sent = 0, got = 0;
	struct timespec t0, t1;
	int fd = connect_to(host, port);
	double s;

	if (fd < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (got < total) {
		if (sent < total) {
			size_t n = total - sent < CHUNK ? total - sent : CHUNK;
			ssize_t w;
			for (size_t i = 0; i < n; i++)
				buf[i] = pattern(sent + i);
			w = send(fd, buf, n, MSG_DONTWAIT);
			if (w < 0 && errno != EAGAIN)
				break;
			if (w > 0)
				sent += (size_t)w;
		}
		/* Block for the echo only once everything is sent, or when
		 * the send buffer is full (w < 0 meant EAGAIN). */
		if (take_echo(fd, buf + CHUNK, &got, sent == total) < 0)
			break;
	}
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (got != total) {
		fprintf(stderr, "nettest: %zu of %zu bytes came back\n", got, total);
		return 1;
	}
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("nettest: %zu bytes echoed by %s port %s and checked, %.0f KiB/s\n",
	       total, host, port, s > 0 ? total / 1024.0 / s : 0.0);
	return 0;
}

static int nettest_main(int argc, char **argv)
{
	/* The buffers come from the heap while nettest runs (not bss). */
	uint8_t *buf = malloc(2 * CHUNK);
	int r;

	if (!buf) {
		fprintf(stderr, "nettest: out of memory\n");
		return 1;
	}
	if (argc >= 3 && argc <= 4 && !strcmp(argv[1], "echo"))
		r = echo_server(argv[2], argc == 4 ? atol(argv[3]) : 0, (char *)buf);
	else if (argc == 5 && !strcmp(argv[1], "send"))
		r = send_check(argv[2], argv[3], argv[4], buf);
	else
		r = usage();
	free(buf);
	return r;
}

APP_REGISTER(nettest, nettest_main, 0, 0);
