/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Serial ports.  A UART driver registers a struct uart; the first one
 * registered (or the one /chosen stdout-path names) is the console behind
 * /dev/console and /dev/ttyS0.  Reads and writes are interrupt-driven and
 * buffered; the polled output exists for early boot and panics only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct uart;

struct uart_ops {
	/* Blocks until at least one byte is available unless nonblock
	 * (then -EAGAIN); returns the count, or -EINTR.  Thread context. */
	ssize_t (*read)(struct uart *u, void *buf, size_t len, bool nonblock);
	/* Queues bytes for transmission; blocks while the buffer is full
	 * unless nonblock.  Returns the count queued.  Thread context, or
	 * any context with nonblock. */
	ssize_t (*write)(struct uart *u, const void *buf, size_t len,
			 bool nonblock);
	/* Bytes ready to read without blocking. */
	size_t (*rx_available)(struct uart *u);
	/* Queues bytes as if received (another keyboard on the console):
	 * the count, less when the receive buffer is full.  Any context. */
	size_t (*rx_push)(struct uart *u, const void *buf, size_t len);
	/* Writes n bytes as they are, polling for room before each; any
	 * context, no lock (a panic may come while the port's is held). */
	void (*write_polled)(struct uart *u, const char *s, size_t n);
};

struct uart {
	const char *name;		/* "ttyS0" */
	const struct uart_ops *ops;
	void *priv;
};

/*
 * Terminal hooks for UART drivers (kernel/console.c), interrupt context.
 * uart_rx_is_intr() may be called with the driver's lock held: it says
 * whether a received byte is the interrupt character (Ctrl-C) while a
 * foreground task owns the console; the driver then drops the byte and,
 * once its own lock is released, calls uart_rx_intr_from_irq(), which
 * sends SIGINT to that task.  A driver keeps its rings in a tty_port
 * (<vireo/tty.h>), whose wake-up also wakes poll()/select().
 */
bool uart_rx_is_intr(struct uart *u, unsigned char c);
void uart_rx_intr_from_irq(struct uart *u);

/* Driver: registers u; the first becomes the console. 0 or -EBUSY. */
int uart_register(struct uart *u);
struct uart *uart_console(void);
/* Early boot: a polled output routine (as write_polled) until a UART
 * registers. */
void uart_set_early_write(void (*write)(const char *s, size_t n));
/* Polled console output for early boot and panics; any context. */
void uart_putc_polled(char c);
/* n characters, "\r\n" for each newline, polled. */
void uart_write_polled(const char *s, size_t n);
/* Calls out(ctx, run, len) for each run of s without a newline and
 * out(ctx, "\r\n", 2) for each newline: a terminal's line ends. */
void uart_crlf_runs(const char *s, size_t n,
		    void (*out)(void *ctx, const char *run, size_t len), void *ctx);
