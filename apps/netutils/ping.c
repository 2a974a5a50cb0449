// SPDX-License-Identifier: BSD-2-Clause
/*
 * ping: ICMP echo over a raw socket, with the statistics line users know.
 *
 *   ping [-c COUNT] [-i SECONDS] [-s SIZE] [-W SECONDS] HOST
 *
 * Sends COUNT (default 4) echo requests of SIZE data bytes (default 56)
 * every SECONDS (default 1), waits up to -W seconds (default 2) for each
 * reply; Ctrl-C stops early and still prints the statistics.  Exit status
 * 0 when a reply came, 1 when none did, 2 on bad arguments.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <vireo/app.h>

#define MAX_SIZE 1472		/* one Ethernet frame */
#define IP_HDR_MAX 60

struct ping {
	int fd;
	struct sockaddr_in to;
	char host[INET_ADDRSTRLEN];
	uint16_t id;
	int size;
	long sent, received;
	double min_ms, max_ms, sum_ms;
};

/* Per thread: pings in several sessions run at once in one address
 * space, and the SIGINT handler runs on the ping's own (only) thread. */
static _Thread_local volatile sig_atomic_t stop;

static void on_int(int sig)
{
	stop = 1;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int send_echo(struct ping *p, uint16_t seq)
{
	uint8_t pkt[sizeof(struct icmphdr) + MAX_SIZE];
	struct icmphdr *h = (struct icmphdr *)pkt;
	size_t len = sizeof(*h) + (size_t)p->size;

	memset(pkt, 0, len);
	h->type = ICMP_ECHO;
	h->id = htons(p->id);
	h->sequence = htons(seq);
	for (int i = 0; i < p->size; i++)
		pkt[sizeof(*h) + i] = (uint8_t)i;
	h->checksum = in_cksum(pkt, len);
	if (sendto(p->fd, pkt, len, 0, (struct sockaddr *)&p->to,
		   sizeof(p->to)) < 0) {
		fprintf(stderr, "ping: sendto: %s\n", strerror(errno));
		return -1;
	}
	p->sent++;
	return 0;
}

/* Waits until deadline (ms) for the reply to seq; true when it came. */
static bool wait_reply(struct ping *p, uint16_t seq, double start, double deadline)
{
	uint8_t buf[IP_HDR_MAX + sizeof(struct icmphdr) + MAX_SIZE];

	while (!stop) {
		struct pollfd pf = { .fd = p->fd, .events = POLLIN };
		double left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&pf, 1, (int)left + 1) <= 0)
			return false;
		n = recv(p->fd, buf, sizeof(buf), 0);
		if (n < 20)
			continue;
		size_t ihl = (size_t)(buf[0] & 15) * 4;
		struct icmphdr *h = (struct icmphdr *)(buf + ihl);
		if ((size_t)n < ihl + sizeof(*h) || h->type != ICMP_ECHOREPLY ||
		    ntohs(h->id) != p->id || ntohs(h->sequence) != seq)
			continue;	/* our own request on loopback, others' */
		double ms = now_ms() - start;
		p->received++;
		p->sum_ms += ms;
		if (p->received == 1 || ms < p->min_ms)
			p->min_ms = ms;
		if (ms > p->max_ms)
			p->max_ms = ms;
		printf("%zu bytes from %s: icmp_seq=%u ttl=%u time=%.3f ms\n",
		       (size_t)n - ihl, p->host, seq, buf[8], ms);
		return true;
	}
	return false;
}

static int resolve(struct ping *p, const char *host)
{
	struct addrinfo hints = { .ai_family = AF_INET }, *res;
	int r = getaddrinfo(host, NULL, &hints, &res);

	if (r) {
		fprintf(stderr, "ping: %s: %s\n", host, gai_strerror(r));
		return -1;
	}
	memcpy(&p->to, res->ai_addr, sizeof(p->to));
	freeaddrinfo(res);
	inet_ntop(AF_INET, &p->to.sin_addr, p->host, sizeof(p->host));
	return 0;
}

static void statistics(const struct ping *p, double elapsed_ms)
{
	printf("--- %s ping statistics ---\n", p->host);
	printf("%ld packets transmitted, %ld received, %ld%% packet loss, time %.0fms\n",
	       p->sent, p->received,
	       p->sent ? (p->sent - p->received) * 100 / p->sent : 0, elapsed_ms);
	if (p->received)
		printf("rtt min/avg/max = %.3f/%.3f/%.3f ms\n", p->min_ms,
		       p->sum_ms / p->received, p->max_ms);
}

static int usage(void)
{
	fprintf(stderr, "usage: ping [-c COUNT] [-i SECONDS] [-s SIZE] [-W SECONDS] HOST\n");
	return 2;
}

static int ping_main(int argc, char **argv)
{
	struct ping p = { .size = 56 };
	struct sigaction sa = { .sa_handler = on_int }, old;
	double interval = 1, wait_s = 2, t0;
	long count = 4;
	int i;

	/* getopt's state is shared by every task of the image: parse here. */
	for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		const char *v = argv[i + 1];

		if (!strcmp(argv[i], "-c"))
			count = atol(v);
		else if (!strcmp(argv[i], "-i"))
			interval = atof(v);
		else if (!strcmp(argv[i], "-s"))
			p.size = atoi(v);
		else if (!strcmp(argv[i], "-W"))
			wait_s = atof(v);
		else
			return usage();
	}
	if (i != argc - 1 || argv[i][0] == '-' || count <= 0 || interval < 0.01 ||
	    p.size < 0 || p.size > MAX_SIZE || wait_s <= 0)
		return usage();
	if (resolve(&p, argv[i]))
		return 2;
	p.fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (p.fd < 0) {
		fprintf(stderr, "ping: socket: %s\n", strerror(errno));
		return 2;
	}
	p.id = (uint16_t)getpid();
	stop = 0;
	sigaction(SIGINT, &sa, &old);
	printf("PING %s (%s) %d(%d) bytes of data.\n", argv[i], p.host,
	       p.size, p.size + 28);
	t0 = now_ms();
	for (long n = 0; n < count && !stop; n++) {
		double start = now_ms();

		if (send_echo(&p, (uint16_t)(n + 1)))
			break;
		wait_reply(&p, (uint16_t)(n + 1), start, start + wait_s * 1e3);
		double rest = start + interval * 1e3 - now_ms();
		if (n + 1 < count && rest > 0 && !stop) {	/* Ctrl-C ends it */
			struct timespec ts = { (time_t)(rest / 1e3),
					       (long)(fmod(rest, 1e3) * 1e6) };
			nanosleep(&ts, NULL);
		}
	}
	statistics(&p, now_ms() - t0);
	sigaction(SIGINT, &old, NULL);
	close(p.fd);
	return p.received ? 0 : 1;
}

APP_REGISTER(ping, ping_main, 0, 0);
