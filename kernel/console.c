// SPDX-License-Identifier: BSD-2-Clause
/*
 * The console terminal: /dev/console and /dev/ttyS0 are the same UART
 * (the one uart_console() returns) seen as a tty (<vireo/tty.h>: "\n" ->
 * "\r\n" on output, raw input, Ctrl-C -> SIGINT for the foreground task),
 * and descriptors 0, 1 and 2 of the first application are opened on it.
 *
 * A second screen and keyboard may join it (the framebuffer console and
 * a virtio keyboard): what the console and the kernel log print is also
 * handed to the mirror, a function set once that only copies the bytes
 * (so the serial path does not wait for drawing), and console_input()
 * feeds keys into the UART's receive buffer as if they had been typed
 * there.  The mirror pointer is written once, read with READ_ONCE.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <vireo/compiler.h>
#include <vireo/console.h>
#include <vireo/file.h>
#include <vireo/klog.h>
#include <vireo/tty.h>
#include <vireo/uart.h>
#include <vireo/vfs.h>

static struct tty console_tty;
static console_mirror_fn mirror;

void console_set_mirror(console_mirror_fn fn)
{
	WRITE_ONCE(mirror, fn);
}

void console_mirror(const char *s, size_t len, bool may_wake)
{
	console_mirror_fn fn = READ_ONCE(mirror);

	if (fn && len)
		fn(s, len, may_wake);
}

void console_input(const char *s, size_t len)
{
	struct uart *u = uart_console();

	if (!u || !u->ops->rx_push)
		return;
	for (size_t i = 0; i < len; i++) {
		if (tty_rx_is_intr(&console_tty, (unsigned char)s[i]))
			tty_rx_intr(&console_tty);
		else
			u->ops->rx_push(u, &s[i], 1);
	}
}

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
	ssize_t r = u->ops->write(u, buf, len, nonblock);

	if (r > 0)
		console_mirror(buf, r, true);
	return r;
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
	tty_init(&console_tty, &console_tty_ops, u);
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
