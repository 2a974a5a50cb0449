/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Memory tagging (Arm MTE), as the portable kernel sees it.  Every 16-byte
 * granule of RAM carries a 4-bit tag; a pointer carries one in bits 59:56.
 * When tagging is on (mte_enabled()), an access through a pointer whose
 * tag differs from the granule's faults at once (synchronous tag check
 * fault), except through tag 0 pointers: those are the kernel's own and
 * are never checked.  So only what malloc() gives applications is tagged,
 * never with tag 0, and all else (the allocator's headers, freed memory,
 * kernel objects) keeps tag 0, which no application pointer has.
 *
 * Without MTE (CPU, machine or configuration) every function here is a
 * cheap no-op and pointers stay untagged.  The arch implements these
 * (arch/arm64/mte.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MTE_GRANULE	16
#define MTE_TAG_SHIFT	56

/* Whether allocations are tagged and checked on this machine. */
bool mte_enabled(void);

/* Why tagging is off ("" when on): for the boot log and mtetest. */
const char *mte_status(void);

static inline unsigned int mte_ptr_tag(const void *p)
{
	return (unsigned int)((uintptr_t)p >> MTE_TAG_SHIFT) & 0xf;
}

/* p without its tag: the address the allocator and devices know. */
static inline void *mte_untag(const void *p)
{
	return (void *)((uintptr_t)p & ~((uintptr_t)0xff << MTE_TAG_SHIFT));
}

/* The tag of the granule holding p (0 when tagging is off). */
unsigned int mte_mem_tag(const void *p);

/*
 * Picks a random non-zero tag not in excl (bit n = tag n), sets it on the
 * size bytes (a multiple of 16) at granule-aligned untagged p and returns
 * p carrying it.  Returns p unchanged when tagging is off.
 */
void *mte_tag_new(void *p, size_t size, uint16_t excl);

/* Sets tag 0 on the size bytes (a multiple of 16) at untagged p. */
void mte_tag_clear(void *p, size_t size);

/* Prints, once, whether the boot found tagging (after the banner). */
void mte_report_boot(void);
