// SPDX-License-Identifier: BSD-2-Clause
/*
 * memset for images with memory tagging (CONFIG_ARM64_MTE); it replaces
 * picolibc's, whose large-size path zeroes with DC ZVA.  QEMU 7.2 (Debian
 * bookworm's) raises a tag check fault for DC ZVA through a tagged
 * pointer even when every granule of the zeroed block has the pointer's
 * tag, so calloc() of a few hundred bytes faulted.  This one only stores
 * inside [s, s + n), 16 bytes at a time once aligned: no access leaves
 * the caller's buffer, so no other block's tag is ever touched.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Without this, GCC turns the loops back into a call to memset. */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;
	uint64_t v = (uint8_t)c * 0x0101010101010101ULL;

	while (n && ((uintptr_t)p & 15)) {
		*p++ = (unsigned char)c;
		n--;
	}
	for (; n >= 16; n -= 16, p += 16) {
		((uint64_t *)p)[0] = v;
		((uint64_t *)p)[1] = v;
	}
	while (n--)
		*p++ = (unsigned char)c;
	return s;
}
