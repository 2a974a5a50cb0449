// SPDX-License-Identifier: BSD-2-Clause
/*
 * The console terminal: /dev/console and /dev/ttyS0 are the same UART
 * (the one uart_console() returns), and descriptors 0, 1 and 2 of the
 * first application are opened on it.  Output gets the terminal's
 * newline translation ("\n" -> "\r\n"); input is passed raw, because the
 * shell's line editor does its own echo and editing, except for Ctrl-C
 * while a foreground task runs: that becomes SIGINT for the task.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <vireo/console.h>
#include <vireo/devfs.h>
#include <vireo/klog.h>
#include <vireo/signal.h>
#include <vireo/uart.h>
#include <vireo/vfs.h>

#define CONSOLE_INTR_CHAR 0x03	/* Ctrl-C, the terminal's VINTR */

/* The task Ctrl-C interrupts, 0 for none.  A plain word read from the
 * UART interrupt handler: relaxed atomics suffice, the value is a hint
 * that is only ever replaced whole. */
static pid_t foreground;

void console_set_foreground(pid_t pid)
{
	WRITE_ONCE(foreground, pid);
}

bool uart_rx_is_intr(struct uart *u, unsigned char c)
{
	return c == CONSOLE_INTR_CHAR && READ_ONCE(foreground) > 0;
}

void uart_rx_intr_from_irq(struct uart *u)
{
	siginfo_t info = { .si_signo = SIGINT, .si_code = SI_KERNEL };
	pid_t pid = READ_ONCE(foreground);

	if (pid > 0)
		signal_send_pid(pid, &info);
}

void uart_rx_ready_from_irq(struct uart *u)
{
	poll_notify();
}

static ssize_t console_read(struct file *f, void *buf, size_t len)
{
	struct uart *u = f->priv;

	if (len == 0)
		return 0;
	return u->ops->read(u, buf, len, f->flags & O_NONBLOCK);
}

/* Writes runs of bytes between newlines whole, so the UART's buffer sees
 * few, large writes. */
static ssize_t console_write(struct file *f, const void *buf, size_t len)
{
	static const char crlf[2] = { '\r', '\n' };
	struct uart *u = f->priv;
	const char *p = buf;
	bool nonblock = f->flags & O_NONBLOCK;
	size_t done = 0;

	while (done < len) {
		size_t run = 0;
		ssize_t r;
		while (done + run < len && p[done + run] != '\n')
			run++;
		if (run) {
			r = u->ops->write(u, p + done, run, nonblock);
			if (r <= 0)
				return done ? (ssize_t)done : r;
			done += r;
			if ((size_t)r < run)
				break;
			continue;
		}
		r = u->ops->write(u, crlf, 2, nonblock);
		if (r < 2)
			return done ? (ssize_t)done : (r < 0 ? r : -EAGAIN);
		done++;
	}
	return done;
}

/* Output never waits long (the transmitter drains by itself), so the
 * console is always writable; readable when the receive ring has data. */
static int console_poll(struct file *f, int events)
{
	struct uart *u = f->priv;
	int ready = events & POLLOUT;

	if ((events & POLLIN) && u->ops->rx_available(u))
		ready |= POLLIN;
	return ready;
}

static const struct file_ops console_ops = {
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
	r = devfs_register("console", &console_ops, u);
	if (!r)
		r = devfs_register(u->name, &console_ops, u);
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
