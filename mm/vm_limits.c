// SPDX-License-Identifier: BSD-2-Clause
/*
 * The arithmetic of an EL0 program's sbrk() and mmap() requests
 * (include/vireo/vmspace.h), apart from the space so that the host
 * tests can reach every edge: wrapping, the heap's ends, the size
 * limit, the protections and flags accepted.
 */
#include <errno.h>
#include <sys/mman.h>
#include <vireo/compiler.h>
#include <vireo/mmu.h>
#include <vireo/vmspace.h>

int vm_brk_check(uintptr_t start, uintptr_t old, intptr_t incr,
		 uintptr_t *want)
{
	uintptr_t w;

	if (incr < 0) {
		/* -incr cannot overflow once incr > INTPTR_MIN is checked. */
		if (incr == INTPTR_MIN || (uintptr_t)-incr > old - start)
			return -EINVAL;
		w = old - (uintptr_t)-incr;
	} else {
		if ((uintptr_t)incr > USER_MMAP_MAX ||
		    __builtin_add_overflow(old, (uintptr_t)incr, &w) ||
		    w > USER_HEAP_END)
			return -ENOMEM;
	}
	*want = w;
	return 0;
}

int vm_anon_len(size_t len, size_t *out)
{
	if (!len)
		return -EINVAL;
	if (len > USER_MMAP_MAX)
		return -ENOMEM;
	*out = ALIGN_UP(len, PAGE_SIZE);
	return 0;
}

int vm_mmap_prot(int prot, int flags, int fd, off_t off)
{
	if ((flags & ~MAP_STACK) != (MAP_PRIVATE | MAP_ANONYMOUS) ||
	    fd != -1 || off)
		return -EINVAL;	/* files, shared or fixed mappings */
	if (prot & PROT_EXEC)
		return -ENOTSUP;	/* zeroed, never writable: no code */
	if (prot & ~(PROT_READ | PROT_WRITE))
		return -EINVAL;
	if (prot == PROT_NONE)		/* a reservation; not a stack */
		return (flags & MAP_STACK) ? -EINVAL : 0;
	/* Write implies read on this hardware (no write-only pages). */
	return (prot & PROT_WRITE) ? VM_READ | VM_WRITE : VM_READ;
}
