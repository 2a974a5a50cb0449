// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of mm/vm_limits.c: the arithmetic of an EL0 program's sbrk()
 * and mmap() (include/vireo/vmspace.h): the break moves within
 * [heap start, USER_HEAP_END), never wraps, takes at most USER_MMAP_MAX
 * at once; mmap lengths round up to pages with the same limit; only
 * private anonymous read or read-write mappings are accepted.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <vireo/vmspace.h>
#include "unit.h"

#define START	(USER_VA_BASE + 0x20000UL)

TEST(brk_moves_within_the_heap)
{
	uintptr_t w = 0;

	EXPECT_EQ(vm_brk_check(START, START, 0, &w), 0);
	EXPECT_EQ(w, START);
	EXPECT_EQ(vm_brk_check(START, START, 100, &w), 0);
	EXPECT_EQ(w, START + 100);
	EXPECT_EQ(vm_brk_check(START, START + 100, -100, &w), 0);
	EXPECT_EQ(w, START);
	EXPECT_EQ(vm_brk_check(START, START + 100, -101, &w), -EINVAL);
	EXPECT_EQ(vm_brk_check(START, START, INTPTR_MIN, &w), -EINVAL);
	EXPECT_EQ(vm_brk_check(START, START, -1, &w), -EINVAL);
}

TEST(brk_limits_are_enomem)
{
	uintptr_t w = 0;

	EXPECT_EQ(vm_brk_check(START, START, (intptr_t)USER_MMAP_MAX, &w), 0);
	EXPECT_EQ(vm_brk_check(START, START, (intptr_t)USER_MMAP_MAX + 1, &w),
		  -ENOMEM);
	EXPECT_EQ(vm_brk_check(START, START, INTPTR_MAX, &w), -ENOMEM);
	/* Up to USER_HEAP_END exactly, not past it. */
	EXPECT_EQ(vm_brk_check(START, USER_HEAP_END - 10, 10, &w), 0);
	EXPECT_EQ(w, USER_HEAP_END);
	EXPECT_EQ(vm_brk_check(START, USER_HEAP_END - 10, 11, &w), -ENOMEM);
	/* A break near the top of the address space cannot wrap. */
	EXPECT_EQ(vm_brk_check(START, UINTPTR_MAX - 4, 10, &w), -ENOMEM);
}

TEST(mmap_lengths_round_to_pages)
{
	size_t n = 0;

	EXPECT_EQ(vm_anon_len(1, &n), 0);
	EXPECT_EQ(n, 4096);
	EXPECT_EQ(vm_anon_len(4096, &n), 0);
	EXPECT_EQ(n, 4096);
	EXPECT_EQ(vm_anon_len(4097, &n), 0);
	EXPECT_EQ(n, 8192);
	EXPECT_EQ(vm_anon_len(0, &n), -EINVAL);
	EXPECT_EQ(vm_anon_len(USER_MMAP_MAX, &n), 0);
	EXPECT_EQ(n, USER_MMAP_MAX);
	EXPECT_EQ(vm_anon_len(USER_MMAP_MAX + 1, &n), -ENOMEM);
	EXPECT_EQ(vm_anon_len(SIZE_MAX, &n), -ENOMEM);	/* no wrap to 0 */
}

TEST(mmap_takes_private_anonymous_memory_only)
{
	const int anon = MAP_PRIVATE | MAP_ANONYMOUS;

	EXPECT_EQ(vm_mmap_prot(PROT_READ, anon, -1, 0), VM_READ);
	EXPECT_EQ(vm_mmap_prot(PROT_READ | PROT_WRITE, anon, -1, 0),
		  VM_READ | VM_WRITE);
	EXPECT_EQ(vm_mmap_prot(PROT_WRITE, anon, -1, 0), VM_READ | VM_WRITE);
	EXPECT_EQ(vm_mmap_prot(PROT_READ | PROT_EXEC, anon, -1, 0), -ENOTSUP);
	EXPECT_EQ(vm_mmap_prot(PROT_READ | PROT_WRITE | PROT_EXEC, anon, -1, 0),
		  -ENOTSUP);
	EXPECT_EQ(vm_mmap_prot(PROT_NONE, anon, -1, 0), 0);	/* reserved */
	EXPECT_EQ(vm_mmap_prot(PROT_NONE, anon | MAP_STACK, -1, 0), -EINVAL);
	EXPECT_EQ(vm_mmap_prot(0x100, anon, -1, 0), -EINVAL);
	EXPECT_EQ(vm_mmap_prot(PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0),
		  -EINVAL);
	EXPECT_EQ(vm_mmap_prot(PROT_READ, MAP_PRIVATE, 3, 0), -EINVAL);
	EXPECT_EQ(vm_mmap_prot(PROT_READ, anon | MAP_FIXED, -1, 0), -EINVAL);
	EXPECT_EQ(vm_mmap_prot(PROT_READ, anon, 3, 0), -EINVAL);
	EXPECT_EQ(vm_mmap_prot(PROT_READ, anon, -1, 4096), -EINVAL);
	EXPECT_EQ(vm_mmap_prot(PROT_READ | PROT_WRITE, anon | MAP_STACK, -1, 0),
		  VM_READ | VM_WRITE);
	EXPECT_EQ(vm_mmap_prot(PROT_READ, MAP_PRIVATE | MAP_STACK, -1, 0),
		  -EINVAL);
}

UNIT_MAIN(UNIT_CASE(brk_moves_within_the_heap),
	  UNIT_CASE(brk_limits_are_enomem),
	  UNIT_CASE(mmap_lengths_round_to_pages),
	  UNIT_CASE(mmap_takes_private_anonymous_memory_only))
