// SPDX-License-Identifier: BSD-2-Clause
/*
 * iperf: TCP and UDP throughput, compatible with iperf 2 (the iperf of
 * Debian's `iperf` package, 2.1.x) on the wire and in its reports.
 *
 *   iperf -s [-u] [-p PORT] [-i SECS] [-l LEN] [-f FMT]
 *   iperf -c HOST [-u] [-p PORT] [-t SECS] [-i SECS] [-b RATE] [-l LEN]
 *         [-P STREAMS] [-f FMT]
 *
 * Wire protocol (what an iperf 2 peer expects):
 *  - TCP: the client's stream begins with iperf 2's client header
 *    (struct client_hdr below); ours has flags 0, which tells an iperf 2
 *    server that no test settings follow (no reverse or dual test), so
 *    the rest is plain payload.  A server counts every byte it reads,
 *    the header included, as iperf 2 does.
 *  - UDP: every datagram starts with struct udp_datagram: a sequence
 *    number counting from 1, the sender's wall-clock time and the upper
 *    half of a 64-bit sequence number.  The client ends a test with
 *    datagrams whose sequence number is negated and waits for the
 *    server's report of what arrived (struct server_hdr after the
 *    datagram header), trying up to ten times; the host client prints
 *    that report as its "Server Report".
 *
 * Threads: the server accepts in the main thread and serves each TCP
 * client on a thread of its own, so several clients are served at once;
 * the UDP server tells its clients apart by their address in one
 * thread.  The client runs one thread per stream (-P).  SIGINT and
 * SIGTERM are blocked in every thread and taken by a stop thread in
 * sigwait(), which sets `stopping` and interrupts the others' blocking
 * calls with SIGUSR1 (a handler without SA_RESTART): Ctrl-C ends a
 * server cleanly, and ends a client early with its report.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <vireo/app.h>

#define DEFAULT_PORT	5001
#define TCP_LEN		(128 * 1024)	/* iperf 2's default write size */
#define TCP_READ_LEN	(64 * 1024)
#define UDP_LEN		1470		/* iperf 2's default IPv4 datagram */
#define UDP_MIN_LEN	(int)(sizeof(struct udp_datagram) + sizeof(struct client_hdr))
#define UDP_MAX_LEN	65507
#define MAX_STREAMS	16		/* -P */
#define STREAM_STACK	16384
#define MAX_UDP_PEERS	8		/* UDP clients the server tracks at once */
#define MAX_TCP_CLIENTS	16		/* TCP clients served at once */
#define FIN_TRIES	10		/* final datagrams before giving up */
#define FIN_WAIT_MS	250
#define HEADER_VERSION1	0x80000000u	/* server_hdr.flags: v1 fields valid */
#define SEP "------------------------------------------------------------\n"

/* iperf 2's UDP datagram header, all fields big-endian. */
struct udp_datagram {
	int32_t id;		/* sequence number; negative in the final ones */
	uint32_t tv_sec, tv_usec;	/* sender's time of sending */
	uint32_t id2;		/* upper 32 bits of a 64-bit sequence number */
};

/* iperf 2's client header (its 1.7 fields); flags 0: no settings. */
struct client_hdr {
	int32_t flags, num_threads, port, buf_len, win_band, amount;
};

/* iperf 2's server report, sent back after the final datagram. */
struct server_hdr {
	int32_t flags;
	int32_t total_len1, total_len2;	/* bytes: upper, lower 32 bits */
	int32_t stop_sec, stop_usec;	/* duration of the test */
	int32_t error_cnt;		/* datagrams lost */
	int32_t outorder_cnt;
	int32_t datagrams;		/* datagrams the client sent */
	int32_t jitter1, jitter2;	/* seconds, microseconds */
};

/* One run of the command: every task running iperf has its own (the
 * flat build shares globals between tasks). */
struct run {
	volatile sig_atomic_t stopping;
	pthread_mutex_t lock;
	int next_id;			/* report ids, from 1; lock */
	pthread_t workers[MAX_TCP_CLIENTS];	/* 0: free; lock */
	pthread_t main_thread;
};

struct opts {
	struct run *run;
	bool server, udp;
	const char *host;
	int port;
	double interval;	/* 0: no interval reports */
	double duration;
	double rate;		/* UDP bits per second */
	int len;
	int streams;
	char fmt;		/* -f letter; 'a' adaptive */
};

struct stream {
	const struct opts *o;
	int id;
	int fd;
	pthread_t thread;
	uint64_t bytes;
	double start, end;	/* monotonic seconds */
	int err;		/* errno of a failed call, 0 */
	/* UDP client: datagrams sent; the server's report, if any. */
	uint64_t datagrams;
	bool have_report;
	struct server_hdr report;
};


