// SPDX-License-Identifier: BSD-2-Clause
/*
 * ARM PL011 UART (PrimeCell UART TRM, DDI 0183), binds to "arm,pl011".
 * Interrupt-driven: the receive interrupt handler moves bytes from the
 * RX FIFO into a ring that read() drains; write() queues bytes in a TX
 * ring and the transmit interrupt refills the FIFO from it.
 *
 * Input is never dropped for want of room: a full ring stops the drain
 * and masks the receive interrupts, the FIFO fills, and the sender waits
 * (QEMU stops reading its character device; a line with RTS/CTS flow
 * control deasserts RTS) until read() makes room and drains again.  A
 * paste of any size arrives whole at the reader's pace.  Bytes the FIFO
 * itself loses (an overrun, without flow control) are reported.  The polled
 * output (early console before interrupts exist, panics) writes the data
 * register directly and takes no lock.
 *
 * The rings, their wait queues and the read/write loops are a tty_port
 * (kernel/tty_port.c).
 *
 * Locking, per port:
 *   p->port.lock (IRQ-safe spinlock) protects both rings, the shadow of
 *   UARTIMSC, the error counters and every register access except the
 *   polled output's.  Never held while blocking or logging.
 *   The scheduler lock protects the two wait queues.  When both are
 *   taken, the scheduler lock comes first (read/write re-check their
 *   condition under it); the interrupt handler releases p->port.lock
 *   before taking the scheduler lock to wake waiters.  The kernel log
 *   calls write(nonblock) with its own lock and possibly the scheduler
 *   lock held; that path takes only p->port.lock, which is innermost.
 *
 * Only one port is supported: kernel/uart.c registers a single console.
 */
#include <errno.h>
#include <vireo/cpu.h>
#include <vireo/driver.h>
#include <vireo/fdt.h>
#include <vireo/irq.h>
#include <vireo/klog.h>
#include <vireo/mmio.h>
#include <vireo/mmu.h>
#include <vireo/panic.h>
#include <vireo/ringbuf.h>
#include <vireo/spinlock.h>
#include <vireo/thread.h>
#include <vireo/tty.h>
#include <vireo/uart.h>

_Static_assert((CONFIG_PL011_RXBUF & (CONFIG_PL011_RXBUF - 1)) == 0,
	       "CONFIG_PL011_RXBUF must be a power of two");
_Static_assert((CONFIG_PL011_TXBUF & (CONFIG_PL011_TXBUF - 1)) == 0,
	       "CONFIG_PL011_TXBUF must be a power of two");

/* Registers (TRM 3.2, 3.3) */
#define UARTDR		0x000
#define UARTECR		0x004	/* write: clears the error flags of UARTRSR */
#define UARTFR		0x018
#define UARTLCR_H	0x02c
#define UARTCR		0x030
#define UARTIFLS	0x034
#define UARTIMSC	0x038
#define UARTMIS		0x040
#define UARTICR		0x044

/* UARTDR (3.3.1): error flags of the received character */
#define DR_FE		(1u << 8)	/* framing */
#define DR_PE		(1u << 9)	/* parity */
#define DR_BE		(1u << 10)	/* break */
#define DR_OE		(1u << 11)	/* overrun: FIFO was full, a byte was lost */
/* UARTFR (3.3.3) */
#define FR_BUSY		(1u << 3)
#define FR_RXFE		(1u << 4)
#define FR_TXFF		(1u << 5)
/* UARTLCR_H (3.3.7): 8 data bits, no parity, one stop bit, FIFOs on */
#define LCRH_FEN	(1u << 4)
#define LCRH_WLEN_8	(3u << 5)
/* UARTCR (3.3.8) */
#define CR_UARTEN	(1u << 0)
#define CR_TXE		(1u << 8)
#define CR_RXE		(1u << 9)
/* UARTIFLS (3.3.9): TX interrupt at <= 1/4 full, RX at >= 1/2 full */
#define IFLS_TX_QUARTER	(1u << 0)
#define IFLS_RX_HALF	(2u << 3)
/* Interrupt bits of UARTIMSC/UARTMIS/UARTICR (3.3.10-3.3.13) */
#define INT_RX		(1u << 4)
#define INT_TX		(1u << 5)
#define INT_RT		(1u << 6)	/* receive timeout */
#define INT_FE		(1u << 7)
#define INT_PE		(1u << 8)
#define INT_BE		(1u << 9)
#define INT_OE		(1u << 10)
#define INT_ERRORS	(INT_FE | INT_PE | INT_BE | INT_OE)
#define INT_ALL		0x7ff

