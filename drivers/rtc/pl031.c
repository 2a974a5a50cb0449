// SPDX-License-Identifier: BSD-2-Clause
/*
 * ARM PL031 real-time clock (PrimeCell RTC TRM, DDI 0224), binds to
 * "arm,pl031".  The PL031 is a free-running 32-bit seconds counter
 * (RTCDR) that software sets by writing the load register (RTCLR).  At
 * probe it sets CLOCK_REALTIME and registers with kernel/rtc.c, which
 * reads and loads it for rtc_get_time()/rtc_set_time().  The match interrupt is not used (no alarms), so it stays
 * masked.  Only one RTC: the first node bound wins.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <vireo/clock.h>
#include <vireo/driver.h>
#include <vireo/fdt.h>
#include <vireo/klog.h>
#include <vireo/mmio.h>
#include <vireo/mmu.h>
#include <vireo/rtc.h>

/* Registers (TRM 3.2, 3.3) */
#define RTCDR		0x000	/* data: current seconds, read-only */
#define RTCLR		0x008	/* load: sets the counter */
#define RTCCR		0x00c	/* control: bit 0 starts the counter */
#define RTCIMSC		0x010	/* match interrupt mask */
#define RTCICR		0x01c	/* match interrupt clear */
#define RTCCR_START	(1u << 0)

/* Set once, at probe, before the device is registered. */
static volatile uint8_t *rtc_base;

static int pl031_get_time(uint64_t *seconds)
{
	*seconds = mmio_read32(rtc_base + RTCDR);
	return 0;
}

static int pl031_set_time(uint64_t seconds)
{
	if (seconds > UINT32_MAX)
		return -EINVAL;		/* the counter is 32 bits: year 2106 */
	mmio_write32(rtc_base + RTCLR, (uint32_t)seconds);
	return 0;
}

static const struct rtc_ops pl031_ops = {
	.name = "pl031",
	.get_time = pl031_get_time,
	.set_time = pl031_set_time,
};

/* "YYYY-MM-DD hh:mm:ss" for the boot log. */
static void format_utc(uint32_t seconds, char *buf, size_t len)
{
	time_t t = seconds;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "%u s", seconds);
}

static int pl031_probe(const struct fdt *fdt, int node)
{
	volatile uint8_t *base;
	uint64_t pa, size;
	uint32_t now;
	char when[32];

	if (rtc_base)
		return -ENODEV;		/* one RTC: the first node bound */
	if (fdt_get_reg(fdt, node, 0, &pa, &size) < 0)
		return -EINVAL;
	base = ioremap(pa, size);
	if (!base)
		return -ENOMEM;

	mmio_write32(base + RTCIMSC, 0);
	mmio_write32(base + RTCICR, 1);
	/* A PL031 out of reset does not count until started (TRM 3.3.4);
	 * QEMU's always counts, starting it again is harmless. */
	if (!(mmio_read32(base + RTCCR) & RTCCR_START))
		mmio_write32(base + RTCCR, RTCCR_START);
	now = mmio_read32(base + RTCDR);
	clock_set_realtime_ns((uint64_t)now * NSEC_PER_SEC);
	rtc_base = base;
	if (rtc_register(&pl031_ops))
		return -EBUSY;		/* another RTC driver came first */

	format_utc(now, when, sizeof(when));
	pr_info("pl031: rtc at %#lx, %s UTC\n", (unsigned long)pa, when);
	return 0;
}

static const char *const pl031_compat[] = { "arm,pl031", NULL };
DRIVER_DECLARE(pl031, .name = "pl031", .compatible = pl031_compat,
	       .level = DRIVER_LEVEL_DEVICE, .probe = pl031_probe);
