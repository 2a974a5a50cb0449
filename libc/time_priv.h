/* SPDX-License-Identifier: BSD-2-Clause */
/* The C library's time helpers: the conversions and times()'s tick. */
#pragma once

#include <vireo/timespec.h>

/* Ticks per second of times() and sysconf(_SC_CLK_TCK). */
#define TIMES_HZ 100
