// SPDX-License-Identifier: BSD-2-Clause
/* The console UART registry and the polled output used before it exists. */
#include <errno.h>
#include <vireo/uart.h>

static struct uart *console;
static void (*early_write)(const char *s, size_t n);

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

void uart_set_early_write(void (*write)(const char *s, size_t n))
{
	early_write = write;
}

/* Bytes as they are to the console, or before it exists to the early
 * output (ctx unused: uart_crlf_runs()'s form). */
static void write_polled(void *ctx, const char *s, size_t n)
{
	struct uart *u = console;

	if (u)
		u->ops->write_polled(u, s, n);
	else if (early_write)
		early_write(s, n);
}

void uart_putc_polled(char c)
{
	write_polled(NULL, &c, 1);
}

void uart_crlf_runs(const char *s, size_t n,
		    void (*out)(void *ctx, const char *run, size_t len), void *ctx)
{
	for (size_t i = 0, j; i < n; i = j + 1) {
		for (j = i; j < n && s[j] != '\n'; j++)
			;
		if (j > i)
			out(ctx, s + i, j - i);
		if (j < n)
			out(ctx, "\r\n", 2);
	}
}

/* A run per call rather than a call per character. */
void uart_write_polled(const char *s, size_t n)
{
	uart_crlf_runs(s, n, write_polled, NULL);
}
