/* SPDX-License-Identifier: BSD-2-Clause */
/* Small compiler helpers shared by all of Vireo.  picolibc's <sys/cdefs.h>
 * defines some of the same names identically; theirs are kept. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/cdefs.h>


#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
/* Sizes that come from callers (attributes, lengths, counts) are combined
 * only through these, or __builtin_{add,mul}_overflow: ALIGN_UP and '+'
 * wrap silently.  align_up_checked() stores x rounded up to a (a power
 * of two) and returns false when that does not fit in a size_t. */
static inline bool align_up_checked(size_t x, size_t a, size_t *out)
{
	size_t sum;

	if (__builtin_add_overflow(x, a - 1, &sum))
		return false;
	*out = sum & ~(a - 1);
	return true;
}
/* a + b, or UINT64_MAX when that does not fit (deadlines: "never"). */
static inline uint64_t add_sat_u64(uint64_t a, uint64_t b)
{
	uint64_t sum;

	return __builtin_add_overflow(a, b, &sum) ? UINT64_MAX : sum;
}
#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#ifndef __noreturn
#define __noreturn __attribute__((noreturn))
#endif
#ifndef __used
#define __used __attribute__((used))
#endif
#ifndef __section
#define __section(s) __attribute__((section(s)))
#endif
#ifndef __aligned
#define __aligned(n) __attribute__((aligned(n)))
#endif
#ifndef __printf_like
#define __printf_like(f, a) __attribute__((format(printf, f, a)))
#endif
#define READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define barrier() __asm__ volatile("" ::: "memory")
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif
#define IS_ENABLED(opt) (__is_enabled_helper(opt))
/* IS_ENABLED(CONFIG_X) is 1 when autoconf.h defines CONFIG_X to 1, else 0. */
#define __is_enabled_helper(x) __is_enabled_arg(__is_enabled_placeholder_##x)
#define __is_enabled_placeholder_1 0,
#define __is_enabled_arg(arg) __is_enabled_take(arg 1, 0)
#define __is_enabled_take(ignored, val, ...) val
