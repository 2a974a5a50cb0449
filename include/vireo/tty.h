/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Terminals (kernel/tty.c): a byte-stream device (the console UART, a
 * virtio console port) seen through /dev with what a terminal adds: the
 * output newline translation ("\n" -> "\r\n", termios ONLCR) and the
 * interrupt character (Ctrl-C becomes SIGINT for the terminal's
 * foreground task, which tcsetpgrp() sets).  Input is passed raw: the
 * shell's line editor does its own echo and editing.  A raw tty is a plain
 * byte pipe (a virtio serial port carrying data): neither translation nor
 * Ctrl-C.  A terminal whose far end can go away (a telnet connection)
 * hangs up: every task that has it open (the shell on it, its foreground
 * command, its background jobs) gets SIGHUP.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <vireo/mutex.h>
#include <vireo/ringbuf.h>
#include <vireo/spinlock.h>
#include <vireo/wait.h>

struct tty;

struct tty_ops {
	/* Blocks until at least one byte is there unless nonblock (then
	 * -EAGAIN); the count, or -EINTR.  Thread context. */
	ssize_t (*read)(struct tty *t, void *buf, size_t len, bool nonblock);
	/* Queues bytes; blocks while there is no room unless nonblock.
	 * The count queued (-EAGAIN for none with nonblock), or -EINTR. */
	ssize_t (*write)(struct tty *t, const void *buf, size_t len,
			 bool nonblock);
	/* The ready bits among events (POLLIN, POLLOUT).  Readiness
	 * changes are announced with poll_notify(). */
	int (*poll)(struct tty *t, int events);
	/* Optional: the last reference to a file of t went away (a tty
	 * made for one connection frees itself).  Thread context. */
	void (*release)(struct tty *t);
};

struct tty {
	const struct tty_ops *ops;
	void *priv;		/* the driver's */
	bool raw;		/* no ONLCR, no Ctrl-C */
	pid_t foreground;	/* gets SIGINT; 0: none.  A word replaced
				 * whole: READ_ONCE/WRITE_ONCE */
	struct kmutex write_lock;	/* one write() at a time: a line a
					 * program writes whole reaches the
					 * terminal whole, not interleaved
					 * with another writer's */
};

/* Sets t up with its driver's ops and data (cooked, no foreground). */
void tty_init(struct tty *t, const struct tty_ops *ops, void *priv);

/* Makes t reachable as /dev/<name> (more names: call again).  0, -EEXIST,
 * -ENOMEM, -EINVAL.  Thread context. */
int tty_register(struct tty *t, const char *name);
/* A new descriptor of the caller's task on t (no /dev name), with flags
 * (O_CLOEXEC, O_NONBLOCK): the descriptor or -ENOMEM, -EMFILE.  On
 * failure t has been released (ops->release ran once), as if the
 * descriptor had been opened and closed.  Thread context. */
int tty_open_fd(struct tty *t, int flags);
/* The far end went away: SIGHUP to every task with a descriptor of t.
 * The driver makes its reads and writes fail (-EIO) first, so a task
 * that gets the terminal later (being spawned with it) finds it dead.
 * Thread context. */
void tty_hangup(struct tty *t);

/*
 * Receive hooks for drivers, any context.  tty_rx_is_intr() may run
 * under the driver's lock: whether byte c is the interrupt character
 * while a task is in the foreground; the driver then drops the byte and,
 * with its own lock released (signals take the scheduler lock, which is
 * outer), calls tty_rx_intr(), which sends SIGINT to that task.
 */
bool tty_rx_is_intr(const struct tty *t, unsigned char c);
void tty_rx_intr(struct tty *t);

/* ioctl() requests of a tty file: <sys/ioctl.h>'s TTY_IOC_*. */

/*
 * A buffered byte port (kernel/tty_port.c): the receive and transmit
 * rings of a serial device, the IRQ-safe lock that protects them (and
 * whatever else of the device the driver puts under it), their wait
 * queues, and the read and write loops every such driver shares.  The
 * interrupt handler fills rx and drains tx under the lock, then, with it
 * released, calls tty_port_wake().  Lock order: the scheduler lock, then
 * port->lock.
 */
struct tty_port;

struct tty_port_ops {
	/* port->lock held: hand what tx holds to the hardware.  Required
	 * unless kick serves the port. */
	void (*tx_start_locked)(struct tty_port *port);
	/* port->lock held: bytes left rx (room for more).  Optional. */
	void (*rx_drained_locked)(struct tty_port *port);
	/* The device is gone for good: waits end and I/O fails with -EIO.
	 * Any context, port->lock may be held.  Optional. */
	bool (*dead)(struct tty_port *port);
	/* Thread context, port->lock NOT held: a reader took bytes from rx
	 * or a writer queued bytes in tx.  For a port served by a thread
	 * (a socket's), which tx_start_locked cannot wake: the scheduler
	 * lock nests outside port->lock.  Optional. */
	void (*kick)(struct tty_port *port);
	/* Thread context: the last file of the port's tty (made with
	 * tty_port_tty_ops) closed.  Optional. */
	void (*release)(struct tty_port *port);
};

struct tty_port {
	const struct tty_port_ops *ops;
	spinlock_t lock;
	struct ringbuf rx, tx;
	struct wait_queue rx_wq, tx_wq;		/* scheduler lock */
};

/* Sizes are powers of two. */
void tty_port_init(struct tty_port *port, const struct tty_port_ops *ops,
		   void *rx_buf, size_t rx_size, void *tx_buf, size_t tx_size);
/* The tty_ops read and write: thread context, or any context for a
 * non-blocking write (the kernel log's). */
ssize_t tty_port_read(struct tty_port *port, void *buf, size_t len,
		      bool nonblock);
ssize_t tty_port_write(struct tty_port *port, const void *buf, size_t len,
		       bool nonblock);
/* The tty_ops of a tty whose priv is its struct tty_port. */
extern const struct tty_ops tty_port_tty_ops;
/* Bytes ready to read; the ready POLLIN/POLLOUT/POLLERR among events. */
size_t tty_port_rx_available(struct tty_port *port);
int tty_port_poll(struct tty_port *port, int events);
/* Queues received bytes that came from elsewhere than the device (a
 * keyboard typing on the console) and wakes readers: the count queued
 * (less when rx is full).  Any context, port->lock not held. */
size_t tty_port_rx_push(struct tty_port *port, const void *buf, size_t len);
/* Wakes readers, writers and poll(): after rx got bytes, tx got room,
 * or the device died.  Any context, port->lock not held. */
void tty_port_wake(struct tty_port *port);