/* Bounds on loops over hardware state, so a wedged UART cannot hang us. */
#define RX_DRAIN_MAX	256	/* bytes read per drain pass */
#define RX_PASSES_MAX	64
#define POLL_SPINS	1000000

/* Dropped characters by cause; read-only outside the interrupt handler. */
struct pl011_stats {
	uint64_t rx, tx;
	uint64_t overrun;	/* FIFO overran: bytes lost in hardware */
	uint64_t framing, parity, brk;	/* bad characters, dropped */
};

struct pl011_port {
	struct uart uart;
	volatile uint8_t *base;
	uint32_t intid;
	struct tty_port port;		/* rings and lock: see the top */
	uint32_t imsc;			/* shadow of UARTIMSC */
	struct pl011_stats stats;
	uint64_t rx_lost_told;		/* overruns already reported */
};

static struct pl011_port port0;
static uint8_t port0_rx_buf[CONFIG_PL011_RXBUF];
static uint8_t port0_tx_buf[CONFIG_PL011_TXBUF];
static volatile uint8_t *early_base;

/* Polled output: for each byte wait for room in the TX FIFO (bounded,
 * so a dead UART cannot stop a panic report), then write the data
 * register.  No lock: a panic may come while this CPU holds the port
 * lock. */
static void write_raw(volatile uint8_t *base, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < POLL_SPINS && (mmio_read32(base + UARTFR) & FR_TXFF); k++)
			arch_cpu_relax();
		mmio_write32(base + UARTDR, (uint8_t)s[i]);
	}
}

static void early_write(const char *s, size_t n)
{
	write_raw(early_base, s, n);
}

static void pl011_write_polled(struct uart *u, const char *s, size_t n)
{
	write_raw(((struct pl011_port *)u->priv)->base, s, n);
}

static void set_imsc_locked(struct pl011_port *p, uint32_t imsc)
{
	if (imsc != p->imsc) {
		p->imsc = imsc;
		mmio_write32(p->base + UARTIMSC, imsc);
	}
}

/* Moves bytes from the TX ring into the FIFO until either is exhausted;
 * returns how many. */
static size_t tx_fill_locked(struct pl011_port *p)
{
	size_t n = 0;
	int c;

	while (!(mmio_read32(p->base + UARTFR) & FR_TXFF) &&
	       (c = ringbuf_getc(&p->port.tx)) >= 0) {
		mmio_write32(p->base + UARTDR, (uint32_t)c);
		n++;
	}
	p->stats.tx += n;
	return n;
}

/*
 * Starts transmission of what the ring holds.  The TX interrupt fires on
 * the FIFO level passing down through the trigger level, not on the
 * level itself (TRM 2.8.x, UARTTXINTR), so it is enabled only once the
 * FIFO is full and data is left over: the FIFO draining then guarantees
 * the transition.  When everything fit, no interrupt is needed.
 */
static void tx_kick_locked(struct pl011_port *p)
{
	tx_fill_locked(p);
	if (!ringbuf_empty(&p->port.tx))
		set_imsc_locked(p, p->imsc | INT_TX);
}

static void pl011_tx_start_locked(struct tty_port *port)
{
	tx_kick_locked(container_of(port, struct pl011_port, port));
}

static const struct tty_port_ops pl011_port_ops = {
	.tx_start_locked = pl011_tx_start_locked,
};

/* TX interrupt: refill; once the ring is empty stop the interrupt. */
static size_t tx_irq_locked(struct pl011_port *p)
{
	size_t n = tx_fill_locked(p);

	if (ringbuf_empty(&p->port.tx)) {
		set_imsc_locked(p, p->imsc & ~INT_TX);
		mmio_write32(p->base + UARTICR, INT_TX);
	}
	return n;
}

/* Counts a received character's errors; false when it is to be dropped
 * (framing, parity and break characters carry no valid data; an overrun
 * flags a byte lost after this one, which itself is good). */
static bool rx_char_ok_locked(struct pl011_port *p, uint32_t dr)
{
	if (dr & DR_OE)
		p->stats.overrun++;
	if (dr & DR_BE) {
		p->stats.brk++;
		return false;
	}
	if (dr & DR_FE) {
		p->stats.framing++;
		return false;
	}
	if (dr & DR_PE) {
		p->stats.parity++;
		return false;
	}
	return true;
}

/* Moves the RX FIFO into the ring until either is exhausted; returns the
 * bytes queued and counts in *intr the terminal interrupt characters it
 * took out (they become a signal). */