static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int new_id(struct run *r)
{
	int id;

	pthread_mutex_lock(&r->lock);
	id = ++r->next_id;
	pthread_mutex_unlock(&r->lock);
	return id;
}

/* -- formats --------------------------------------------------------- */

/*
 * iperf 2's numbers: a value in the unit of letter fmt (b k m g: bits in
 * powers of 1000; B K M G: bytes in powers of 1024; a / A: the largest
 * unit that keeps the value at or above 1), with three significant
 * figures ("%4.2f" below 10, "%4.1f" below 100, else "%4.0f").  rate
 * adds "/sec"; plural an "s" to a byte unit ("MBytes"; the window size
 * line says "KByte").
 */
static void fmt_num(char *buf, size_t size, double bytes, char fmt, bool rate,
		    bool plural)
{
	static const char *const byte_units[] = { "Byte", "KByte", "MByte", "GByte" };
	static const char *const bit_units[] = { "bit", "Kbit", "Mbit", "Gbit" };
	bool bits = islower((unsigned char)fmt);
	double v = bits ? bytes * 8 : bytes, base = bits ? 1000.0 : 1024.0;
	int unit = 0;

	switch (tolower((unsigned char)fmt)) {
	case 'a':
		while (v >= base && unit < 3) {
			v /= base;
			unit++;
		}
		break;
	case 'g': unit++; v /= base; /* fall through */
	case 'm': unit++; v /= base; /* fall through */
	case 'k': unit++; v /= base; break;
	default: break;
	}
	const char *u = bits ? bit_units[unit] : byte_units[unit];
	const char *suffix = bits ? "s" : plural ? "s" : "";

	if (unit == 0 && !bits && tolower((unsigned char)fmt) != 'a')
		snprintf(buf, size, "%.0f %s%s%s", v, u, suffix, rate ? "/sec" : "");
	else if (v < 9.995)
		snprintf(buf, size, "%4.2f %s%s%s", v, u, suffix, rate ? "/sec" : "");
	else if (v < 99.95)
		snprintf(buf, size, "%4.1f %s%s%s", v, u, suffix, rate ? "/sec" : "");
	else
		snprintf(buf, size, "%4.0f %s%s%s", v, u, suffix, rate ? "/sec" : "");
}

/* "[  1] 0.0000-5.0000 sec  1.25 MBytes  10.5 Mbits/sec" (no newline);
 * id 0 is the [SUM] of several streams. */
static int report(char *buf, size_t size, const struct opts *o, int id,
		  double from, double to, uint64_t bytes)
{
	char tag[8], xfer[32], bw[32];
	double secs = to - from;

	if (id)
		snprintf(tag, sizeof(tag), "%3d", id);
	else
		snprintf(tag, sizeof(tag), "SUM");
	fmt_num(xfer, sizeof(xfer), (double)bytes, (char)toupper((unsigned char)o->fmt),
		false, true);
	fmt_num(bw, sizeof(bw), secs > 0 ? bytes / secs : 0, o->fmt, true, true);
	return snprintf(buf, size, "[%s] %.4f-%.4f sec  %s  %s", tag, from, to, xfer, bw);
}

static void print_report(const struct opts *o, int id, double from, double to,
			 uint64_t bytes)
{
	char line[128];

	report(line, sizeof(line), o, id, from, to, bytes);
	printf("%s\n", line);
}

static void print_window(int fd, bool udp)
{
	int size = 0;
	socklen_t len = sizeof(size);
	char buf[32];

	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, &len) < 0)
		return;
	fmt_num(buf, sizeof(buf), size, 'A', false, false);
	printf("%s: %s (default)\n", udp ? "UDP buffer size" : "TCP window size", buf);
}

static void print_connected(int id, int fd)
{
	struct sockaddr_in l, r;
	socklen_t ll = sizeof(l), rl = sizeof(r);
	char ls[INET_ADDRSTRLEN] = "?", rs[INET_ADDRSTRLEN] = "?";

	if (getsockname(fd, (struct sockaddr *)&l, &ll) == 0)
		inet_ntop(AF_INET, &l.sin_addr, ls, sizeof(ls));
	if (getpeername(fd, (struct sockaddr *)&r, &rl) == 0)
		inet_ntop(AF_INET, &r.sin_addr, rs, sizeof(rs));
	printf("[%3d] local %s port %u connected with %s port %u\n", id, ls,
	       ntohs(l.sin_port), rs, ntohs(r.sin_port));
}

