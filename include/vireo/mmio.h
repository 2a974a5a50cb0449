/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Device register access.  Device-nGnRE mappings keep accesses to one
 * device in program order; these helpers only stop the compiler from
 * merging, splitting or caching them.  Ordering against normal memory
 * (DMA buffers) needs an explicit barrier at the call site.
 */
#pragma once

#include <stdint.h>

static inline uint32_t mmio_read32(const volatile void *addr)
{
	return *(const volatile uint32_t *)addr;
}

static inline void mmio_write32(volatile void *addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

static inline uint64_t mmio_read64(const volatile void *addr)
{
	return *(const volatile uint64_t *)addr;
}

static inline void mmio_write64(volatile void *addr, uint64_t v)
{
	*(volatile uint64_t *)addr = v;
}

static inline uint16_t mmio_read16(const volatile void *addr)
{
	return *(const volatile uint16_t *)addr;
}

static inline void mmio_write16(volatile void *addr, uint16_t v)
{
	*(volatile uint16_t *)addr = v;
}

static inline uint8_t mmio_read8(const volatile void *addr)
{
	return *(const volatile uint8_t *)addr;
}

static inline void mmio_write8(volatile void *addr, uint8_t v)
{
	*(volatile uint8_t *)addr = v;
}
