/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The battery-backed real-time clock, in whole seconds since the Epoch
 * (UTC).  The RTC driver reads it once at boot to set CLOCK_REALTIME;
 * these calls let `date -s` and clock_settime() write it back.  Setting
 * the RTC does not change CLOCK_REALTIME: the caller does both.
 * Thread or interrupt context (kernel/rtc.c).
 */
#pragma once

#include <stdint.h>

/* A real-time clock driver's operations; seconds since the Epoch. */
struct rtc_ops {
	const char *name;
	int (*get_time)(uint64_t *seconds);
	/* -EINVAL beyond the device's range. */
	int (*set_time)(uint64_t seconds);
};

/* Driver probe: the first RTC registered is the system's.  0 or -EBUSY. */
int rtc_register(const struct rtc_ops *ops);

/* 0, -ENODEV (no RTC bound), -EINVAL (seconds beyond the RTC's range). */
int rtc_set_time(uint64_t seconds);
/* 0 or -ENODEV. */
int rtc_get_time(uint64_t *seconds);