/* -- stop ------------------------------------------------------------ */

static void on_wake(int sig)
{
	(void)sig;	/* only interrupts a blocking call */
}

static void wake_all(struct run *r)
{
	pthread_mutex_lock(&r->lock);
	for (int i = 0; i < MAX_TCP_CLIENTS; i++)
		if (r->workers[i])
			pthread_kill(r->workers[i], SIGUSR1);
	pthread_mutex_unlock(&r->lock);
	pthread_kill(r->main_thread, SIGUSR1);
}

/* Waits for SIGINT or SIGTERM: the first one stops the test. */
static void *stop_thread(void *arg)
{
	struct run *r = arg;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	while (sigwait(&set, &sig) != 0)
		;
	if (!r->stopping) {
		r->stopping = 1;
		wake_all(r);
	}
	return NULL;
}

/* Registers a thread for wake_all(); r->lock held.  -1 when full. */
static int worker_add_locked(struct run *r, pthread_t t)
{
	for (int i = 0; i < MAX_TCP_CLIENTS; i++)
		if (!r->workers[i]) {
			r->workers[i] = t;
			return i;
		}
	return -1;
}

static void worker_remove(struct run *r, pthread_t t)
{
	pthread_mutex_lock(&r->lock);
	for (int i = 0; i < MAX_TCP_CLIENTS; i++)
		if (r->workers[i] == t)
			r->workers[i] = 0;
	pthread_mutex_unlock(&r->lock);
}

/* -- TCP server ------------------------------------------------------ */

struct tcp_client {
	const struct opts *o;
	int fd;
	int id;
};

/* Interval report when the interval that began at *next - interval is
 * over. */
static void maybe_interval(const struct opts *o, int id, double start,
			   double *next, uint64_t bytes, uint64_t *last)
{
	if (o->interval <= 0)
		return;
	double t = now() - start;

	while (t >= *next) {
		print_report(o, id, *next - o->interval, *next, bytes - *last);
		*last = bytes;
		*next += o->interval;
	}
}

static void *tcp_serve(void *arg)
{
	struct tcp_client *c = arg;
	const struct opts *o = c->o;
	char *buf = malloc(TCP_READ_LEN);
	uint64_t bytes = 0, last = 0;
	double start = now(), end = start, next = o->interval;
	ssize_t n = 0;

	print_connected(c->id, c->fd);
	while (buf && !o->run->stopping) {
		n = read(c->fd, buf, TCP_READ_LEN);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			break;
		}
		bytes += (uint64_t)n;
		end = now();
		maybe_interval(o, c->id, start, &next, bytes, &last);
	}
	if (!buf)
		fprintf(stderr, "iperf: [%3d] out of memory\n", c->id);
	else if (n < 0)
		fprintf(stderr, "iperf: [%3d] read: %s\n", c->id, strerror(errno));
	printf("[ ID] Interval       Transfer     Bandwidth\n");
	print_report(o, c->id, 0, end - start, bytes);
	close(c->fd);
	free(buf);
	worker_remove(o->run, pthread_self());
	free(c);
	return NULL;
}

