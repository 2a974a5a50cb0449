// SPDX-License-Identifier: BSD-2-Clause
/*
 * The console terminal: /dev/console and /dev/ttyS0 are the same UART
 * (the one uart_console() returns) seen as a tty (<vireo/tty.h>: "\n" ->
 * "\r\n" on output, raw input, Ctrl-C -> SIGINT for the foreground task),
 * and descriptors 0, 1 and 2 of the first application are opened on it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <vireo/console.h>
#include <vireo/file.h>
#include <vireo/klog.h>
#include <vireo/tty.h>
#include <vireo/uart.h>
#include <vireo/vfs.h>

static struct tty console_tty;

bool uart_rx_is_intr(struct uart *u, unsigned char c)
{
	return tty_rx_is_intr(&console_tty, c);
}

void uart_rx_intr_from_irq(struct uart *u)
{
	tty_rx_intr(&console_tty);
}

static ssize_t console_read(struct tty *t, void *buf, size_t len,
			    bool nonblock)
{
	struct uart *u = t->priv;

	return u->ops->read(u, buf, len, nonblock);
}

static ssize_t console_write(struct tty *t, const void *buf, size_t len,
			     bool nonblock)
{
	struct uart *u = t->priv;

	return u->ops->write(u, buf, len, nonblock);
}

/* Output never waits long (the transmitter drains by itself), so the
 * console is always writable; readable when the receive ring has data. */
static int console_poll(struct tty *t, int events)
{
	struct uart *u = t->priv;
	int ready = events & POLLOUT;

	if ((events & POLLIN) && u->ops->rx_available(u))
		ready |= POLLIN;
	return ready;
}

static const struct tty_ops console_tty_ops = {
	.read = console_read,
	.write = console_write,
	.poll = console_poll,
};

int console_init(void)
{
	struct uart *u = uart_console();
	struct file *f;
	int r;

	if (!u) {
		pr_err("console: no UART\n");
		return -ENODEV;
	}
	console_tty.ops = &console_tty_ops;
	console_tty.priv = u;
	r = tty_register(&console_tty, "console");
	if (!r)
		r = tty_register(&console_tty, u->name);
	if (r)
		return r;
	r = vfs_open("/dev/console", O_RDWR, &f);
	if (r)
		return r;
	/* 0, 1 and 2 share one open file, as a login terminal does. */
	if (fd_install(f, 0) != 0)
		return -EBUSY;
	fd_dup2(0, 1);
	fd_dup2(0, 2);
	return 0;
}
