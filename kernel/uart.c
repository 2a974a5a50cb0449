// SPDX-License-Identifier: BSD-2-Clause
/* The console UART registry and the polled output used before it exists. */
#include <errno.h>
#include <vireo/uart.h>

static struct uart *console;
static void (*early_putc)(char c);

int uart_register(struct uart *u)
{
	if (console)
		return -EBUSY;
	console = u;
	return 0;
}

struct uart *uart_console(void)
{
	return console;
}

void uart_set_early_putc(void (*putc)(char c))
{
	early_putc = putc;
}

/* One character to the console, or before it exists to the early one. */
static inline void put_polled(struct uart *u, void (*early)(char c), char c)
{
	if (u)
		u->ops->putc_polled(u, c);
	else if (early)
		early(c);
}

void uart_putc_polled(char c)
{
	put_polled(console, early_putc, c);
}

void uart_write_polled(const char *s, size_t n)
{
	struct uart *u = console;	/* read once per call, not per character */
	void (*early)(char c) = early_putc;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			put_polled(u, early, '\r');
		put_polled(u, early, s[i]);
	}
}
