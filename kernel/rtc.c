// SPDX-License-Identifier: BSD-2-Clause
/*
 * The system's real-time clock: the first RTC driver that registers.
 * The pointer is published with release semantics after the driver has
 * set its device up, so a reader that sees it sees a working device.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <vireo/rtc.h>

static const struct rtc_ops *rtc;

int rtc_register(const struct rtc_ops *ops)
{
	const struct rtc_ops *none = NULL;

	return __atomic_compare_exchange_n(&rtc, &none, ops, false,
					   __ATOMIC_RELEASE, __ATOMIC_RELAXED) ?
	       0 : -EBUSY;
}

int rtc_get_time(uint64_t *seconds)
{
	const struct rtc_ops *r = __atomic_load_n(&rtc, __ATOMIC_ACQUIRE);

	return r ? r->get_time(seconds) : -ENODEV;
}

int rtc_set_time(uint64_t seconds)
{
	const struct rtc_ops *r = __atomic_load_n(&rtc, __ATOMIC_ACQUIRE);

	return r ? r->set_time(seconds) : -ENODEV;
}