static int listen_on(const struct opts *o, int type)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)o->port),
				 .sin_addr.s_addr = htonl(INADDR_ANY) };
	int one = 1, fd = socket(AF_INET, type, 0);

	if (fd < 0) {
		perror("iperf: socket");
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 16) < 0)) {
		fprintf(stderr, "iperf: port %d: %s\n", o->port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int tcp_server(const struct opts *o)
{
	int lfd = listen_on(o, SOCK_STREAM);

	if (lfd < 0)
		return 1;
	printf(SEP "Server listening on TCP port %d\n", o->port);
	print_window(lfd, false);
	printf(SEP);
	while (!o->run->stopping) {
		struct tcp_client *c;
		pthread_attr_t attr;
		pthread_t t;
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			perror("iperf: accept");
			break;
		}
		c = malloc(sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		*c = (struct tcp_client){ o, fd, new_id(o->run) };
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		pthread_attr_setstacksize(&attr, STREAM_STACK);
		/* Registered under the lock its worker_remove() takes, so
		 * before the thread can remove itself. */
		pthread_mutex_lock(&o->run->lock);
		if (pthread_create(&t, &attr, tcp_serve, c) != 0) {
			pthread_mutex_unlock(&o->run->lock);
			fprintf(stderr, "iperf: [%3d] no thread for the client\n", c->id);
			close(fd);
			free(c);
		} else {
			if (worker_add_locked(o->run, t) < 0)
				fprintf(stderr, "iperf: [%3d] more than %d clients: "
					"Ctrl-C will not interrupt it\n", c->id,
					MAX_TCP_CLIENTS);
			pthread_mutex_unlock(&o->run->lock);
		}
		pthread_attr_destroy(&attr);
	}
	close(lfd);
	/* Let the clients' threads print their reports and finish. */
	for (int tries = 0; tries < 200; tries++) {
		bool busy = false;

		pthread_mutex_lock(&o->run->lock);
		for (int i = 0; i < MAX_TCP_CLIENTS; i++)
			busy |= o->run->workers[i] != 0;
		pthread_mutex_unlock(&o->run->lock);
		if (!busy)
			break;
		usleep(10000);
	}
	return 0;
}

/* -- UDP server ------------------------------------------------------ */

struct udp_peer {
	bool used, done;
	struct sockaddr_in addr;
	int id;
	uint64_t bytes, received, max_seq, last_seq;
	uint64_t out_of_order;
	double start, last;	/* arrival times, monotonic */
	double jitter, prev_transit;	/* seconds */
	double next_interval;
	uint64_t interval_bytes;
	struct server_hdr report;	/* set when done */
};

static struct udp_peer *find_peer(struct udp_peer *peers, const struct sockaddr_in *a,
				  bool create)
{
	struct udp_peer *free_p = NULL, *oldest_done = NULL;

	for (int i = 0; i < MAX_UDP_PEERS; i++) {
		struct udp_peer *p = &peers[i];

		if (p->used && p->addr.sin_addr.s_addr == a->sin_addr.s_addr &&
		    p->addr.sin_port == a->sin_port)
			return p;
		if (!p->used && !free_p)
			free_p = p;
		if (p->used && p->done && (!oldest_done || p->id < oldest_done->id))
			oldest_done = p;
	}
	if (!create)
		return NULL;
	if (!free_p)
		free_p = oldest_done;	/* a finished test's report is dropped */
	return free_p;
}

static void udp_finish(const struct opts *o, int fd, struct udp_peer *p,
		       uint64_t final_seq)
{
	double secs = p->last - p->start;
	uint64_t total = final_seq > p->max_seq ? final_seq : p->max_seq;
	uint64_t lost = total > p->received ? total - p->received : 0;
	char line[128];
	struct server_hdr *r = &p->report;

	p->done = true;
	report(line, sizeof(line), o, p->id, 0, secs, p->bytes);
	printf("[ ID] Interval       Transfer     Bandwidth        Jitter   "
	       "Lost/Total Datagrams\n");
	printf("%s  %6.3f ms %llu/%llu (%.2g%%)\n", line, p->jitter * 1000.0,
	       (unsigned long long)lost, (unsigned long long)total,
	       total ? 100.0 * (double)lost / (double)total : 0.0);
	if (p->out_of_order)
		printf("[%3d] %llu datagrams received out-of-order\n", p->id,
		       (unsigned long long)p->out_of_order);
	r->flags = (int32_t)htonl(HEADER_VERSION1);
	r->total_len1 = (int32_t)htonl((uint32_t)(p->bytes >> 32));
	r->total_len2 = (int32_t)htonl((uint32_t)p->bytes);
	r->stop_sec = (int32_t)htonl((uint32_t)secs);
	r->stop_usec = (int32_t)htonl((uint32_t)((secs - floor(secs)) * 1e6));
	r->error_cnt = (int32_t)htonl((uint32_t)lost);
	r->outorder_cnt = (int32_t)htonl((uint32_t)p->out_of_order);
	r->datagrams = (int32_t)htonl((uint32_t)total);
	r->jitter1 = (int32_t)htonl((uint32_t)p->jitter);
	r->jitter2 = (int32_t)htonl((uint32_t)((p->jitter - floor(p->jitter)) * 1e6));
	(void)fd;
}

/* Answers a final datagram with the report (again, for every retry). */
static void udp_ack(int fd, const struct udp_peer *p, const struct udp_datagram *d)
{
	uint8_t msg[sizeof(struct udp_datagram) + sizeof(struct server_hdr)];

	memcpy(msg, d, sizeof(*d));
	memcpy(msg + sizeof(*d), &p->report, sizeof(p->report));
	sendto(fd, msg, sizeof(msg), 0, (const struct sockaddr *)&p->addr,
	       sizeof(p->addr));
}

static void udp_datagram_in(const struct opts *o, int fd, struct udp_peer *peers,
			    const uint8_t *buf, size_t n, const struct sockaddr_in *from,
			    double t)
{
	struct udp_datagram d;
	struct udp_peer *p;
	int32_t id;
	uint64_t seq;

	if (n < sizeof(d))
		return;		/* not iperf's: ignored */
	memcpy(&d, buf, sizeof(d));
	id = (int32_t)ntohl((uint32_t)d.id);
	p = find_peer(peers, from, id >= 0);
	if (!p)
		return;		/* a final datagram of a test we never saw */
	if (!p->used || (p->done && id >= 0)) {
		/* A new test: from a new client, or a client port reused. */
		*p = (struct udp_peer){ .used = true, .addr = *from, .id = new_id(o->run),
					.start = t, .next_interval = o->interval };
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &from->sin_addr, a, sizeof(a));
		printf("[%3d] local port %d connected with %s port %u\n", p->id,
		       o->port, a, ntohs(from->sin_port));
	}
	if (p->done) {
		udp_ack(fd, p, &d);
		return;
	}
	seq = id < 0 ? (uint64_t)(uint32_t)-id
		     : (uint64_t)(uint32_t)id | (uint64_t)ntohl(d.id2) << 32;
	p->last = t;
	if (id >= 0) {		/* the final datagram carries no data */
		p->bytes += n;
		p->received++;
		if (seq < p->max_seq)
			p->out_of_order++;
		else
			p->max_seq = seq;
	}
	/* RFC 3550 interarrival jitter on the transit times: the clocks'
	 * offset cancels out in the differences. */
	double sent = ntohl(d.tv_sec) + ntohl(d.tv_usec) / 1e6;
	struct timespec rt;

	clock_gettime(CLOCK_REALTIME, &rt);
	double transit = (double)rt.tv_sec + rt.tv_nsec / 1e9 - sent;

	if (p->received > 1)
		p->jitter += (fabs(transit - p->prev_transit) - p->jitter) / 16.0;
	p->prev_transit = transit;
	if (o->interval > 0) {
		while (t - p->start >= p->next_interval) {
			print_report(o, p->id, p->next_interval - o->interval,
				     p->next_interval, p->bytes - p->interval_bytes);
			p->interval_bytes = p->bytes;
			p->next_interval += o->interval;
		}
	}
	if (id < 0) {
		udp_finish(o, fd, p, seq);
		udp_ack(fd, p, &d);
	}
}

static int udp_server(const struct opts *o)
{
	struct udp_peer *peers = calloc(MAX_UDP_PEERS, sizeof(*peers));
	uint8_t *buf = malloc(UDP_MAX_LEN);
	int fd = peers && buf ? listen_on(o, SOCK_DGRAM) : -1;

	if (fd < 0) {
		if (!peers || !buf)
			fprintf(stderr, "iperf: out of memory\n");
		free(peers);
		free(buf);
		return 1;
	}
	printf(SEP "Server listening on UDP port %d\n", o->port);
	print_window(fd, true);
	printf(SEP);
	while (!o->run->stopping) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, UDP_MAX_LEN, 0, (struct sockaddr *)&from, &fl);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("iperf: recvfrom");
			break;
		}
		udp_datagram_in(o, fd, peers, buf, (size_t)n, &from, now());
	}
	close(fd);
	free(peers);
	free(buf);
	return 0;
}

