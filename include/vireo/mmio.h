/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Device register access.  Device-nGnRE mappings keep accesses to one
 * device in program order; these helpers only stop the compiler from
 * merging, splitting or caching them.  Ordering against normal memory
 * (DMA buffers) needs an explicit barrier at the call site.
 */
#pragma once

#include <stddef.h>
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

/* Copies len bytes of a device region at base + off (a virtio device's
 * configuration space) in the widest accesses the offset's alignment
 * allows, so a naturally aligned field is read or written in one access,
 * as such regions require. */
static inline void mmio_read_bytes(const volatile uint8_t *base, size_t off,
				   void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		size_t w = len >= 4 && !(off & 3) ? 4 : len >= 2 && !(off & 1) ? 2 : 1;
		if (w == 4) {
			uint32_t v = mmio_read32(base + off);
			__builtin_memcpy(p, &v, 4);
		} else if (w == 2) {
			uint16_t v = mmio_read16(base + off);
			__builtin_memcpy(p, &v, 2);
		} else {
			*p = mmio_read8(base + off);
		}
		off += w, p += w, len -= w;
	}
}

static inline void mmio_write_bytes(volatile uint8_t *base, size_t off,
				    const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		size_t w = len >= 4 && !(off & 3) ? 4 : len >= 2 && !(off & 1) ? 2 : 1;
		if (w == 4) {
			uint32_t v;
			__builtin_memcpy(&v, p, 4);
			mmio_write32(base + off, v);
		} else if (w == 2) {
			uint16_t v;
			__builtin_memcpy(&v, p, 2);
			mmio_write16(base + off, v);
		} else {
			mmio_write8(base + off, *p);
		}
		off += w, p += w, len -= w;
	}
}
