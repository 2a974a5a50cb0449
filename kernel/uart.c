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

void uart_putc_polled(char c)
{
	if (console)
		console->ops->putc_polled(console, c);
	else if (early_putc)
		early_putc(c);
}

void uart_write_polled(const char *s, size_t n)
{
	struct uart *u = console;
	void (*early)(char c) = early_putc;

	/* The choice once per call, not per character. */
	for (size_t i = 0; i < n; i++) {
		if (u) {
			if (s[i] == '\n')
				u->ops->putc_polled(u, '\r');
			u->ops->putc_polled(u, s[i]);
		} else if (early) {
			if (s[i] == '\n')
				early('\r');
			early(s[i]);
		}
	}
}
