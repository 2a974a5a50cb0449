// SPDX-License-Identifier: BSD-2-Clause
/*
 * Telnet terminals: a connected TCP socket seen as a tty (<vireo/tty.h>),
 * so that a shell on it edits lines, echoes and takes Ctrl-C exactly as
 * on the console.  telnetd wraps each accepted connection with
 * telnet_tty_open() and starts a shell on the descriptor it returns.
 *
 * The terminal is a tty_port (kernel/tty_port.c) whose far end is the
 * socket's netconn.  Its work item, on the high-priority work queue, is
 * the only code that touches the netconn and the protocol state: it moves
 * the peer's bytes through the decoder (net/telnet_codec.c) into the
 * receive ring, and the transmit ring through the encoder to the
 * connection.  It runs when lwIP reports an event on the connection
 * (data, room to send, an error), and when a reader or writer of the tty
 * changed a ring (the port's kick).  When the receive ring is full, the
 * rest waits in lwIP and the TCP window closes; when the connection
 * takes no more, output waits in `out`, then in the ring, then writers
 * block.  The peer leaving (FIN, reset) hangs the terminal up: I/O fails
 * with EIO and the tasks that have it open get SIGHUP.
 *
 * Locking and lifetime: lwIP calls the event callback with the core lock
 * held (every PLUS and ERROR event; the MINUS ones come from the work
 * item's own receive calls and are ignored), and `terminals` is under the
 * core lock too, so the callback finds its terminal while release cannot
 * free it: release unhooks the callback and leaves the list under that
 * lock (after the last close nothing kicks either: `closing` asserts
 * it), then queues the item a last time with finish() as its function.
 * Items of one queue run one at a time, so that run comes after every
 * other, even one the worker had already taken to run serve() when
 * release came (which is why the function changes, rather than serve()
 * testing a flag that such a run would see too), and it frees the
 * terminal.  port.lock protects the rings (tty_port).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/compiler.h>
#include <vireo/file.h>
#include <vireo/list.h>
#include <vireo/mm.h>
#include <vireo/net.h>
#include <vireo/tty.h>
#include <vireo/workqueue.h>
#include "lwip/api.h"
#include "lwip/tcp.h"
#include "lwip/priv/tcpip_priv.h"
#include "socket_priv.h"
#include "telnet_codec.h"

#define RX_RING		512
#define TX_RING		2048
#define OUT_SIZE	2048	/* encoded bytes the connection has not taken */
#define CHUNK		256	/* peer bytes decoded at a time */

struct telnet_tty {
	struct tty tty;
	struct tty_port port;
	struct list_node node;		/* in terminals: core lock */
	struct netconn *conn;
	struct file *sock;		/* our reference to the socket */
	struct work work;
	bool hung_up;			/* READ_ONCE: the port's dead() */
	bool closing;			/* set by release: no more kicks */
	/* The work item's own: */
	struct telnet_codec codec;
	struct pbuf *rx_p;		/* partly decoded, from rx_off */
	u16_t rx_off;
	size_t out_len;
	uint8_t out[OUT_SIZE];
	uint8_t rx_mem[RX_RING], tx_mem[TX_RING];
};

static struct list_node terminals = LIST_INIT(terminals);

static void serve(void *arg);

static struct telnet_tty *of_port(struct tty_port *port)
{
	return container_of(port, struct telnet_tty, port);
}

static void schedule(struct telnet_tty *tt)
{
	work_queue(HPWORK, &tt->work, serve, tt, 0);
}

/* lwIP's event callback (core lock held for the events handled). */
static void conn_event(struct netconn *conn, enum netconn_evt ev, u16_t len)
{
	struct telnet_tty *found = NULL;
	struct list_node *n;

	if (ev == NETCONN_EVT_RCVMINUS || ev == NETCONN_EVT_SENDMINUS)
		return;
	list_for_each(n, &terminals) {
		struct telnet_tty *tt = container_of(n, struct telnet_tty, node);

		if (tt->conn == conn) {
			found = tt;
			break;
		}
	}
	if (found) {
		kassert(!found->closing);	/* release unhooks first */
		schedule(found);
	}
}