/* -- client ---------------------------------------------------------- */

static int resolve(const char *host, int port, struct sockaddr_in *a)
{
	struct addrinfo hints = { .ai_family = AF_INET }, *res;
	int err;

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &a->sin_addr) == 1)
		return 0;
	err = getaddrinfo(host, NULL, &hints, &res);
	if (err) {
		fprintf(stderr, "iperf: %s: %s\n", host, gai_strerror(err));
		return -1;
	}
	a->sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return 0;
}

/* Sends for o->duration seconds or until stopped. */
static void tcp_send(struct stream *s)
{
	const struct opts *o = s->o;
	char *buf = malloc((size_t)o->len);
	uint64_t last = 0;
	double next = o->interval;

	if (!buf) {
		s->err = ENOMEM;
		return;
	}
	/* iperf's payload of digits, after a client header with flags 0. */
	for (int i = 0; i < o->len; i++)
		buf[i] = (char)('0' + i % 10);
	memset(buf, 0, o->len < (int)sizeof(struct client_hdr) ?
		       (size_t)o->len : sizeof(struct client_hdr));
	s->start = s->end = now();
	while (!o->run->stopping && s->end - s->start < o->duration) {
		ssize_t n = write(s->fd, buf, (size_t)o->len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			s->err = errno;
			break;
		}
		if (s->bytes == 0)	/* the header goes once */
			for (size_t i = 0; i < sizeof(struct client_hdr) && i < (size_t)o->len; i++)
				buf[i] = (char)('0' + i % 10);
		s->bytes += (uint64_t)n;
		s->end = now();
		if (o->streams == 1)
			maybe_interval(o, s->id, s->start, &next, s->bytes, &last);
	}
	free(buf);
}

