// SPDX-License-Identifier: BSD-2-Clause
/*
 * Buffered byte ports (<vireo/tty.h>): the blocking and non-blocking
 * read and write loops over a device's two rings.  A loop moves what it
 * can under port->lock, then, when it must wait, re-checks its condition
 * with the scheduler lock held (wait_while_intr), which the interrupt
 * handler needs to wake it: a wake-up between the look at the ring and
 * the block cannot be lost.
 */
#include <errno.h>
#include <poll.h>
#include <vireo/cpu.h>
#include <vireo/panic.h>
#include <vireo/tty.h>
#include <vireo/vfs.h>

static bool dead(struct tty_port *port)
{
	return port->ops->dead && port->ops->dead(port);
}

/* Tells a thread-served port that the rings changed (port->lock not
 * held).  Not from interrupt context: the kernel log's non-blocking
 * writes there go to ports without the operation. */
static void kick(struct tty_port *port)
{
	if (port->ops->kick)
		port->ops->kick(port);
}

/* Conditions for wait_while_intr(), under port->lock. */
static bool rx_waiting(void *arg)
{
	struct tty_port *port = arg;

	return ringbuf_empty(&port->rx) && !dead(port);
}

static bool tx_waiting(void *arg)
{
	struct tty_port *port = arg;

	return ringbuf_space(&port->tx) == 0 && !dead(port);
}

void tty_port_init(struct tty_port *port, const struct tty_port_ops *ops,
		   void *rx_buf, size_t rx_size, void *tx_buf, size_t tx_size)
{
	port->ops = ops;
	spin_init(&port->lock);
	ringbuf_init(&port->rx, rx_buf, rx_size);
	ringbuf_init(&port->tx, tx_buf, tx_size);
	wait_queue_init_kind(&port->rx_wq, WAIT_IO);
	wait_queue_init_kind(&port->tx_wq, WAIT_IO);
}

ssize_t tty_port_read(struct tty_port *port, void *buf, size_t len,
		      bool nonblock)
{
	if (len == 0)
		return 0;
	for (;;) {
		irqflags_t f = spin_lock_irqsave(&port->lock);
		size_t n = ringbuf_get(&port->rx, buf, len);
		if (n && port->ops->rx_drained_locked)
			port->ops->rx_drained_locked(port);
		spin_unlock_irqrestore(&port->lock, f);

		if (n) {
			kick(port);
			return n;
		}
		if (dead(port))
			return -EIO;
		if (nonblock)
			return -EAGAIN;
		kassert(!in_interrupt());
		int r = wait_while_intr(&port->rx_wq, &port->lock, rx_waiting, port);
		if (r < 0)
			return r;
	}
}

/* With nonblock: queues what fits and returns the count (-EAGAIN for
 * none), without waiting. */
ssize_t tty_port_write(struct tty_port *port, const void *buf, size_t len,
		       bool nonblock)
{
	const uint8_t *s = buf;
	size_t done = 0;

	while (done < len) {
		if (dead(port))
			return done ? (ssize_t)done : -EIO;
		irqflags_t f = spin_lock_irqsave(&port->lock);
		size_t n = ringbuf_put(&port->tx, s + done, len - done);
		if (n && port->ops->tx_start_locked)
			port->ops->tx_start_locked(port);
		spin_unlock_irqrestore(&port->lock, f);

		if (n)
			kick(port);
		done += n;
		if (done == len || nonblock)
			break;
		kassert(!in_interrupt());
		int r = wait_while_intr(&port->tx_wq, &port->lock, tx_waiting, port);
		if (r < 0)
			return done ? (ssize_t)done : r;
	}
	return done || len == 0 ? (ssize_t)done : -EAGAIN;
}

size_t tty_port_rx_available(struct tty_port *port)
{
	irqflags_t f = spin_lock_irqsave(&port->lock);
	size_t n = ringbuf_used(&port->rx);

	spin_unlock_irqrestore(&port->lock, f);
	return n;
}

int tty_port_poll(struct tty_port *port, int events)
{
	int ready = 0;
	irqflags_t f = spin_lock_irqsave(&port->lock);

	if (!ringbuf_empty(&port->rx))
		ready |= POLLIN;
	if (ringbuf_space(&port->tx))
		ready |= POLLOUT;
	spin_unlock_irqrestore(&port->lock, f);
	if (dead(port))
		ready |= POLLERR;
	return ready & (events | POLLERR);
}

size_t tty_port_rx_push(struct tty_port *port, const void *buf, size_t len)
{
	irqflags_t f = spin_lock_irqsave(&port->lock);
	size_t n = ringbuf_put(&port->rx, buf, len);

	spin_unlock_irqrestore(&port->lock, f);
	if (n)
		tty_port_wake(port);
	return n;
}

void tty_port_wake(struct tty_port *port)
{
	wait_wake_all(&port->rx_wq);
	wait_wake_all(&port->tx_wq);
	poll_notify();
}

static ssize_t port_tty_read(struct tty *t, void *buf, size_t len,
			     bool nonblock)
{
	return tty_port_read(t->priv, buf, len, nonblock);
}

static ssize_t port_tty_write(struct tty *t, const void *buf, size_t len,
			      bool nonblock)
{
	return tty_port_write(t->priv, buf, len, nonblock);
}

static int port_tty_poll(struct tty *t, int events)
{
	return tty_port_poll(t->priv, events);
}

static void port_tty_release(struct tty *t)
{
	struct tty_port *port = t->priv;

	if (port->ops->release)
		port->ops->release(port);
}

const struct tty_ops tty_port_tty_ops = {
	.read = port_tty_read,
	.write = port_tty_write,
	.poll = port_tty_poll,
	.release = port_tty_release,
};
