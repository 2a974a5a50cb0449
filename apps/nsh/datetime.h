/* SPDX-License-Identifier: BSD-2-Clause */
/* Calendar dates for `date -s` (datetime.c). */
#pragma once

#include <stdint.h>

/* "YYYY-MM-DD hh:mm[:ss]" (UTC, 1970 to 9999) to seconds since the
 * Epoch in *secs: 0, or -1 when s is not exactly such a valid date. */
int nsh_parse_date(const char *s, int64_t *secs);