/* Sleeps until monotonic time t (or a signal). */
static void sleep_until(double t)
{
	double d = t - now();

	if (d > 0) {
		struct timespec ts = { (time_t)d, (long)((d - floor(d)) * 1e9) };

		nanosleep(&ts, NULL);
	}
}

static void udp_stamp(uint8_t *buf, int64_t id)
{
	struct udp_datagram d;
	struct timespec rt;

	clock_gettime(CLOCK_REALTIME, &rt);
	d.id = (int32_t)htonl((uint32_t)id);
	d.tv_sec = htonl((uint32_t)rt.tv_sec);
	d.tv_usec = htonl((uint32_t)(rt.tv_nsec / 1000));
	d.id2 = htonl((uint32_t)((uint64_t)id >> 32));
	memcpy(buf, &d, sizeof(d));
}

/* The final datagrams, until the server's report comes back. */
static void udp_fin(struct stream *s, uint8_t *buf, int64_t seq)
{
	struct timeval tv = { 0, FIN_WAIT_MS * 1000 };
	uint8_t reply[256];

	setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (int i = 0; i < FIN_TRIES; i++) {
		udp_stamp(buf, -seq);
		if (write(s->fd, buf, (size_t)s->o->len) < 0 && errno != EINTR &&
		    errno != ECONNREFUSED)
			break;
		ssize_t n = read(s->fd, reply, sizeof(reply));

		if (n >= (ssize_t)(sizeof(struct udp_datagram) + sizeof(struct server_hdr))) {
			memcpy(&s->report, reply + sizeof(struct udp_datagram),
			       sizeof(s->report));
			s->have_report = ntohl((uint32_t)s->report.flags) & HEADER_VERSION1;
			return;
		}
	}
}

static void udp_send(struct stream *s)
{
	const struct opts *o = s->o;
	uint8_t *buf = calloc(1, (size_t)o->len);
	double gap = o->len * 8.0 / o->rate;	/* seconds per datagram */
	uint64_t last = 0;
	double next = o->interval;
	int64_t seq = 0;	/* the next datagram's number: iperf 2 starts at 0 */

	if (!buf) {
		s->err = ENOMEM;
		return;
	}
	for (int i = UDP_MIN_LEN; i < o->len; i++)
		buf[i] = (uint8_t)('0' + i % 10);
	s->start = s->end = now();
	while (!o->run->stopping && s->end - s->start < o->duration) {
		/* Paced by the clock: a late sender catches up at once. */
		sleep_until(s->start + (double)seq * gap);
		udp_stamp(buf, seq);
		if (write(s->fd, buf, (size_t)o->len) < 0) {
			if (errno == EINTR || errno == ENOMEM || errno == ENOBUFS ||
			    errno == ECONNREFUSED) {
				s->end = now();	/* not sent: the same number again */
				continue;
			}
			s->err = errno;
			break;
		}
		seq++;
		s->bytes += (uint64_t)o->len;
		s->datagrams++;
		s->end = now();
		if (o->streams == 1)
			maybe_interval(o, s->id, s->start, &next, s->bytes, &last);
	}
	if (!s->err) {
		udp_fin(s, buf, seq);	/* -(datagrams sent), as iperf 2's */
		s->datagrams++;
	}
	free(buf);
}

static void *stream_main(void *arg)
{
	struct stream *s = arg;

	if (s->o->udp)
		udp_send(s);
	else
		tcp_send(s);
	return NULL;
}

