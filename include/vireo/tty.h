/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Terminals (kernel/tty.c): a byte-stream device (the console UART, a
 * virtio console port) seen through /dev with what a terminal adds: the
 * output newline translation ("\n" -> "\r\n", termios ONLCR) and the
 * interrupt character (Ctrl-C becomes SIGINT for the terminal's
 * foreground task, which tcsetpgrp() sets).  Input is passed raw: the
 * shell's line editor does its own echo and editing.  A raw tty is a plain
 * byte pipe (a virtio serial port carrying data): neither translation nor
 * Ctrl-C.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

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
};

struct tty {
	const struct tty_ops *ops;
	void *priv;		/* the driver's */
	bool raw;		/* no ONLCR, no Ctrl-C */
	pid_t foreground;	/* gets SIGINT; 0: none.  A word replaced
				 * whole: READ_ONCE/WRITE_ONCE */
};

/* Makes t reachable as /dev/<name> (more names: call again).  0, -EEXIST,
 * -ENOMEM, -EINVAL.  Thread context. */
int tty_register(struct tty *t, const char *name);

/*
 * Receive hooks for drivers, any context.  tty_rx_is_intr() may run
 * under the driver's lock: whether byte c is the interrupt character
 * while a task is in the foreground; the driver then drops the byte and,
 * with its own lock released (signals take the scheduler lock, which is
 * outer), calls tty_rx_intr(), which sends SIGINT to that task.
 */
bool tty_rx_is_intr(const struct tty *t, unsigned char c);
void tty_rx_intr(struct tty *t);

/* ioctl() requests of a tty file: tcsetpgrp() and tcgetpgrp() in libc.
 * A pid names the task (tasks are their own process groups); 0 sets
 * none, so that Ctrl-C reaches the reader as a byte. */
#define TTY_IOC_SET_FOREGROUND	0x5410	/* arg: pid_t */
#define TTY_IOC_GET_FOREGROUND	0x540f	/* arg: pid_t *, kernel pointer */
