// SPDX-License-Identifier: BSD-2-Clause
/*
 * rpsock_server stream|dgram block|nonblock NAME: an echo service on an
 * AF_RPMSG socket named NAME.  It accepts connections for ever (Ctrl-C
 * ends it), each served by a thread that sends back everything it
 * receives until the client closes, then prints how it ended.
 */
#include <errno.h>
#include <netpacket/rpmsg.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vireo/app.h>
#include "rpsock.h"

#define ECHO_BUF 4096

struct conn {
	int fd;
	struct rpsock_mode mode;
};

static void *serve(void *arg)
{
	struct conn *c = arg;
	char *buf = malloc(ECHO_BUF);
	ssize_t n = -1;
	int err = 0;

	while (buf && (n = rpsock_io(c->fd, &c->mode, buf, ECHO_BUF, false, false)) > 0)
		if (rpsock_io(c->fd, &c->mode, buf, (size_t)n, true, true) != n) {
			n = -1;
			break;
		}
	err = n < 0 ? errno : 0;
	if (n == 0)
		printf("server recv data normal exit\n");
	else
		printf("server recv data failed, errno %d\n", err);
	printf("server Complete ret %d, errno %d\n", n == 0 ? 0 : -1, err);
	close(c->fd);
	free(buf);
	free(c);
	return NULL;
}

/* The next connection: a descriptor, or -1 (errno). */
static int next_conn(int fd, const struct rpsock_mode *m)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int c;

	while ((c = accept(fd, NULL, NULL)) < 0 && errno == EAGAIN && m->nonblock)
		if (poll(&p, 1, -1) < 0)
			return -1;
	return c;
}

static int start_conn(int fd, const struct rpsock_mode *m)
{
	struct conn *c = malloc(sizeof(*c));
	pthread_t t;

	if (!c) {
		close(fd);
		return -1;
	}
	*c = (struct conn){ .fd = fd, .mode = *m };
	if (pthread_create(&t, NULL, serve, c)) {
		close(fd);
		free(c);
		return -1;
	}
	pthread_detach(t);
	return 0;
}

static int rpsock_server_main(int argc, char **argv)
{
	struct sockaddr_rpmsg addr = { .rp_family = AF_RPMSG };
	struct rpsock_mode m;
	int fd, c;

	if (argc != 4 || rpsock_parse_mode(argv[1], argv[2], &m) ||
	    strlen(argv[3]) >= sizeof(addr.rp_name)) {
		fprintf(stderr, "usage: rpsock_server stream|dgram block|nonblock NAME\n");
		return 2;
	}
	strcpy(addr.rp_name, argv[3]);
	printf("server: create socket %s nonblock %d\n", rpsock_type_name(m.type),
	       m.nonblock);
	fd = socket(AF_RPMSG, m.type | (m.nonblock ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0) {
		printf("server: socket failure: %s\n", strerror(errno));
		return 1;
	}
	printf("server: bind cpu %s, name %s ...\n", addr.rp_cpu, addr.rp_name);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    (printf("server: listen ...\n"), listen(fd, 2) < 0)) {
		printf("server: bind/listen failure: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	for (;;) {
		printf("server: try accept ...\n");
		if ((c = next_conn(fd, &m)) < 0)
			break;
		printf("server: Connection accepted -- %d\n", c);
		if (start_conn(c, &m))
			break;
	}
	printf("server: accept failure: %s\n", strerror(errno));
	close(fd);
	return 1;
}

APP_REGISTER(rpsock_server, rpsock_server_main, 0, 0);