static int connect_stream(const struct opts *o, const struct sockaddr_in *a,
			  struct stream *s)
{
	s->fd = socket(AF_INET, o->udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (s->fd < 0) {
		perror("iperf: socket");
		return -1;
	}
	if (connect(s->fd, (const struct sockaddr *)a, sizeof(*a)) < 0) {
		fprintf(stderr, "iperf: connect to %s port %d: %s\n", o->host, o->port,
			strerror(errno));
		close(s->fd);
		s->fd = -1;
		return -1;
	}
	return 0;
}

static void print_server_report(const struct opts *o, const struct stream *s)
{
	const struct server_hdr *r = &s->report;
	uint64_t bytes = (uint64_t)ntohl((uint32_t)r->total_len1) << 32 |
			 ntohl((uint32_t)r->total_len2);
	double secs = ntohl((uint32_t)r->stop_sec) + ntohl((uint32_t)r->stop_usec) / 1e6;
	double jitter = ntohl((uint32_t)r->jitter1) + ntohl((uint32_t)r->jitter2) / 1e6;
	uint32_t lost = ntohl((uint32_t)r->error_cnt), total = ntohl((uint32_t)r->datagrams);
	char line[128];

	report(line, sizeof(line), o, s->id, 0, secs, bytes);
	printf("[%3d] Server Report:\n", s->id);
	printf("[ ID] Interval       Transfer     Bandwidth        Jitter   "
	       "Lost/Total Datagrams\n");
	printf("%s  %6.3f ms %u/%u (%.2g%%)\n", line, jitter * 1000.0, lost, total,
	       total ? 100.0 * lost / total : 0.0);
}

static int client(const struct opts *o)
{
	struct stream *streams = calloc(MAX_STREAMS, sizeof(*streams));
	struct sockaddr_in a;
	uint64_t sum = 0;
	double end = 0;
	int connected = 0, failed = 0;

	if (!streams) {
		fprintf(stderr, "iperf: out of memory\n");
		return 1;
	}
	if (resolve(o->host, o->port, &a) < 0) {
		free(streams);
		return 1;
	}
	printf(SEP "Client connecting to %s, %s port %d\n", o->host,
	       o->udp ? "UDP" : "TCP", o->port);
	if (o->udp) {
		char r[32];

		fmt_num(r, sizeof(r), o->rate / 8, 'a', true, true);
		printf("Sending %d byte datagrams, target rate %s\n", o->len, r);
	}
	for (int i = 0; i < o->streams && !o->run->stopping; i++) {
		struct stream *s = &streams[i];

		*s = (struct stream){ .o = o, .id = i + 1, .fd = -1 };
		if (connect_stream(o, &a, s) < 0)
			break;
		if (i == 0) {
			print_window(s->fd, o->udp);
			printf(SEP);
		}
		print_connected(s->id, s->fd);
		connected++;
	}
	if (connected < o->streams) {
		for (int i = 0; i < connected; i++)
			close(streams[i].fd);
		free(streams);
		return 1;
	}
	if (o->interval > 0 || !o->udp)
		printf("[ ID] Interval       Transfer     Bandwidth\n");
	for (int i = 0; i < connected; i++) {
		pthread_attr_t attr;

		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, STREAM_STACK);
		pthread_mutex_lock(&o->run->lock);
		if (pthread_create(&streams[i].thread, &attr, stream_main, &streams[i]) != 0)
			streams[i].err = EAGAIN;
		else
			worker_add_locked(o->run, streams[i].thread);
		pthread_mutex_unlock(&o->run->lock);
		pthread_attr_destroy(&attr);
	}
	for (int i = 0; i < connected; i++) {
		struct stream *s = &streams[i];

		if (s->err != EAGAIN) {
			pthread_join(s->thread, NULL);
			worker_remove(o->run, s->thread);
		}
	}
	if (o->udp && o->interval <= 0)
		printf("[ ID] Interval       Transfer     Bandwidth\n");
	for (int i = 0; i < connected; i++) {
		struct stream *s = &streams[i];

		close(s->fd);
		if (s->err) {
			fprintf(stderr, "iperf: [%3d] %s\n", s->id, strerror(s->err));
			failed++;
		}
		print_report(o, s->id, 0, s->end - s->start, s->bytes);
		sum += s->bytes;
		if (s->end - s->start > end)
			end = s->end - s->start;
		if (o->udp) {
			printf("[%3d] Sent %llu datagrams\n", s->id,
			       (unsigned long long)s->datagrams);
			if (s->have_report)
				print_server_report(o, s);
			else if (!s->err)
				printf("[%3d] WARNING: did not receive ack of last datagram "
				       "after %d tries.\n", s->id, FIN_TRIES);
		}
	}
	if (connected > 1)
		print_report(o, 0, 0, end, sum);
	free(streams);
	return failed ? 1 : 0;
}

/* -- arguments ------------------------------------------------------- */

static int usage(void)
{
	fprintf(stderr,
		"usage: iperf -s [-u] [-p PORT] [-i SECS] [-f FMT]\n"
		"       iperf -c HOST [-u] [-p PORT] [-t SECS] [-i SECS] [-b RATE[kmg]]\n"
		"             [-l LEN[KM]] [-P STREAMS] [-f FMT]\n"
		"  FMT: b k m g (bits) B K M G (bytes) a A (adaptive)\n");
	return 2;
}

/* A number with an optional k/m/g suffix (powers of base); false when
 * the text is not one, or not in [min, max]. */