static size_t rx_drain_locked(struct pl011_port *p, size_t *intr)
{
	size_t queued = 0;
	bool errors = false;

	for (int i = 0; i < RX_DRAIN_MAX && ringbuf_space(&p->port.rx) &&
	     !(mmio_read32(p->base + UARTFR) & FR_RXFE); i++) {
		uint32_t dr = mmio_read32(p->base + UARTDR);
		if (dr & (DR_OE | DR_BE | DR_FE | DR_PE))
			errors = true;
		if (!rx_char_ok_locked(p, dr))
			continue;
		if (uart_rx_is_intr(&p->uart, (uint8_t)dr)) {
			(*intr)++;
			continue;
		}
		ringbuf_putc(&p->port.rx, (uint8_t)dr);	/* has room */
		queued++;
	}
	if (errors)
		mmio_write32(p->base + UARTECR, 0);	/* clear UARTRSR (3.3.2) */
	p->stats.rx += queued;
	return queued;
}

/*
 * Drains the FIFO into the ring: drain, clear, and drain again until the
 * FIFO is empty after the clear.  QEMU raises RX only as the FIFO goes
 * from empty to one byte and refills it while we read, so a clear while
 * bytes remain would leave them without an interrupt; once the FIFO is
 * seen empty after the clear, the next byte raises RX again.  A full ring
 * masks the receive interrupts instead (flow control, see the top) and
 * leaves their status set: the read that makes room calls this again.
 * Bounded: a port that never empties is broken hardware, not input.
 */
static size_t rx_service_locked(struct pl011_port *p, size_t *intr)
{
	size_t received = 0;

	for (int pass = 0; pass < RX_PASSES_MAX; pass++) {
		received += rx_drain_locked(p, intr);
		if (!ringbuf_space(&p->port.rx)) {
			mmio_write32(p->base + UARTICR, INT_ERRORS);
			set_imsc_locked(p, p->imsc & ~(INT_RX | INT_RT));
			return received;
		}
		mmio_write32(p->base + UARTICR, INT_RX | INT_RT | INT_ERRORS);
		if (mmio_read32(p->base + UARTFR) & FR_RXFE)
			break;
	}
	set_imsc_locked(p, p->imsc | INT_RX | INT_RT);
	return received;
}

/* Outside the port lock (the scheduler lock is always taken first):
 * wakes the rings' waiters and signals a terminal interrupt. */
static void rx_tx_done(struct pl011_port *p, size_t moved, size_t intr)
{
	if (moved)
		tty_port_wake(&p->port);
	if (intr)
		uart_rx_intr_from_irq(&p->uart);
}

static void pl011_irq(uint32_t intid, void *arg)
{
	struct pl011_port *p = arg;
	size_t moved = 0, intr = 0;
	irqflags_t f = spin_lock_irqsave(&p->port.lock);
	uint32_t mis = mmio_read32(p->base + UARTMIS);

	if (mis & (INT_RX | INT_RT | INT_ERRORS))
		moved += rx_service_locked(p, &intr);
	if (mis & INT_TX)
		moved += tx_irq_locked(p);
	spin_unlock_irqrestore(&p->port.lock, f);
	rx_tx_done(p, moved, intr);
}

static ssize_t pl011_read(struct uart *u, void *buf, size_t len, bool nonblock)
{
	struct pl011_port *p = u->priv;
	ssize_t n = tty_port_read(&p->port, buf, len, nonblock);
	size_t moved = 0, intr = 0;
	irqflags_t f = spin_lock_irqsave(&p->port.lock);
	uint64_t lost = p->stats.overrun - p->rx_lost_told;

	if (!(p->imsc & INT_RX))	/* throttled: there is room now */
		moved = rx_service_locked(p, &intr);
	p->rx_lost_told = p->stats.overrun;
	spin_unlock_irqrestore(&p->port.lock, f);
	rx_tx_done(p, moved, intr);

	/* Input lost silently would look like a shell bug: say so. */
	if (lost)
		pr_warn("%s: input lost %llu times: receive FIFO overrun\n",
			u->name, (unsigned long long)lost);
	return n;
}

/* With nonblock: any context (the kernel log calls it with IRQs masked
 * and from handlers); drops what does not fit and returns the count. */
static ssize_t pl011_write(struct uart *u, const void *buf, size_t len,
			   bool nonblock)
{
	return tty_port_write(&((struct pl011_port *)u->priv)->port, buf, len,
			      nonblock);
}

static size_t pl011_rx_available(struct uart *u)
{
	return tty_port_rx_available(&((struct pl011_port *)u->priv)->port);
}

static size_t pl011_rx_push(struct uart *u, const void *buf, size_t len)
{
	return tty_port_rx_push(&((struct pl011_port *)u->priv)->port, buf, len);
}