static void hang_up(struct telnet_tty *tt)
{
	if (tt->hung_up)
		return;
	WRITE_ONCE(tt->hung_up, true);
	tty_port_wake(&tt->port);
	tty_hangup(&tt->tty);
}

/* Hands `out` to the connection; false when it took not all of it. */
static bool flush_out(struct telnet_tty *tt)
{
	size_t n = 0;
	err_t e;

	if (!tt->out_len)
		return true;
	e = netconn_write_partly(tt->conn, tt->out, tt->out_len,
				 NETCONN_COPY | NETCONN_DONTBLOCK, &n);
	if (e != ERR_OK && e != ERR_WOULDBLOCK) {
		hang_up(tt);
		return false;
	}
	memmove(tt->out, tt->out + n, tt->out_len - n);
	tt->out_len -= n;
	return tt->out_len == 0;
}

/* The next buffer from the peer into rx_p: false when none is there
 * (or the peer left). */
static bool fetch(struct telnet_tty *tt)
{
	struct pbuf *p;
	err_t e;

	if (tt->rx_p)
		return true;
	e = netconn_recv_tcp_pbuf_flags(tt->conn, &p, NETCONN_DONTBLOCK);
	if (e == ERR_WOULDBLOCK)
		return false;
	if (e != ERR_OK) {	/* ERR_CLSD: FIN; or a reset */
		hang_up(tt);
		return false;
	}
	tt->rx_p = p;
	tt->rx_off = 0;
	return true;
}

/* Queues decoded bytes in rx (which has room: decoding never grows
 * them); Ctrl-C with a foreground task is taken out.  Whether one was. */
static bool rx_queue(struct telnet_tty *tt, const uint8_t *b, size_t n)
{
	bool intr = false;
	irqflags_t f = spin_lock_irqsave(&tt->port.lock);

	for (size_t i = 0; i < n; i++) {
		if (tty_rx_is_intr(&tt->tty, b[i]))
			intr = true;
		else
			ringbuf_putc(&tt->port.rx, b[i]);
	}
	spin_unlock_irqrestore(&tt->port.lock, f);
	return intr;
}

static size_t rx_space(struct telnet_tty *tt)
{
	irqflags_t f = spin_lock_irqsave(&tt->port.lock);
	size_t n = ringbuf_space(&tt->port.rx);

	spin_unlock_irqrestore(&tt->port.lock, f);
	return n;
}

/* Decodes one chunk of what the peer sent; false when nothing moved. */
static bool rx_chunk(struct telnet_tty *tt, bool *intr)
{
	uint8_t in[CHUNK], data[CHUNK];
	size_t n, nd, nr;

	/* Room for the answers too (at most the chunk plus one). */
	n = MIN(rx_space(tt), (size_t)CHUNK);
	if (OUT_SIZE - tt->out_len < TELNET_REPLY_MAX + 1)
		return false;
	n = MIN(n, OUT_SIZE - tt->out_len - TELNET_REPLY_MAX);
	if (!n || !fetch(tt))
		return false;
	n = pbuf_copy_partial(tt->rx_p, in,
			      (u16_t)MIN(n, (size_t)(tt->rx_p->tot_len - tt->rx_off)),
			      tt->rx_off);
	tt->rx_off = (u16_t)(tt->rx_off + n);
	if (tt->rx_off == tt->rx_p->tot_len) {
		pbuf_free(tt->rx_p);
		tt->rx_p = NULL;
	}
	nd = telnet_decode(&tt->codec, in, n, data, tt->out + tt->out_len, &nr);
	tt->out_len += nr;
	if (rx_queue(tt, data, nd))
		*intr = true;
	return true;
}

static void rx_pass(struct telnet_tty *tt)
{
	bool intr = false, moved = false;

	while (!tt->hung_up && rx_chunk(tt, &intr))
		moved = true;
	if (moved)
		tty_port_wake(&tt->port);
	if (intr)
		tty_rx_intr(&tt->tty);
}

