// SPDX-License-Identifier: BSD-2-Clause
/* mmap(), munmap() and mprotect() (<sys/mman.h>): anonymous memory of
 * an EL0 process (mm/vm_calls.c); ENOSYS in the flat build. */
#include <sys/mman.h>
#include <vireo/libc.h>
#include <generated/syscalls.h>

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return libc_address_result(sys_mmap((uintptr_t)addr, len, prot, flags,
					    fd, off));
}

int munmap(void *addr, size_t len)
{
	return (int)libc_result(sys_munmap((uintptr_t)addr, len));
}

int mprotect(void *addr, size_t len, int prot)
{
	return (int)libc_result(sys_mprotect((uintptr_t)addr, len, prot));
}