static const struct uart_ops pl011_ops = {
	.read = pl011_read,
	.write = pl011_write,
	.rx_available = pl011_rx_available,
	.rx_push = pl011_rx_push,
	.write_polled = pl011_write_polled,
};

/*
 * The TRM's reprogramming order (3.3.8): let the character in flight
 * (and the early console's output) finish, disable, flush the FIFOs by
 * clearing FEN, set the line, re-enable.  The baud-rate divisors are
 * left as firmware (or QEMU, which ignores them) set them; the LCR_H
 * write re-latches them unchanged.  Flow-control bits of UARTCR are
 * kept.  Boot context: the bounded busy-wait is allowed here.
 */
static void hw_init(volatile uint8_t *base)
{
	uint32_t cr = mmio_read32(base + UARTCR);

	for (int i = 0; i < POLL_SPINS && (mmio_read32(base + UARTFR) & FR_BUSY); i++)
		arch_cpu_relax();
	mmio_write32(base + UARTCR, 0);
	mmio_write32(base + UARTLCR_H, 0);
	mmio_write32(base + UARTIMSC, 0);
	mmio_write32(base + UARTICR, INT_ALL);
	mmio_write32(base + UARTECR, 0);
	mmio_write32(base + UARTIFLS, IFLS_TX_QUARTER | IFLS_RX_HALF);
	mmio_write32(base + UARTLCR_H, LCRH_WLEN_8 | LCRH_FEN);
	mmio_write32(base + UARTCR, cr | CR_UARTEN | CR_TXE | CR_RXE);
}

static int map_node(const struct fdt *fdt, int node, volatile uint8_t **base,
		    uint64_t *pa)
{
	uint64_t size;

	if (fdt_get_reg(fdt, node, 0, pa, &size) < 0)
		return -EINVAL;
	*base = ioremap(*pa, size);
	return *base ? 0 : -ENOMEM;
}

static void port_init(struct pl011_port *p, volatile uint8_t *base,
		      uint32_t intid)
{
	p->uart.name = "ttyS0";
	p->uart.ops = &pl011_ops;
	p->uart.priv = p;
	p->base = base;
	p->intid = intid;
	tty_port_init(&p->port, &pl011_port_ops, port0_rx_buf,
		      sizeof(port0_rx_buf), port0_tx_buf, sizeof(port0_tx_buf));
}

static int pl011_probe(const struct fdt *fdt, int node)
{
	struct pl011_port *p = &port0;
	volatile uint8_t *base;
	uint32_t intid, flags;
	uint64_t pa;
	int r;

	/* Validate everything before touching the hardware. */
	if (p->base || uart_console())
		return -ENODEV;		/* one console port only */
	if (fdt_get_gic_interrupt(fdt, node, 0, &intid, &flags) < 0)
		return -EINVAL;
	r = map_node(fdt, node, &base, &pa);
	if (r < 0)
		return r;

	port_init(p, base, intid);
	/* hw_init() flushes the FIFO: keep what was typed before the probe.
	 * No interrupt can reach the port yet, so no lock is needed, and no
	 * task runs in the foreground yet to take a Ctrl-C. */
	size_t intr = 0;
	rx_drain_locked(p, &intr);
	hw_init(base);
	r = irq_attach(intid, pl011_irq, p, "ttyS0");
	if (r < 0)
		goto err_port;
	irq_set_trigger(intid, flags & 0x3);	/* DT flags 1, 2: edge */
	irq_enable(intid);
	irqflags_t f = spin_lock_irqsave(&p->port.lock);
	set_imsc_locked(p, INT_RX | INT_RT | INT_ERRORS);
	spin_unlock_irqrestore(&p->port.lock, f);

	uart_register(&p->uart);	/* cannot fail: checked above */
	pr_info("pl011: ttyS0 at %#lx, INTID %u, %u/%u byte buffers\n",
		(unsigned long)pa, intid, CONFIG_PL011_RXBUF, CONFIG_PL011_TXBUF);
	return 0;

err_port:
	p->base = NULL;
	return r;
}

/* Polled output on this node before interrupts exist.  Programs nothing:
 * firmware (or QEMU's reset state) left the UART usable. */
static int pl011_early_console(const struct fdt *fdt, int node)
{
	volatile uint8_t *base;
	uint64_t pa;
	int r = map_node(fdt, node, &base, &pa);

	if (r < 0)
		return r;
	early_base = base;
	uart_set_early_write(early_write);
	return 0;
}

static const char *const pl011_compat[] = { "arm,pl011", NULL };
DRIVER_DECLARE(pl011, .name = "pl011", .compatible = pl011_compat,
	       .level = DRIVER_LEVEL_CONSOLE, .probe = pl011_probe,
	       .early_console = pl011_early_console);
