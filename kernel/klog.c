// SPDX-License-Identifier: BSD-2-Clause
/*
 * The kernel log.  Each line gets a "[seconds.micros] " stamp and goes
 * into a ring buffer (dmesg) that keeps the newest CONFIG_KLOG_BUFSIZE
 * bytes, and to the console: polled until the UART driver is up, then
 * through its transmit buffer without ever blocking, since callers may
 * hold spinlocks or run in interrupt handlers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <vireo/clock.h>
#include <vireo/klog.h>
#include <vireo/ringbuf.h>
#include <vireo/spinlock.h>
#include <vireo/console.h>
#include <vireo/uart.h>
#include "kernel_priv.h"

_Static_assert((CONFIG_KLOG_BUFSIZE & (CONFIG_KLOG_BUFSIZE - 1)) == 0,
	       "CONFIG_KLOG_BUFSIZE must be a power of two");

static uint8_t klog_buf[CONFIG_KLOG_BUFSIZE];
static struct ringbuf klog_ring;
static uint64_t klog_written;	/* bytes ever logged */
static spinlock_t klog_lock = SPINLOCK_INIT;	/* klog_ring, klog_written */
static bool console_ready;

void klog_init(void)
{
	ringbuf_init(&klog_ring, klog_buf, sizeof(klog_buf));
}

void klog_console_ready(void)
{
	console_ready = true;
}

/* One run to the UART, without blocking (uart_crlf_runs()'s form). */
static void uart_out(void *u, const char *run, size_t len)
{
	((struct uart *)u)->ops->write(u, run, len, true);
}

static void console_out(const char *s, size_t n)
{
	struct uart *u = uart_console();

	if (console_ready && u) {
		/* A write per run of characters (each takes the port's lock
		 * and starts its transmitter), "\r\n" for each newline. */
		uart_crlf_runs(s, n, uart_out, u);
		console_mirror(s, n, false);
		return;
	}
	uart_write_polled(s, n);
}

/* Writes v in decimal into buf, right-aligned in width characters
 * (padded with pad; wider numbers take the room they need); returns the
 * length. */
static int put_decimal(char *buf, uint64_t v, int width, char pad)
{
	char tmp[20];
	int n = 0, len = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (len < width - n)
		buf[len++] = pad;
	while (n)
		buf[len++] = tmp[--n];
	return len;
}

void klog(int level, const char *fmt, ...)
{
	char line[192];
	uint64_t ns = clock_monotonic_ns();
	va_list ap;
	int n = 0;

	/* "[%5lu.%06lu] " without a formatted print: it is on every line. */
	line[n++] = '[';
	n += put_decimal(line + n, ns / NSEC_PER_SEC, 5, ' ');
	line[n++] = '.';
	n += put_decimal(line + n, ns % NSEC_PER_SEC / 1000, 6, '0');
	line[n++] = ']';
	line[n++] = ' ';
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;

	irqflags_t f = spin_lock_irqsave(&klog_lock);
	ringbuf_put_overwrite(&klog_ring, line, n);
	klog_written += (uint64_t)n;
	console_out(line, n);
	spin_unlock_irqrestore(&klog_lock, f);
}

size_t klog_read(size_t skip, char *buf, size_t len)
{
	irqflags_t f = spin_lock_irqsave(&klog_lock);
	size_t n = ringbuf_peek(&klog_ring, skip, buf, len);

	spin_unlock_irqrestore(&klog_lock, f);
	return n;
}

size_t klog_size(void)
{
	return ringbuf_used(&klog_ring);
}

size_t klog_read_at(uint64_t *pos, char *buf, size_t len)
{
	irqflags_t f = spin_lock_irqsave(&klog_lock);
	uint64_t oldest = klog_written - ringbuf_used(&klog_ring);
	size_t n;

	if (*pos < oldest || *pos > klog_written)
		*pos = oldest;	/* overwritten meanwhile: from the oldest kept */
	n = ringbuf_peek(&klog_ring, (size_t)(*pos - oldest), buf, len);
	*pos += n;
	spin_unlock_irqrestore(&klog_lock, f);
	return n;
}