/* Encodes what the terminal wrote and hands it on until the ring is
 * empty or the connection takes no more. */
static void tx_pass(struct telnet_tty *tt)
{
	uint8_t raw[(OUT_SIZE - 1) / 2];
	bool moved = false;

	while (!tt->hung_up && flush_out(tt)) {
		irqflags_t f = spin_lock_irqsave(&tt->port.lock);
		size_t n = ringbuf_get(&tt->port.tx, raw, sizeof(raw));

		spin_unlock_irqrestore(&tt->port.lock, f);
		if (!n)
			break;
		moved = true;
		tt->out_len = telnet_encode(&tt->codec, raw, n, tt->out);
	}
	if (moved)
		tty_port_wake(&tt->port);
}

/* The last run: what the terminal wrote goes out if it can, then the
 * socket closes (lwIP sends what it holds, then FIN). */
static void finish(void *arg)
{
	struct telnet_tty *tt = arg;

	tx_pass(tt);
	if (tt->rx_p)
		pbuf_free(tt->rx_p);
	file_put(tt->sock);
	free(tt);
}

static void serve(void *arg)
{
	struct telnet_tty *tt = arg;

	rx_pass(tt);
	tx_pass(tt);
}

/* ---- the port and the tty ---- */

/* Only a file operation kicks, so never after the last close. */
static void port_kick(struct tty_port *port)
{
	struct telnet_tty *tt = of_port(port);

	kassert(!READ_ONCE(tt->closing));
	schedule(tt);
}

static bool port_dead(struct tty_port *port)
{
	return READ_ONCE(of_port(port)->hung_up);
}

/* The last file closed: see the top for the order. */
static void port_release(struct tty_port *port)
{
	struct telnet_tty *tt = of_port(port);

	LOCK_TCPIP_CORE();
	list_del(&tt->node);
	tt->conn->callback = NULL;
	UNLOCK_TCPIP_CORE();
	WRITE_ONCE(tt->closing, true);
	work_queue(HPWORK, &tt->work, finish, tt, 0);
}

static const struct tty_port_ops port_ops = {
	.kick = port_kick,
	.dead = port_dead,
	.release = port_release,
};

/* Takes over the connection (core lock): our callback, no Nagle delay
 * for a terminal's small writes, the opening offer. */
static void attach_locked(struct telnet_tty *tt)
{
	list_add_tail(&terminals, &tt->node);
	tt->conn->callback = conn_event;
	if (tt->conn->pcb.tcp)	/* NULL: reset already, the first run sees it */
		tcp_nagle_disable(tt->conn->pcb.tcp);
}

int telnet_tty_open(int sockfd, int flags)
{
	struct telnet_tty *tt;
	struct file *f;
	struct sock *s;
	int r = sock_get(sockfd, &f, &s);

	if (r)
		return r;
	if (s->type != SOCK_STREAM || s->listening || !s->connected_once) {
		fd_put(f);
		return -ENOTCONN;
	}
	tt = kcalloc(1, sizeof(*tt));
	if (!tt) {
		fd_put(f);
		return -ENOMEM;
	}
	file_get(f);
	fd_put(f);
	tt->sock = f;
	tt->conn = s->conn;
	tty_port_init(&tt->port, &port_ops, tt->rx_mem, sizeof(tt->rx_mem),
		      tt->tx_mem, sizeof(tt->tx_mem));
	tty_init(&tt->tty, &tty_port_tty_ops, &tt->port);
	work_init(&tt->work);
	tt->out_len = telnet_open(&tt->codec, tt->out);
	LOCK_TCPIP_CORE();
	attach_locked(tt);
	UNLOCK_TCPIP_CORE();
	r = tty_open_fd(&tt->tty, flags);	/* a failure released tt */
	if (r >= 0)
		schedule(tt);	/* the offer, and what the peer sent */
	return r;
}
