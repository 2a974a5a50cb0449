/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The battery-backed real-time clock, in whole seconds since the Epoch
 * (UTC).  The RTC driver reads it once at boot to set CLOCK_REALTIME;
 * these calls let `date -s` and clock_settime() write it back.  Setting
 * the RTC does not change CLOCK_REALTIME: the caller does both.
 * Thread or interrupt context; no lock is needed (one register each).
 */
#pragma once

#include <stdint.h>

/* 0, -ENODEV (no RTC bound), -EINVAL (seconds beyond the RTC's range). */
int rtc_set_time(uint64_t seconds);
/* 0 or -ENODEV. */
int rtc_get_time(uint64_t *seconds);