static bool parse_scaled(const char *text, double base, double min, double max,
			 double *out)
{
	char *end;
	double v = strtod(text, &end);

	if (end == text)
		return false;
	switch (*end) {
	case 'k': case 'K': v *= base; end++; break;
	case 'm': case 'M': v *= base * base; end++; break;
	case 'g': case 'G': v *= base * base * base; end++; break;
	default: break;
	}
	if (*end || !(v >= min && v <= max))
		return false;
	*out = v;
	return true;
}

static int bad(const char *opt, const char *arg)
{
	fprintf(stderr, "iperf: %s %s: invalid value\n", opt, arg);
	return usage();
}

static int parse(int argc, char **argv, struct opts *o)
{
	bool rate_set = false, len_set = false;
	double v;
	int c;

	*o = (struct opts){ .port = DEFAULT_PORT, .duration = 10, .rate = 1e6,
			    .streams = 1, .fmt = 'a' };
	optind = 1;
	opterr = 0;
	while ((c = getopt(argc, argv, "sc:up:t:i:b:l:P:f:")) != -1) {
		switch (c) {
		case 's': o->server = true; break;
		case 'c': o->host = optarg; break;
		case 'u': o->udp = true; break;
		case 'p':
			if (!parse_scaled(optarg, 1, 1, 65535, &v) || v != floor(v))
				return bad("-p", optarg);
			o->port = (int)v;
			break;
		case 't':
			if (!parse_scaled(optarg, 1, 0.1, 86400, &v))
				return bad("-t", optarg);
			o->duration = v;
			break;
		case 'i':
			if (!parse_scaled(optarg, 1, 0.1, 86400, &v))
				return bad("-i", optarg);
			o->interval = v;
			break;
		case 'b':
			if (!parse_scaled(optarg, 1000, 1000, 1e11, &v))
				return bad("-b", optarg);
			o->rate = v;
			rate_set = true;
			break;
		case 'l':
			if (!parse_scaled(optarg, 1024, 1, 1 << 20, &v) || v != floor(v))
				return bad("-l", optarg);
			o->len = (int)v;
			len_set = true;
			break;
		case 'P':
			if (!parse_scaled(optarg, 1, 1, MAX_STREAMS, &v) || v != floor(v))
				return bad("-P", optarg);
			o->streams = (int)v;
			break;
		case 'f':
			if (strlen(optarg) != 1 || !strchr("bkmgBKMGaA", optarg[0]))
				return bad("-f", optarg);
			o->fmt = optarg[0];
			break;
		default:
			if (optopt && strchr("cptiblPf", optopt))
				fprintf(stderr, "iperf: -%c needs a value\n", optopt);
			else
				fprintf(stderr, "iperf: unknown option -%c\n",
					optopt ? optopt : '?');
			return usage();
		}
	}
	if (optind < argc) {
		fprintf(stderr, "iperf: unexpected argument '%s'\n", argv[optind]);
		return usage();
	}
	if (o->server == !!o->host) {
		fprintf(stderr, "iperf: give exactly one of -s and -c HOST\n");
		return usage();
	}
	if (rate_set && !o->udp) {
		fprintf(stderr, "iperf: -b needs -u (TCP sends as fast as it can)\n");
		return usage();
	}
	if (!len_set)
		o->len = o->udp ? UDP_LEN : TCP_LEN;
	if (o->udp && (o->len < UDP_MIN_LEN || o->len > UDP_MAX_LEN)) {
		fprintf(stderr, "iperf: -l %d: a UDP datagram is %d to %d bytes\n",
			o->len, UDP_MIN_LEN, UDP_MAX_LEN);
		return usage();
	}
	return 0;
}

static int iperf_main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_wake };	/* no SA_RESTART */
	struct run run = { .main_thread = pthread_self() };
	struct opts o;
	pthread_t stopper;
	sigset_t set;
	int r = parse(argc, argv, &o);

	if (r)
		return r;
	o.run = &run;
	pthread_mutex_init(&run.lock, NULL);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	/* A peer that goes away is a failed stream (EPIPE), not a kill. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);	/* inherited by every thread */
	if (pthread_create(&stopper, NULL, stop_thread, &run) != 0) {
		fprintf(stderr, "iperf: no thread for Ctrl-C\n");
		return 1;
	}
	if (o.server)
		r = o.udp ? udp_server(&o) : tcp_server(&o);
	else
		r = client(&o);
	if (!run.stopping) {
		run.stopping = 1;
		pthread_kill(stopper, SIGTERM);	/* ends its sigwait */
	}
	pthread_join(stopper, NULL);
	fflush(stdout);
	return r;
}

APP_REGISTER(iperf, iperf_main, 0, 16384);
